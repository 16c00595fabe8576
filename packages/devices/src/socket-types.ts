/**
 * Core sockets by type name, for devices described as data (device configs, ZDCF files).
 * Names are matched without regard to case; `xreq` and `xrep` are the pre-3.0 names of DEALER
 * and ROUTER that old configuration files still use.
 */
import type { Context, SocketBase } from "@zmtp/core";
import {
  DealerSocket,
  PairSocket,
  PubSocket,
  PullSocket,
  PushSocket,
  RepSocket,
  ReqSocket,
  RouterSocket,
  SubSocket,
  XPubSocket,
  XSubSocket,
} from "@zmtp/patterns";

/** The socket types a device may use. */
export type DeviceSocketType =
  | "PAIR"
  | "PUB"
  | "SUB"
  | "REQ"
  | "REP"
  | "DEALER"
  | "ROUTER"
  | "PULL"
  | "PUSH"
  | "XPUB"
  | "XSUB";

const FACTORIES: Record<DeviceSocketType, new (context: Context) => SocketBase> = {
  PAIR: PairSocket,
  PUB: PubSocket,
  SUB: SubSocket,
  REQ: ReqSocket,
  REP: RepSocket,
  DEALER: DealerSocket,
  ROUTER: RouterSocket,
  PULL: PullSocket,
  PUSH: PushSocket,
  XPUB: XPubSocket,
  XSUB: XSubSocket,
};

const ALIASES: Readonly<Record<string, DeviceSocketType>> = { XREQ: "DEALER", XREP: "ROUTER" };

/** The canonical type for a name such as "router", "ROUTER" or "xrep"; undefined if unknown. */
export function socketTypeOf(name: string): DeviceSocketType | undefined {
  const upper = name.toUpperCase();
  if (Object.hasOwn(FACTORIES, upper)) return upper as DeviceSocketType;
  return ALIASES[upper];
}

export const DEVICE_SOCKET_TYPES: readonly DeviceSocketType[] = Object.keys(
  FACTORIES,
) as DeviceSocketType[];

export function createSocket(context: Context, type: DeviceSocketType): SocketBase {
  return new FACTORIES[type](context);
}
