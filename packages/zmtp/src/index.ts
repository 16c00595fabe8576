/**
 * zmtp: ZeroMQ in pure TypeScript, with the zeromq.js v6 API. Replace
 * `import * as zmq from "zeromq"` with `import * as zmq from "zmtp"`.
 */

export { curveKeyPair } from "@zmtp/security/curve";
export { isZmqError, ZmqError, type ZmqErrorCode } from "@zmtp/spec";
export { Context, context } from "./context";
export type { Message, MessageLike } from "./message";
export { type Event, type EventType, Observer } from "./observer";
export { Proxy } from "./proxy";
export { lastPeer, type PeerInfo } from "./security-options";
export { Socket, type SocketOptions } from "./socket";
export {
  Dealer,
  Pair,
  Publisher,
  Pull,
  Push,
  Reply,
  Request,
  Router,
  SocketType,
  Stream,
  Subscriber,
  XPublisher,
  XSubscriber,
} from "./sockets";
export { ZapHandler, type ZapHandlerOptions } from "./zap-handler";

/** The libzmq version whose behaviour zmtp follows (zeromq.js reports its libzmq version). */
export const version = "4.3.5";

/** What this build supports, in zeromq.js's shape. */
export const capability: Readonly<
  Record<"ipc" | "pgm" | "tipc" | "norm" | "curve" | "gssapi" | "draft", boolean>
> = Object.freeze({
  ipc: true,
  pgm: false,
  tipc: false,
  norm: false,
  curve: true,
  gssapi: false,
  draft: false,
});
