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
 * on the event loop and each is copied out before anything else runs, so a connection keeps no
 * read memory of its own, idle or not. The copy is the chunk handed to the sink, which may keep
 * views into it (message bodies) for as long as it likes:
 * - below half of `Buffer.poolSize` (4 KiB) it comes from Node's buffer pool, as
 *   `Buffer.allocUnsafe` does: a kept view pins at most one 8 KiB pool;
 * - larger reads are copied into a shared 256 KiB slab, carved in order: one allocation per
 *   256 KiB read instead of one per read (copying 64 KiB costs less than allocating it).
 *
 * Connecting sockets get this through `onread` (documented); accepted sockets (`net.Server` has
 * no `onread` option) through the fields Node's socket constructor sets for it, set on the socket
 * before it first reads and found by name: where they are missing (another runtime, a future
 * Node) the socket keeps `"data"` events.
 */
import type { OnReadOpts, Socket } from "node:net";

/** Node's own read size. */
const READ_SIZE = 64 * 1024;
/** Larger reads are copied into slabs of this size. */
const SLAB_SIZE = 256 * 1024;

let scratch: Buffer | undefined;
let slab: Buffer | undefined;
let slabUsed = 0;

function sharedScratch(): Buffer {
  scratch ??= Buffer.allocUnsafeSlow(READ_SIZE);
  return scratch;
}

/** A copy of the first `size` bytes of the scratch buffer, in memory nothing else uses. */
function copyOut(size: number): Buffer {
  const source = sharedScratch();
  if (size < Buffer.poolSize >>> 1) {
    const chunk = Buffer.allocUnsafe(size);
    source.copy(chunk, 0, 0, size);
    return chunk;
  }
  if (slab === undefined || SLAB_SIZE - slabUsed < size) {
    slab = Buffer.allocUnsafeSlow(SLAB_SIZE);
    slabUsed = 0;
  }
  source.copy(slab, slabUsed, 0, size);
  const chunk = slab.subarray(slabUsed, slabUsed + size);
  slabUsed += size;
  return chunk;
}

/** The fields Node's `net.Socket` keeps its `onread` option in, and the handle's setter. */
interface OnReadFields {
  readonly buffer: symbol;
  readonly callback: symbol;
}

function onReadFields(socket: Socket): OnReadFields | undefined {
  let buffer: symbol | undefined;
  let callback: symbol | undefined;
  for (const field of Object.getOwnPropertySymbols(socket)) {
    if (field.description === "kBuffer") buffer = field;
    else if (field.description === "kBufferCb") callback = field;
  }
  if (buffer === undefined || callback === undefined) return undefined;
  return { buffer, callback };
}

interface ReadHandle {
  readonly reading?: boolean;
  useUserBuffer?(buffer: Uint8Array): void;
}

export class StreamReads {
  /** Receives each chunk read (see `attach`). */
  private sink: ((chunk: Buffer) => void) | undefined;
  /** Chunks read before a sink was attached. */
  private early: Buffer[] = [];
  /** The `onread` option for `net.connect` / `new net.Socket`. */
  readonly onread: OnReadOpts = {
    buffer: sharedScratch(),
    callback: (size: number): boolean => {
      this.read(copyOut(size));
      return true;
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
    const own = socket as unknown as Record<symbol, unknown>;
    if (
      fields === undefined ||
      handle === undefined ||
      handle === null ||
      typeof handle.useUserBuffer !== "function" ||
      handle.reading === true ||
      own[fields.buffer] !== null
    ) {
      return false;
    }
    // What Node's constructor sets for a `buffer`, and what it hands the handle.
    const buffer = this.onread.buffer as Buffer;
    own[fields.buffer] = buffer;
    own[fields.callback] = this.onread.callback;
    handle.useUserBuffer(buffer);
    return true;
  }

  /** Hands every chunk read so far, then each one as it is read, to `sink`. */
  attach(sink: (chunk: Buffer) => void): void {
    this.sink = sink;
    const early = this.early;
    this.early = [];
    for (const chunk of early) sink(chunk);
  }

  private read(chunk: Buffer): void {
    if (this.sink === undefined) this.early.push(chunk);
    else this.sink(chunk);
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
