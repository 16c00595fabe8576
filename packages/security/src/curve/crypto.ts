/**
 * The primitives CurveZMQ (RFC 26 §"Cryptographic Primitives") needs, behind one small interface
 * so tests can count calls (to prove hostile input is refused before the expensive work) and an
 * application can swap the implementation:
 *   - X25519 from @noble/curves (constant time, fast) for crypto_box_beforenm's scalar product;
 *   - HSalsa20 and XSalsa20-Poly1305 (crypto_secretbox) from `./secretbox` (ours, written from the
 *     specifications and checked against NaCl's vectors and tweetnacl; 2-4x faster than tweetnacl
 *     and with an in-place form, so a MESSAGE frame costs one allocation).
 * A NaCl box is crypto_box_beforenm followed by crypto_secretbox, so `box` = `sharedKey` + `seal`.
 * Random bytes come from globalThis.crypto.getRandomValues (Node 20, browsers, Deno, Bun).
 */
import { x25519 } from "@noble/curves/ed25519";
import {
  hsalsa20,
  secretboxOpen,
  secretboxOpenAt,
  secretboxOpenSplit,
  secretboxSeal,
  secretboxSealInPlace,
  secretboxSealSplit,
} from "./secretbox";

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
  /**
   * Optional fast path for MESSAGE frames: crypto_secretbox in place.
   * `buffer[offset + 16, offset + 16 + length)` holds the message and becomes the ciphertext; the
   * MAC is written to `buffer[offset, offset + 16)`. `nonce` is read only during the call (the
   * caller reuses it). Without this method MessageBox calls `seal`.
   */
  sealInPlace?(
    buffer: Uint8Array,
    offset: number,
    length: number,
    nonce: Uint8Array,
    key: Uint8Array,
  ): void;
  /**
   * Optional fastest path for MESSAGE frames: crypto_secretbox of the plaintext `first` (the
   * flags byte) + `message` (the body) into `output` at `outputOffset`, tag then ciphertext; the
   * message does not overlap that part of the output. MessageBox prefers it to `sealInPlace`.
   */
  sealSplit?(
    first: number,
    message: Uint8Array,
    nonce: Uint8Array,
    key: Uint8Array,
    output: Uint8Array,
    outputOffset: number,
  ): void;
  /**
   * Optional fast path for MESSAGE frames: crypto_secretbox_open of the box
   * `buffer[offset, offset + length)` into a new array; undefined when the MAC does not verify.
   * `nonce` is read only during the call. Without this method MessageBox calls `open`.
   */
  openAt?(
    buffer: Uint8Array,
    offset: number,
    length: number,
    nonce: Uint8Array,
    key: Uint8Array,
  ): Uint8Array | undefined;
  /**
   * Optional fastest path for MESSAGE frames: crypto_secretbox_open of the box
   * `buffer[offset, offset + length)` split into the flags byte, returned, and the body, written
   * to `output[0, length - 17)`; -1 when the box is too short or the MAC does not verify. `nonce`
   * is read only during the call. MessageBox prefers it to `openAt`.
   */
  openSplit?(
    buffer: Uint8Array,
    offset: number,
    length: number,
    nonce: Uint8Array,
    key: Uint8Array,
    output: Uint8Array,
  ): number;
}

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
    return hsalsa20(shared, ZERO_16);
  },
  publicKey: (secretKey) => x25519.getPublicKey(secretKey),
  seal: secretboxSeal,
  open: secretboxOpen,
  sealInPlace: secretboxSealInPlace,
  sealSplit: secretboxSealSplit,
  openAt: secretboxOpenAt,
  openSplit: secretboxOpenSplit,
  randomBytes,
};
