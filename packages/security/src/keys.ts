/**
 * CURVE key helpers that need no cryptography: Z85 text (RFC 32) <-> 32 raw bytes, and the
 * check for the Curve25519 points of small order that a peer may offer to force a known shared
 * secret (RFC 26 §"Security Considerations"; libsodium refuses the same list).
 */
import { z85Decode, z85Encode } from "@zmtp/codec";
import { ZmqError } from "@zmtp/spec";

export const KEY_SIZE = 32;
export const KEY_SIZE_Z85 = 40;

/** A key as 32 bytes, from 32 bytes or 40 characters of Z85 (as zmq_setsockopt accepts). */
export function curveKeyBytes(key: string | Uint8Array): Uint8Array {
  if (typeof key === "string") {
    if (key.length !== KEY_SIZE_Z85) {
      throw new ZmqError("EINVAL", `A Z85 CURVE key has 40 characters, not ${key.length}`);
    }
    return z85Decode(key);
  }
  if (key.length !== KEY_SIZE) {
    throw new ZmqError("EINVAL", `A CURVE key has 32 bytes, not ${key.length}`);
  }
  return Uint8Array.from(key);
}

/** A key as 40 characters of Z85. */
export function curveKeyText(key: string | Uint8Array): string {
  return z85Encode(curveKeyBytes(key));
}

function hex(text: string): Uint8Array {
  return Uint8Array.from(text.match(/../g)!.map((byte) => Number.parseInt(byte, 16)));
}

/**
 * Encodings of the points of order 1, 2, 4 and 8 (0, 1, the two of order 8, p-1, p, p+1),
 * compared with the top bit cleared, since X25519 ignores it.
 */
const SMALL_ORDER = [
  "0000000000000000000000000000000000000000000000000000000000000000",
  "0100000000000000000000000000000000000000000000000000000000000000",
  "e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800",
  "5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157",
  "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
  "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
  "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
].map(hex);

/** True for a public key no honest peer sends: all zero or of small order. No crypto needed. */
export function isWeakCurveKey(key: Uint8Array): boolean {
  if (key.length !== KEY_SIZE) return true;
  return SMALL_ORDER.some((point) => {
    for (let index = 0; index < 31; index++) if (point[index] !== key[index]) return false;
    return (point[31]! & 0x7f) === (key[31]! & 0x7f);
  });
}
