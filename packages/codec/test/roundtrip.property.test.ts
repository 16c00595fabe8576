/**
 * Property tests (seeded): random multipart messages encoded with FrameEncoder / encodeFrame and
 * decoded with FrameDecoder from randomly chunked streams give back the same parts (RFC 23 §3.3).
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  decodeCommand,
  decodeMetadata,
  encodeCommand,
  encodeFrame,
  encodeMetadata,
  FLAG_MORE,
  type Frame,
  FrameEncoder,
  z85Decode,
  z85Encode,
} from "../src";
import { decodeChunks, splitAt } from "./helpers/drain";
import { concat } from "./helpers/hex";

/** Part sizes weighted toward the interesting ones: tiny, the 255/256 boundary, large. */
const partSize = fc.oneof(
  { weight: 5, arbitrary: fc.integer({ min: 0, max: 300 }) },
  { weight: 3, arbitrary: fc.constantFrom(0, 1, 254, 255, 256, 257, 8191, 8192, 8193) },
  { weight: 2, arbitrary: fc.integer({ min: 301, max: 70_000 }) },
);

function part(size: number, seed: number): Uint8Array {
  const bytes = new Uint8Array(size);
  for (let index = 0; index < size; index++) bytes[index] = (index * 31 + seed) & 0xff;
  return bytes;
}

const message = fc
  .tuple(fc.array(partSize, { minLength: 1, maxLength: 6 }), fc.nat(255))
  .map(([sizes, seed]) => sizes.map((size, index) => part(size, seed + index)));

const messages = fc.array(message, { minLength: 1, maxLength: 5 });

/** Regroups decoded frames into messages by the MORE flag. */
function toMessages(frames: readonly Frame[]): Uint8Array[][] {
  const result: Uint8Array[][] = [];
  let current: Uint8Array[] = [];
  for (const frame of frames) {
    expect(frame.command).toBe(false);
    current.push(frame.body);
    if (!frame.more) {
      result.push(current);
      current = [];
    }
  }
  expect(current).toEqual([]);
  return result;
}

/** Fast structural equality for messages (vitest's deep equality is slow on large arrays). */
function expectSameMessages(actual: Uint8Array[][], expected: Uint8Array[][]): void {
  const shape = (messages: Uint8Array[][]) => messages.map((parts) => parts.map((p) => p.length));
  expect(shape(actual)).toEqual(shape(expected));
  actual.forEach((parts, message) => {
    parts.forEach((body, index) => {
      const other = expected[message]![index]!;
      for (let offset = 0; offset < body.length; offset++) {
        if (body[offset] !== other[offset]) {
          expect.fail(`message ${message} part ${index} differs at byte ${offset}`);
        }
      }
    });
  });
}

function cuts(length: number) {
  return fc.array(fc.integer({ min: 0, max: length }), { maxLength: 12 });
}

/** Random messages, the stream FrameEncoder makes of them, and cut points into it. */
const encodedMessages = messages.chain((sent) => {
  const encoder = new FrameEncoder();
  for (const parts of sent) encoder.writeMessage(parts);
  const stream = concat(encoder.flush());
  return fc.tuple(fc.constant(sent), fc.constant(stream), cuts(stream.length));
});

describe("encode then decode round-trips", () => {
  it("random multipart messages through FrameEncoder, randomly chunked", () => {
    fc.assert(
      fc.property(encodedMessages, ([sent, stream, at]) => {
        const { frames, decoder } = decodeChunks(splitAt(stream, at));
        expectSameMessages(toMessages(frames), sent);
        expect(decoder.buffered).toBe(0);
      }),
      { seed: 42, numRuns: 150 },
    );
  });

  it("the same with a `view` maker and copyMax, chunks in one buffer or copied apart", () => {
    fc.assert(
      fc.property(
        encodedMessages,
        fc.boolean(),
        fc.constantFrom(0, 16, 128),
        ([sent, stream, at], copied, copyMax) => {
          // Inside a larger buffer, so offsets into the memory are not offsets into the chunk.
          const memory = new Uint8Array(stream.length + 20);
          memory.set(stream, 10);
          const pieces = splitAt(memory.subarray(10, 10 + stream.length), at);
          let views = 0;
          const { frames, decoder } = decodeChunks(
            copied ? pieces.map((piece) => piece.slice()) : pieces,
            {
              copyMax,
              view: (buffer, byteOffset, length) => {
                views++;
                return new Uint8Array(buffer, byteOffset, length);
              },
            },
          );
          expectSameMessages(toMessages(frames), sent);
          expect(decoder.buffered).toBe(0);
          // Every view made is accounted for by a frame that was not copied or empty.
          expect(views).toBeLessThanOrEqual(frames.length);
        },
      ),
      { seed: 43, numRuns: 150 },
    );
  });

  it("encodeFrame and FrameEncoder produce the same bytes", () => {
    fc.assert(
      fc.property(message, fc.integer({ min: 0, max: 10_000 }), (parts, threshold) => {
        const encoder = new FrameEncoder({ copyThreshold: threshold, bufferSize: 64 });
        encoder.writeMessage(parts);
        const pending = encoder.pendingBytes;
        const batched = concat(encoder.flush());
        const single = concat(
          parts.map((body, index) => encodeFrame(body, index < parts.length - 1 ? FLAG_MORE : 0)),
        );
        expect(batched.length).toBe(pending);
        expectSameMessages([[batched]], [[single]]);
        expect(encoder.pendingBytes).toBe(0);
      }),
      { seed: 42, numRuns: 100 },
    );
  });

  it("a few messages with parts up to 1 MiB", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 1024 * 1024 }), { minLength: 1, maxLength: 3 }),
        fc.array(fc.integer({ min: 0, max: 3 * 1024 * 1024 }), { maxLength: 6 }),
        (sizes, at) => {
          const parts = sizes.map((size, index) => part(size, index));
          const encoder = new FrameEncoder();
          encoder.writeMessage(parts);
          const stream = concat(encoder.flush());
          const { frames } = decodeChunks(
            splitAt(
              stream,
              at.map((cut) => cut % (stream.length + 1)),
            ),
          );
          expectSameMessages(toMessages(frames), [parts]);
        },
      ),
      { seed: 42, numRuns: 6 },
    );
  });

  it("commands", () => {
    const name = fc
      .array(fc.constantFrom(..."ABCDEFGHIJKLMNOPQRSTUVWXYZ"), { minLength: 1, maxLength: 255 })
      .map((letters) => letters.join(""));
    fc.assert(
      fc.property(name, fc.uint8Array({ maxLength: 600 }), (commandName, data) => {
        const decoded = decodeCommand(encodeCommand(commandName, data));
        expect(decoded.name).toBe(commandName);
        expect(decoded.data).toEqual(data);
      }),
      { seed: 42, numRuns: 200 },
    );
  });

  it("metadata (names lower-cased, first occurrence kept)", () => {
    const nameChars = [..."ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.+"];
    const name = fc
      .array(fc.constantFrom(...nameChars), { minLength: 1, maxLength: 255 })
      .map((letters) => letters.join(""));
    fc.assert(
      fc.property(
        fc.array(fc.tuple(name, fc.uint8Array({ maxLength: 300 })), { maxLength: 8 }),
        (properties) => {
          const decoded = decodeMetadata(encodeMetadata(properties));
          const expected = new Map<string, Uint8Array>();
          for (const [key, value] of properties) {
            if (!expected.has(key.toLowerCase())) expected.set(key.toLowerCase(), value);
          }
          expect(decoded).toEqual(expected);
        },
      ),
      { seed: 42, numRuns: 200 },
    );
  });

  it("Z85", () => {
    fc.assert(
      fc.property(
        fc.array(fc.uint8Array({ minLength: 4, maxLength: 4 }), { maxLength: 20 }),
        (groups) => {
          const data = concat(groups);
          const text = z85Encode(data);
          expect(text.length).toBe((data.length / 4) * 5);
          expect(z85Decode(text)).toEqual(data);
        },
      ),
      { seed: 42, numRuns: 300 },
    );
  });
});
