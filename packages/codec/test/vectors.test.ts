/**
 * Stored libzmq 4.3.5 wire vectors (test/vectors/*.json, captured by capture.interop.test.ts),
 * decoded with the input split at every offset and byte by byte (RFC 23 §3.2, §3.3).
 */
import { describe, expect, it } from "vitest";
import {
  decodeCommand,
  decodeMetadata,
  decodePing,
  encodeCancel,
  encodeFrame,
  encodePing,
  encodePong,
  encodeReady,
  encodeSubscribe,
  FLAG_COMMAND,
  FLAG_MORE,
  GreetingDecoder,
  utf8Decode,
  utf8Encode,
} from "../src";
import { byteByByte, decodeChunks, splitAt } from "./helpers/drain";
import { concat, fromHex, toHex } from "./helpers/hex";
import {
  FRAMES_URL,
  type FrameVector,
  GREETINGS_URL,
  type GreetingVector,
  loadVectors,
} from "./helpers/vectors";

const greetings = loadVectors<GreetingVector>(GREETINGS_URL);
const frames = loadVectors<FrameVector>(FRAMES_URL);

function byName(name: string): FrameVector {
  const vector = frames.vectors.find((candidate) => candidate.name === name);
  if (vector === undefined) throw new Error(`no vector ${name}`);
  return vector;
}

function readable(vector: FrameVector) {
  return vector.frames.map((frame) => ({ ...frame, body: frame.body }));
}

function decodeGreetingChunks(chunks: readonly Uint8Array[]) {
  const decoder = new GreetingDecoder();
  for (const chunk of chunks) {
    let rest = chunk;
    while (rest.length > 0) {
      const used = decoder.push(rest);
      expect(used).toBeGreaterThan(0);
      rest = rest.subarray(used);
    }
  }
  expect(decoder.done).toBe(true);
  return decoder.greeting;
}

describe("stored vectors", () => {
  it("have provenance, libzmq version and capture date", () => {
    for (const file of [greetings, frames]) {
      expect(file.libzmq).toBe("4.3.5");
      expect(file.captured).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(file.vectors.length).toBeGreaterThan(0);
      for (const vector of file.vectors) expect(vector.provenance).toContain("libzmq 4.3.5");
    }
  });
});

describe.each(greetings.vectors.map((vector) => [vector.name, vector] as const))(
  "greeting vector %s",
  (_, vector) => {
    const bytes = fromHex(vector.hex);

    it("decodes in one chunk, split at every offset, and byte by byte", () => {
      expect(decodeGreetingChunks([bytes])).toEqual(vector.greeting);
      for (let cut = 0; cut <= bytes.length; cut++) {
        expect(decodeGreetingChunks(splitAt(bytes, [cut]))).toEqual(vector.greeting);
      }
      expect(decodeGreetingChunks(byteByByte(bytes))).toEqual(vector.greeting);
    });

    it("consumes only the 64 greeting bytes of a longer chunk", () => {
      const decoder = new GreetingDecoder();
      expect(decoder.push(concat([bytes, new Uint8Array([4, 0])]))).toBe(64);
      expect(decoder.major).toBe(3);
    });
  },
);

describe.each(frames.vectors.map((vector) => [vector.name, vector] as const))(
  "frame vector %s",
  (_, vector) => {
    const bytes = fromHex(vector.hex);
    const expected = readable(vector);
    const view = (chunks: readonly Uint8Array[]) =>
      decodeChunks(chunks).frames.map((frame) => ({
        more: frame.more,
        command: frame.command,
        body: toHex(frame.body),
      }));

    it("decodes in one chunk, split at every offset, and byte by byte", () => {
      expect(view([bytes])).toEqual(expected);
      for (let cut = 0; cut <= bytes.length; cut++) {
        expect(view(splitAt(bytes, [cut]))).toEqual(expected);
      }
      expect(view(byteByByte(bytes))).toEqual(expected);
    });

    it("leaves nothing buffered", () => {
      expect(decodeChunks([bytes]).decoder.buffered).toBe(0);
    });

    it("re-encodes to the same bytes", () => {
      const encoded = vector.frames.map((frame) =>
        encodeFrame(
          fromHex(frame.body),
          (frame.more ? FLAG_MORE : 0) | (frame.command ? FLAG_COMMAND : 0),
        ),
      );
      expect(toHex(concat(encoded))).toBe(vector.hex);
    });
  },
);

describe("vector contents", () => {
  const bodies = (name: string) => byName(name).frames.map((frame) => fromHex(frame.body));

  it("DEALER READY with Identity equals encodeReady and decodes its metadata", () => {
    const [ready] = bodies("ready-dealer-routing-id");
    expect(
      toHex(
        encodeReady([
          ["Socket-Type", "DEALER"],
          ["Identity", "abc"],
        ]),
      ),
    ).toBe(toHex(ready!));
    const command = decodeCommand(ready!);
    expect(command.name).toBe("READY");
    const metadata = decodeMetadata(command.data);
    expect([...metadata.keys()]).toEqual(["socket-type", "identity"]);
    expect(utf8Decode(metadata.get("socket-type")!)).toBe("DEALER");
    expect(utf8Decode(metadata.get("identity")!)).toBe("abc");
  });

  it("SUB READY, SUBSCRIBE and CANCEL equal the encoders' output", () => {
    const [ready, subscribe, cancel] = bodies("sub-ready-subscribe-cancel");
    expect(toHex(ready!)).toBe(toHex(encodeReady([["Socket-Type", "SUB"]])));
    expect(toHex(subscribe!)).toBe(toHex(encodeSubscribe(utf8Encode("weather"))));
    expect(toHex(cancel!)).toBe(toHex(encodeCancel(utf8Encode("weather"))));
  });

  it("PING carries TTL 30 deciseconds and an empty context", () => {
    const [ping] = bodies("ping-ttl-30");
    expect(decodePing(decodeCommand(ping!).data)).toEqual({ ttl: 30, context: new Uint8Array() });
    expect(toHex(ping!)).toBe(toHex(encodePing(30)));
  });

  it("PONG echoes the context", () => {
    const [pong] = bodies("pong-context");
    expect(toHex(pong!)).toBe(toHex(encodePong(utf8Encode("zmtp"))));
  });

  it("the 300-byte part uses a long header", () => {
    const vector = byName("message-short-empty-long");
    expect(vector.hex.slice(0, 4)).toBe("0105");
    expect(vector.frames.map((frame) => fromHex(frame.body).length)).toEqual([5, 0, 300]);
    expect(vector.hex).toContain("02000000000000012c");
  });
});
