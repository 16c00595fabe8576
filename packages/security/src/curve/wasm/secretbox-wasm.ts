/**
 * The WebAssembly path of crypto_secretbox: `secretbox.wat` (the readable source, assembled into
 * `secretbox-wasm-bytes.ts` by scripts/build-wasm.mjs) and the few lines that move bytes in and
 * out of its memory. `../secretbox.ts` checks the arguments and calls this when it is loaded.
 *
 * Loading uses only the global `WebAssembly` (browsers, Node, Bun, Deno; no `node:` import). The
 * module uses 128-bit SIMD, so `WebAssembly.validate` is asked first: an engine without SIMD
 * refuses it and the JavaScript implementation stays. The module is compiled synchronously when
 * this file loads; where that is refused (Chrome's main thread allows it only up to 4 KB), it is
 * compiled in the background and handed over when ready.
 *
 * Each call copies key, nonce and data into the module's memory (a box at once: the tag sits
 * right before the data area), calls one export and copies the result out. Nothing is allocated
 * but one view per copy of a sub-range and the plaintext an open returns. Boxes longer than the
 * data area (64 KiB) go through in chunks; the keystream position and the Poly1305 state live in
 * the module and carry across them. The memory never grows (the module has no memory.grow and
 * nothing here asks for more), so the one view over it stays valid.
 */
import { allocate } from "../slab";
import { SECRETBOX_WASM_BASE64 } from "./secretbox-wasm-bytes";

const MAC_SIZE = 16;

/** What this file needs of the global `WebAssembly`, typed here (no DOM typings). */
export interface WebAssemblyApi {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { readonly exports: object };
  compile(bytes: Uint8Array): Promise<object>;
  instantiate(module: object, imports: object): Promise<{ readonly exports: object }>;
}

/** secretbox.wat's exports (see its header for the memory layout). */
interface Exports {
  readonly memory: { readonly buffer: ArrayBuffer };
  readonly KEY: { readonly value: number };
  readonly NONCE: { readonly value: number };
  readonly TAG: { readonly value: number };
  readonly POLY_KEY: { readonly value: number };
  readonly BLOCK: { readonly value: number };
  readonly BOX: { readonly value: number };
  readonly DATA: { readonly value: number };
  readonly DATA_SIZE: { readonly value: number };
  readonly FIRST_CHUNK: { readonly value: number };
  hsalsa20(): void;
  begin(length: number): void;
  polyInit(): void;
  polyUpdate(pointer: number, length: number): void;
  polyFinish(): void;
  seal(length: number): void;
  open(length: number): number;
  sealChunk(length: number): void;
  openChunk(length: number): void;
  sealFinish(): void;
  openFinish(): number;
  wipe(length: number): void;
}

const BASE64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/** RFC 4648 §4 base64 to bytes (the generated module's text is well-formed). */
export function decodeBase64(text: string): Uint8Array {
  const values = new Uint8Array(128);
  for (let index = 0; index < BASE64.length; index++) values[BASE64.charCodeAt(index)] = index;
  const padding = text.endsWith("==") ? 2 : text.endsWith("=") ? 1 : 0;
  const bytes = new Uint8Array((text.length / 4) * 3 - padding);
  let out = 0;
  for (let at = 0; at < text.length; at += 4) {
    const group =
      (values[text.charCodeAt(at)]! << 18) |
      (values[text.charCodeAt(at + 1)]! << 12) |
      (values[text.charCodeAt(at + 2)]! << 6) |
      values[text.charCodeAt(at + 3)]!;
    bytes[out++] = group >>> 16;
    if (out < bytes.length) bytes[out++] = group >>> 8;
    if (out < bytes.length) bytes[out++] = group;
  }
  return bytes;
}

/** secretbox.wat as bytes. */
export function secretboxWasmBytes(): Uint8Array {
  return decodeBase64(SECRETBOX_WASM_BASE64);
}

/** crypto_secretbox, HSalsa20 and Poly1305 over one instance of secretbox.wat. */
export class WasmSecretbox {
  readonly #exports: Exports;
  readonly #memory: Uint8Array;
  readonly #key: number;
  readonly #nonce: number;
  readonly #tag: number;
  readonly #polyKey: number;
  readonly #block: number;
  readonly #box: number;
  readonly #data: number;
  readonly #dataSize: number;
  readonly #firstChunk: number;
  /**
   * The last views of a sealed box (from BOX) and of opened plaintext (from DATA), kept because
   * messages of one stream tend to have the same length and a view costs as much as the copy.
   */
  #boxView: Uint8Array;
  /** Opened plaintext from DATA, and past its first byte from DATA + 1 (`#open`'s `skip`). */
  readonly #plainViews: Uint8Array[];

  constructor(exports: object) {
    const wasm = exports as Exports;
    this.#exports = wasm;
    this.#memory = new Uint8Array(wasm.memory.buffer);
    this.#key = wasm.KEY.value;
    this.#nonce = wasm.NONCE.value;
    this.#tag = wasm.TAG.value;
    this.#polyKey = wasm.POLY_KEY.value;
    this.#block = wasm.BLOCK.value;
    this.#box = wasm.BOX.value;
    this.#data = wasm.DATA.value;
    this.#dataSize = wasm.DATA_SIZE.value;
    this.#firstChunk = wasm.FIRST_CHUNK.value;
    this.#boxView = this.#memory.subarray(this.#box, this.#box);
    this.#plainViews = [
      this.#memory.subarray(this.#data, this.#data),
      this.#memory.subarray(this.#data + 1, this.#data + 1),
    ];
  }

  /**
   * crypto_secretbox of `message[messageOffset, + length)` into `output` at `outputOffset`: tag
   * then ciphertext. The message may be the very bytes at `outputOffset + 16` (in place): each
   * chunk is read before its ciphertext is written, and the tag last.
   */
  sealInto(
    message: Uint8Array,
    messageOffset: number,
    length: number,
    nonce: Uint8Array,
    key: Uint8Array,
    output: Uint8Array,
    outputOffset: number,
  ): void {
    this.#seal(-1, message, messageOffset, length, nonce, key, output, outputOffset);
  }

  /**
   * crypto_secretbox of the plaintext `first` (one byte) + `message[messageOffset, + length)`, as
   * a CurveZMQ MESSAGE is made of its flags and body, into `output` at `outputOffset`: tag then
   * ciphertext. The message must not overlap that part of `output`.
   */
  sealSplit(
    first: number,
    message: Uint8Array,
    messageOffset: number,
    length: number,
    nonce: Uint8Array,
    key: Uint8Array,
    output: Uint8Array,
    outputOffset: number,
  ): void {
    this.#seal(first, message, messageOffset, length, nonce, key, output, outputOffset);
  }

  /**
   * crypto_secretbox_open of the box `buffer[offset, offset + length)`, `length >= 16`: the
   * plaintext (up to 4 KiB from a shared slab, see ../slab.ts) or undefined when the tag does not
   * verify (see `#open` for what the caller never sees).
   */
  openAt(
    buffer: Uint8Array,
    offset: number,
    length: number,
    nonce: Uint8Array,
    key: Uint8Array,
  ): Uint8Array | undefined {
    const plain = allocate(length - MAC_SIZE);
    return this.#open(buffer, offset, length, nonce, key, plain, 0) < 0 ? undefined : plain;
  }

  /**
   * crypto_secretbox_open of the box `buffer[offset, offset + length)`, `length >= 17`, split as a
   * CurveZMQ MESSAGE is: the plaintext's first byte (the flags) is returned and the rest written
   * to `output[0, length - 17)`; -1 when the tag does not verify.
   */
  openSplit(
    buffer: Uint8Array,
    offset: number,
    length: number,
    nonce: Uint8Array,
    key: Uint8Array,
    output: Uint8Array,
  ): number {
    return this.#open(buffer, offset, length, nonce, key, output, 1);
  }

  /**
   * Seals the plaintext `first` (a byte; none when -1) followed by `message[messageOffset,
   * + length)` into `output` at `outputOffset`, tag then ciphertext. Boxes longer than the data
   * area go in chunks, the first holding `first` and the message bytes after it.
   */
  #seal(
    first: number,
    message: Uint8Array,
    messageOffset: number,
    length: number,
    nonce: Uint8Array,
    key: Uint8Array,
    output: Uint8Array,
    outputOffset: number,
  ): void {
    const wasm = this.#exports;
    const memory = this.#memory;
    const data = this.#data;
    const lead = first < 0 ? 0 : 1;
    const total = lead + length;
    memory.set(key, this.#key);
    memory.set(nonce, this.#nonce);
    if (lead === 1) memory[data] = first;
    if (total <= this.#dataSize) {
      this.#copyIn(message, messageOffset, length, data + lead);
      wasm.seal(total);
      let view = this.#boxView;
      if (view.length !== MAC_SIZE + total) {
        view = this.#boxView = memory.subarray(this.#box, data + total);
      }
      output.set(view, outputOffset);
      return;
    }
    wasm.begin(total);
    // The first chunk is a little shorter than the data area, so that every later chunk starts
    // on a boundary of the module's four-block keystream batches (see FIRST_CHUNK in the .wat).
    let size = this.#firstChunk;
    const cipherOffset = outputOffset + MAC_SIZE;
    for (let done = 0; done < total; ) {
      const count = Math.min(size, total - done);
      const skip = done === 0 ? lead : 0; // `first` is already in place
      this.#copyIn(message, messageOffset + done - lead + skip, count - skip, data + skip);
      wasm.sealChunk(count);
      output.set(memory.subarray(data, data + count), cipherOffset + done);
      done += count;
      size = this.#dataSize;
    }
    wasm.sealFinish();
    output.set(memory.subarray(this.#box, data), outputOffset);
  }

  /**
   * Opens the box `buffer[offset, offset + length)`, `length >= 16 + skip`, writing its plaintext
   * from byte `skip` on to `output[0, length - 16 - skip)`. Returns the first plaintext byte when
   * `skip` is 1 (0 when it is 0), or -1 when the tag does not verify. A box that fits the data
   * area is authenticated before anything is decrypted; a longer one is decrypted chunk by chunk
   * along the way and `output` is wiped if the tag fails, so the caller never sees
   * unauthenticated plaintext either way.
   */
  #open(
    buffer: Uint8Array,
    offset: number,
    length: number,
    nonce: Uint8Array,
    key: Uint8Array,
    output: Uint8Array,
    skip: 0 | 1,
  ): number {
    const wasm = this.#exports;
    const memory = this.#memory;
    const data = this.#data;
    const cipherLength = length - MAC_SIZE;
    memory.set(key, this.#key);
    memory.set(nonce, this.#nonce);
    if (cipherLength <= this.#dataSize) {
      this.#copyIn(buffer, offset, length, this.#box);
      if (wasm.open(cipherLength) === 0) return -1;
      let view = this.#plainViews[skip]!;
      if (view.length !== cipherLength - skip) {
        view = this.#plainViews[skip] = memory.subarray(data + skip, data + cipherLength);
      }
      output.set(view);
      return skip === 0 ? 0 : memory[data]!;
    }
    this.#copyIn(buffer, offset, MAC_SIZE, this.#box);
    wasm.begin(cipherLength);
    let first = 0;
    let size = this.#firstChunk; // as in #seal
    const cipherOffset = offset + MAC_SIZE;
    for (let done = 0; done < cipherLength; ) {
      const count = Math.min(size, cipherLength - done);
      this.#copyIn(buffer, cipherOffset + done, count, data);
      wasm.openChunk(count);
      const from = done === 0 ? skip : 0;
      if (done === 0) first = memory[data]!;
      output.set(memory.subarray(data + from, data + count), done - skip + from);
      done += count;
      size = this.#dataSize;
    }
    if (wasm.openFinish() === 0) {
      wasm.wipe(this.#dataSize);
      output.fill(0, 0, cipherLength - skip);
      return -1;
    }
    return skip === 0 ? 0 : first;
  }

  /** Copies `source[offset, offset + length)` to `at` in the module's memory (no view for all of it). */
  #copyIn(source: Uint8Array, offset: number, length: number, at: number): void {
    this.#memory.set(
      offset === 0 && length === source.length ? source : source.subarray(offset, offset + length),
      at,
    );
  }

  /** HSalsa20 of a 32-byte key and a 16-byte input into `output[0, 32)`. */
  hsalsa20(key: Uint8Array, input: Uint8Array, output: Uint8Array): void {
    const memory = this.#memory;
    memory.set(key, this.#key);
    memory.set(input, this.#nonce);
    this.#exports.hsalsa20();
    output.set(memory.subarray(this.#block, this.#block + 32));
  }

  /** Poly1305 of `message` under a 32-byte one-time key into `output[0, 16)`. */
  poly1305(message: Uint8Array, key: Uint8Array, output: Uint8Array): void {
    const wasm = this.#exports;
    const memory = this.#memory;
    const data = this.#data;
    memory.set(key, this.#polyKey);
    wasm.polyInit();
    // Whole chunks of the data area are whole 16-byte blocks; only the last may end partial.
    for (let done = 0; done < message.length; done += this.#dataSize) {
      const count = Math.min(this.#dataSize, message.length - done);
      this.#copyIn(message, done, count, data);
      wasm.polyUpdate(data, count);
    }
    wasm.polyFinish();
    output.set(memory.subarray(this.#tag, this.#tag + MAC_SIZE));
  }
}

/**
 * An instance of secretbox.wat, compiled synchronously; undefined when there is no WebAssembly,
 * its engine lacks SIMD (validation fails) or compiling fails. When only the synchronous compile
 * is refused, `later` receives an instance compiled in the background once it is ready.
 */
export function loadSecretboxWasm(
  later?: (secretbox: WasmSecretbox) => void,
  api: WebAssemblyApi | undefined = (globalThis as { WebAssembly?: WebAssemblyApi }).WebAssembly,
): WasmSecretbox | undefined {
  let bytes: Uint8Array;
  try {
    if (api === undefined) return undefined;
    bytes = secretboxWasmBytes();
    if (!api.validate(bytes)) return undefined;
  } catch {
    return undefined;
  }
  try {
    return new WasmSecretbox(new api.Instance(new api.Module(bytes), {}).exports);
  } catch {
    if (later !== undefined) {
      // Any failure here (a content security policy that forbids WebAssembly, say) keeps the
      // JavaScript implementation, quietly.
      Promise.resolve()
        .then(() => api.compile(bytes))
        .then((module) => api.instantiate(module, {}))
        .then(
          (instance) => later(new WasmSecretbox(instance.exports)),
          () => {},
        );
    }
    return undefined;
  }
}
