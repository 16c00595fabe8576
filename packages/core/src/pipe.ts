/**
 * A pipe joins a socket to one peer: an outbound queue (socket → wire) bounded by the send
 * high-water mark and an inbound queue (wire → socket) bounded by the receive mark. Marks count
 * whole messages, as libzmq's do; 0 means no limit.
 *
 * The socket side uses read / write / checkWrite; the engine side uses deliver / pull. Each side
 * is told when the other makes room or data: the owner through PipeOwner, the engine through
 * PipeEngine. A pipe outlives engines on the connecting side, so messages queued while
 * reconnecting are kept (libzmq's session keeps its pipe the same way).
 */
import type { Message } from "./message";
import { Queue } from "./queue";

export interface PipeOwner {
  /** The pipe got a message while it was empty. */
  readActivated(pipe: Pipe): void;
  /** The pipe has room again after write returned false. */
  writeActivated(pipe: Pipe): void;
  /**
   * The connection under the pipe was lost and unsent messages were dropped (libzmq's hiccup):
   * queue again what every connection needs, such as subscriptions.
   */
  hiccuped(pipe: Pipe): void;
  /** An ending pipe's last inbound message was read: it may be terminated now. */
  pipeDrained(pipe: Pipe): void;
}

export interface PipeEngine {
  /** The socket queued outbound messages. */
  outboundActivated(): void;
  /** The socket read enough that the engine may read from the wire again. */
  inboundDrained(): void;
}

let nextPipeId = 1;

/**
 * While a socket sends a message whose parts still belong to the caller (`sendBorrowed`): how to
 * make a part the pipe's own. A pipe that keeps the message queued past the call applies it to
 * every part, then clears it, so later pipes of the same send see owned parts.
 */
let borrowedParts: ((part: Uint8Array) => Uint8Array) | undefined;

/**
 * Starts a send whose parts are borrowed (SocketBase.sendBorrowed): any pipe that keeps the
 * message past the call first replaces each part with `own(part)`. Returns what to hand to
 * `endBorrowing` after the send, so a send nested inside another keeps the outer one's state.
 */
export function beginBorrowing(
  own: (part: Uint8Array) => Uint8Array,
): ((part: Uint8Array) => Uint8Array) | undefined {
  const outer = borrowedParts;
  borrowedParts = own;
  return outer;
}

export function endBorrowing(outer: ((part: Uint8Array) => Uint8Array) | undefined): void {
  borrowedParts = outer;
}

/**
 * A message that leaves its pipe during the send that queued it, by reference (an in-process
 * peer's pipe): its parts, made its own first when they are borrowed (see beginBorrowing).
 */
export function ownBorrowed(message: Message): void {
  if (borrowedParts !== undefined) keepParts(message);
}

/** The queued message's parts, made its own (see beginBorrowing). */
function keepParts(message: Message): void {
  const own = borrowedParts!;
  borrowedParts = undefined;
  for (let index = 0; index < message.length; index++) {
    const part = message[index]!;
    const kept = own(part);
    if (kept !== part) message[index] = kept;
  }
}

export class Pipe {
  readonly id = nextPipeId++;
  /** Set by sockets that route by peer (ROUTER, STREAM). */
  routingId: Uint8Array | undefined;
  /** The routing id given with connect(address, { routingId }) (ZMQ_CONNECT_ROUTING_ID). */
  connectRoutingId: Uint8Array | undefined;
  /** Peer properties from the handshake (names lower-cased). */
  peerProperties: ReadonlyMap<string, Uint8Array> = new Map();
  /** The peer's announced socket type, once known. */
  peerSocketType = "";
  /** The peer's ZMTP minor version (0 for ZMTP 3.0 peers). */
  peerMinor = 1;
  /** User-Id given by ZAP for this peer, "" when none. */
  userId = "";
  /** The endpoint the pipe was made for (bind or connect address). */
  endpoint: string;
  terminated = false;
  /** No more writes: the peer is gone or being disconnected (reads go on until drained). */
  writesClosed = false;
  /** The peer is gone; terminate once the socket read what it sent. */
  private ending = false;
  /**
   * Keep only the newest message in each direction (ZMQ_CONFLATE): writes never wait, and an
   * unread or unsent message is replaced by the next one.
   */
  conflate = false;

  private readonly inbound = new Queue<Message>();
  private readonly outbound = new Queue<Message>();
  private outboundFull = false;
  private drainWanted = false;
  private engine: PipeEngine | undefined;

  constructor(
    private readonly owner: PipeOwner,
    public sendHighWaterMark: number,
    public receiveHighWaterMark: number,
    endpoint: string,
  ) {
    this.endpoint = endpoint;
  }

  // ---- socket side -------------------------------------------------------------------------

  /** Whether a write would be accepted now. */
  checkWrite(): boolean {
    if (this.terminated || this.writesClosed) return false;
    if (this.conflate) return true;
    const room = this.sendHighWaterMark <= 0 || this.outbound.length < this.sendHighWaterMark;
    if (!room) this.outboundFull = true;
    return room;
  }

  /** Queues a message for the peer; false (and nothing queued) at the mark or after termination. */
  write(message: Message): boolean {
    if (!this.checkWrite()) return false;
    if (this.conflate) this.outbound.clear();
    this.queueOutbound(message);
    return true;
  }

  /** Queues a message regardless of the mark (used for subscriptions, which libzmq never drops). */
  forceWrite(message: Message): void {
    if (this.terminated) return;
    this.queueOutbound(message);
  }

  private queueOutbound(message: Message): void {
    this.outbound.push(message);
    try {
      if (this.outbound.length === 1) this.engine?.outboundActivated();
    } finally {
      // Still queued (the engine did not encode it now, or failed to): borrowed parts must
      // become the pipe's own before the sender may change them.
      if (this.outbound.length > 0) ownBorrowed(message);
    }
  }

  get hasInbound(): boolean {
    return this.inbound.length > 0;
  }

  get outboundLength(): number {
    return this.outbound.length;
  }

  /** The pipe the most recent message was read from, in any socket (read it at once). */
  static lastRead: Pipe | undefined;

  read(): Message | undefined {
    const message = this.inbound.shift();
    if (message !== undefined) Pipe.lastRead = this;
    if (this.ending && this.inbound.length === 0) {
      this.ending = false;
      this.owner.pipeDrained(this);
      return message;
    }
    // Reading resumes at the low-water mark, half the mark as libzmq's compute_lwm has it, so an
    // engine at its mark does not stop and start again for every message read.
    if (this.drainWanted && this.inbound.length <= this.lowWaterMark) {
      this.drainWanted = false;
      this.engine?.inboundDrained();
    }
    return message;
  }

  private get lowWaterMark(): number {
    const mark = this.receiveHighWaterMark;
    return mark <= 0 ? Number.MAX_SAFE_INTEGER : Math.floor((mark + 1) / 2);
  }

  /** Drops queued outbound messages (linger 0, or a peer gone for good). */
  dropOutbound(): void {
    this.outbound.clear();
  }

  // ---- engine side -------------------------------------------------------------------------

  attachEngine(engine: PipeEngine | undefined): void {
    this.engine = engine;
    if (engine && this.outbound.length > 0) engine.outboundActivated();
  }

  /**
   * The connection was lost and will be made again: drop what was queued but not sent, as
   * libzmq's pipe hiccup does, and let the socket queue its per-connection state again.
   */
  hiccup(): void {
    this.engine = undefined;
    if (this.terminated) return;
    this.outbound.clear();
    if (this.outboundFull) {
      this.outboundFull = false;
      this.owner.writeActivated(this);
    }
    this.owner.hiccuped(this);
  }

  /**
   * The peer is gone for good: refuse writes, and terminate once the socket has read what the
   * peer sent (libzmq delays pipe termination the same way). Returns true when that is now.
   */
  end(): boolean {
    this.engine = undefined;
    this.writesClosed = true;
    if (this.inbound.length === 0) return true;
    this.ending = true;
    return false;
  }

  get attached(): boolean {
    return this.engine !== undefined;
  }

  /** Whether the inbound queue is at its mark (the engine should stop reading). */
  get inboundFull(): boolean {
    return (
      !this.conflate &&
      this.receiveHighWaterMark > 0 &&
      this.inbound.length >= this.receiveHighWaterMark
    );
  }

  /** The engine stopped reading at the mark; tell it when the socket made room. */
  awaitDrain(): void {
    this.drainWanted = true;
  }

  /** A message from the wire. */
  deliver(message: Message): void {
    if (this.terminated) return;
    if (this.conflate) this.inbound.clear();
    this.inbound.push(message);
    if (this.inbound.length === 1) this.owner.readActivated(this);
  }

  /** The next message for the wire. */
  pull(): Message | undefined {
    const message = this.outbound.shift();
    if (message !== undefined && this.outboundFull) {
      this.outboundFull = false;
      this.owner.writeActivated(this);
    }
    return message;
  }

  terminate(): void {
    this.terminated = true;
    this.engine = undefined;
    this.inbound.clear();
    this.outbound.clear();
  }
}
