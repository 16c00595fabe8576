export { connectStream } from "./connect-stream";
export { ServerListener } from "./server-listener";
export { type StreamAddresses, StreamConnection, streamError } from "./stream-connection";
export { acceptedReads, StreamReads } from "./stream-reads";
export { unmapIpv4 } from "./tcp-address";
export { TcpTransport, type TcpTransportOptions, tcp } from "./tcp-transport";
