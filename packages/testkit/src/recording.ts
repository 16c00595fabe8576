/**
 * A `ConnectionHandler` that records what a connection reports, with promises to wait on
 * events instead of sleeping.
 */
import type { Connection, ConnectionHandler, ZmqError } from "@zmtp/spec";
import { concatBytes } from "./bytes";

export interface RecordOptions {
  /**
   * Copy each chunk. Default true; false keeps the very objects the transport handed over,
   * which the contract lets a consumer keep: a test can then check that the transport never
   * reads into their memory again.
   */
  readonly copy?: boolean;
  /** Call `connection.start` now. Default true. */
  readonly start?: boolean;
}

interface Waiter {
  readonly bytes: number;
  readonly resolve: () => void;
  readonly reject: (error: Error) => void;
}

export class Recording implements ConnectionHandler {
  readonly connection: Connection;
  readonly chunks: Uint8Array[] = [];
  byteLength = 0;
  closeCount = 0;
  drainCount = 0;
  /** What `closed` reported, once it has. */
  closeError: ZmqError | undefined;
  /** Settles with the error `closed` reported (undefined for an orderly close). */
  readonly whenClosed: Promise<ZmqError | undefined>;

  private readonly copy: boolean;
  private resolveClosed!: (error: ZmqError | undefined) => void;
  private waiters: Waiter[] = [];
  private drainWaiters: (() => void)[] = [];

  constructor(connection: Connection, options: RecordOptions = {}) {
    this.connection = connection;
    this.copy = options.copy ?? true;
    this.whenClosed = new Promise((resolve) => {
      this.resolveClosed = resolve;
    });
    if (options.start ?? true) connection.start(this);
  }

  get isClosed(): boolean {
    return this.closeCount > 0;
  }

  /** Everything received so far, joined. */
  bytes(): Uint8Array {
    return concatBytes(this.chunks);
  }

  /** Resolves once at least `count` bytes arrived; rejects if the connection closes first. */
  untilBytes(count: number): Promise<Uint8Array> {
    if (this.byteLength >= count) return Promise.resolve(this.bytes());
    if (this.isClosed) return Promise.reject(this.closedEarly(count));
    return new Promise<void>((resolve, reject) => {
      this.waiters.push({ bytes: count, resolve, reject });
    }).then(() => this.bytes());
  }

  /** Resolves at the next `drain`. */
  nextDrain(): Promise<void> {
    return new Promise((resolve) => this.drainWaiters.push(resolve));
  }

  data(chunk: Uint8Array): void {
    this.chunks.push(this.copy ? chunk.slice() : chunk);
    this.byteLength += chunk.byteLength;
    this.waiters = this.waiters.filter((waiter) => {
      if (this.byteLength < waiter.bytes) return true;
      waiter.resolve();
      return false;
    });
  }

  drain(): void {
    this.drainCount++;
    const waiters = this.drainWaiters;
    this.drainWaiters = [];
    for (const resolve of waiters) resolve();
  }

  closed(error: ZmqError | undefined): void {
    this.closeCount++;
    if (this.closeCount > 1) return;
    this.closeError = error;
    this.resolveClosed(error);
    for (const waiter of this.waiters) waiter.reject(this.closedEarly(waiter.bytes));
    this.waiters = [];
  }

  private closedEarly(count: number): Error {
    return new Error(
      `connection closed after ${this.byteLength} of ${count} bytes` +
        (this.closeError ? ` (${this.closeError.code}: ${this.closeError.message})` : ""),
    );
  }
}

/** Starts `connection` with a recording handler. */
export function record(connection: Connection, options?: RecordOptions): Recording {
  return new Recording(connection, options);
}
