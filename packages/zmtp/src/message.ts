/**
 * Message parts as zeromq.js takes and gives them. Sent parts may be strings (UTF-8), Buffers,
 * typed arrays, ArrayBuffers, numbers or null; received parts are Buffers that share memory with
 * the received bytes (no copy).
 */

export type MessageLike =
  | ArrayBufferView
  | ArrayBuffer
  | SharedArrayBuffer
  | string
  | number
  | null;

export type Message = Buffer;

const EMPTY = new Uint8Array(0);

export function toFrame(part: MessageLike): Uint8Array {
  if (part instanceof Uint8Array) return part;
  if (typeof part === "string") return Buffer.from(part, "utf8");
  if (part === null) return EMPTY;
  if (typeof part === "number") return Buffer.from(String(part), "utf8");
  if (ArrayBuffer.isView(part))
    return new Uint8Array(part.buffer, part.byteOffset, part.byteLength);
  if (part instanceof ArrayBuffer || part instanceof SharedArrayBuffer) return new Uint8Array(part);
  throw new TypeError("Message must be a string, Buffer, ArrayBuffer, typed array, number or null");
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
 * tcp and ipc frames are views into Buffer chunks and so already Buffers; other views (inproc,
 * CURVE) are wrapped without copying.
 */
export function toBuffers(frames: Uint8Array[]): Buffer[] {
  for (let i = 0; i < frames.length; i++) {
    const frame = frames[i]!;
    if (!Buffer.isBuffer(frame)) {
      frames[i] = Buffer.from(frame.buffer, frame.byteOffset, frame.byteLength);
    }
  }
  return frames as Buffer[];
}
