/**
 * The primitives CurveZMQ (RFC 26 §"Cryptographic Primitives") needs, behind one small interface
 * so tests can count calls (to prove hostile input is refused before the expensive work) and an
 * application can swap the implementation:
 *   - X25519 from @noble/curves (constant time, fast) for crypto_box_beforenm's scalar product;
 *   - HSalsa20 and XSalsa20-Poly1305 (crypto_secretbox) from tweetnacl.
 * A NaCl box is crypto_box_beforenm followed by crypto_secretbox, so `box` = `sharedKey` + `seal`.
 * Random bytes come from globalThis.crypto.getRandomValues (Node 20, browsers, Deno, Bun).
 */
import { x25519 } from "@noble/curves/ed25519";
import nacl from "tweetnacl";

export interface CurveCrypto {
  /** crypto_box_beforenm: HSalsa20 of the X25519 product (the expensive step). */
  sharedKey(publicKey: Uint8Array, secretKey: Uint8Array): Uint8Array;
  /** crypto_scalarmult_base: the public key of a secret key. */
  publicKey(secretKey: Uint8Array): Uint8Array;
  /** crypto_secretbox: MAC (16) + ciphertext. */
  seal(message: Uint8Array, nonce: Uint8Array, key: Uint8Array): Uint8Array;
  /** crypto_secretbox_open; undefined when the MAC does not verify. */
  open(box: Uint8Array, nonce: Uint8Array, key: Uint8Array): Uint8Array | undefined;
  randomBytes(length: number): Uint8Array;
}

interface NaclLowLevel {
  crypto_core_hsalsa20(out: Uint8Array, input: Uint8Array, key: Uint8Array, c: Uint8Array): number;
}

const { lowlevel } = nacl as unknown as { lowlevel: NaclLowLevel };
/** "expand 32-byte k", the Salsa20 constant. */
const SIGMA = new Uint8Array([
  101, 120, 112, 97, 110, 100, 32, 51, 50, 45, 98, 121, 116, 101, 32, 107,
]);
const ZERO_16 = new Uint8Array(16);

function randomBytes(length: number): Uint8Array {
  const bytes = new Uint8Array(length);
  // getRandomValues fills at most 65536 bytes per call.
  for (let offset = 0; offset < length; offset += 65536) {
    globalThis.crypto.getRandomValues(bytes.subarray(offset, Math.min(length, offset + 65536)));
  }
  return bytes;
}

export const defaultCrypto: CurveCrypto = {
  sharedKey(publicKey, secretKey) {
    const shared = x25519.getSharedSecret(secretKey, publicKey);
    const key = new Uint8Array(32);
    lowlevel.crypto_core_hsalsa20(key, ZERO_16, shared, SIGMA);
    return key;
  },
  publicKey: (secretKey) => x25519.getPublicKey(secretKey),
  seal: (message, nonce, key) => nacl.secretbox(message, nonce, key),
  open: (box, nonce, key) => nacl.secretbox.open(box, nonce, key) ?? undefined,
  randomBytes,
};
