/**
 * The two implementations behind src/curve/secretbox.ts, WebAssembly (src/curve/wasm/) and
 * JavaScript, each against NaCl's vector, RFC 8439's Poly1305 vectors and tweetnacl, against
 * each other, across the wasm data area's chunk edges; the fallback when WebAssembly, SIMD or a
 * synchronous compile is missing; and the committed bytes against secretbox.wat.
 */
import { readFileSync } from "node:fs";
import fc from "fast-check";
import nacl from "tweetnacl";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import wabt from "wabt";
import * as curve from "../src/curve/index";
import {
  hsalsa20,
  poly1305Tag,
  type SecretboxImplementation,
  secretboxImplementation,
  secretboxOpen,
  secretboxOpenAt,
  secretboxOpenSplit,
  secretboxSeal,
  secretboxSealInPlace,
  secretboxSealInto,
  secretboxSealSplit,
  setSecretboxImplementation,
} from "../src/curve/secretbox";
import {
  decodeBase64,
  loadSecretboxWasm,
  secretboxWasmBytes,
  type WebAssemblyApi,
} from "../src/curve/wasm/secretbox-wasm";
import { hex, unhex } from "./helpers";
import {
  NACL_BOX as BOX,
  NACL_KEY as KEY,
  lowlevel,
  NACL_MESSAGE as MESSAGE,
  NACL_NONCE as NONCE,
  RFC8439_EDGES,
  RFC8439_EXAMPLE,
  SIGMA,
} from "./secretbox-vectors";

/** Seeded, so a failure reproduces. */
const RUNS = { seed: 0x3a5b_0c17, numRuns: 60 };

/** The wasm data area: a box longer than this goes through in chunks, the first one shorter. */
const DATA_SIZE = 65536;
const FIRST_CHUNK = 65312;

/** Lengths at the edges of blocks, of the first keystream blocks and of the wasm chunks. */
const EDGES = [
  0,
  1,
  15,
  16,
  17,
  31,
  32,
  33,
  63,
  64,
  65,
  96,
  97,
  224,
  225,
  255,
  256,
  257,
  288,
  289,
  4095,
  4096,
  4097,
  FIRST_CHUNK - 1,
  FIRST_CHUNK,
  FIRST_CHUNK + 1,
  DATA_SIZE - 1,
  DATA_SIZE,
  DATA_SIZE + 1,
  FIRST_CHUNK + DATA_SIZE,
  FIRST_CHUNK + DATA_SIZE + 1,
  70_000,
];
const bytes = (length: number) => fc.uint8Array({ minLength: length, maxLength: length });
const length = fc.oneof(
  fc.constantFrom(...EDGES),
  fc.integer({ min: 0, max: 300 }),
  fc.integer({ min: 0, max: 70_000 }),
);

function using(implementation: SecretboxImplementation): void {
  beforeAll(() => setSecretboxImplementation(implementation));
  afterAll(() => setSecretboxImplementation("auto"));
}

it("Node runs the WebAssembly implementation by default, and @zmtp/security/curve says so", () => {
  expect(secretboxImplementation()).toBe("wasm");
  expect(curve.secretboxImplementation()).toBe("wasm");
});

for (const implementation of ["wasm", "js"] as const) {
  describe(`${implementation}: the references`, () => {
    using(implementation);

    it("runs the implementation asked for", () => {
      expect(secretboxImplementation()).toBe(implementation);
    });

    it("seals NaCl's message to NaCl's box and opens it", () => {
      expect(hex(secretboxSeal(MESSAGE, NONCE, KEY))).toBe(hex(BOX));
      expect(hex(secretboxOpen(BOX, NONCE, KEY)!)).toBe(hex(MESSAGE));
    });

    it("RFC 8439 §2.5.2 and Appendix A.3 #5-#11 Poly1305 vectors", () => {
      const { key, text, tag } = RFC8439_EXAMPLE;
      expect(hex(poly1305Tag(text, key))).toBe(tag);
      for (const [, edgeKey, edgeText, edgeTag] of RFC8439_EDGES) {
        expect(hex(poly1305Tag(unhex(edgeText), edgeKey))).toBe(edgeTag);
      }
    });

    it("Poly1305 equals tweetnacl's crypto_onetimeauth, all-ones and random, across chunks", () => {
      const ones = new Uint8Array(32).fill(0xff);
      for (const size of [0, 1, 15, 16, 17, 4097, DATA_SIZE - 1, DATA_SIZE, DATA_SIZE + 17]) {
        for (const [key, text] of [
          [ones, new Uint8Array(size).fill(0xff)],
          [nacl.randomBytes(32), nacl.randomBytes(size)],
        ] as const) {
          const expected = new Uint8Array(16);
          lowlevel.crypto_onetimeauth(expected, 0, text, 0, size, key);
          expect(hex(poly1305Tag(text, key)), `length ${size}`).toBe(hex(expected));
        }
      }
    });

    it("HSalsa20 equals tweetnacl's crypto_core_hsalsa20 and writes only 32 bytes", () => {
      fc.assert(
        fc.property(bytes(32), bytes(16), (key, input) => {
          const expected = new Uint8Array(32);
          lowlevel.crypto_core_hsalsa20(expected, input, key, SIGMA);
          expect(hex(hsalsa20(key, input))).toBe(hex(expected));
          const output = new Uint8Array(40).fill(0xee);
          hsalsa20(key, input, output);
          expect(hex(output)).toBe(hex(expected) + "ee".repeat(8));
        }),
        RUNS,
      );
    });

    it("seal gives tweetnacl's box and open reverses it, lengths 0..70000 and chunk edges", () => {
      fc.assert(
        fc.property(bytes(32), bytes(24), length, (key, nonce, size) => {
          const text = nacl.randomBytes(size);
          const box = secretboxSeal(text, nonce, key);
          expect(hex(box)).toBe(hex(nacl.secretbox(text, nonce, key)));
          expect(hex(secretboxOpen(box, nonce, key)!)).toBe(hex(text));
        }),
        RUNS,
      );
    });

    it("every edge length, and boxes of two and three chunks", () => {
      const key = nacl.randomBytes(32);
      const nonce = nacl.randomBytes(24);
      for (const size of [...EDGES, 2 * DATA_SIZE + FIRST_CHUNK + 5, 300_000]) {
        const text = nacl.randomBytes(size);
        const box = secretboxSeal(text, nonce, key);
        expect(hex(box), `length ${size}`).toBe(hex(nacl.secretbox(text, nonce, key)));
        expect(hex(secretboxOpen(box, nonce, key)!), `length ${size}`).toBe(hex(text));
      }
    });

    it("seals in place, into and opens at random offsets of larger buffers", () => {
      fc.assert(
        fc.property(
          bytes(32),
          bytes(24),
          length,
          fc.integer({ min: 0, max: 100 }),
          fc.integer({ min: 0, max: 40 }),
          (key, nonce, size, offset, after) => {
            const text = nacl.randomBytes(size);
            const expected = hex(nacl.secretbox(text, nonce, key));
            const end = offset + 16 + size;

            const buffer = new Uint8Array(end + after).fill(0x5a);
            buffer.set(text, offset + 16);
            secretboxSealInPlace(buffer, offset, size, nonce, key);
            expect(hex(buffer.subarray(offset, end))).toBe(expected);
            expect(buffer.subarray(0, offset).every((byte) => byte === 0x5a)).toBe(true);
            expect(buffer.subarray(end).every((byte) => byte === 0x5a)).toBe(true);

            const output = new Uint8Array(end + after).fill(0xa5);
            const source = new Uint8Array(size + 3);
            source.set(text, 3);
            secretboxSealInto(source.subarray(3), nonce, key, output, offset);
            expect(hex(output.subarray(offset, end))).toBe(expected);
            expect(output.subarray(0, offset).every((byte) => byte === 0xa5)).toBe(true);
            expect(output.subarray(end).every((byte) => byte === 0xa5)).toBe(true);

            expect(hex(secretboxOpenAt(buffer, offset, 16 + size, nonce, key)!)).toBe(hex(text));
            expect(buffer.subarray(end).every((byte) => byte === 0x5a)).toBe(true);
          },
        ),
        RUNS,
      );
    });

    it("sealSplit boxes a first byte and a message as one plaintext, at any offset", () => {
      fc.assert(
        fc.property(
          bytes(32),
          bytes(24),
          length,
          fc.integer({ min: 0, max: 255 }),
          fc.integer({ min: 0, max: 100 }),
          fc.integer({ min: 0, max: 40 }),
          (key, nonce, size, first, offset, after) => {
            const text = nacl.randomBytes(size);
            const whole = new Uint8Array(1 + size);
            whole[0] = first;
            whole.set(text, 1);
            const expected = hex(nacl.secretbox(whole, nonce, key));
            const output = new Uint8Array(offset + 17 + size + after).fill(0xa5);
            // The message as a view into a larger array, as a frame's body often is.
            const source = new Uint8Array(size + 5);
            source.set(text, 3);
            secretboxSealSplit(first, source.subarray(3, 3 + size), nonce, key, output, offset);
            expect(hex(output.subarray(offset, offset + 17 + size))).toBe(expected);
            expect(output.subarray(0, offset).every((byte) => byte === 0xa5)).toBe(true);
            expect(output.subarray(offset + 17 + size).every((byte) => byte === 0xa5)).toBe(true);
          },
        ),
        RUNS,
      );
      const key = new Uint8Array(32);
      const nonce = new Uint8Array(24);
      const einval = expect.objectContaining({ code: "EINVAL" });
      const output = new Uint8Array(40);
      for (const first of [-1, 256, 1.5]) {
        expect(() => secretboxSealSplit(first, new Uint8Array(4), nonce, key, output)).toThrow(
          einval,
        );
      }
      expect(() => secretboxSealSplit(0, new Uint8Array(4), nonce, key, output, 20)).toThrow(
        einval,
      );
    });

    it("openSplit returns the first plaintext byte and writes the rest, at any offset", () => {
      fc.assert(
        fc.property(
          bytes(32),
          bytes(24),
          length.filter((size) => size > 0),
          fc.integer({ min: 0, max: 100 }),
          fc.integer({ min: 0, max: 40 }),
          (key, nonce, size, offset, after) => {
            const text = nacl.randomBytes(size);
            const box = nacl.secretbox(text, nonce, key);
            const buffer = new Uint8Array(offset + box.length + after).fill(0x5a);
            buffer.set(box, offset);
            const output = new Uint8Array(size - 1 + after).fill(0xa5);
            expect(secretboxOpenSplit(buffer, offset, box.length, nonce, key, output)).toBe(
              text[0],
            );
            expect(hex(output.subarray(0, size - 1))).toBe(hex(text.subarray(1)));
            expect(output.subarray(size - 1).every((byte) => byte === 0xa5)).toBe(true);
          },
        ),
        RUNS,
      );
    });

    it("openSplit of a tampered or too short box is -1 and leaves no plaintext", () => {
      for (const size of [1, 40, 300, FIRST_CHUNK, FIRST_CHUNK + 1, 150_000]) {
        const key = nacl.randomBytes(32);
        const nonce = nacl.randomBytes(24);
        const text = nacl.randomBytes(size);
        const box = nacl.secretbox(text, nonce, key);
        for (const where of [0, 16, box.length - 1]) {
          const tampered = box.slice();
          tampered[where]! ^= 0x04;
          const output = new Uint8Array(size - 1).fill(0xa5);
          expect(secretboxOpenSplit(tampered, 0, box.length, nonce, key, output)).toBe(-1);
          // Untouched (one chunk: nothing decrypted) or wiped (several chunks).
          expect(output.every((byte) => byte === 0xa5 || byte === 0)).toBe(true);
        }
      }
      const key = new Uint8Array(32);
      const nonce = new Uint8Array(24);
      // A tag and no flags byte: nothing to split.
      const empty = nacl.secretbox(new Uint8Array(0), nonce, key);
      expect(secretboxOpenSplit(empty, 0, 16, nonce, key, new Uint8Array(0))).toBe(-1);
      const einval = expect.objectContaining({ code: "EINVAL" });
      const short = nacl.secretbox(new Uint8Array(10), nonce, key);
      expect(() => secretboxOpenSplit(short, 0, 26, nonce, key, new Uint8Array(8))).toThrow(einval);
      expect(() => secretboxOpenSplit(short, 1, 26, nonce, key, new Uint8Array(9))).toThrow(einval);
    });

    it("a box with any one byte flipped does not open, in one chunk or several", () => {
      fc.assert(
        fc.property(
          bytes(32),
          bytes(24),
          length,
          fc.nat(),
          fc.integer({ min: 1, max: 255 }),
          (key, nonce, size, where, flip) => {
            const box = secretboxSeal(nacl.randomBytes(size), nonce, key);
            const tampered = box.slice();
            tampered[where % box.length]! ^= flip;
            expect(secretboxOpen(tampered, nonce, key)).toBeUndefined();
            const framed = new Uint8Array(box.length + 9);
            framed.set(tampered, 7);
            expect(secretboxOpenAt(framed, 7, box.length, nonce, key)).toBeUndefined();
          },
        ),
        RUNS,
      );
      // The tag, the first chunk, the second chunk and the very last byte of a long box.
      const key = nacl.randomBytes(32);
      const nonce = nacl.randomBytes(24);
      const box = secretboxSeal(nacl.randomBytes(150_000), nonce, key);
      for (const where of [0, 15, 16, 17, FIRST_CHUNK + 16, FIRST_CHUNK + 17, box.length - 1]) {
        const tampered = box.slice();
        tampered[where]! ^= 0x80;
        expect(secretboxOpen(tampered, nonce, key), `byte ${where}`).toBeUndefined();
      }
    });

    it("boxes under a kept subkey, changing keys and prefixes, and a key changed in place", () => {
      const keyA = nacl.randomBytes(32);
      const keyB = nacl.randomBytes(32);
      const prefixA = nacl.randomBytes(16);
      const prefixB = nacl.randomBytes(16);
      const nonce = (prefix: Uint8Array, counter: number) => {
        const bytes = new Uint8Array(24);
        bytes.set(prefix);
        new DataView(bytes.buffer).setBigUint64(16, BigInt(counter));
        return bytes;
      };
      const steps: [Uint8Array, Uint8Array, number][] = [];
      for (let counter = 1; counter < 40; counter++) {
        // Mostly one key and prefix, as a CURVE connection's MESSAGE boxes are, with switches.
        const key = counter % 7 === 0 ? keyB : keyA;
        const prefix = counter % 11 === 0 ? prefixB : prefixA;
        steps.push([key, nonce(prefix, counter), (counter * 37) % 600]);
      }
      for (const [key, nonceBytes, size] of steps) {
        const text = nacl.randomBytes(size);
        const box = secretboxSeal(text, nonceBytes, key);
        expect(hex(box)).toBe(hex(nacl.secretbox(text, nonceBytes, key)));
        expect(hex(secretboxOpen(box, nonceBytes, key)!)).toBe(hex(text));
        // HSalsa20 in between must not disturb the kept subkey.
        hsalsa20(nacl.randomBytes(32), nacl.randomBytes(16));
      }
      const text = nacl.randomBytes(100);
      const before = nonce(prefixA, 99);
      secretboxSeal(text, before, keyA);
      keyA[5]! ^= 1; // the same array, another key
      expect(hex(secretboxSeal(text, before, keyA))).toBe(hex(nacl.secretbox(text, before, keyA)));
    });
  });
}

describe("wasm and js give the same bytes", () => {
  afterEach(() => setSecretboxImplementation("auto"));

  it("seal, open, in place, HSalsa20 and Poly1305", () => {
    fc.assert(
      fc.property(
        bytes(32),
        bytes(24),
        length,
        fc.integer({ min: 0, max: 20 }),
        (key, nonce, size, offset) => {
          const text = nacl.randomBytes(size);
          const results = (["wasm", "js"] as const).map((implementation) => {
            setSecretboxImplementation(implementation);
            const box = secretboxSeal(text, nonce, key);
            const buffer = new Uint8Array(offset + 16 + size);
            buffer.set(text, offset + 16);
            secretboxSealInPlace(buffer, offset, size, nonce, key);
            const opened = secretboxOpenAt(buffer, offset, 16 + size, nonce, key);
            return [
              hex(box),
              hex(buffer.subarray(offset)),
              hex(opened!),
              hex(hsalsa20(key, nonce.subarray(0, 16))),
              hex(poly1305Tag(text, key)),
            ];
          });
          expect(results[0]).toEqual(results[1]);
        },
      ),
      { ...RUNS, numRuns: 30 },
    );
  });

  it("boxes sealed by one open with the other", () => {
    const key = nacl.randomBytes(32);
    const nonce = nacl.randomBytes(24);
    for (const size of EDGES) {
      const text = nacl.randomBytes(size);
      setSecretboxImplementation("wasm");
      const fromWasm = secretboxSeal(text, nonce, key);
      setSecretboxImplementation("js");
      const fromJs = secretboxSeal(text, nonce, key);
      expect(hex(secretboxOpen(fromWasm, nonce, key)!)).toBe(hex(text));
      setSecretboxImplementation("wasm");
      expect(hex(secretboxOpen(fromJs, nonce, key)!)).toBe(hex(text));
    }
  });

  it("both refuse bad keys, nonces and ranges with EINVAL", () => {
    for (const implementation of ["wasm", "js"] as const) {
      setSecretboxImplementation(implementation);
      const einval = expect.objectContaining({ code: "EINVAL" });
      const key = new Uint8Array(32);
      const nonce = new Uint8Array(24);
      expect(() => secretboxSeal(new Uint8Array(1), nonce, new Uint8Array(33))).toThrow(einval);
      expect(() => secretboxSeal(new Uint8Array(1), new Uint8Array(16), key)).toThrow(einval);
      expect(() => secretboxSealInPlace(new Uint8Array(20), 1, 4, nonce, key)).toThrow(einval);
      expect(() => secretboxOpenAt(new Uint8Array(20), 0, 21, nonce, key)).toThrow(einval);
      expect(() => secretboxOpen(new Uint8Array(8), nonce, new Uint8Array(0))).toThrow(einval);
      expect(() => poly1305Tag(new Uint8Array(1), new Uint8Array(16))).toThrow(einval);
      expect(() => hsalsa20(key, new Uint8Array(16), new Uint8Array(31))).toThrow(einval);
    }
  });
});

/** The real WebAssembly API with some members replaced (its own members are not enumerable). */
function fakeWebAssembly(overrides: Partial<WebAssemblyApi>): WebAssemblyApi {
  const real = (globalThis as unknown as { WebAssembly: WebAssemblyApi }).WebAssembly;
  return {
    validate: (bytes) => real.validate(bytes),
    Module: real.Module,
    Instance: real.Instance,
    compile: (bytes) => real.compile(bytes),
    instantiate: (module, imports) => real.instantiate(module, imports),
    ...overrides,
  };
}

/** A constructor that refuses, as Chrome's main thread refuses a synchronous compile over 4 KB. */
const refused = (() => {
  throw new RangeError("WebAssembly.Module(): buffer size is larger than 4KB on the main thread");
}) as unknown as WebAssemblyApi["Module"];

describe("without WebAssembly", () => {
  afterEach(() => {
    vi.unstubAllGlobals();
    vi.resetModules();
  });

  async function freshSecretbox() {
    vi.resetModules();
    return await import("../src/curve/secretbox");
  }

  function checkAgainstTweetnacl(module: Awaited<ReturnType<typeof freshSecretbox>>): void {
    const key = nacl.randomBytes(32);
    const nonce = nacl.randomBytes(24);
    for (const size of [0, 17, 257, 4096, DATA_SIZE + 1]) {
      const text = nacl.randomBytes(size);
      const box = module.secretboxSeal(text, nonce, key);
      expect(hex(box)).toBe(hex(nacl.secretbox(text, nonce, key)));
      expect(hex(module.secretboxOpen(box, nonce, key)!)).toBe(hex(text));
    }
  }

  it("no global WebAssembly: the JavaScript runs, and asking for wasm is ENOTSUP", async () => {
    vi.stubGlobal("WebAssembly", undefined);
    const module = await freshSecretbox();
    expect(module.secretboxImplementation()).toBe("js");
    checkAgainstTweetnacl(module);
    expect(() => module.setSecretboxImplementation("wasm")).toThrow(
      expect.objectContaining({ code: "ENOTSUP" }),
    );
  });

  it("no SIMD (the module does not validate): the JavaScript runs", async () => {
    vi.stubGlobal("WebAssembly", fakeWebAssembly({ validate: () => false }));
    const module = await freshSecretbox();
    expect(module.secretboxImplementation()).toBe("js");
    checkAgainstTweetnacl(module);
  });

  it("synchronous compile refused: JavaScript first, WebAssembly once compiled", async () => {
    vi.stubGlobal("WebAssembly", fakeWebAssembly({ Module: refused }));
    const module = await freshSecretbox();
    expect(module.secretboxImplementation()).toBe("js");
    checkAgainstTweetnacl(module);
    await vi.waitFor(() => expect(module.secretboxImplementation()).toBe("wasm"));
    checkAgainstTweetnacl(module);
  });

  it("a chosen implementation stays when the background compile finishes", async () => {
    let finish: (module: object) => void = () => {};
    const compiled = await fakeWebAssembly({}).compile(secretboxWasmBytes());
    vi.stubGlobal(
      "WebAssembly",
      fakeWebAssembly({
        Module: refused,
        compile: () => new Promise<object>((resolve) => (finish = resolve)),
      }),
    );
    const module = await freshSecretbox();
    module.setSecretboxImplementation("js");
    finish(compiled);
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(module.secretboxImplementation()).toBe("js");
    module.setSecretboxImplementation("wasm");
    expect(module.secretboxImplementation()).toBe("wasm");
    checkAgainstTweetnacl(module);
  });

  it("loadSecretboxWasm: undefined when compiling fails outright", async () => {
    const late = vi.fn();
    const broken = fakeWebAssembly({
      Module: refused,
      compile: () => Promise.reject(new Error("broken")),
    });
    expect(loadSecretboxWasm(late, broken)).toBeUndefined();
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(late).not.toHaveBeenCalled();
    expect(loadSecretboxWasm(undefined, fakeWebAssembly({}))).toBeDefined();
  });
});

describe("the committed WebAssembly", () => {
  it("is secretbox.wat assembled (run `pnpm --filter @zmtp/security build:wasm` after editing it)", async () => {
    const text = readFileSync(new URL("../src/curve/wasm/secretbox.wat", import.meta.url), "utf8");
    const toolkit = await wabt();
    const module = toolkit.parseWat("secretbox.wat", text, { simd: true });
    try {
      module.resolveNames();
      module.validate();
      const assembled = module.toBinary({ write_debug_names: false }).buffer;
      expect(hex(secretboxWasmBytes())).toBe(hex(assembled));
    } finally {
      module.destroy();
    }
  });

  it("decodes base64 as RFC 4648 §4 has it", () => {
    for (const size of [0, 1, 2, 3, 4, 5, 100, 1000]) {
      const data = nacl.randomBytes(size);
      expect(hex(decodeBase64(Buffer.from(data).toString("base64")))).toBe(hex(data));
    }
  });
});
