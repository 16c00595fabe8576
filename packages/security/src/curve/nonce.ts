/**
 * CurveZMQ nonces (RFC 26 §"Nonces"): 24 bytes, either a 16-byte prefix and an 8-byte short
 * nonce (a per-direction counter, big-endian) or an 8-byte prefix and 16 random bytes (long
 * nonce). A receiver refuses any short nonce that is not strictly above the last one it saw.
 * libzmq starts each side's counter at 1.
 */
import { utf8Encode } from "@zmtp/codec";
import { ZmqError } from "@zmtp/spec";

export const NONCE_SIZE = 24;
export const SHORT_NONCE_SIZE = 8;
export const LONG_NONCE_SIZE = 16;

export const PREFIX = {
  HELLO: utf8Encode("CurveZMQHELLO---"),
  INITIATE: utf8Encode("CurveZMQINITIATE"),
  READY: utf8Encode("CurveZMQREADY---"),
  /** MESSAGE from client to server; libzmq's prefix (the RFC grammar's "MESSAGE-" is not used). */
  MESSAGE_C: utf8Encode("CurveZMQMESSAGEC"),
  /** MESSAGE from server to client. */
  MESSAGE_S: utf8Encode("CurveZMQMESSAGES"),
  WELCOME: utf8Encode("WELCOME-"),
  COOKIE: utf8Encode("COOKIE--"),
  VOUCH: utf8Encode("VOUCH---"),
} as const;

/** prefix + tail, 24 bytes. */
export function nonce(prefix: Uint8Array, tail: Uint8Array): Uint8Array {
  const full = new Uint8Array(NONCE_SIZE);
  full.set(prefix);
  full.set(tail, prefix.length);
  return full;
}

/** A 64-bit counter kept as two 32-bit halves, so it is exact past 2^53. */
export class ShortNonce {
  private high = 0;
  private low: number;

  constructor(first = 1) {
    this.low = first;
  }

  /** The current value as 8 big-endian bytes; the counter then moves on. */
  next(): Uint8Array {
    const bytes = new Uint8Array(SHORT_NONCE_SIZE);
    this.writeTo(bytes, 0);
    return bytes;
  }

  /** Writes the current value (8 bytes, big-endian) into `target` at `offset`; moves on. */
  writeTo(target: Uint8Array, offset: number): void {
    const { high, low } = this;
    target[offset] = high >>> 24;
    target[offset + 1] = high >>> 16;
    target[offset + 2] = high >>> 8;
    target[offset + 3] = high;
    target[offset + 4] = low >>> 24;
    target[offset + 5] = low >>> 16;
    target[offset + 6] = low >>> 8;
    target[offset + 7] = low;
    if (low === 0xffff_ffff) {
      this.low = 0;
      this.high++;
    } else {
      this.low++;
    }
  }
}

/** The highest short nonce seen from the peer; anything not above it is a replay. */
export class PeerNonce {
  private high = 0;
  private low = 0;

  /**
   * Accepts the short nonce at `bytes[offset, offset + 8)` (big-endian) when strictly above the
   * last one, and records it.
   */
  accept(bytes: Uint8Array, offset = 0): boolean {
    if (offset + SHORT_NONCE_SIZE > bytes.length)
      throw new ZmqError("EINVAL", "short nonce is 8 bytes");
    const high =
      ((bytes[offset]! << 24) |
        (bytes[offset + 1]! << 16) |
        (bytes[offset + 2]! << 8) |
        bytes[offset + 3]!) >>>
      0;
    const low =
      ((bytes[offset + 4]! << 24) |
        (bytes[offset + 5]! << 16) |
        (bytes[offset + 6]! << 8) |
        bytes[offset + 7]!) >>>
      0;
    if (high < this.high || (high === this.high && low <= this.low)) return false;
    this.high = high;
    this.low = low;
    return true;
  }
}
