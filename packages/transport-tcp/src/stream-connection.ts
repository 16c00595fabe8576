/**
 * A `Connection` over a Node stream socket (`net.Socket`), shared by every transport built on
 * `node:net`: tcp here, ipc in @zmtp/transport-ipc.
 *
 * - Data arriving before `start` stays in the socket (it is paused until then).
 * - Writes made in one event-loop turn are corked and leave in one `writev` on the next tick.
 * - A peer's end (FIN) closes the connection: ZMTP has no use for a half-open stream.
 * - `closed` is reported exactly once, never from inside `write`, `end` or `destroy`.
 */
import type { Socket } from "node:net";
import { type Connection, type ConnectionHandler, fromSystemError, ZmqError } from "@zmtp/spec";

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

  private readonly socket: Socket;
  private handler: ConnectionHandler | undefined;
  private paused = false;
  private corked = false;
  /** Set once `closed` is decided; `reported` once the handler heard it. */
  private outcome: { error: ZmqError | undefined } | undefined;
  private reported = false;
  /** The first error the socket raised, reported when it closes. */
  private socketError: ZmqError | undefined;

  constructor(socket: Socket, addresses: StreamAddresses) {
    this.socket = socket;
    this.localAddress = addresses.localAddress;
    this.remoteAddress = addresses.remoteAddress;
    this.peerHost = addresses.peerHost;
    // Explicitly paused: adding the "data" listener in `start` then does not resume by itself.
    socket.pause();
    socket.on("error", (error) => {
      this.socketError ??= streamError(error, this.remoteAddress);
    });
    socket.on("end", () => {
      // The peer sent FIN after everything it wrote was read: an orderly close.
      this.settle(undefined);
      socket.end();
    });
    socket.on("close", () => this.settle(this.socketError));
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
    this.socket.on("data", (chunk: Buffer) => {
      if (this.outcome === undefined) this.handler?.data(chunk);
    });
    if (!this.paused) this.socket.resume();
  }

  write(chunks: readonly Uint8Array[]): boolean {
    if (this.outcome !== undefined || this.socket.writableEnded || this.socket.destroyed) {
      return true;
    }
    if (!this.corked) {
      // One system write per turn: everything written until the next tick leaves in one writev.
      this.corked = true;
      this.socket.cork();
      process.nextTick(() => this.uncork());
    }
    for (const chunk of chunks) this.socket.write(chunk);
    return !this.socket.writableNeedDrain;
  }

  pause(): void {
    this.paused = true;
    this.socket.pause();
  }

  resume(): void {
    this.paused = false;
    if (this.handler !== undefined && this.outcome === undefined) this.socket.resume();
  }

  end(): void {
    if (this.outcome !== undefined || this.socket.writableEnded || this.socket.destroyed) return;
    this.uncork();
    this.socket.end();
  }

  destroy(error?: ZmqError): void {
    if (this.socket.destroyed) return;
    this.settle(error);
    this.socket.destroy();
  }

  private uncork(): void {
    if (!this.corked) return;
    this.corked = false;
    this.socket.uncork();
  }

  private settle(error: ZmqError | undefined): void {
    if (this.outcome !== undefined) return;
    this.outcome = { error };
    // Asynchronous so `closed` never runs inside the caller's destroy(); "close" is already so.
    queueMicrotask(() => this.report());
  }

  private report(): void {
    if (this.reported || this.handler === undefined || this.outcome === undefined) return;
    this.reported = true;
    this.handler.closed(this.outcome.error);
  }
}
