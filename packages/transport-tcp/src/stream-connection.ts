/**
 * A `Connection` over a Node stream socket (`net.Socket`), shared by every transport built on
 * `node:net`: tcp here, ipc in @zmtp/transport-ipc.
 *
 * - Data arriving before `start` stays in the socket (it is paused until then).
 * - Each `write` is a whole batch (the engine batches one event-loop turn): it leaves at once,
 *   in one `writev`. Waiting for the next tick to merge batches only added latency.
 * - `pause` is lazy: the Node socket is paused only when a chunk arrives while paused (that chunk
 *   is held and handed over after `resume`). An engine pauses and resumes at its receive mark as
 *   often as once per message; a real `socket.pause()` / `resume()` pair costs a nextTick and
 *   two events each time, so it now happens at most once per chunk read.
 * - A peer's end (FIN) closes the connection: ZMTP has no use for a half-open stream. A FIN that
 *   arrives while paused is held until the owner resumed and took everything, so no byte the
 *   peer sent before its FIN is lost to the close.
 * - `closed` is reported exactly once, never from inside `write`, `end` or `destroy`.
 * - With `StreamReads` (see there) chunks come from `onread` rather than `"data"` events; pausing
 *   and resuming the socket work the same either way.
 */
import { Buffer } from "node:buffer";
import type { Socket } from "node:net";
import { type Connection, type ConnectionHandler, fromSystemError, ZmqError } from "@zmtp/spec";
import type { StreamReads } from "./stream-reads";

/** `Buffer.from(memory, byteOffset, length)`: a Buffer over those bytes, no copy. */
const bufferView = Buffer.from as (
  memory: ArrayBufferLike,
  byteOffset: number,
  length: number,
) => Buffer;

/** How a connection names its two ends. */
export interface StreamAddresses {
  readonly localAddress: string;
  readonly remoteAddress: string;
  readonly peerHost: string;
}

/** Maps a socket error to a ZmqError; a broken pipe is a reset peer, as libzmq reports it. */
export function streamError(error: unknown, address: string): ZmqError {
  const code = (error as { code?: unknown } | null)?.code;
  if (code === "EPIPE") return new ZmqError("ECONNRESET", undefined, { cause: error, address });
  return fromSystemError(error, address);
}

export class StreamConnection implements Connection {
  readonly localAddress: string;
  readonly remoteAddress: string;
  readonly peerHost: string;
  /**
   * How chunks arrive: through `onread` (a `StreamReads`), or as `"data"` events: without a
   * `StreamReads`, or on a runtime whose `net` ignored the `onread` option (then this turns to
   * `"data"` at the first chunk).
   */
  get reads(): "onread" | "data" {
    return this.readPath;
  }

  private readonly socket: Socket;
  private readonly readsFrom: StreamReads | undefined;
  private readPath: "onread" | "data";
  private handler: ConnectionHandler | undefined;
  /** The owner asked for no data (`pause`); the socket itself may still be flowing. */
  private paused = false;
  /** Whether `socket.pause()` is in effect. */
  private socketPaused = true;
  /** Chunks read while paused, handed over after `resume`. */
  private held: Buffer[] = [];
  private handOverScheduled = false;
  /** The peer's FIN came while paused or with chunks held. */
  private endPending = false;
  /** The socket closed while chunks were held: report it once they are handed over. */
  private closeDeferred = false;
  /** Set once `closed` is decided; `reported` once the handler heard it. */
  private outcome: { error: ZmqError | undefined } | undefined;
  private reported = false;
  /** The first error the socket raised, reported when it closes. */
  private socketError: ZmqError | undefined;

  /**
   * `reads`: the `StreamReads` the socket was created with (`onread`) or adopted by; without it
   * chunks come from `"data"` events.
   */
  constructor(socket: Socket, addresses: StreamAddresses, reads?: StreamReads) {
    this.socket = socket;
    this.readPath = reads === undefined ? "data" : "onread";
    this.readsFrom = reads;
    this.localAddress = addresses.localAddress;
    this.remoteAddress = addresses.remoteAddress;
    this.peerHost = addresses.peerHost;
    // Explicitly paused: adding the "data" listener in `start` then does not resume by itself.
    socket.pause();
    reads?.attach(
      (chunk) => this.onData(chunk),
      (error) => this.destroy(error),
    );
    socket.on("error", (error) => {
      this.socketError ??= streamError(error, this.remoteAddress);
    });
    socket.on("end", () => {
      // The peer sent FIN after everything it wrote was read: an orderly close, once the owner
      // has taken every chunk.
      if (this.paused || this.held.length > 0) {
        this.endPending = true;
        return;
      }
      this.onEnd();
    });
    socket.on("close", () => {
      // Node closes a socket by itself once the peer's FIN arrived (allowHalfOpen is false);
      // chunks still held for a paused owner are handed over before the close is reported.
      if (this.held.length > 0 || this.endPending) {
        this.closeDeferred = true;
        return;
      }
      this.settle(this.socketError);
    });
    socket.on("drain", () => {
      if (this.outcome === undefined) this.handler?.drain();
    });
  }

  start(handler: ConnectionHandler): void {
    if (this.handler !== undefined) throw new ZmqError("EINVAL", "Connection already started");
    this.handler = handler;
    if (this.outcome !== undefined) {
      queueMicrotask(() => this.report());
      return;
    }
    // Also with `onread`: Node then never emits "data", and a runtime that ignored the option
    // still delivers its chunks this way.
    this.socket.on("data", (chunk: Buffer) => {
      this.readPath = "data";
      this.onData(chunk);
    });
    if (!this.paused) this.resume();
  }

  private onData(chunk: Buffer): void {
    if (this.outcome !== undefined) return;
    if (this.handler === undefined || this.paused || this.held.length > 0) {
      this.held.push(chunk);
      if (!this.socketPaused) {
        this.socketPaused = true;
        this.socket.pause();
      }
      return;
    }
    this.handler?.data(chunk);
  }

  private onEnd(): void {
    this.settle(undefined);
    this.socket.end();
  }

  private resumeSocket(): void {
    if (!this.socketPaused) return;
    this.socketPaused = false;
    this.socket.resume();
  }

  /**
   * Hands held chunks over (never from inside `resume`), then a held FIN, then reads again. If
   * the owner paused again meanwhile, the next `resume` schedules another try.
   */
  private handOver(): void {
    this.handOverScheduled = false;
    const handler = this.handler;
    if (handler === undefined) return;
    while (!this.paused && this.held.length > 0 && this.outcome === undefined) {
      handler.data(this.held.shift()!);
    }
    if (this.paused || this.outcome !== undefined) return;
    if (this.endPending) {
      this.endPending = false;
      this.onEnd();
      return;
    }
    if (this.closeDeferred) {
      this.settle(this.socketError);
      return;
    }
    this.resumeSocket();
  }

  write(chunks: readonly Uint8Array[]): boolean {
    const socket = this.socket;
    // `writable` is false once the socket ended or was destroyed (one getter for both).
    if (this.outcome !== undefined || !socket.writable) return true;
    // The owner hands over a whole batch per call: it leaves at once, in one writev. What
    // `write` returns is whether the socket is below its mark.
    if (chunks.length === 1) return socket.write(chunks[0]!);
    socket.cork();
    for (const chunk of chunks) socket.write(chunk);
    socket.uncork();
    return !socket.writableNeedDrain;
  }

  /** Buffers over the memory of the chunks read (see `Connection.viewBuffer`). */
  readonly viewBuffer = bufferView;

  /**
   * Uninitialised memory for the engine's buffers and decoded bodies (every byte is written
   * before use). `Buffer.allocUnsafe` hands out small sizes from Node's shared pool (no backing
   * store of their own) and gives larger ones (the engine's 64 KiB batches) their own.
   */
  allocateBuffer(size: number): Uint8Array {
    return Buffer.allocUnsafe(size);
  }

  /**
   * Node decrements `writableLength` as soon as libuv finished a write (synchronously when the
   * kernel took it all at once), so zero means no chunk is referenced by a pending write.
   */
  written(): boolean {
    return this.socket.writableLength === 0;
  }

  ref(): void {
    this.socket.ref();
  }

  unref(): void {
    this.socket.unref();
  }

  pause(): void {
    this.paused = true;
  }

  resume(): void {
    this.paused = false;
    if (this.handler === undefined || this.outcome !== undefined) return;
    if (this.held.length > 0 || this.endPending || this.closeDeferred) {
      // On the next macrotask: an owner at its receive mark resumes and pauses again for every
      // message it drains; by then it has drained what the current turn allows.
      if (!this.handOverScheduled) {
        this.handOverScheduled = true;
        setImmediate(() => this.handOver());
      }
      return;
    }
    this.resumeSocket();
  }

  end(): void {
    if (this.outcome !== undefined || this.socket.writableEnded || this.socket.destroyed) return;
    this.socket.end();
  }

  destroy(error?: ZmqError): void {
    if (this.socket.destroyed) return;
    this.settle(error);
    this.socket.destroy();
  }

  private settle(error: ZmqError | undefined): void {
    if (this.outcome !== undefined) return;
    this.outcome = { error };
    this.readsFrom?.close();
    // Asynchronous so `closed` never runs inside the caller's destroy(); "close" is already so.
    queueMicrotask(() => this.report());
  }

  private report(): void {
    if (this.reported || this.handler === undefined || this.outcome === undefined) return;
    this.reported = true;
    this.handler.closed(this.outcome.error);
  }
}
