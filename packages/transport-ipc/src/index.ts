export { IpcTransport, ipc } from "./ipc-transport";
