/**
 * Socket types: names as they travel in the READY `Socket-Type` property, numbers as libzmq's
 * zmq.h has them, and which types may talk to each other (RFC 23 / RFC 37, libzmq's
 * mechanism_t::check_socket_type).
 */
export const SOCKET_TYPES = {
  PAIR: 0,
  PUB: 1,
  SUB: 2,
  REQ: 3,
  REP: 4,
  DEALER: 5,
  ROUTER: 6,
  PULL: 7,
  PUSH: 8,
  XPUB: 9,
  XSUB: 10,
  STREAM: 11,
  SERVER: 12,
  CLIENT: 13,
  RADIO: 14,
  DISH: 15,
  GATHER: 16,
  SCATTER: 17,
  DGRAM: 18,
  PEER: 19,
  CHANNEL: 20,
} as const;

export type SocketTypeName = keyof typeof SOCKET_TYPES;

const COMPATIBLE: Record<SocketTypeName, readonly SocketTypeName[]> = {
  PAIR: ["PAIR"],
  PUB: ["SUB", "XSUB"],
  SUB: ["PUB", "XPUB"],
  REQ: ["REP", "ROUTER"],
  REP: ["REQ", "DEALER"],
  DEALER: ["REP", "DEALER", "ROUTER"],
  ROUTER: ["REQ", "DEALER", "ROUTER"],
  PULL: ["PUSH"],
  PUSH: ["PULL"],
  XPUB: ["SUB", "XSUB"],
  XSUB: ["PUB", "XPUB"],
  // STREAM speaks raw bytes; it never does a ZMTP handshake.
  STREAM: [],
  SERVER: ["CLIENT"],
  CLIENT: ["SERVER"],
  RADIO: ["DISH"],
  DISH: ["RADIO"],
  GATHER: ["SCATTER"],
  SCATTER: ["GATHER"],
  DGRAM: [],
  PEER: ["PEER"],
  CHANNEL: ["CHANNEL"],
};

export function isSocketTypeName(name: string): name is SocketTypeName {
  return Object.hasOwn(SOCKET_TYPES, name);
}

/** Whether a socket of type `own` accepts a peer announcing `peer` (case-sensitive, as libzmq). */
export function isCompatible(own: SocketTypeName, peer: string): boolean {
  return (COMPATIBLE[own] as readonly string[]).includes(peer);
}

/** The types a socket of type `own` accepts as peers. */
export function compatiblePeers(own: SocketTypeName): readonly SocketTypeName[] {
  return COMPATIBLE[own];
}

/** Socket type from its libzmq number, or undefined. */
export function socketTypeName(type: number): SocketTypeName | undefined {
  for (const [name, value] of Object.entries(SOCKET_TYPES)) {
    if (value === type) return name as SocketTypeName;
  }
  return undefined;
}
