/**
 * Frame encoding (RFC 23 §3.3 "Framing"): a short header `flags u8-size` for bodies of 0-255
 * bytes, a long header `flags|LONG u64-BE-size` otherwise.
 */
import { ZmqError } from "@zmtp/spec";
import { FLAG_COMMAND, FLAG_LONG, FLAG_MORE, SHORT_FRAME_MAX, zeroed } from "./frame";

const TWO_POW_32 = 0x1_0000_0000;

/** Header size for a body length: 2 (short, <= 255) or 9 (long). */
export function frameHeaderSize(length: number): number {
  return length <= SHORT_FRAME_MAX ? 2 : 9;
}

/** Checks caller flags: only MORE and COMMAND (LONG is ignored, it follows from the size). */
function checkFlags(flags: number): number {
  if ((flags & ~(FLAG_MORE | FLAG_COMMAND | FLAG_LONG)) !== 0 || !Number.isInteger(flags)) {
    throw new ZmqError("EINVAL", `Invalid frame flags: ${flags}`);
  }
  if ((flags & (FLAG_MORE | FLAG_COMMAND)) === (FLAG_MORE | FLAG_COMMAND)) {
    // RFC 23 §3.3: commands are always single frames.
    throw new ZmqError("EINVAL", "A command frame cannot have the MORE flag");
  }
  return flags & ~FLAG_LONG;
}

/** Writes the header for `length` at `offset`; returns the offset after it. */
function writeHeader(target: Uint8Array, offset: number, length: number, flags: number): number {
  if (length <= SHORT_FRAME_MAX) {
    target[offset] = flags;
    target[offset + 1] = length;
    return offset + 2;
  }
  // Long size: u64 big-endian; the high word fits in 21 bits because lengths are safe integers.
  const high = Math.floor(length / TWO_POW_32);
  const low = length >>> 0;
  target[offset] = flags | FLAG_LONG;
  target[offset + 1] = 0;
  target[offset + 2] = (high >>> 16) & 0xff;
  target[offset + 3] = (high >>> 8) & 0xff;
  target[offset + 4] = high & 0xff;
  target[offset + 5] = low >>> 24;
  target[offset + 6] = (low >>> 16) & 0xff;
  target[offset + 7] = (low >>> 8) & 0xff;
  target[offset + 8] = low & 0xff;
  return offset + 9;
}

/** Encodes one frame (header + body) into a new buffer. */
export function encodeFrame(body: Uint8Array, flags: number): Uint8Array {
  const checked = checkFlags(flags);
  const frame = new Uint8Array(frameHeaderSize(body.length) + body.length);
  const offset = writeHeader(frame, 0, body.length, checked);
  frame.set(body, offset);
  return frame;
}

export interface FrameEncoderOptions {
  /** Bodies of at least this many bytes are passed by reference, not copied (default 8 KiB). */
  copyThreshold?: number;
  /** Size of each coalescing buffer (default 16 KiB; larger when one frame needs more). */
  bufferSize?: number;
  /**
   * Makes a coalescing buffer; its initial contents do not matter (only written bytes are ever
   * returned). Default `new Uint8Array(size)`, which zero-fills.
   */
  allocate?: (size: number) => Uint8Array;
  /**
   * Takes back a buffer the encoder no longer needs: when `release` finds nothing batched, every
   * buffer it holds goes here instead of staying with it, so an idle encoder holds no memory and
   * `allocate` may hand the buffer to any encoder next. Without it the encoder keeps them.
   */
  recycle?: (buffer: Uint8Array) => void;
}

const EMPTY = new Uint8Array(0);

/**
 * `Uint8Array.prototype.set`, taken once: called through `call`, optimised code calls it
 * directly, where `buffer.set` is a generic property lookup per frame (V8 does not inline the
 * lookup of a typed array's methods).
 */
const typedArraySet = Uint8Array.prototype.set;

/**
 * Batches many frames: small frames are coalesced into one growing buffer; bodies >= a
 * threshold are passed by reference, not copied. A flushed chunk is never written again, so the
 * caller may hold on to it (e.g. while the transport writes it).
 */
export class FrameEncoder {
  readonly #copyThreshold: number;
  readonly #bufferSize: number;
  readonly #allocate: (size: number) => Uint8Array;
  readonly #recycle: ((buffer: Uint8Array) => void) | undefined;
  #buffer: Uint8Array = EMPTY;
  /** Start of the part of `#buffer` not yet moved to `#chunks`. */
  #start = 0;
  #used = 0;
  #chunks: Uint8Array[] = [];
  #pending = 0;
  /** The last buffer filled up since `release` (its chunks may still be in use). */
  #filled: Uint8Array | undefined;
  /** A buffer whose chunks were released: the next one to fill. */
  #spare: Uint8Array | undefined;

  constructor(options: FrameEncoderOptions = {}) {
    this.#copyThreshold = options.copyThreshold ?? 8 * 1024;
    this.#bufferSize = options.bufferSize ?? 16 * 1024;
    this.#allocate = options.allocate ?? zeroed;
    this.#recycle = options.recycle;
    if (!(this.#copyThreshold >= 0) || !(this.#bufferSize >= 16)) {
      throw new ZmqError("EINVAL", "copyThreshold must be >= 0 and bufferSize >= 16");
    }
  }

  /** Appends all parts of a message; MORE on every part but the last. Zero parts is an EINVAL. */
  writeMessage(parts: readonly Uint8Array[]): void {
    const last = parts.length - 1;
    if (last < 0) throw new ZmqError("EINVAL", "A message needs at least one part");
    for (let index = 0; index < last; index++) this.#write(parts[index]!, FLAG_MORE);
    this.#write(parts[last]!, 0);
  }

  /** Appends one frame with explicit flags (MORE and/or COMMAND). */
  writeFrame(body: Uint8Array, flags: number): void {
    this.#write(body, checkFlags(flags));
  }

  /**
   * Appends the header of a frame of `size` body bytes and returns where its body starts in
   * `buffer`, for a caller that writes the body in place (CURVE seals a MESSAGE there). The caller
   * writes all `size` bytes before the next call on this encoder; until then the frame's bytes are
   * whatever the buffer held.
   */
  reserveFrame(size: number, flags: number): number {
    if (!Number.isInteger(size) || size < 0) {
      throw new ZmqError("EINVAL", `Frame size must be a non-negative integer: ${size}`);
    }
    const checked = checkFlags(flags);
    const headerSize = frameHeaderSize(size);
    this.#reserve(headerSize + size);
    const offset = writeHeader(this.#buffer, this.#used, size, checked);
    this.#used = offset + size;
    this.#pending += headerSize + size;
    return offset;
  }

  /** The memory the offset `reserveFrame` returned last points into. */
  get buffer(): Uint8Array {
    return this.#buffer;
  }

  /** Appends a command frame (COMMAND flag, never MORE); body is a command body. */
  writeCommand(body: Uint8Array): void {
    this.#write(body, FLAG_COMMAND);
  }

  /** Returns the batched chunks in order and resets. Returns [] when empty. */
  flush(): Uint8Array[] {
    let chunks = this.#chunks;
    if (chunks.length === 0 && this.#used > this.#start) {
      // The usual batch, one piece of the buffer: an array made at its size, no growing.
      chunks = [this.#buffer.subarray(this.#start, this.#used)];
      this.#start = this.#used;
    } else {
      this.#cut();
      this.#chunks = [];
    }
    this.#pending = 0;
    return chunks;
  }

  /**
   * Declares every chunk `flush` returned so far finished with (the transport has taken their
   * bytes), so the encoder writes its next frames into the same memory instead of allocating:
   * the current buffer starts over, and one buffer filled since the last release is kept as a
   * spare. Frames batched but not flushed yet keep their place: with any pending, this only
   * keeps the spare. With a `recycle` option and nothing batched, every buffer goes to it
   * instead. Calling it while a flushed chunk is still in use corrupts that chunk.
   */
  release(): void {
    const recycle = this.#recycle;
    if (recycle !== undefined && this.#used === this.#start && this.#chunks.length === 0) {
      if (this.#buffer.length > 0) recycle(this.#buffer);
      if (this.#filled !== undefined) recycle(this.#filled);
      if (this.#spare !== undefined) recycle(this.#spare);
      this.#buffer = EMPTY;
      this.#filled = undefined;
      this.#spare = undefined;
      this.#start = 0;
      this.#used = 0;
      return;
    }
    if (this.#filled !== undefined) {
      this.#spare = this.#filled;
      this.#filled = undefined;
    }
    if (this.#used === this.#start && this.#chunks.length === 0) {
      this.#start = 0;
      this.#used = 0;
    }
  }

  /** Bytes of buffer memory the encoder holds for its frames (current, filled and spare). */
  get retainedBytes(): number {
    return this.#buffer.length + (this.#filled?.length ?? 0) + (this.#spare?.length ?? 0);
  }

  /** Bytes batched since the last flush. */
  get pendingBytes(): number {
    return this.#pending;
  }

  #write(body: Uint8Array, flags: number): void {
    const length = body.length;
    const headerSize = frameHeaderSize(length);
    if (length >= this.#copyThreshold && length > 0) {
      this.#reserve(headerSize);
      this.#used = writeHeader(this.#buffer, this.#used, length, flags);
      this.#cut();
      this.#chunks.push(body);
    } else {
      this.#reserve(headerSize + length);
      const offset = writeHeader(this.#buffer, this.#used, length, flags);
      // Not for an empty body (a REQ's delimiter): `set` is a call even with nothing to copy.
      if (length > 0) typedArraySet.call(this.#buffer, body, offset);
      this.#used = offset + length;
    }
    this.#pending += headerSize + length;
  }

  /** Makes room for `size` bytes, starting a new buffer when the current one is full. */
  #reserve(size: number): void {
    if (this.#buffer.length - this.#used >= size) return;
    this.#cut();
    const wanted = Math.max(this.#bufferSize, size);
    let buffer = this.#spare;
    if (buffer !== undefined && buffer.length >= wanted) {
      this.#spare = undefined;
    } else {
      buffer = this.#allocate(wanted);
      if (buffer.length < wanted) {
        throw new ZmqError("EINVAL", `allocate(${wanted}) returned ${buffer.length} bytes`);
      }
    }
    if (this.#buffer.length > 0) this.#filled = this.#buffer;
    this.#buffer = buffer;
    this.#start = 0;
    this.#used = 0;
  }

  /** Moves the written, unflushed part of the buffer to the chunk list. */
  #cut(): void {
    if (this.#used > this.#start) {
      this.#chunks.push(this.#buffer.subarray(this.#start, this.#used));
      this.#start = this.#used;
    }
  }
}
