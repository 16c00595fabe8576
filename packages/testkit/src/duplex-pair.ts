/**
 * Two connected in-memory `Connection`s for engine and mechanism tests: no sockets, no ports.
 *
 * Semantics match the contract and the transports: chunks are delivered as the same objects in
 * microtask batches (never inside `write`), `write` returns false above `highWaterMark` unread
 * bytes at the peer and `drain` follows, `end` flushes then closes both ends, `closed` is
 * reported once per end. (testkit may import only @zmtp/spec, so this is its own small pipe.)
 */
import { type Connection, type ConnectionHandler, ZmqError } from "@zmtp/spec";

export interface DuplexPairOptions {
  /** Unread bytes at the peer above which `write` returns false. Default 1 MiB. */
  readonly highWaterMark?: number;
  /** Addresses of the first and the second end. Default `test://a` and `test://b`. */
  readonly addresses?: readonly [string, string];
  /** What both ends report as `peerHost` (ZAP's address). Default "". */
  readonly peerHost?: string;
}

class DuplexEnd implements Connection {
  peer!: DuplexEnd;
  handler: ConnectionHandler | undefined;
  private queue: Uint8Array[] = [];
  queuedBytes = 0;
  private paused = false;
  private scheduled = false;
  private ending = false;
  peerEnded = false;
  owesDrain = false;
  private outcome: { error: ZmqError | undefined } | undefined;

  constructor(
    readonly localAddress: string,
    readonly remoteAddress: string,
    readonly peerHost: string,
    private readonly mark: number,
  ) {}

  get isOpen(): boolean {
    return this.outcome === undefined;
  }

  start(handler: ConnectionHandler): void {
    if (this.handler) throw new ZmqError("EINVAL", "Connection already started");
    this.handler = handler;
    if (this.outcome) {
      queueMicrotask(() => handler.closed(this.outcome?.error));
      return;
    }
    this.schedule();
    if (this.owesDrain) this.peer.schedule();
  }

  write(chunks: readonly Uint8Array[]): boolean {
    const peer = this.peer;
    if (this.outcome || this.ending || !peer.isOpen) return true;
    for (const chunk of chunks) {
      peer.queue.push(chunk);
      peer.queuedBytes += chunk.byteLength;
    }
    peer.schedule();
    if (peer.queuedBytes <= this.mark) return true;
    this.owesDrain = true;
    return false;
  }

  pause(): void {
    this.paused = true;
  }

  resume(): void {
    this.paused = false;
    this.schedule();
  }

  end(): void {
    if (this.outcome || this.ending) return;
    this.ending = true;
    this.peer.peerEnded = true;
    this.peer.schedule();
  }

  destroy(error?: ZmqError): void {
    if (this.outcome) return;
    this.settle(error);
    this.peer.settle(undefined);
  }

  schedule(): void {
    if (this.scheduled || !this.handler || this.outcome) return;
    this.scheduled = true;
    queueMicrotask(() => this.flush());
  }

  private flush(): void {
    this.scheduled = false;
    const handler = this.handler;
    if (!handler) return;
    while (!this.paused && this.outcome === undefined && this.queue.length > 0) {
      const chunk = this.queue.shift()!;
      this.queuedBytes -= chunk.byteLength;
      handler.data(chunk);
    }
    if (this.outcome) return;
    const writer = this.peer;
    if (writer.owesDrain && writer.handler && this.queuedBytes <= this.mark) {
      writer.owesDrain = false;
      writer.handler.drain();
    }
    if (this.peerEnded && this.queuedBytes === 0) {
      this.settle(undefined);
      writer.settle(undefined);
    }
  }

  settle(error: ZmqError | undefined): void {
    if (this.outcome) return;
    this.outcome = { error };
    this.queue = [];
    this.queuedBytes = 0;
    const handler = this.handler;
    if (handler) queueMicrotask(() => handler.closed(error));
  }
}

/** Two connected in-memory connections. */
export function duplexPair(options: DuplexPairOptions = {}): [Connection, Connection] {
  const [a, b] = options.addresses ?? ["test://a", "test://b"];
  const mark = options.highWaterMark ?? 1024 * 1024;
  const host = options.peerHost ?? "";
  const left = new DuplexEnd(a, b, host, mark);
  const right = new DuplexEnd(b, a, host, mark);
  left.peer = right;
  right.peer = left;
  return [left, right];
}
