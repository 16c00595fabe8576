/**
 * NaCl's crypto_secretbox (XSalsa20 + Poly1305), the symmetric box every CurveZMQ command and
 * MESSAGE travels in, written from the specifications:
 *   - Salsa20: D. J. Bernstein, "Salsa20 specification" (quarterround, rowround, columnround,
 *     doubleround, the 20-round core, the "expand 32-byte k" constants);
 *   - HSalsa20 and XSalsa20: D. J. Bernstein, "Extending the Salsa20 nonce" §2;
 *   - Poly1305: RFC 8439 §2.5 (clamping r, the 2^128 pad bit per block, h + s mod 2^128);
 *   - the box itself: D. J. Bernstein, "Cryptography in NaCl" §9: subkey = HSalsa20(k, n[0..16]),
 *     the XSalsa20 keystream is Salsa20(subkey, n[16..24]) from block counter 0; its first
 *     32 bytes are the one-time Poly1305 key (r, s), the message is XORed with the keystream from
 *     byte 32 on, and the 16-byte tag is Poly1305 of the ciphertext. The box is tag + ciphertext.
 *
 * Two implementations of the same construction, one API. Where the runtime runs WebAssembly
 * with SIMD, the exported functions check their arguments here and hand the work to
 * `wasm/secretbox.wat` (four Salsa20 blocks at once in 128-bit lanes, Poly1305 in 64-bit
 * integers; see `wasm/secretbox-wasm.ts`), three to four times faster. Otherwise they run the
 * JavaScript below, which needs nothing from the runtime. Both give the same bytes, and the tests
 * run both against the same references.
 *
 * Speed of the JavaScript: the Salsa20 rounds keep the 16 state words in local variables; the
 * keystream block lands in one reused 64-byte buffer that the XOR loop reads (as 32-bit words
 * when the output is aligned); Poly1305 uses six 22-bit limbs in doubles (the bound is at
 * `poly1305Blocks`). Nothing is allocated per call except the output the caller asks for and,
 * for 64 bytes or more, one Int32Array view over it. All scratch is module-level: every function
 * here runs to completion synchronously, so no two calls ever share it.
 *
 * Runtime-neutral (no `node:` import). JavaScript gives no timing guarantees, but nothing here
 * branches on or indexes by secret data, and the tag is compared in constant time.
 */

import { ZmqError } from "@zmtp/spec";
import { allocate } from "./slab";
import { loadSecretboxWasm, type WasmSecretbox } from "./wasm/secretbox-wasm";

export const SECRETBOX_KEY_SIZE = 32;
export const SECRETBOX_NONCE_SIZE = 24;
export const SECRETBOX_MAC_SIZE = 16;
export const HSALSA20_INPUT_SIZE = 16;

/**
 * The WebAssembly implementation when this runtime loaded it (at once, or later when only a
 * background compile was allowed), and the one the exported functions use: it, or undefined
 * for the JavaScript in this file.
 */
let choice: SecretboxImplementation | "auto" = "auto";
let wasm: WasmSecretbox | undefined = loadSecretboxWasm((loaded) => {
  wasm = loaded;
  if (choice === "auto") active = loaded;
});
let active: WasmSecretbox | undefined = wasm;

export type SecretboxImplementation = "wasm" | "js";

/** Which implementation the secretbox functions (and so CURVE) run now: "wasm" or "js". */
export function secretboxImplementation(): SecretboxImplementation {
  return active === undefined ? "js" : "wasm";
}

/**
 * @internal For tests and benchmarks: run one implementation, or "auto" (the default) for
 * WebAssembly whenever it is loaded. "wasm" throws ENOTSUP where it is not.
 */
export function setSecretboxImplementation(name: SecretboxImplementation | "auto"): void {
  if (name === "wasm" && wasm === undefined) {
    throw new ZmqError("ENOTSUP", "WebAssembly secretbox is not available in this runtime");
  }
  choice = name;
  active = name === "js" ? undefined : wasm;
}

/** "expand 32-byte k" as four little-endian words (Salsa20 spec §"The Salsa20 expansion"). */
const SIGMA_0 = 0x61707865;
const SIGMA_1 = 0x3320646e;
const SIGMA_2 = 0x79622d32;
const SIGMA_3 = 0x6b206574;

const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** The Salsa20 input of the current box: constants, subkey, nonce tail, block counter. */
const state = new Int32Array(16);
/** The keystream block last produced, as words and (same memory) as little-endian bytes. */
const block = new Int32Array(16);
const blockBytes = new Uint8Array(block.buffer);
/** HSalsa20's own input and output words, so `hsalsa20` never disturbs a box in progress. */
const hState = new Int32Array(16);
const hBlock = new Int32Array(16);
/** The one-time Poly1305 key (r then s) as eight little-endian words. */
const polyKey = new Int32Array(8);
/** The last, partial, Poly1305 block, zero-padded. */
const lastBlock = new Uint8Array(16);
/** A computed tag waiting to be compared. */
const tag = new Uint8Array(16);

function load32(bytes: Uint8Array, offset: number): number {
  return (
    bytes[offset]! |
    (bytes[offset + 1]! << 8) |
    (bytes[offset + 2]! << 16) |
    (bytes[offset + 3]! << 24)
  );
}

function store32(bytes: Uint8Array, offset: number, word: number): void {
  bytes[offset] = word;
  bytes[offset + 1] = word >>> 8;
  bytes[offset + 2] = word >>> 16;
  bytes[offset + 3] = word >>> 24;
}

/**
 * The Salsa20 core: ten doublerounds (columnround then rowround) over `input`, then, for a
 * Salsa20 block, the input added back word by word (`feedForward`); HSalsa20 takes the words
 * without the addition. Each line is one step of a quarterround: y ^= (a + b) <<< n.
 */
function core(input: Int32Array, output: Int32Array, feedForward: boolean): void {
  const j0 = input[0]!;
  const j1 = input[1]!;
  const j2 = input[2]!;
  const j3 = input[3]!;
  const j4 = input[4]!;
  const j5 = input[5]!;
  const j6 = input[6]!;
  const j7 = input[7]!;
  const j8 = input[8]!;
  const j9 = input[9]!;
  const j10 = input[10]!;
  const j11 = input[11]!;
  const j12 = input[12]!;
  const j13 = input[13]!;
  const j14 = input[14]!;
  const j15 = input[15]!;
  let x0 = j0;
  let x1 = j1;
  let x2 = j2;
  let x3 = j3;
  let x4 = j4;
  let x5 = j5;
  let x6 = j6;
  let x7 = j7;
  let x8 = j8;
  let x9 = j9;
  let x10 = j10;
  let x11 = j11;
  let x12 = j12;
  let x13 = j13;
  let x14 = j14;
  let x15 = j15;
  let u: number;
  for (let round = 0; round < 20; round += 2) {
    // columnround: quarterround(y0, y4, y8, y12), (y5, y9, y13, y1), (y10, y14, y2, y6),
    // (y15, y3, y7, y11).
    u = (x0 + x12) | 0;
    x4 ^= (u << 7) | (u >>> 25);
    u = (x4 + x0) | 0;
    x8 ^= (u << 9) | (u >>> 23);
    u = (x8 + x4) | 0;
    x12 ^= (u << 13) | (u >>> 19);
    u = (x12 + x8) | 0;
    x0 ^= (u << 18) | (u >>> 14);

    u = (x5 + x1) | 0;
    x9 ^= (u << 7) | (u >>> 25);
    u = (x9 + x5) | 0;
    x13 ^= (u << 9) | (u >>> 23);
    u = (x13 + x9) | 0;
    x1 ^= (u << 13) | (u >>> 19);
    u = (x1 + x13) | 0;
    x5 ^= (u << 18) | (u >>> 14);

    u = (x10 + x6) | 0;
    x14 ^= (u << 7) | (u >>> 25);
    u = (x14 + x10) | 0;
    x2 ^= (u << 9) | (u >>> 23);
    u = (x2 + x14) | 0;
    x6 ^= (u << 13) | (u >>> 19);
    u = (x6 + x2) | 0;
    x10 ^= (u << 18) | (u >>> 14);

    u = (x15 + x11) | 0;
    x3 ^= (u << 7) | (u >>> 25);
    u = (x3 + x15) | 0;
    x7 ^= (u << 9) | (u >>> 23);
    u = (x7 + x3) | 0;
    x11 ^= (u << 13) | (u >>> 19);
    u = (x11 + x7) | 0;
    x15 ^= (u << 18) | (u >>> 14);

    // rowround: quarterround(y0, y1, y2, y3), (y5, y6, y7, y4), (y10, y11, y8, y9),
    // (y15, y12, y13, y14).
    u = (x0 + x3) | 0;
    x1 ^= (u << 7) | (u >>> 25);
    u = (x1 + x0) | 0;
    x2 ^= (u << 9) | (u >>> 23);
    u = (x2 + x1) | 0;
    x3 ^= (u << 13) | (u >>> 19);
    u = (x3 + x2) | 0;
    x0 ^= (u << 18) | (u >>> 14);

    u = (x5 + x4) | 0;
    x6 ^= (u << 7) | (u >>> 25);
    u = (x6 + x5) | 0;
    x7 ^= (u << 9) | (u >>> 23);
    u = (x7 + x6) | 0;
    x4 ^= (u << 13) | (u >>> 19);
    u = (x4 + x7) | 0;
    x5 ^= (u << 18) | (u >>> 14);

    u = (x10 + x9) | 0;
    x11 ^= (u << 7) | (u >>> 25);
    u = (x11 + x10) | 0;
    x8 ^= (u << 9) | (u >>> 23);
    u = (x8 + x11) | 0;
    x9 ^= (u << 13) | (u >>> 19);
    u = (x9 + x8) | 0;
    x10 ^= (u << 18) | (u >>> 14);

    u = (x15 + x14) | 0;
    x12 ^= (u << 7) | (u >>> 25);
    u = (x12 + x15) | 0;
    x13 ^= (u << 9) | (u >>> 23);
    u = (x13 + x12) | 0;
    x14 ^= (u << 13) | (u >>> 19);
    u = (x14 + x13) | 0;
    x15 ^= (u << 18) | (u >>> 14);
  }
  if (feedForward) {
    x0 = (x0 + j0) | 0;
    x1 = (x1 + j1) | 0;
    x2 = (x2 + j2) | 0;
    x3 = (x3 + j3) | 0;
    x4 = (x4 + j4) | 0;
    x5 = (x5 + j5) | 0;
    x6 = (x6 + j6) | 0;
    x7 = (x7 + j7) | 0;
    x8 = (x8 + j8) | 0;
    x9 = (x9 + j9) | 0;
    x10 = (x10 + j10) | 0;
    x11 = (x11 + j11) | 0;
    x12 = (x12 + j12) | 0;
    x13 = (x13 + j13) | 0;
    x14 = (x14 + j14) | 0;
    x15 = (x15 + j15) | 0;
  }
  output[0] = x0;
  output[1] = x1;
  output[2] = x2;
  output[3] = x3;
  output[4] = x4;
  output[5] = x5;
  output[6] = x6;
  output[7] = x7;
  output[8] = x8;
  output[9] = x9;
  output[10] = x10;
  output[11] = x11;
  output[12] = x12;
  output[13] = x13;
  output[14] = x14;
  output[15] = x15;
}

/** Fills `input` for HSalsa20 or Salsa20: constants on the diagonal, key in 1-4 and 11-14. */
function loadKey(input: Int32Array, key: Uint8Array): void {
  input[0] = SIGMA_0;
  input[5] = SIGMA_1;
  input[10] = SIGMA_2;
  input[15] = SIGMA_3;
  input[1] = load32(key, 0);
  input[2] = load32(key, 4);
  input[3] = load32(key, 8);
  input[4] = load32(key, 12);
  input[11] = load32(key, 16);
  input[12] = load32(key, 20);
  input[13] = load32(key, 24);
  input[14] = load32(key, 28);
}

/**
 * HSalsa20 ("Extending the Salsa20 nonce" §2): the core without the feed-forward over key and
 * a 16-byte input; the output is words 0, 5, 10, 15, 6, 7, 8, 9. With a zero input and an X25519
 * product as key, this is crypto_box_beforenm's second step.
 */
export function hsalsa20(
  key: Uint8Array,
  input: Uint8Array,
  output: Uint8Array = new Uint8Array(32),
): Uint8Array {
  if (key.length !== SECRETBOX_KEY_SIZE)
    throw new ZmqError("EINVAL", "HSalsa20 key must be 32 bytes");
  if (input.length !== HSALSA20_INPUT_SIZE) {
    throw new ZmqError("EINVAL", "HSalsa20 input must be 16 bytes");
  }
  if (output.length < 32) throw new ZmqError("EINVAL", "HSalsa20 output must hold 32 bytes");
  if (active !== undefined) {
    active.hsalsa20(key, input, output);
    return output;
  }
  loadKey(hState, key);
  hState[6] = load32(input, 0);
  hState[7] = load32(input, 4);
  hState[8] = load32(input, 8);
  hState[9] = load32(input, 12);
  core(hState, hBlock, false);
  store32(output, 0, hBlock[0]!);
  store32(output, 4, hBlock[5]!);
  store32(output, 8, hBlock[10]!);
  store32(output, 12, hBlock[15]!);
  store32(output, 16, hBlock[6]!);
  store32(output, 20, hBlock[7]!);
  store32(output, 24, hBlock[8]!);
  store32(output, 28, hBlock[9]!);
  return output;
}

/** The next Salsa20 keystream block into `blockBytes`; the 64-bit block counter moves on. */
function nextBlock(): void {
  core(state, block, true);
  if (!LITTLE_ENDIAN) {
    for (let index = 0; index < 16; index++) {
      const word = block[index]!;
      store32(blockBytes, index * 4, word);
    }
  }
  const low = (state[8]! + 1) | 0;
  state[8] = low;
  if (low === 0) state[9] = (state[9]! + 1) | 0;
}

/**
 * Starts an XSalsa20 stream: subkey = HSalsa20(key, nonce[0..16]), Salsa20 input with the
 * subkey and nonce[16..24], counter 0; then produces block 0 and takes its first 32 bytes as
 * the Poly1305 key. Bytes 32..63 of that block stay in `blockBytes` for the message.
 */
function begin(nonce: Uint8Array, key: Uint8Array): void {
  loadKey(state, key);
  state[6] = load32(nonce, 0);
  state[7] = load32(nonce, 4);
  state[8] = load32(nonce, 8);
  state[9] = load32(nonce, 12);
  if (!sameHSalsaInput()) {
    core(state, block, false);
    for (let index = 0; index < 12; index++) subkeyInput[index] = state[HSALSA_INPUT[index]!]!;
    subkey[0] = block[0]!;
    subkey[1] = block[5]!;
    subkey[2] = block[10]!;
    subkey[3] = block[15]!;
    subkey[4] = block[6]!;
    subkey[5] = block[7]!;
    subkey[6] = block[8]!;
    subkey[7] = block[9]!;
  }
  state[1] = subkey[0]!;
  state[2] = subkey[1]!;
  state[3] = subkey[2]!;
  state[4] = subkey[3]!;
  state[11] = subkey[4]!;
  state[12] = subkey[5]!;
  state[13] = subkey[6]!;
  state[14] = subkey[7]!;
  state[6] = load32(nonce, 16);
  state[7] = load32(nonce, 20);
  state[8] = 0;
  state[9] = 0;
  nextBlock();
  for (let index = 0; index < 8; index++) polyKey[index] = load32(blockBytes, index * 4);
}

/**
 * The XSalsa20 subkey depends only on the key and the nonce's first 16 bytes, and CurveZMQ's
 * MESSAGE nonces share those 16 bytes per direction ("CurveZMQMESSAGEC" / "...S"): the last
 * HSalsa20 input and output are kept, saving one of the six Salsa20 cores of a 256-byte box.
 * The input is compared word by word (the key and prefix words are loaded anyway), so a caller
 * that changes its key in place still gets the right subkey.
 */
const HSALSA_INPUT = [1, 2, 3, 4, 11, 12, 13, 14, 6, 7, 8, 9];
const subkeyInput = new Int32Array(12);
const subkey = new Int32Array(8);
let subkeyValid = false;

function sameHSalsaInput(): boolean {
  if (!subkeyValid) {
    subkeyValid = true;
    return false;
  }
  for (let index = 0; index < 12; index++) {
    if (subkeyInput[index] !== state[HSALSA_INPUT[index]!]) return false;
  }
  return true;
}

/**
 * XORs `length` bytes of `input` from `inputOffset` with the keystream (from byte 32 of block
 * 0, left by `begin`) into `output` at `outputOffset`. Input and output may be the same bytes.
 * When the output is 4-byte aligned (fresh arrays and MessageBox frames are), whole blocks are
 * written as 32-bit words through one Int32Array view, about twice as fast as byte stores.
 */
function xorStream(
  input: Uint8Array,
  inputOffset: number,
  output: Uint8Array,
  outputOffset: number,
  length: number,
): void {
  const first = Math.min(length, 32);
  for (let index = 0; index < first; index++) {
    output[outputOffset + index] = input[inputOffset + index]! ^ blockBytes[32 + index]!;
  }
  let done = first;
  const aligned = output.byteOffset + outputOffset + done;
  if (LITTLE_ENDIAN && length - done >= 64 && (aligned & 3) === 0) {
    const words = ((length - done) >>> 6) << 4;
    const output32 = new Int32Array(output.buffer, aligned, words);
    let from = inputOffset + done;
    for (let word = 0; word < words; word += 16) {
      nextBlock();
      for (let index = 0; index < 16; index++) {
        output32[word + index] = load32(input, from) ^ block[index]!;
        from += 4;
      }
    }
    done += words * 4;
  }
  for (; done < length; done += 64) {
    nextBlock();
    const count = Math.min(length - done, 64);
    const from = inputOffset + done;
    const to = outputOffset + done;
    for (let index = 0; index < count; index++) {
      output[to + index] = input[from + index]! ^ blockBytes[index]!;
    }
  }
}

const LIMB = 0x400000; // 2^22
const LIMB_INVERSE = 1 / LIMB; // 2^-22, exact
const LIMB_MASK = 0x3fffff;
/** Poly1305's accumulator h and clamped r, six 22-bit limbs each (see `poly1305Blocks`). */
const accumulator = new Float64Array(6);
const polyR = new Float64Array(6);

/**
 * h = (h + block) * r mod 2^130 - 5 for each 16-byte block of `data[at, end)` (RFC 8439 §2.5.1;
 * `padBit` is the 2^128 bit appended to a full block, bit 18 of limb 5).
 *
 * h and r are six limbs of 22 bits (radix 2^22, 132 bits) held in doubles. Limb i stands for
 * 2^(22i), and 2^132 = 4 * 2^130 ≡ 4 * 5 = 20 (mod 2^130 - 5), so a product that lands at
 * 2^(22(i+6)) folds back to limb i times 20 (`s` = 20 r).
 *
 * Exactness: every value below is a non-negative integer under 2^53, so doubles hold it
 * exactly, and scaling by 2^-22 and `Math.floor` are exact.
 *   - r is clamped below 2^124: r0..r4 < 2^22, r5 < 2^14, so r_j and s_j = 20 r_j are < 20 * 2^22.
 *   - between blocks every h_i < 2^22 + 2^13 (shown below); adding a block (limbs < 2^22) gives
 *     h_i < 2^23 + 2^13.
 *   - a column d_k is six products h_i * (r_j or s_j) < (2^23 + 2^13) * 20 * 2^22, so
 *     d_k < 120 * 2^45 * (1 + 2^-10) < 2^52.
 *   - carries, two rounds, each for all limbs at once (a short dependency chain):
 *     round 1: c_k = floor(d_k / 2^22) < 2^30; limb k keeps d_k mod 2^22 plus c_(k-1), and limb 0
 *     gets 20 c_5, so limbs 1..5 < 2^22 + 2^30 and limb 0 < 2^22 + 20 * 2^30 < 2^34.4.
 *     round 2: carries < 2^8 + 1 out of limbs 1..5 and < 2^12.4 + 1 out of limb 0; limb 0 gets
 *     20 * (2^8 + 1) back; so every limb ends < 2^22 + 2^13, as assumed.
 */
function poly1305Blocks(data: Uint8Array, at: number, end: number, padBit: number): void {
  const r0 = polyR[0]!;
  const r1 = polyR[1]!;
  const r2 = polyR[2]!;
  const r3 = polyR[3]!;
  const r4 = polyR[4]!;
  const r5 = polyR[5]!;
  const s1 = r1 * 20;
  const s2 = r2 * 20;
  const s3 = r3 * 20;
  const s4 = r4 * 20;
  const s5 = r5 * 20;
  let h0 = accumulator[0]!;
  let h1 = accumulator[1]!;
  let h2 = accumulator[2]!;
  let h3 = accumulator[3]!;
  let h4 = accumulator[4]!;
  let h5 = accumulator[5]!;
  for (; at < end; at += 16) {
    const m0 = load32(data, at);
    const m1 = load32(data, at + 4);
    const m2 = load32(data, at + 8);
    const m3 = load32(data, at + 12);
    h0 += m0 & LIMB_MASK;
    h1 += ((m0 >>> 22) | (m1 << 10)) & LIMB_MASK;
    h2 += ((m1 >>> 12) | (m2 << 20)) & LIMB_MASK;
    h3 += (m2 >>> 2) & LIMB_MASK;
    h4 += ((m2 >>> 24) | (m3 << 8)) & LIMB_MASK;
    h5 += (m3 >>> 14) | padBit;

    // h * r, schoolbook, the wrapped products times 20; summed as a tree for a shorter chain.
    const d0 = h0 * r0 + h1 * s5 + (h2 * s4 + h3 * s3) + (h4 * s2 + h5 * s1);
    const d1 = h0 * r1 + h1 * r0 + (h2 * s5 + h3 * s4) + (h4 * s3 + h5 * s2);
    const d2 = h0 * r2 + h1 * r1 + (h2 * r0 + h3 * s5) + (h4 * s4 + h5 * s3);
    const d3 = h0 * r3 + h1 * r2 + (h2 * r1 + h3 * r0) + (h4 * s5 + h5 * s4);
    const d4 = h0 * r4 + h1 * r3 + (h2 * r2 + h3 * r1) + (h4 * r0 + h5 * s5);
    const d5 = h0 * r5 + h1 * r4 + (h2 * r3 + h3 * r2) + (h4 * r1 + h5 * r0);

    let c0 = Math.floor(d0 * LIMB_INVERSE);
    let c1 = Math.floor(d1 * LIMB_INVERSE);
    let c2 = Math.floor(d2 * LIMB_INVERSE);
    let c3 = Math.floor(d3 * LIMB_INVERSE);
    let c4 = Math.floor(d4 * LIMB_INVERSE);
    let c5 = Math.floor(d5 * LIMB_INVERSE);
    h0 = d0 - c0 * LIMB + c5 * 20;
    h1 = d1 - c1 * LIMB + c0;
    h2 = d2 - c2 * LIMB + c1;
    h3 = d3 - c3 * LIMB + c2;
    h4 = d4 - c4 * LIMB + c3;
    h5 = d5 - c5 * LIMB + c4;
    c0 = Math.floor(h0 * LIMB_INVERSE);
    c1 = Math.floor(h1 * LIMB_INVERSE);
    c2 = Math.floor(h2 * LIMB_INVERSE);
    c3 = Math.floor(h3 * LIMB_INVERSE);
    c4 = Math.floor(h4 * LIMB_INVERSE);
    c5 = Math.floor(h5 * LIMB_INVERSE);
    h0 = h0 - c0 * LIMB + c5 * 20;
    h1 = h1 - c1 * LIMB + c0;
    h2 = h2 - c2 * LIMB + c1;
    h3 = h3 - c3 * LIMB + c2;
    h4 = h4 - c4 * LIMB + c3;
    h5 = h5 - c5 * LIMB + c4;
  }
  accumulator[0] = h0;
  accumulator[1] = h1;
  accumulator[2] = h2;
  accumulator[3] = h3;
  accumulator[4] = h4;
  accumulator[5] = h5;
}

/**
 * Poly1305 (RFC 8439 §2.5) of `data[offset, offset + length)` under `polyKey` (r, s), the tag
 * written to `output[outputOffset, +16)`.
 */
function poly1305(
  data: Uint8Array,
  offset: number,
  length: number,
  output: Uint8Array,
  outputOffset: number,
): void {
  // Clamp (RFC 8439 §2.5.1): r &= 0x0ffffffc0ffffffc0ffffffc0fffffff.
  const t0 = polyKey[0]! & 0x0fffffff;
  const t1 = polyKey[1]! & 0x0ffffffc;
  const t2 = polyKey[2]! & 0x0ffffffc;
  const t3 = polyKey[3]! & 0x0ffffffc;
  polyR[0] = t0 & LIMB_MASK;
  polyR[1] = ((t0 >>> 22) | (t1 << 10)) & LIMB_MASK;
  polyR[2] = ((t1 >>> 12) | (t2 << 20)) & LIMB_MASK;
  polyR[3] = (t2 >>> 2) & LIMB_MASK;
  polyR[4] = ((t2 >>> 24) | (t3 << 8)) & LIMB_MASK;
  polyR[5] = t3 >>> 14;
  for (let index = 0; index < 6; index++) accumulator[index] = 0;
  const full = length & ~15;
  poly1305Blocks(data, offset, offset + full, 0x40000);
  if (full < length) {
    // The last, partial block: its bytes, a 1 byte, zeros; no 2^128 bit.
    const count = length - full;
    for (let index = 0; index < count; index++) lastBlock[index] = data[offset + full + index]!;
    lastBlock[count] = 1;
    for (let index = count + 1; index < 16; index++) lastBlock[index] = 0;
    poly1305Blocks(lastBlock, 0, 16, 0);
  }

  // Fully reduce h mod 2^130 - 5, in 32-bit integers (every limb is below 2^23).
  let g0 = accumulator[0]! | 0;
  let g1 = accumulator[1]! | 0;
  let g2 = accumulator[2]! | 0;
  let g3 = accumulator[3]! | 0;
  let g4 = accumulator[4]! | 0;
  let g5 = accumulator[5]! | 0;
  let carry: number;
  // Three passes: carry every limb to 22 bits (limb 5: 20) and fold the bits at 2^130 and above
  // back as times 5 (2^130 ≡ 5). After the first pass h < 2^130 + 20, after the second every
  // limb but limb 0 fits, and the third carries limb 0's excess through with nothing left to
  // fold: h < 2^130, every limb in range.
  for (let pass = 0; pass < 3; pass++) {
    carry = g0 >>> 22;
    g0 &= LIMB_MASK;
    g1 += carry;
    carry = g1 >>> 22;
    g1 &= LIMB_MASK;
    g2 += carry;
    carry = g2 >>> 22;
    g2 &= LIMB_MASK;
    g3 += carry;
    carry = g3 >>> 22;
    g3 &= LIMB_MASK;
    g4 += carry;
    carry = g4 >>> 22;
    g4 &= LIMB_MASK;
    g5 += carry;
    carry = g5 >>> 20;
    g5 &= 0xfffff;
    g0 += carry * 5;
  }

  // h < 2^130 now; h - p = h + 5 - 2^130 is the answer when h + 5 reaches 2^130. Chosen by mask.
  let f0 = g0 + 5;
  carry = f0 >>> 22;
  f0 &= LIMB_MASK;
  let f1 = g1 + carry;
  carry = f1 >>> 22;
  f1 &= LIMB_MASK;
  let f2 = g2 + carry;
  carry = f2 >>> 22;
  f2 &= LIMB_MASK;
  let f3 = g3 + carry;
  carry = f3 >>> 22;
  f3 &= LIMB_MASK;
  let f4 = g4 + carry;
  carry = f4 >>> 22;
  f4 &= LIMB_MASK;
  let f5 = g5 + carry;
  const mask = -(f5 >>> 20) | 0;
  f5 &= 0xfffff;
  const keep = ~mask;
  g0 = (f0 & mask) | (g0 & keep);
  g1 = (f1 & mask) | (g1 & keep);
  g2 = (f2 & mask) | (g2 & keep);
  g3 = (f3 & mask) | (g3 & keep);
  g4 = (f4 & mask) | (g4 & keep);
  g5 = (f5 & mask) | (g5 & keep);

  // tag = (h + s) mod 2^128, as four little-endian words.
  const w0 = (g0 | (g1 << 22)) >>> 0;
  const w1 = ((g1 >>> 10) | (g2 << 12)) >>> 0;
  const w2 = ((g2 >>> 20) | (g3 << 2) | (g4 << 24)) >>> 0;
  const w3 = ((g4 >>> 8) | (g5 << 14)) >>> 0;
  let sum = w0 + (polyKey[4]! >>> 0);
  store32(output, outputOffset, sum);
  sum = w1 + (polyKey[5]! >>> 0) + ((sum / 0x100000000) | 0);
  store32(output, outputOffset + 4, sum);
  sum = w2 + (polyKey[6]! >>> 0) + ((sum / 0x100000000) | 0);
  store32(output, outputOffset + 8, sum);
  sum = w3 + (polyKey[7]! >>> 0) + ((sum / 0x100000000) | 0);
  store32(output, outputOffset + 12, sum);
}

/** Poly1305 (RFC 8439 §2.5) of `message` under a 32-byte one-time key (r then s). */
export function poly1305Tag(message: Uint8Array, key: Uint8Array): Uint8Array {
  if (key.length !== 32) throw new ZmqError("EINVAL", "Poly1305 key must be 32 bytes");
  const output = new Uint8Array(SECRETBOX_MAC_SIZE);
  if (active !== undefined) {
    active.poly1305(message, key, output);
    return output;
  }
  for (let index = 0; index < 8; index++) polyKey[index] = load32(key, index * 4);
  poly1305(message, 0, message.length, output, 0);
  return output;
}

function checkKeyAndNonce(nonce: Uint8Array, key: Uint8Array): void {
  if (key.length !== SECRETBOX_KEY_SIZE)
    throw new ZmqError("EINVAL", "secretbox key must be 32 bytes");
  if (nonce.length !== SECRETBOX_NONCE_SIZE) {
    throw new ZmqError("EINVAL", "secretbox nonce must be 24 bytes");
  }
}

function checkRange(buffer: Uint8Array, offset: number, length: number): void {
  if (
    !Number.isInteger(offset) ||
    !Number.isInteger(length) ||
    offset < 0 ||
    length < 0 ||
    offset + length > buffer.length
  ) {
    throw new ZmqError("EINVAL", "secretbox range outside the buffer");
  }
}

/** Constant-time equality of 16 bytes: no early exit, no data-dependent branch. */
function equal16(a: Uint8Array, aOffset: number, b: Uint8Array, bOffset: number): boolean {
  let difference = 0;
  for (let index = 0; index < 16; index++) difference |= a[aOffset + index]! ^ b[bOffset + index]!;
  return difference === 0;
}

/**
 * crypto_secretbox of `message` into `output` at `outputOffset`: tag (16) then ciphertext
 * (message.length). `message` may be the very bytes at `outputOffset + 16` (sealing in place).
 */
export function secretboxSealInto(
  message: Uint8Array,
  nonce: Uint8Array,
  key: Uint8Array,
  output: Uint8Array,
  outputOffset = 0,
): void {
  checkRange(output, outputOffset, SECRETBOX_MAC_SIZE + message.length);
  checkKeyAndNonce(nonce, key);
  if (active !== undefined) {
    active.sealInto(message, 0, message.length, nonce, key, output, outputOffset);
    return;
  }
  begin(nonce, key);
  const cipherOffset = outputOffset + SECRETBOX_MAC_SIZE;
  xorStream(message, 0, output, cipherOffset, message.length);
  poly1305(output, cipherOffset, message.length, output, outputOffset);
}

/**
 * crypto_secretbox in place: `buffer[offset + 16, offset + 16 + length)` holds the message and
 * becomes the ciphertext; the tag is written to `buffer[offset, offset + 16)`.
 */
export function secretboxSealInPlace(
  buffer: Uint8Array,
  offset: number,
  length: number,
  nonce: Uint8Array,
  key: Uint8Array,
): void {
  checkRange(buffer, offset, SECRETBOX_MAC_SIZE + length);
  checkKeyAndNonce(nonce, key);
  const cipherOffset = offset + SECRETBOX_MAC_SIZE;
  if (active !== undefined) {
    active.sealInto(buffer, cipherOffset, length, nonce, key, buffer, offset);
    return;
  }
  begin(nonce, key);
  xorStream(buffer, cipherOffset, buffer, cipherOffset, length);
  poly1305(buffer, cipherOffset, length, buffer, offset);
}

/**
 * crypto_secretbox of the plaintext `first` (one byte) followed by `message`, as a CurveZMQ
 * MESSAGE is made of its flags and body, into `output` at `outputOffset`: tag (16) then
 * ciphertext (1 + message.length). The body goes from the caller's array into the box without
 * an intermediate copy. `message` must not overlap that part of `output`.
 */
export function secretboxSealSplit(
  first: number,
  message: Uint8Array,
  nonce: Uint8Array,
  key: Uint8Array,
  output: Uint8Array,
  outputOffset = 0,
): void {
  if (!Number.isInteger(first) || first < 0 || first > 255) {
    throw new ZmqError("EINVAL", `secretbox first byte must be 0-255: ${first}`);
  }
  checkRange(output, outputOffset, SECRETBOX_MAC_SIZE + 1 + message.length);
  checkKeyAndNonce(nonce, key);
  if (active !== undefined) {
    active.sealSplit(first, message, 0, message.length, nonce, key, output, outputOffset);
    return;
  }
  const cipherOffset = outputOffset + SECRETBOX_MAC_SIZE;
  output[cipherOffset] = first;
  output.set(message, cipherOffset + 1);
  begin(nonce, key);
  xorStream(output, cipherOffset, output, cipherOffset, 1 + message.length);
  poly1305(output, cipherOffset, 1 + message.length, output, outputOffset);
}

/** crypto_secretbox: tag (16) + ciphertext, in one new array. */
export function secretboxSeal(message: Uint8Array, nonce: Uint8Array, key: Uint8Array): Uint8Array {
  const output = new Uint8Array(SECRETBOX_MAC_SIZE + message.length);
  secretboxSealInto(message, nonce, key, output, 0);
  return output;
}

/**
 * crypto_secretbox_open of the box `buffer[offset, offset + length)`: the plaintext in a fresh
 * array (up to 4 KiB a region of a shared slab, see slab.ts), or undefined when the box is
 * shorter than a tag or the tag does not verify (then nothing is decrypted).
 */
export function secretboxOpenAt(
  buffer: Uint8Array,
  offset: number,
  length: number,
  nonce: Uint8Array,
  key: Uint8Array,
): Uint8Array | undefined {
  checkRange(buffer, offset, length);
  checkKeyAndNonce(nonce, key);
  if (length < SECRETBOX_MAC_SIZE) return undefined;
  return openChecked(buffer, offset, length, nonce, key);
}

/** secretboxOpenAt once its arguments were checked and `length >= 16`. */
function openChecked(
  buffer: Uint8Array,
  offset: number,
  length: number,
  nonce: Uint8Array,
  key: Uint8Array,
): Uint8Array | undefined {
  if (active !== undefined) return active.openAt(buffer, offset, length, nonce, key);
  begin(nonce, key);
  const cipherOffset = offset + SECRETBOX_MAC_SIZE;
  const cipherLength = length - SECRETBOX_MAC_SIZE;
  poly1305(buffer, cipherOffset, cipherLength, tag, 0);
  if (!equal16(tag, 0, buffer, offset)) return undefined;
  const plain = allocate(cipherLength);
  xorStream(buffer, cipherOffset, plain, 0, cipherLength);
  return plain;
}

/**
 * crypto_secretbox_open of the box `buffer[offset, offset + length)`, split as a CurveZMQ MESSAGE
 * is (a flags byte, then the body): returns the plaintext's first byte and writes the rest to
 * `output[0, length - 17)`, so the body lands in memory of the caller's choosing without a view
 * or a second copy. Returns -1 when the box is shorter than a tag and a byte or the tag does not
 * verify; `output` then holds no plaintext.
 */
export function secretboxOpenSplit(
  buffer: Uint8Array,
  offset: number,
  length: number,
  nonce: Uint8Array,
  key: Uint8Array,
  output: Uint8Array,
): number {
  checkRange(buffer, offset, length);
  checkKeyAndNonce(nonce, key);
  if (length < SECRETBOX_MAC_SIZE + 1) return -1;
  checkRange(output, 0, length - SECRETBOX_MAC_SIZE - 1);
  if (active !== undefined) return active.openSplit(buffer, offset, length, nonce, key, output);
  const plain = openChecked(buffer, offset, length, nonce, key);
  if (plain === undefined) return -1;
  output.set(plain.subarray(1));
  return plain[0]!;
}

/** crypto_secretbox_open: the plaintext, or undefined when the tag does not verify. */
export function secretboxOpen(
  box: Uint8Array,
  nonce: Uint8Array,
  key: Uint8Array,
): Uint8Array | undefined {
  return secretboxOpenAt(box, 0, box.length, nonce, key);
}
