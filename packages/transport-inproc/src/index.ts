export { InprocTransport, inproc } from "./inproc-transport";
export { HIGH_WATER_MARK } from "./pipe-end";
