import { ZmqError } from "@zmtp/spec";

/** The error a send on a receive-only socket (or the reverse) gives, as libzmq's ENOTSUP. */
export function notSupported(operation: "send" | "receive", type: string): ZmqError {
  return new ZmqError("ENOTSUP", `${type} sockets cannot ${operation}`);
}
