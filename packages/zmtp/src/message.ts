/**
 * Message parts as zeromq.js takes and gives them. Sent parts may be strings (UTF-8), Buffers,
 * typed arrays, ArrayBuffers, numbers or null; received parts are Buffers: over tcp and ipc a
 * part of up to 128 bytes that came in a chunk over 1 KiB is a Buffer of its own (the engine
 * copies it out of the chunk, which a kept view would keep alive), others are views of the
 * received bytes (no copy; see `toBuffers` for the others).
 *
 * A sent part of up to COPY_MAX bytes is the sender's no longer than `send` runs, as zeromq.js
 * copies it (its zero-copy threshold is 128 bytes): the caller may reuse the buffer as soon as
 * `send` returns. The copy is made only where the message outlives the call (`ownPart`): most
 * messages are encoded during `send`, and the encoder copies small parts into its batch anyway.
 * Larger parts go by reference until they are written (zeromq.js hands them to libzmq without a
 * copy too).
 */
import { Buffer } from "node:buffer";

export type MessageLike =
  | ArrayBufferView
  | ArrayBuffer
  | SharedArrayBuffer
  | string
  | number
  | null;

export type Message = Buffer;

const EMPTY = new Uint8Array(0);

/** Parts up to this size are copied at send (zeromq.js: `zero_copy_threshold`, 1 << 7). */
export const COPY_MAX = 128;

/** A copy of a small part (Node's pooled allocation: no backing store of its own). */
function copied(part: Uint8Array): Buffer {
  const copy = Buffer.allocUnsafe(part.length);
  copy.set(part);
  return copy;
}

/**
 * A sent part the socket may keep past `send`: a copy of a non-empty part of up to COPY_MAX
 * bytes (the caller may change it once `send` returns), the part itself otherwise.
 */
export function ownPart(part: Uint8Array): Uint8Array {
  return part.length <= COPY_MAX && part.length > 0 ? copied(part) : part;
}

/** Makes every part of `frames` the socket's own (in place), for a send that waits. */
export function ownFrames(frames: Uint8Array[]): Uint8Array[] {
  for (let index = 0; index < frames.length; index++) frames[index] = ownPart(frames[index]!);
  return frames;
}

/**
 * A part as the socket sends it: a view of the caller's bytes (`ownPart` copies it if the
 * message is kept past `send`), or a Buffer of its own for a string or number.
 */
export function toFrame(part: MessageLike): Uint8Array {
  if (part instanceof Uint8Array) return part;
  if (typeof part === "string") return Buffer.from(part, "utf8");
  if (part === null) return EMPTY;
  if (typeof part === "number") return Buffer.from(String(part), "utf8");
  let view: Uint8Array;
  if (ArrayBuffer.isView(part))
    view = new Uint8Array(part.buffer, part.byteOffset, part.byteLength);
  else if (part instanceof ArrayBuffer || part instanceof SharedArrayBuffer)
    view = new Uint8Array(part);
  else {
    throw new TypeError(
      "Message must be a string, Buffer, ArrayBuffer, typed array, number or null",
    );
  }
  return view;
}

export function toFrames(message: MessageLike | MessageLike[]): Uint8Array[] {
  if (Array.isArray(message)) {
    const frames = new Array<Uint8Array>(message.length);
    for (let i = 0; i < message.length; i++) frames[i] = toFrame(message[i]!);
    return frames;
  }
  return [toFrame(message)];
}

/**
 * The received frames as Buffers, in the same array (the socket owns a received message's array):
 * tcp and ipc frames are already Buffers (small ones copied out of big chunks, others views). Other frames (a
 * ROUTER's routing id, inproc, CURVE) are copied up to COPY_MAX bytes, which costs what wrapping
 * them does and gives every message parts of its own (a routing id is the same array for every
 * message of a peer), and wrapped without copying above.
 */
export function toBuffers(frames: Uint8Array[]): Buffer[] {
  for (let i = 0; i < frames.length; i++) {
    const frame = frames[i]!;
    if (!Buffer.isBuffer(frame)) {
      frames[i] =
        frame.length <= COPY_MAX
          ? copied(frame)
          : Buffer.from(frame.buffer, frame.byteOffset, frame.byteLength);
    }
  }
  return frames as Buffer[];
}
