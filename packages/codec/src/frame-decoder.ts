/**
 * Streaming frame decoder (RFC 23 §3.3 "Framing"), without I/O.
 *
 * Chunks are queued: `push` may be called at any time, and `next` returns frames in order until
 * it needs more bytes. A frame that lies inside one chunk is returned as a view into that chunk
 * (no copy), unless it is no longer than `copyMax`; so is a frame straddling chunks that lie end
 * to end in one ArrayBuffer. Any other frame straddling chunks is copied, into one allocation of
 * exactly its size, made after the size passed the `maxMessageSize` check.
 */
import { ZmqError } from "@zmtp/spec";
import { FLAG_COMMAND, FLAG_LONG, FLAG_MORE, FLAGS_RESERVED, type Frame, zeroed } from "./frame";

export interface FrameDecoderOptions {
  /**
   * Largest frame body accepted, in bytes; -1 (default) = unlimited. libzmq checks each frame
   * against ZMQ_MAXMSGSIZE.
   */
  maxMessageSize?: number;
  /**
   * Makes the array for a frame that straddles chunks; its initial contents do not matter (the
   * decoder fills every byte). Default `new Uint8Array(size)`, which zero-fills.
   */
  allocate?: (size: number) => Uint8Array;
  /**
   * Bodies of up to this many bytes are copied into an array from `allocate` even when they lie
   * in one chunk, if that chunk is over 1 KiB (default 0: never). A kept view would keep its whole
   * chunk alive, often 64 KiB for a message of a few bytes; a small copy costs about what making
   * the view does. Settable later through `copyMax`.
   */
  copyMax?: number;
  /**
   * Makes a view of `length` bytes of `memory` from `byteOffset`, of the kind the chunks'
   * `subarray` returns (Node: `Buffer.from` for Buffer chunks). When given, a chunk's second and
   * later bodies are cut with it from the chunk's memory, looked up once per chunk: on Node a
   * Buffer's `subarray` looks up `buffer` and `byteOffset` again for every body, each a call into
   * the runtime. A chunk's first body is still its `subarray` (a chunk of one message, as in
   * request-reply, would pay the lookup for nothing), and so is every body without it.
   */
  view?: (memory: ArrayBufferLike, byteOffset: number, length: number) => Uint8Array;
}

const SHORT_HEADER = 2;
const LONG_HEADER = 9;
const TWO_POW_32 = 0x1_0000_0000;
/** The high 32 bits of Number.MAX_SAFE_INTEGER (2^53 - 1). */
const MAX_SAFE_HIGH = 0x1f_ffff;
const EMPTY = new Uint8Array(0);
/**
 * A view into a chunk this small keeps little alive, so `copyMax` leaves it a view: a peer that
 * answers one message at a time (request-reply) sends chunks of about one message, and the copy
 * would only add latency there.
 */
const SMALL_CHUNK = 1024;

export class FrameDecoder {
  readonly #maxMessageSize: number;
  readonly #allocate: (size: number) => Uint8Array;
  readonly #view:
    | ((memory: ArrayBufferLike, byteOffset: number, length: number) => Uint8Array)
    | undefined;
  #copyMax = 0;
  /**
   * Which chunk is the head (counts the chunks consumed), which one a body was last cut from
   * and which one's memory is looked up: numbers, not the chunks, so nothing here keeps a
   * consumed chunk alive (and a store of a number costs no write barrier).
   */
  #headSerial = 0;
  #viewedSerial = -1;
  #memorySerial = -1;
  /** The memory of chunk `#memorySerial` and where the chunk starts in it. */
  #memory: ArrayBufferLike | undefined;
  #memoryOffset = 0;
  readonly #header = new Uint8Array(LONG_HEADER);
  readonly #headerView = new DataView(this.#header.buffer);
  /**
   * Queued chunks, `#chunks[#head]` to `#chunks[#count - 1]`; consumed slots are cleared. The
   * array is kept and refilled from slot 0 once emptied: most chunks are consumed by the frames
   * read right after their push, and a new array per chunk was an allocation per read.
   */
  #chunks: (Uint8Array | undefined)[] = [];
  #head = 0;
  #count = 0;
  /** Read position inside `#chunks[#head]`. */
  #offset = 0;
  #buffered = 0;
  /** Flags of the frame whose header was read, and its body size; -1 while reading a header. */
  #flags = 0;
  #bodySize = -1;
  /** Flags of the frame returned last. */
  #lastFlags = 0;
  #error: ZmqError | undefined;

  constructor(options: FrameDecoderOptions = {}) {
    const max = options.maxMessageSize ?? -1;
    if (!Number.isInteger(max) || max < -1) {
      throw new ZmqError("EINVAL", `maxMessageSize must be -1 or a non-negative integer: ${max}`);
    }
    this.#maxMessageSize = max;
    this.#allocate = options.allocate ?? zeroed;
    this.#view = options.view;
    this.copyMax = options.copyMax ?? 0;
  }

  /** Bodies of up to this many bytes are copied out of their chunk (see the option). */
  get copyMax(): number {
    return this.#copyMax;
  }

  set copyMax(value: number) {
    if (!Number.isInteger(value) || value < 0) {
      throw new ZmqError("EINVAL", `copyMax must be a non-negative integer: ${value}`);
    }
    this.#copyMax = value;
  }

  /** Queues a chunk; may be called at any time (frames already queued are not lost). */
  push(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    this.#chunks[this.#count++] = chunk;
    this.#buffered += chunk.length;
  }

  /**
   * The next complete frame, or undefined when more bytes are needed. Throws EPROTO for a
   * malformed header and EMSGSIZE for a body over `maxMessageSize`; after a throw the decoder
   * stays failed.
   */
  next(): Frame | undefined {
    if (this.#error !== undefined) throw this.#error;
    try {
      return this.#next();
    } catch (error) {
      this.#fail(error as ZmqError);
      throw error;
    }
  }

  /**
   * The body of the next complete frame, or undefined when more bytes are needed; its flags
   * (MORE, COMMAND) are then in `flags`. The same as `next()` without a `Frame` object per frame,
   * for hot loops. Throws as `next()` does.
   */
  nextBody(): Uint8Array | undefined {
    if (this.#error !== undefined) throw this.#error;
    try {
      return this.#nextBody();
    } catch (error) {
      this.#fail(error as ZmqError);
      throw error;
    }
  }

  /** Flags of the frame `nextBody()` returned last (FLAG_MORE, FLAG_COMMAND). */
  get flags(): number {
    return this.#lastFlags;
  }

  #fail(error: ZmqError): void {
    this.#error = error;
    this.#memory = undefined;
    this.#chunks = [];
    this.#head = 0;
    this.#count = 0;
    this.#offset = 0;
    this.#buffered = 0;
  }

  /** Bytes held but not yet returned as frames (a header already parsed is not counted). */
  get buffered(): number {
    return this.#buffered;
  }

  #next(): Frame | undefined {
    const body = this.#nextBody();
    if (body === undefined) return undefined;
    const flags = this.#lastFlags;
    return {
      more: (flags & FLAG_MORE) !== 0,
      command: (flags & FLAG_COMMAND) !== 0,
      body,
    };
  }

  #nextBody(): Uint8Array | undefined {
    if (this.#bodySize < 0 && !this.#readHeader()) return undefined;
    const size = this.#bodySize;
    if (this.#buffered < size) return undefined;
    this.#lastFlags = this.#flags;
    const body = size === 0 ? EMPTY : this.#take(size);
    this.#bodySize = -1;
    return body;
  }

  /** Reads a whole header if buffered; false when more bytes are needed. */
  #readHeader(): boolean {
    if (this.#buffered === 0) return false;
    const flags = this.#peekFirst();
    // RFC 23 §3.3: bits 3-7 are reserved; a command frame never has MORE.
    if ((flags & FLAGS_RESERVED) !== 0) {
      throw new ZmqError("EPROTO", `Reserved frame flag bits set: 0x${flags.toString(16)}`);
    }
    if ((flags & (FLAG_COMMAND | FLAG_MORE)) === (FLAG_COMMAND | FLAG_MORE)) {
      throw new ZmqError("EPROTO", "Command frame with the MORE flag set");
    }
    let size: number;
    if ((flags & FLAG_LONG) === 0) {
      if (this.#buffered < SHORT_HEADER) return false;
      const chunk = this.#chunks[this.#head]!;
      if (chunk.length - this.#offset >= SHORT_HEADER) {
        // Fast path: the header lies in the head chunk; read it in place.
        size = chunk[this.#offset + 1]!;
        this.#advance(SHORT_HEADER);
      } else {
        this.#copyOut(this.#header, SHORT_HEADER);
        size = this.#header[1]!;
      }
    } else {
      if (this.#buffered < LONG_HEADER) return false;
      // RFC 23 §3.3: a long size is an unsigned 64-bit big-endian integer, 0 to 2^63-1.
      let high: number;
      let low: number;
      const chunk = this.#chunks[this.#head]!;
      const at = this.#offset;
      if (chunk.length - at >= LONG_HEADER) {
        // Fast path (every frame over 255 bytes): read the size in place.
        high =
          ((chunk[at + 1]! << 24) |
            (chunk[at + 2]! << 16) |
            (chunk[at + 3]! << 8) |
            chunk[at + 4]!) >>>
          0;
        low =
          ((chunk[at + 5]! << 24) |
            (chunk[at + 6]! << 16) |
            (chunk[at + 7]! << 8) |
            chunk[at + 8]!) >>>
          0;
        this.#advance(LONG_HEADER);
      } else {
        this.#copyOut(this.#header, LONG_HEADER);
        high = this.#headerView.getUint32(1);
        low = this.#headerView.getUint32(5);
      }
      if (high >= 0x8000_0000) {
        throw new ZmqError("EPROTO", "Long frame size has the top bit set (over 2^63-1)");
      }
      if (high > MAX_SAFE_HIGH) {
        throw new ZmqError("EPROTO", "Long frame size exceeds Number.MAX_SAFE_INTEGER");
      }
      size = high * TWO_POW_32 + low;
    }
    if (this.#maxMessageSize >= 0 && size > this.#maxMessageSize) {
      throw new ZmqError(
        "EMSGSIZE",
        `Frame of ${size} bytes exceeds maxMessageSize ${this.#maxMessageSize}`,
      );
    }
    this.#flags = flags;
    this.#bodySize = size;
    return true;
  }

  #peekFirst(): number {
    return this.#chunks[this.#head]?.[this.#offset] ?? 0;
  }

  /**
   * Returns the next `size` (<= buffered, > 0) bytes: a view when they lie in one chunk, unless
   * they are no more than `copyMax` and the chunk is over SMALL_CHUNK; otherwise a copy.
   */
  #take(size: number): Uint8Array {
    const chunk = this.#chunks[this.#head]!;
    const at = this.#offset;
    if (chunk.length - at >= size) {
      if (size > this.#copyMax || chunk.length <= SMALL_CHUNK) {
        const view = this.#viewOf(chunk, at, size);
        this.#advance(size);
        return view;
      }
      // Byte by byte: a `set` would first need a view of the source.
      const body = this.#allocateBody(size);
      for (let index = 0; index < size; index++) body[index] = chunk[at + index]!;
      this.#advance(size);
      return body;
    }
    const joined = size > this.#copyMax ? this.#joinedView(size) : undefined;
    if (joined !== undefined) return joined;
    const body = this.#allocateBody(size);
    this.#copyOut(body, size);
    return body;
  }

  /** `size` bytes of the head chunk from `at`, as a view (see the `view` option). */
  #viewOf(chunk: Uint8Array, at: number, size: number): Uint8Array {
    const view = this.#view;
    if (view !== undefined) {
      const serial = this.#headSerial;
      if (serial === this.#memorySerial) return view(this.#memory!, this.#memoryOffset + at, size);
      if (serial === this.#viewedSerial) {
        this.#memorySerial = serial;
        this.#memory = chunk.buffer;
        this.#memoryOffset = chunk.byteOffset;
        return view(this.#memory, this.#memoryOffset + at, size);
      }
      this.#viewedSerial = serial;
    }
    return chunk.subarray(at, at + size);
  }

  /**
   * The next `size` bytes as one view when the chunks they straddle lie end to end in one
   * ArrayBuffer (a transport that copies its reads into a slab hands over such chunks): no
   * allocation, no copy. Undefined (nothing consumed) otherwise.
   */
  #joinedView(size: number): Uint8Array | undefined {
    const first = this.#chunks[this.#head]!;
    const memory = first.buffer;
    let end = first.byteOffset + first.length;
    let left = size - (first.length - this.#offset);
    for (let index = this.#head + 1; left > 0; index++) {
      const chunk = this.#chunks[index]!;
      if (chunk.buffer !== memory || chunk.byteOffset !== end) return undefined;
      end += chunk.length;
      left -= chunk.length;
    }
    const start = first.byteOffset + this.#offset;
    const view =
      this.#view === undefined
        ? new Uint8Array(memory, start, size)
        : this.#view(memory, start, size);
    let consumed = 0;
    while (consumed < size) {
      const chunk = this.#chunks[this.#head]!;
      const count = Math.min(chunk.length - this.#offset, size - consumed);
      consumed += count;
      this.#advance(count);
    }
    return view;
  }

  #allocateBody(size: number): Uint8Array {
    let body: Uint8Array;
    try {
      body = this.#allocate(size);
    } catch (error) {
      throw new ZmqError("ENOMEM", `Cannot allocate a frame body of ${size} bytes`, {
        cause: error,
      });
    }
    if (body.length !== size) {
      throw new ZmqError("EINVAL", `allocate(${size}) returned ${body.length} bytes`);
    }
    return body;
  }

  /** Copies the next `size` (<= buffered) bytes into `target` and consumes them. */
  #copyOut(target: Uint8Array, size: number): void {
    let written = 0;
    while (written < size) {
      const chunk = this.#chunks[this.#head]!;
      const count = Math.min(chunk.length - this.#offset, size - written);
      target.set(chunk.subarray(this.#offset, this.#offset + count), written);
      written += count;
      this.#advance(count);
    }
  }

  /** Consumes `count` bytes, all inside the head chunk. */
  #advance(count: number): void {
    this.#buffered -= count;
    this.#offset += count;
    const chunks = this.#chunks;
    if (this.#offset < chunks[this.#head]!.length) return;
    this.#offset = 0;
    this.#headSerial++;
    if (this.#memory !== undefined) this.#memory = undefined;
    chunks[this.#head++] = undefined;
    if (this.#head === this.#count) {
      this.#head = 0;
      this.#count = 0;
      // A long frame gathered from many chunks leaves a long array behind: not kept.
      if (chunks.length > 64) this.#chunks = [];
    } else if (this.#head >= 64) {
      // Many chunks each holding less than a frame: move the rest to the front.
      const rest = this.#count - this.#head;
      chunks.copyWithin(0, this.#head, this.#count);
      chunks.fill(undefined, rest, this.#count);
      this.#head = 0;
      this.#count = rest;
    }
  }
}
