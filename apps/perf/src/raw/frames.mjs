// @ts-check
// The raw baseline's wire code: ZMTP-shaped frames (RFC 23 §3.3: `flags u8-size` up to 255
// bytes, `flags|LONG u64-size` above) over plain node:net, with no greeting, no handshake, no
// sockets, pipes or promises per message. Written independently of @zmtp/codec so the baseline
// measures what Node itself allows: batched writes out, incremental parsing in.
import { connect, createServer } from "node:net";

const FLAG_MORE = 0x01;
const FLAG_LONG = 0x02;
/** Small bodies are copied into the batch; larger ones are written by reference. */
export const COPY_THRESHOLD = 8 * 1024;
/** Size of each batch buffer: one socket write when full. */
const BATCH_SIZE = 64 * 1024;

/**
 * Batches frames for one socket: headers and small bodies are copied into a 64 KiB buffer,
 * large bodies go by reference; everything written between two `flush` calls leaves in one
 * writev (the socket is corked meanwhile).
 */
export class FrameWriter {
  /** @param {import("node:net").Socket} socket */
  constructor(socket) {
    this.socket = socket;
    this.buffer = Buffer.allocUnsafe(BATCH_SIZE);
    this.start = 0;
    this.used = 0;
    this.corked = false;
    /** Bytes written since the last flush. */
    this.batched = 0;
  }

  /** @param {Uint8Array} body @param {boolean} more */
  writeFrame(body, more) {
    const length = body.length;
    this.batched += length;
    const header = length <= 255 ? 2 : 9;
    const copy = length < COPY_THRESHOLD;
    if (this.buffer.length - this.used < header + (copy ? length : 0)) this.#renew();
    const buffer = this.buffer;
    let offset = this.used;
    if (header === 2) {
      buffer[offset++] = more ? FLAG_MORE : 0;
      buffer[offset++] = length;
    } else {
      buffer[offset++] = (more ? FLAG_MORE : 0) | FLAG_LONG;
      buffer.writeUInt32BE(Math.floor(length / 0x1_0000_0000), offset);
      buffer.writeUInt32BE(length >>> 0, offset + 4);
      offset += 8;
    }
    if (copy) {
      buffer.set(body, offset);
      this.used = offset + length;
    } else {
      this.used = offset;
      this.#cut();
      this.#write(body);
    }
  }

  /** Writes the batch; false when the socket wants a `drain` before more. */
  flush() {
    this.#cut();
    this.batched = 0;
    if (this.corked) {
      this.corked = false;
      this.socket.uncork();
    }
    return !this.socket.writableNeedDrain;
  }

  /** @param {Uint8Array} chunk */
  #write(chunk) {
    if (!this.corked) {
      this.corked = true;
      this.socket.cork();
    }
    this.socket.write(chunk);
  }

  #cut() {
    if (this.used > this.start) {
      this.#write(this.buffer.subarray(this.start, this.used));
      this.start = this.used;
    }
  }

  #renew() {
    this.#cut();
    this.buffer = Buffer.allocUnsafe(BATCH_SIZE);
    this.start = 0;
    this.used = 0;
  }
}

/**
 * Incremental frame parser: feed it chunks, it calls `onFrame(body, more, owned)` for each frame. A
 * body inside one chunk is a view into it (valid as long as the chunk: during the call, for
 * chunks read into the reused buffer); a body straddling chunks is copied once, and owned.
 */
export class FrameReader {
  /** @param {(body: Buffer, more: boolean, owned: boolean) => void} onFrame */
  constructor(onFrame) {
    this.onFrame = onFrame;
    /** @type {Buffer | undefined} a partial header or body carried over from the last chunk */
    this.partial = undefined;
    this.partialUsed = 0;
    /** -1 while reading a header; the body size after */
    this.bodySize = -1;
    this.more = false;
    this.header = Buffer.alloc(9);
    this.headerUsed = 0;
  }

  /** @param {Buffer} chunk */
  push(chunk) {
    let offset = 0;
    const end = chunk.length;
    while (offset < end) {
      if (this.bodySize < 0) {
        // Fast path: a whole header in this chunk.
        if (this.headerUsed === 0 && end - offset >= 9) {
          const flags = /** @type {number} */ (chunk[offset]);
          this.more = (flags & FLAG_MORE) !== 0;
          if ((flags & FLAG_LONG) === 0) {
            this.bodySize = /** @type {number} */ (chunk[offset + 1]);
            offset += 2;
          } else {
            this.bodySize =
              chunk.readUInt32BE(offset + 1) * 0x1_0000_0000 + chunk.readUInt32BE(offset + 5);
            offset += 9;
          }
        } else {
          offset = this.#readHeaderSlowly(chunk, offset);
          if (this.bodySize < 0) return;
        }
      }
      const size = this.bodySize;
      if (this.partial === undefined && end - offset >= size) {
        const body = chunk.subarray(offset, offset + size);
        offset += size;
        this.bodySize = -1;
        this.onFrame(body, this.more, false);
        continue;
      }
      // The body straddles chunks: gather it into one buffer of its size.
      if (this.partial === undefined) {
        this.partial = Buffer.allocUnsafe(size);
        this.partialUsed = 0;
      }
      const count = Math.min(size - this.partialUsed, end - offset);
      chunk.copy(this.partial, this.partialUsed, offset, offset + count);
      this.partialUsed += count;
      offset += count;
      if (this.partialUsed === size) {
        const body = this.partial;
        this.partial = undefined;
        this.bodySize = -1;
        this.onFrame(body, this.more, true);
      }
    }
  }

  /** A header split over chunks (or near a chunk's end). @param {Buffer} chunk @param {number} offset */
  #readHeaderSlowly(chunk, offset) {
    const header = this.header;
    if (this.headerUsed === 0) header[0] = /** @type {number} */ (chunk[offset++]);
    if (this.headerUsed === 0) this.headerUsed = 1;
    const flags = /** @type {number} */ (header[0]);
    const need = (flags & FLAG_LONG) === 0 ? 2 : 9;
    while (this.headerUsed < need && offset < chunk.length) {
      header[this.headerUsed++] = /** @type {number} */ (chunk[offset++]);
    }
    if (this.headerUsed < need) return offset;
    this.headerUsed = 0;
    this.more = (flags & FLAG_MORE) !== 0;
    this.bodySize =
      need === 2
        ? /** @type {number} */ (header[1])
        : header.readUInt32BE(1) * 0x1_0000_0000 + header.readUInt32BE(5);
    return offset;
  }
}

/**
 * A zmq-style endpoint for node:net: `tcp://host:port` or `ipc://path`.
 * @param {string} endpoint
 * @returns {{ host: string, port: number } | { path: string }}
 */
export function netAddress(endpoint) {
  if (endpoint.startsWith("ipc://")) return { path: endpoint.slice("ipc://".length) };
  const found = /^tcp:\/\/(.+):(\d+)$/.exec(endpoint);
  if (found === null) throw new Error(`Unsupported endpoint for the raw baseline: ${endpoint}`);
  const host = /** @type {string} */ (found[1]);
  return { host: host === "*" ? "0.0.0.0" : host.replace(/^\[|\]$/g, ""), port: Number(found[2]) };
}

/** Node's read size; every read of a raw socket lands in this one buffer. */
const READ_BUFFER = Buffer.allocUnsafeSlow(64 * 1024);

/**
 * The fastest read Node offers: `onread` into one reused buffer, no Readable stream, no buffer
 * allocated per read. A chunk is valid only during `onChunk` (the reader copies what it keeps).
 * @param {(chunk: Buffer) => void} onChunk
 * @returns {import("node:net").OnReadOpts}
 */
function onread(onChunk) {
  return {
    buffer: READ_BUFFER,
    callback: (size) => {
      onChunk(READ_BUFFER.subarray(0, size));
      return true;
    },
  };
}

/**
 * `net.Server` has no `onread` option: set on an accepted socket (created paused) the fields
 * Node's socket constructor sets for it, found by name. False where they are missing.
 * @param {import("node:net").Socket} socket @param {(chunk: Buffer) => void} onChunk
 */
function adoptOnread(socket, onChunk) {
  /** @type {Record<symbol, unknown>} */
  const fields = /** @type {any} */ (socket);
  const find = (/** @type {string} */ name) =>
    Object.getOwnPropertySymbols(socket).find((field) => field.description === name);
  const [buffer, callback] = [find("kBuffer"), find("kBufferCb")];
  const handle = /** @type {any} */ (socket)._handle;
  if (
    buffer === undefined ||
    callback === undefined ||
    typeof handle?.useUserBuffer !== "function"
  ) {
    return false;
  }
  const options = onread(onChunk);
  fields[buffer] = options.buffer;
  fields[callback] = options.callback;
  handle.useUserBuffer(options.buffer);
  return true;
}

/**
 * Listens and resolves with the first connection (the server then stops accepting), which
 * hands each chunk it reads to `onChunk` (valid only during the call).
 * @param {string} endpoint
 * @param {(chunk: Buffer) => void} onChunk
 * @returns {Promise<import("node:net").Socket>}
 */
export function acceptOne(endpoint, onChunk) {
  return new Promise((resolve, reject) => {
    const server = createServer({ noDelay: true, pauseOnConnect: true }, (socket) => {
      server.close();
      if (!adoptOnread(socket, onChunk)) socket.on("data", onChunk);
      socket.resume();
      resolve(socket);
    });
    server.on("error", reject);
    server.listen(netAddress(endpoint));
  });
}

/**
 * Connects, retrying every 10 ms while nothing listens yet (as a zmq connect would); with
 * `onChunk`, the socket hands it each chunk it reads (valid only during the call).
 * @param {string} endpoint
 * @param {(chunk: Buffer) => void} [onChunk]
 * @returns {Promise<import("node:net").Socket>}
 */
export async function connectRetrying(endpoint, onChunk) {
  const address = netAddress(endpoint);
  for (;;) {
    try {
      return await new Promise((resolve, reject) => {
        const socket = connect(
          onChunk === undefined ? address : { ...address, onread: onread(onChunk) },
        );
        socket.once("connect", () => {
          socket.off("error", reject);
          if ("port" in address) socket.setNoDelay(true);
          resolve(socket);
        });
        socket.once("error", reject);
      });
    } catch (error) {
      const code = /** @type {{ code?: string }} */ (error).code;
      if (code !== "ECONNREFUSED" && code !== "ENOENT") throw error;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }
}

/** Resolves on the socket's next `drain`. @param {import("node:net").Socket} socket */
export function drained(socket) {
  return new Promise((resolve) => socket.once("drain", resolve));
}
