/** Maps zeromq.js socket type numbers to the socket types of @zmtp/patterns. */
import type { SocketOptions as CoreOptions, SocketBase } from "@zmtp/core";
import {
  DealerSocket,
  PairSocket,
  PubSocket,
  PullSocket,
  PushSocket,
  RepSocket,
  ReqSocket,
  RouterSocket,
  StreamSocket,
  SubSocket,
  XPubSocket,
  XSubSocket,
} from "@zmtp/patterns";
import { ZmqError } from "@zmtp/spec";
import { type Context, coreContext } from "./context";

const FACTORIES: Record<number, new (context: ReturnType<typeof coreContext>) => SocketBase> = {
  0: PairSocket,
  1: PubSocket,
  2: SubSocket,
  3: ReqSocket,
  4: RepSocket,
  5: DealerSocket,
  6: RouterSocket,
  7: PullSocket,
  8: PushSocket,
  9: XPubSocket,
  10: XSubSocket,
  11: StreamSocket,
};

export function createCoreSocket(type: number, context: Context): SocketBase {
  const Factory = FACTORIES[type];
  if (Factory === undefined) throw new ZmqError("EINVAL", "Invalid socket type");
  return new Factory(coreContext(context));
}

/** Options a context imposes on its new sockets. */
export function initialOptions(context: Context): Partial<CoreOptions> {
  const options: Partial<CoreOptions> = {
    maxMessageSize: context.maxMessageSize,
    ipv6: context.ipv6,
  };
  if (!context.blocky) options.linger = 0;
  return options;
}
