/**
 * Reads a Node stream socket through `onread` instead of `"data"` events.
 *
 * Node's default read path allocates a 64 KiB buffer per read, shrinks it to the bytes read,
 * wraps it in a Buffer and pushes it through the Readable stream machinery before a `"data"`
 * listener sees it: about 1 µs per read here (a new ArrayBuffer alone costs most of it), more
 * than a whole ZMTP round trip costs in JavaScript on each side. With `onread` libuv reads into
 * memory we hand it and Node calls us directly.
 *
 * Every socket of the thread reads into one shared 64 KiB scratch buffer: reads are serialised
 * on the event loop and each is copied out before anything else runs, so a quiet connection
 * keeps no read memory of its own. The copy is the chunk handed to the sink, which may keep views
 * into it (message bodies) for as long as it likes:
 * - below half of `Buffer.poolSize` (4 KiB) it comes from Node's buffer pool, as
 *   `Buffer.allocUnsafe` does: a kept view pins at most one 8 KiB pool;
 * - larger reads are copied into a shared 256 KiB slab, carved in order: one allocation per
 *   256 KiB read instead of one per read (copying 64 KiB costs less than allocating it).
 * A read of 16 KiB or more means a stream: up to 16 connections at a time then read straight
 * into a 256 KiB slab of their own, each read landing where the last ended and handed over as a
 * view, with no copy (chunks of a stream lie end to end, so the decoder views a frame that
 * straddles them in place). Four reads under 16 KiB in a row, or the close, give the slab up;
 * the limit bounds what idle streaming connections hold to 4 MiB.
 *
 * Connecting sockets get this through `onread` (documented); accepted sockets (`net.Server` has
 * no `onread` option) through the fields Node's socket constructor sets for it, set on the socket
 * before it first reads and found by name: where they are missing (another runtime, a future
 * Node) the socket keeps `"data"` events.
 */
// Imported, not the global: the global `Buffer` is an accessor, a call on every use.
import { Buffer } from "node:buffer";
import type { OnReadOpts, Socket } from "node:net";
import { fromSystemError, ZmqError } from "@zmtp/spec";

/** Node's own read size: the scratch buffer, and the least room a direct read gets. */
const READ_SIZE = 64 * 1024;
/** Larger reads are copied into slabs of this size; a streaming connection reads into its own. */
const SLAB_SIZE = 256 * 1024;
/** A read this large means a stream: the connection reads straight into a slab of its own. */
const STREAM_READ = 16 * 1024;
/** At most this many connections hold a slab of their own (4 MiB), idle or not. */
const MAX_DIRECT = 16;
/**
 * This many reads in a row under STREAM_READ end a stream. Not one: a 64 KiB request-reply
 * exchange reads 64 KiB and then the few bytes past it, message after message.
 */
const SMALL_READS_TO_RELEASE = 4;
let directCount = 0;

let scratch: Buffer | undefined;
let slab: Buffer | undefined;
let slabUsed = 0;

function sharedScratch(): Buffer {
  scratch ??= Buffer.allocUnsafeSlow(READ_SIZE);
  return scratch;
}

/** A new slab; ENOMEM when the memory cannot be had. */
function allocateSlab(): Buffer {
  try {
    return Buffer.allocUnsafeSlow(SLAB_SIZE);
  } catch (error) {
    throw new ZmqError("ENOMEM", "Cannot allocate memory to read into", { cause: error });
  }
}

/**
 * A copy of the first `size` bytes of `source`, in memory nothing else uses. Copied with `set`
 * from a plain view: `Buffer#copy` validates its arguments in JavaScript first, which costs more
 * than the copy of a small read.
 */
function copyOut(source: Buffer, size: number): Buffer {
  const bytes = new Uint8Array(source.buffer, source.byteOffset, size);
  if (size < Buffer.poolSize >>> 1) {
    const chunk = Buffer.allocUnsafe(size);
    chunk.set(bytes);
    return chunk;
  }
  if (slab === undefined || SLAB_SIZE - slabUsed < size) {
    slab = allocateSlab();
    slabUsed = 0;
  }
  slab.set(bytes, slabUsed);
  const chunk = slab.subarray(slabUsed, slabUsed + size);
  slabUsed += size;
  return chunk;
}

/** The fields Node's `net.Socket` keeps its `onread` option in. */
interface OnReadFields {
  readonly buffer: symbol;
  readonly callback: symbol;
  readonly generator: symbol;
}

function onReadFields(socket: Socket): OnReadFields | undefined {
  let buffer: symbol | undefined;
  let callback: symbol | undefined;
  let generator: symbol | undefined;
  for (const field of Object.getOwnPropertySymbols(socket)) {
    if (field.description === "kBuffer") buffer = field;
    else if (field.description === "kBufferCb") callback = field;
    else if (field.description === "kBufferGen") generator = field;
  }
  if (buffer === undefined || callback === undefined || generator === undefined) return undefined;
  return { buffer, callback, generator };
}

interface ReadHandle {
  readonly reading?: boolean;
  useUserBuffer?(buffer: Uint8Array): void;
}

export class StreamReads {
  /** Connections reading straight into a slab of their own now (at most 16). */
  static get streaming(): number {
    return directCount;
  }

  /** Receives each chunk read (see `attach`). */
  private sink: ((chunk: Buffer) => void) | undefined;
  /** Told when a read could not be handled (see `attach`). */
  private onFailure: ((error: ZmqError) => void) | undefined;
  /** A failure before `attach`, reported by it. */
  private failure: ZmqError | undefined;
  /** Chunks read before a sink was attached. */
  private early: Buffer[] | undefined;
  /** Where the next read lands: the shared scratch buffer, or the free end of `own`. */
  private next: Buffer = sharedScratch();
  /** The slab this connection reads straight into while it streams, and how much is used. */
  private own: Buffer | undefined;
  private ownUsed = 0;
  private closed = false;
  /** Reads under STREAM_READ in a row into the own slab. */
  private smallReads = 0;
  /**
   * The `onread` option for `net.connect` / `new net.Socket`: Node calls `buffer` after each
   * read for the memory the next one lands in.
   */
  readonly onread: OnReadOpts = {
    buffer: () => this.next,
    callback: (size: number, buffer: Uint8Array): boolean => {
      // Nothing may escape into Node's read callback (it would be an uncaught exception): a
      // failure (no memory for a slab) stops reading and goes to the owner, which closes.
      try {
        this.read(size, buffer as Buffer);
        return true;
      } catch (error) {
        this.fail(fromSystemError(error));
        return false;
      }
    },
  };

  /**
   * Makes a socket accepted by a `net.Server` created with `pauseOnConnect` read through this,
   * as if it had been created with `onread`. False (the socket untouched) where this Node does
   * not keep `onread` as expected or the socket already reads.
   */
  adopt(socket: Socket): boolean {
    const fields = onReadFields(socket);
    const handle = (socket as unknown as { _handle?: ReadHandle | null })._handle;
    const slots = socket as unknown as Record<symbol, unknown>;
    if (
      fields === undefined ||
      handle === undefined ||
      handle === null ||
      typeof handle.useUserBuffer !== "function" ||
      handle.reading === true ||
      slots[fields.buffer] !== null
    ) {
      return false;
    }
    // What Node's constructor sets for a `buffer` function, and the handle's first buffer.
    slots[fields.buffer] = this.next;
    slots[fields.generator] = this.onread.buffer;
    slots[fields.callback] = this.onread.callback;
    handle.useUserBuffer(this.next);
    return true;
  }

  /**
   * Hands every chunk read so far, then each one as it is read, to `sink`. `onFailure` hears of a
   * read that could not be handled (ENOMEM when no memory could be had for it); reading has
   * stopped then, and the socket should be destroyed.
   */
  attach(sink: (chunk: Buffer) => void, onFailure?: (error: ZmqError) => void): void {
    this.sink = sink;
    this.onFailure = onFailure;
    const early = this.early;
    this.early = undefined;
    if (early !== undefined) for (const chunk of early) sink(chunk);
    const failure = this.failure;
    this.failure = undefined;
    if (failure !== undefined) onFailure?.(failure);
  }

  private fail(error: ZmqError): void {
    if (this.onFailure === undefined) this.failure ??= error;
    else this.onFailure(error);
  }

  /** Gives up this connection's own slab for good (call once the socket closed). */
  close(): void {
    this.closed = true;
    this.release();
  }

  private release(): void {
    if (this.own === undefined) return;
    this.own = undefined;
    this.next = sharedScratch();
    directCount--;
  }

  /** `buffer`: where Node read the bytes into (the `next` it was given). */
  private read(size: number, buffer: Buffer): void {
    let chunk: Buffer;
    if (this.own === undefined) {
      chunk = copyOut(buffer, size);
      if (size >= STREAM_READ && directCount < MAX_DIRECT && !this.closed) {
        this.ownSlab();
        directCount++;
      }
    } else {
      // Straight into the free end of the own slab: the chunk is a view, the slab's next piece
      // is where the read after lands (chunks of one stream lie end to end, small ones too, so
      // a frame ending in a small read is still one view).
      chunk = buffer.subarray(0, size);
      this.ownUsed += size;
      this.smallReads = size < STREAM_READ ? this.smallReads + 1 : 0;
      if (this.smallReads === SMALL_READS_TO_RELEASE) this.release();
      else if (SLAB_SIZE - this.ownUsed < READ_SIZE) this.ownSlab();
      else this.next = (this.own as Buffer).subarray(this.ownUsed);
    }
    if (this.sink === undefined) (this.early ??= []).push(chunk);
    else this.sink(chunk);
  }

  private ownSlab(): void {
    this.own = allocateSlab();
    this.ownUsed = 0;
    this.smallReads = 0;
    this.next = this.own;
  }
}

/**
 * The `StreamReads` of a socket accepted by a `net.Server` created with `pauseOnConnect`, or
 * undefined when it has to keep `"data"` events.
 */
export function acceptedReads(socket: Socket): StreamReads | undefined {
  const reads = new StreamReads();
  return reads.adopt(socket) ? reads : undefined;
}
