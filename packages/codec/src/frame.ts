/**
 * Frame flags and the decoded frame shape (RFC 23 §3.3 "Framing").
 *
 * flags byte: bit 0 MORE, bit 1 LONG (8-byte size follows), bit 2 COMMAND, bits 3-7 reserved (0).
 */

/** More frames of the same message follow (RFC 23 §3.3). */
export const FLAG_MORE = 0x01;
/** The size is a 64-bit big-endian integer instead of one byte (RFC 23 §3.3). */
export const FLAG_LONG = 0x02;
/** The frame is a command, not a message part (RFC 23 §3.3). */
export const FLAG_COMMAND = 0x04;
/** Bits 3-7 of the flags byte; a peer must not set them (RFC 23 §3.3). */
export const FLAGS_RESERVED = 0xf8;
/** Largest body that uses the short (1-byte size) header (RFC 23 §3.3). */
export const SHORT_FRAME_MAX = 255;

/** One decoded frame; structurally a `WireFrame` of `@zmtp/spec`. */
export interface Frame {
  readonly more: boolean;
  readonly command: boolean;
  readonly body: Uint8Array;
}

/** The default allocator of the encoder's and decoder's buffers: `new Uint8Array`, zero-filled. */
export const zeroed = (size: number): Uint8Array => new Uint8Array(size);
