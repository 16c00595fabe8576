/**
 * crypto_secretbox (src/curve/secretbox.ts) against NaCl's own vector, RFC 8439's Poly1305
 * vectors and, for random keys, nonces and lengths, tweetnacl (the implementation it replaces).
 */

import { encodeFrame, FLAG_COMMAND, FLAG_MORE, FrameEncoder } from "@zmtp/codec";
import fc from "fast-check";
import nacl from "tweetnacl";
import { describe, expect, it } from "vitest";
import { type CurveCrypto, defaultCrypto } from "../src/curve/crypto";
import { MessageBox } from "../src/curve/message-box";
import { PeerNonce, PREFIX, ShortNonce } from "../src/curve/nonce";
import {
  hsalsa20,
  poly1305Tag,
  secretboxOpen,
  secretboxOpenAt,
  secretboxSeal,
  secretboxSealInPlace,
  secretboxSealInto,
} from "../src/curve/secretbox";
import { hex, spyCrypto, unhex } from "./helpers";
import {
  NACL_BOX as BOX,
  NACL_KEY as FIRST_KEY,
  lowlevel,
  NACL_MESSAGE as MESSAGE,
  NACL_POLY_KEY,
  NACL_NONCE as NONCE,
  RFC8439_EDGES,
  RFC8439_EXAMPLE,
  SIGMA,
} from "./secretbox-vectors";

/** Seeded, so a failure reproduces. */
const RUNS = { seed: 0x5ec7b0c5, numRuns: 150 };

const bytes = (length: number) => fc.uint8Array({ minLength: length, maxLength: length });
const message = fc.oneof(
  fc.uint8Array({ maxLength: 5000 }),
  fc.uint8Array({ maxLength: 100 }),
  fc.integer({ min: 0, max: 5000 }).map((length) => nacl.randomBytes(length)),
);

describe("secretbox: NaCl's vector", () => {
  it("seals the 131-byte message to NaCl's box", () => {
    expect(hex(secretboxSeal(MESSAGE, NONCE, FIRST_KEY))).toBe(hex(BOX));
  });

  it("opens NaCl's box to the message", () => {
    expect(hex(secretboxOpen(BOX, NONCE, FIRST_KEY)!)).toBe(hex(MESSAGE));
  });

  it("seals in place at an offset, as crypto_secretbox(c, c, ...) does", () => {
    const buffer = new Uint8Array(7 + 16 + MESSAGE.length + 5).fill(0xaa);
    buffer.set(MESSAGE, 7 + 16);
    secretboxSealInPlace(buffer, 7, MESSAGE.length, NONCE, FIRST_KEY);
    expect(hex(buffer.subarray(7, 7 + BOX.length))).toBe(hex(BOX));
    expect([...buffer.subarray(0, 7), ...buffer.subarray(7 + BOX.length)]).toEqual(
      new Array(12).fill(0xaa),
    );
  });

  it("derives the one-time Poly1305 key NaCl derives (first 32 keystream bytes)", () => {
    const ciphertext = BOX.subarray(16);
    expect(hex(poly1305Tag(ciphertext, NACL_POLY_KEY))).toBe(hex(BOX.subarray(0, 16)));
  });
});

describe("Poly1305: RFC 8439", () => {
  it("§2.5.2 example", () => {
    const { key, text, tag } = RFC8439_EXAMPLE;
    expect(hex(poly1305Tag(text, key))).toBe(tag);
  });

  for (const [name, key, text, tag] of RFC8439_EDGES) {
    it(name, () => {
      expect(hex(poly1305Tag(unhex(text), key))).toBe(tag);
    });
  }

  it("equals tweetnacl's crypto_onetimeauth for random keys and lengths", () => {
    fc.assert(
      fc.property(bytes(32), message, (key, text) => {
        const expected = new Uint8Array(16);
        lowlevel.crypto_onetimeauth(expected, 0, text, 0, text.length, key);
        expect(hex(poly1305Tag(text, key))).toBe(hex(expected));
      }),
      RUNS,
    );
  });

  it("all-ones keys and messages (largest limbs) match tweetnacl", () => {
    const key = new Uint8Array(32).fill(0xff);
    for (const length of [0, 1, 15, 16, 17, 31, 32, 33, 63, 64, 65, 1000, 4097]) {
      const text = new Uint8Array(length).fill(0xff);
      const expected = new Uint8Array(16);
      lowlevel.crypto_onetimeauth(expected, 0, text, 0, length, key);
      expect(hex(poly1305Tag(text, key)), `length ${length}`).toBe(hex(expected));
    }
  });
});

describe("HSalsa20", () => {
  it("equals tweetnacl's crypto_core_hsalsa20", () => {
    fc.assert(
      fc.property(bytes(32), bytes(16), (key, input) => {
        const expected = new Uint8Array(32);
        lowlevel.crypto_core_hsalsa20(expected, input, key, SIGMA);
        expect(hex(hsalsa20(key, input))).toBe(hex(expected));
      }),
      RUNS,
    );
  });

  it("gives crypto_box_beforenm with the X25519 product (NaCl's box.before)", () => {
    const alice = nacl.box.keyPair();
    const bob = nacl.box.keyPair();
    expect(hex(defaultCrypto.sharedKey(bob.publicKey, alice.secretKey))).toBe(
      hex(nacl.box.before(bob.publicKey, alice.secretKey)),
    );
  });

  it("refuses keys and inputs of the wrong size", () => {
    expect(() => hsalsa20(new Uint8Array(31), new Uint8Array(16))).toThrow(
      expect.objectContaining({ code: "EINVAL" }),
    );
    expect(() => hsalsa20(new Uint8Array(32), new Uint8Array(15))).toThrow(
      expect.objectContaining({ code: "EINVAL" }),
    );
  });
});

describe("secretbox against tweetnacl", () => {
  it("seal gives tweetnacl's bytes and open reverses it, lengths 0..5000", () => {
    fc.assert(
      fc.property(bytes(32), bytes(24), message, (key, nonce, text) => {
        const box = secretboxSeal(text, nonce, key);
        expect(hex(box)).toBe(hex(nacl.secretbox(text, nonce, key)));
        expect(hex(secretboxOpen(box, nonce, key)!)).toBe(hex(text));
        expect(hex(nacl.secretbox.open(box, nonce, key)!)).toBe(hex(text));
      }),
      RUNS,
    );
  });

  it("every length from 0 to 300 and around the block edges up to 5000", () => {
    const key = nacl.randomBytes(32);
    const nonce = nacl.randomBytes(24);
    const lengths = [...Array(301).keys()];
    for (const edge of [511, 1024, 4095, 4096, 4097, 5000]) lengths.push(edge - 1, edge, edge + 1);
    for (const length of lengths) {
      const text = nacl.randomBytes(length);
      const box = secretboxSeal(text, nonce, key);
      expect(hex(box), `length ${length}`).toBe(hex(nacl.secretbox(text, nonce, key)));
      expect(hex(secretboxOpen(box, nonce, key)!), `length ${length}`).toBe(hex(text));
    }
  });

  it("keystream agrees with tweetnacl's crypto_stream past block 0 (the 64-bit counter)", () => {
    const key = nacl.randomBytes(32);
    const nonce = nacl.randomBytes(24);
    const zeros = new Uint8Array(70_000);
    const stream = new Uint8Array(32 + zeros.length);
    lowlevel.crypto_stream(stream, 0, stream.length, nonce, key);
    const box = secretboxSeal(zeros, nonce, key);
    expect(hex(box.subarray(16))).toBe(hex(stream.subarray(32)));
  });

  it("seals in place and into an offset, aligned or not, with the same bytes", () => {
    fc.assert(
      fc.property(
        bytes(32),
        bytes(24),
        message,
        fc.integer({ min: 0, max: 9 }),
        (key, nonce, text, offset) => {
          const expected = hex(nacl.secretbox(text, nonce, key));
          const buffer = new Uint8Array(offset + 16 + text.length + 3).fill(0x5a);
          buffer.set(text, offset + 16);
          secretboxSealInPlace(buffer, offset, text.length, nonce, key);
          expect(hex(buffer.subarray(offset, offset + 16 + text.length))).toBe(expected);
          expect(buffer.subarray(0, offset).every((byte) => byte === 0x5a)).toBe(true);
          expect(buffer.subarray(offset + 16 + text.length).every((byte) => byte === 0x5a)).toBe(
            true,
          );

          const output = new Uint8Array(offset + 16 + text.length);
          // An unaligned source: a view one byte into a larger array.
          const source = new Uint8Array(text.length + 1);
          source.set(text, 1);
          secretboxSealInto(source.subarray(1), nonce, key, output, offset);
          expect(hex(output.subarray(offset))).toBe(expected);

          // Opening where the box lies, in an unaligned buffer.
          const opened = secretboxOpenAt(buffer, offset, 16 + text.length, nonce, key);
          expect(hex(opened!)).toBe(hex(text));
        },
      ),
      RUNS,
    );
  });

  it("refuses ranges outside the buffer and wrong key or nonce sizes", () => {
    const key = new Uint8Array(32);
    const nonce = new Uint8Array(24);
    expect(() => secretboxSealInPlace(new Uint8Array(20), 0, 5, nonce, key)).toThrow(
      expect.objectContaining({ code: "EINVAL" }),
    );
    expect(() => secretboxSealInPlace(new Uint8Array(40), -1, 5, nonce, key)).toThrow(
      expect.objectContaining({ code: "EINVAL" }),
    );
    expect(() => secretboxSealInto(new Uint8Array(4), nonce, key, new Uint8Array(19))).toThrow(
      expect.objectContaining({ code: "EINVAL" }),
    );
    expect(() => secretboxOpenAt(new Uint8Array(20), 8, 16, nonce, key)).toThrow(
      expect.objectContaining({ code: "EINVAL" }),
    );
    expect(() => secretboxSeal(new Uint8Array(1), nonce, new Uint8Array(31))).toThrow(
      expect.objectContaining({ code: "EINVAL" }),
    );
    expect(() => secretboxSeal(new Uint8Array(1), new Uint8Array(23), key)).toThrow(
      expect.objectContaining({ code: "EINVAL" }),
    );
    expect(() => secretboxOpen(new Uint8Array(20), new Uint8Array(25), key)).toThrow(
      expect.objectContaining({ code: "EINVAL" }),
    );
  });
});

describe("secretbox: the kept XSalsa20 subkey", () => {
  it("matches tweetnacl as keys and nonce prefixes change, and after a key changes in place", () => {
    const keyA = new Uint8Array(32).fill(1);
    const keyB = new Uint8Array(32).fill(2);
    const prefixed = (first: number, last: number) => {
      const nonce = new Uint8Array(24).fill(first);
      nonce[23] = last;
      return nonce;
    };
    const message = new Uint8Array(300).map((_, index) => index);
    const steps: [Uint8Array, Uint8Array][] = [
      [keyA, prefixed(7, 1)],
      [keyA, prefixed(7, 2)], // same key and prefix: the kept subkey
      [keyB, prefixed(7, 3)], // another key
      [keyB, prefixed(8, 3)], // another prefix
      [keyA, prefixed(7, 4)], // back to the first
    ];
    for (const [key, nonce] of steps) {
      const box = secretboxSeal(message, nonce, key);
      expect(hex(box)).toBe(hex(nacl.secretbox(message, nonce, key)));
      expect(secretboxOpen(box, nonce, key)).toEqual(message);
    }
    keyA[31] = 9; // the same array, another key
    const nonce = prefixed(7, 5);
    expect(hex(secretboxSeal(message, nonce, keyA))).toBe(
      hex(nacl.secretbox(message, nonce, keyA)),
    );
  });
});

describe("secretbox tampering", () => {
  it("a box shorter than its MAC does not open", () => {
    for (let length = 0; length < 16; length++) {
      expect(secretboxOpen(new Uint8Array(length), NONCE, FIRST_KEY)).toBeUndefined();
    }
  });

  it("every single flipped bit of NaCl's box (MAC and ciphertext) stops it opening", () => {
    for (let bit = 0; bit < BOX.length * 8; bit++) {
      const tampered = BOX.slice();
      tampered[bit >> 3]! ^= 1 << (bit & 7);
      expect(secretboxOpen(tampered, NONCE, FIRST_KEY), `bit ${bit}`).toBeUndefined();
    }
  });

  it("a flipped bit anywhere, a wrong nonce or a wrong key: random boxes never open", () => {
    fc.assert(
      fc.property(
        bytes(32),
        bytes(24),
        fc.uint8Array({ maxLength: 2000 }),
        fc.nat(),
        fc.integer({ min: 0, max: 7 }),
        (key, nonce, text, where, bit) => {
          const box = secretboxSeal(text, nonce, key);
          const tampered = box.slice();
          tampered[where % box.length]! ^= 1 << bit;
          expect(secretboxOpen(tampered, nonce, key)).toBeUndefined();
          const otherNonce = nonce.slice();
          otherNonce[where % 24]! ^= 1 << bit;
          expect(secretboxOpen(box, otherNonce, key)).toBeUndefined();
          const otherKey = key.slice();
          otherKey[where % 32]! ^= 1 << bit;
          expect(secretboxOpen(box, nonce, otherKey)).toBeUndefined();
          // Truncated or extended boxes do not open either.
          if (box.length > 16) {
            expect(secretboxOpen(box.subarray(0, box.length - 1), nonce, key)).toBeUndefined();
          }
          const longer = new Uint8Array(box.length + 1);
          longer.set(box);
          expect(secretboxOpen(longer, nonce, key)).toBeUndefined();
        },
      ),
      RUNS,
    );
  });
});

describe("MessageBox with and without the fast paths", () => {
  /** The client's side of a connection (boxes with MESSAGE_C, opens MESSAGE_S), fresh nonces. */
  const client = (crypto: CurveCrypto, key: Uint8Array) =>
    new MessageBox(
      crypto,
      key,
      PREFIX.MESSAGE_C,
      PREFIX.MESSAGE_S,
      new ShortNonce(1),
      new PeerNonce(),
    );
  /** The server's side: opens what a client boxes. */
  const server = (crypto: CurveCrypto, key: Uint8Array, allocate?: (size: number) => Uint8Array) =>
    new MessageBox(
      crypto,
      key,
      PREFIX.MESSAGE_S,
      PREFIX.MESSAGE_C,
      new ShortNonce(1),
      new PeerNonce(),
      allocate,
    );

  function pair(crypto = defaultCrypto, peer = defaultCrypto) {
    const key = nacl.randomBytes(32);
    return { sender: client(crypto, key), receiver: server(peer, key), key };
  }

  it("writes the same frames either way; each side opens the other's", () => {
    const fast = pair();
    const plain = spyCrypto();
    const slow = client(plain, fast.key);
    const slowReceiver = server(plain, fast.key);
    for (const length of [0, 1, 16, 255, 256, 4096, 70_000]) {
      const body = nacl.randomBytes(length);
      const frame = { more: length % 2 === 0, command: length === 16, body };
      const encoded = fast.sender.encode(frame);
      expect(hex(slow.encode(frame).body)).toBe(hex(encoded.body));
      expect(encoded.body.length).toBe(8 + 8 + 16 + 1 + length);
      const decoded = slowReceiver.decode(encoded);
      expect(decoded).toEqual({ more: frame.more, command: frame.command, body });
    }
    expect(plain.calls.seal).toBe(7);
    expect(plain.calls.open).toBe(7);
  });

  it("decodes the same through openSplit, openAt and open", () => {
    const { openSplit: _split, ...withOpenAt } = defaultCrypto;
    const { openSplit: _none, openAt: _at, ...withOpen } = defaultCrypto;
    const { sender, key } = pair();
    const receivers = [defaultCrypto, withOpenAt, withOpen].map((crypto) => server(crypto, key));
    for (const length of [0, 1, 100, 70_000]) {
      const frame = { more: true, command: length === 1, body: nacl.randomBytes(length) };
      const encoded = sender.encode(frame);
      for (const receiver of receivers) expect(receiver.decode(encoded)).toEqual(frame);
    }
  });

  it("encodeInto writes the frame encode makes into an encoder's batch, with or without sealSplit", () => {
    const { sealSplit: _split, ...withSealInPlace } = defaultCrypto;
    for (const crypto of [defaultCrypto, withSealInPlace]) {
      const key = nacl.randomBytes(32);
      const into = client(crypto, key);
      const plain = client(crypto, key);
      const encoder = new FrameEncoder({ bufferSize: 1024 });
      const expected: Uint8Array[] = [];
      const lengths = [0, 1, 255, 256, 3000, 70_000];
      for (const [index, length] of lengths.entries()) {
        const body = nacl.randomBytes(length);
        const flags = index % 3 === 0 ? FLAG_MORE : index % 3 === 1 ? FLAG_COMMAND : 0;
        into.encodeInto(body, flags, encoder);
        const frame = plain.encode({
          more: flags === FLAG_MORE,
          command: flags === FLAG_COMMAND,
          body,
        });
        expected.push(encodeFrame(frame.body, 0));
      }
      expect(encoder.flush().map(hex).join("")).toBe(expected.map(hex).join(""));
    }
  });

  it("decodes a body into memory from the allocator it was given", () => {
    const { sender, key } = pair();
    const made: Uint8Array[] = [];
    const receiver = server(defaultCrypto, key, (size) => {
      made.push(new Uint8Array(size).fill(0xee));
      return made.at(-1)!;
    });
    const body = nacl.randomBytes(300);
    const decoded = receiver.decode(sender.encode({ more: false, command: false, body }));
    expect(made.map((array) => array.length)).toEqual([300]);
    expect(decoded.body).toBe(made[0]);
    expect(hex(decoded.body)).toBe(hex(body));
  });

  it("the frame is NaCl's box of flags + body under the MESSAGE nonce", () => {
    const { sender, key } = pair();
    const body = nacl.randomBytes(100);
    sender.encode({ more: false, command: false, body });
    const frame = sender.encode({ more: true, command: false, body }).body;
    expect(hex(frame.subarray(0, 16))).toBe(`074d455353414745${"0000000000000002"}`);
    const nonce = new Uint8Array(24);
    nonce.set(PREFIX.MESSAGE_C);
    nonce.set(frame.subarray(8, 16), 16);
    const plain = nacl.secretbox.open(frame.subarray(16), nonce, key)!;
    expect(plain[0]).toBe(1);
    expect(hex(plain.subarray(1))).toBe(hex(body));
  });

  it("a tampered frame throws ERR_ZMTP_CRYPTOGRAPHIC on both paths", () => {
    for (const crypto of [defaultCrypto, spyCrypto()]) {
      const { sender, receiver } = pair(defaultCrypto, crypto);
      const frame = sender.encode({ more: false, command: false, body: nacl.randomBytes(40) });
      frame.body[40]! ^= 0x10;
      expect(() => receiver.decode(frame)).toThrow(
        expect.objectContaining({ code: "EPROTO", protocolError: "ERR_ZMTP_CRYPTOGRAPHIC" }),
      );
    }
  });
});
