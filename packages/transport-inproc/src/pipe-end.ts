/**
 * One end of an in-memory byte pipe. Chunks are handed over as the same objects (no copy),
 * always later, in a microtask batch, never from inside `write`.
 */
import { type Connection, type ConnectionHandler, ZmqError } from "@zmtp/spec";

/** Unread bytes queued at the peer above which `write` returns false. */
export const HIGH_WATER_MARK = 1024 * 1024;

export class PipeEnd implements Connection {
  readonly localAddress: string;
  readonly remoteAddress: string;
  readonly peerHost = "";
  /** The other end; set by `createPipe`. */
  peer!: PipeEnd;
  /** Called once when this end closes, for the transport's bookkeeping. */
  onSettle: (() => void) | undefined;

  private handler: ConnectionHandler | undefined;
  private inbox: Uint8Array[] = [];
  private inboxHead = 0;
  private inboxBytes = 0;
  private paused = false;
  private scheduled = false;
  /** This end called `end()`. */
  private ending = false;
  /** The peer called `end()`: close once everything it wrote is delivered here. */
  private peerEnded = false;
  /** `write` returned false; `drain` is owed once the peer's inbox falls below the mark. */
  private owesDrain = false;
  private outcome: { error: ZmqError | undefined } | undefined;
  private reported = false;

  constructor(address: string) {
    this.localAddress = address;
    this.remoteAddress = address;
  }

  start(handler: ConnectionHandler): void {
    if (this.handler !== undefined) throw new ZmqError("EINVAL", "Connection already started");
    this.handler = handler;
    if (this.outcome !== undefined) {
      queueMicrotask(() => this.report());
      return;
    }
    this.schedule();
    if (this.owesDrain) this.peer.schedule();
  }

  write(chunks: readonly Uint8Array[]): boolean {
    if (this.outcome !== undefined || this.ending) return true;
    const peer = this.peer;
    if (peer.outcome !== undefined) return true;
    for (const chunk of chunks) {
      if (chunk.byteLength === 0) continue;
      peer.inbox.push(chunk);
      peer.inboxBytes += chunk.byteLength;
    }
    peer.schedule();
    if (peer.inboxBytes > HIGH_WATER_MARK) {
      this.owesDrain = true;
      return false;
    }
    return true;
  }

  pause(): void {
    this.paused = true;
  }

  resume(): void {
    this.paused = false;
    this.schedule();
  }

  end(): void {
    if (this.outcome !== undefined || this.ending) return;
    this.ending = true;
    this.peer.peerEnded = true;
    this.peer.schedule();
  }

  destroy(error?: ZmqError): void {
    if (this.outcome !== undefined) return;
    this.settle(error);
    this.peer.settle(undefined);
  }

  private schedule(): void {
    if (this.scheduled || this.handler === undefined || this.outcome !== undefined) return;
    this.scheduled = true;
    queueMicrotask(() => this.flush());
  }

  /** Delivers the inbox to the handler until paused; pays the writer's drain; closes on end. */
  private flush(): void {
    this.scheduled = false;
    const handler = this.handler;
    if (handler === undefined || this.outcome !== undefined) return;
    while (!this.paused && this.inboxHead < this.inbox.length && this.outcome === undefined) {
      const chunk = this.inbox[this.inboxHead]!;
      this.inbox[this.inboxHead++] = EMPTY;
      this.inboxBytes -= chunk.byteLength;
      handler.data(chunk);
    }
    if (this.inboxHead === this.inbox.length) {
      this.inbox = [];
      this.inboxHead = 0;
    }
    if (this.outcome !== undefined) return;
    const writer = this.peer;
    if (writer.owesDrain && this.inboxBytes <= HIGH_WATER_MARK && writer.handler !== undefined) {
      writer.owesDrain = false;
      writer.handler.drain();
    }
    if (this.peerEnded && this.inboxBytes === 0 && this.outcome === undefined) {
      this.settle(undefined);
      writer.settle(undefined);
    }
  }

  private settle(error: ZmqError | undefined): void {
    if (this.outcome !== undefined) return;
    this.outcome = { error };
    this.inbox = [];
    this.inboxHead = 0;
    this.inboxBytes = 0;
    this.onSettle?.();
    this.onSettle = undefined;
    queueMicrotask(() => this.report());
  }

  private report(): void {
    if (this.reported || this.handler === undefined || this.outcome === undefined) return;
    this.reported = true;
    this.handler.closed(this.outcome.error);
  }
}

const EMPTY = new Uint8Array(0);

/** Two connected ends, both named `address`. */
export function createPipe(address: string): [PipeEnd, PipeEnd] {
  const left = new PipeEnd(address);
  const right = new PipeEnd(address);
  left.peer = right;
  right.peer = left;
  return [left, right];
}
