/**
 * Hostile and malformed input: every failure is a ZmqError with the right code, nothing hangs,
 * and limits are enforced before allocating (DESIGN "Limits in the parser").
 */
import { isZmqError, type ZmqErrorCode } from "@zmtp/spec";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  decodeCommand,
  decodeError,
  decodeMetadata,
  decodePing,
  encodeFrame,
  encodeGreeting,
  FrameDecoder,
  GreetingDecoder,
} from "../src";
import { byteByByte, decodeChunks } from "./helpers/drain";
import { concat, fromHex } from "./helpers/hex";

function expectCode(action: () => unknown, code: ZmqErrorCode): void {
  let thrown: unknown;
  try {
    action();
  } catch (error) {
    thrown = error;
  }
  expect(isZmqError(thrown), `expected ZmqError ${code}, got ${String(thrown)}`).toBe(true);
  expect((thrown as { code: string }).code).toBe(code);
}

function decoderWith(hex: string, options?: { maxMessageSize?: number }): FrameDecoder {
  const decoder = new FrameDecoder(options);
  decoder.push(fromHex(hex));
  return decoder;
}

describe("fuzz: random bytes", () => {
  const decodeAll = (chunks: readonly Uint8Array[], maxMessageSize: number) => {
    const decoder = new FrameDecoder({ maxMessageSize });
    let frames = 0;
    for (const chunk of chunks) {
      decoder.push(chunk);
      // Each next() either returns a frame (consuming >= 2 bytes) or undefined: bounded loop.
      for (let frame = decoder.next(); frame !== undefined; frame = decoder.next()) {
        frames++;
        if (frame.command) {
          const command = decodeCommand(frame.body);
          if (command.name === "READY") decodeMetadata(command.data);
          if (command.name === "ERROR") decodeError(command.data);
          if (command.name === "PING") decodePing(command.data);
        }
      }
    }
    return frames;
  };

  it("frame decoder and command decoders throw only ZmqError", () => {
    fc.assert(
      fc.property(
        fc.array(fc.uint8Array({ maxLength: 64 }), { maxLength: 10 }),
        fc.constantFrom(-1, 0, 16, 1000),
        (chunks, max) => {
          try {
            decodeAll(chunks, max);
          } catch (error) {
            expect(isZmqError(error)).toBe(true);
          }
        },
      ),
      { seed: 42, numRuns: 3000 },
    );
  });

  it("frame-shaped random input (valid flag bytes) throws only ZmqError", () => {
    const flags = fc.constantFrom(0, 1, 2, 3, 4, 6);
    const frame = fc
      .tuple(flags, fc.uint8Array({ maxLength: 40 }))
      .map(([flag, body]) => encodeFrame(body, flag & 0x05));
    fc.assert(
      fc.property(fc.array(frame, { maxLength: 8 }), (frames) => {
        for (const bytes of frames) {
          if (bytes[0] === 4 || bytes[0] === 6) bytes[2] = bytes[2]! & 0x0f;
        }
        try {
          decodeAll(frames, -1);
        } catch (error) {
          expect(isZmqError(error)).toBe(true);
        }
      }),
      { seed: 42, numRuns: 1000 },
    );
  });

  it("greeting decoder throws only ZmqError", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 80 }), fc.boolean(), (random, realStart) => {
        const start = encodeGreeting({ mechanism: "NULL", asServer: false }).subarray(0, 11);
        const bytes = realStart ? concat([start, random]) : random;
        const decoder = new GreetingDecoder();
        try {
          let rest = bytes;
          while (rest.length > 0 && !decoder.done) rest = rest.subarray(decoder.push(rest));
        } catch (error) {
          expect(isZmqError(error)).toBe(true);
        }
      }),
      { seed: 42, numRuns: 2000 },
    );
  });

  it("metadata, ERROR and PING decoders throw only ZmqError", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        for (const decode of [decodeMetadata, decodeError, decodePing, decodeCommand]) {
          try {
            decode(bytes);
          } catch (error) {
            expect(isZmqError(error)).toBe(true);
          }
        }
      }),
      { seed: 42, numRuns: 2000 },
    );
  });
});

describe("frame decoder limits and malformed headers (RFC 23 §3.3)", () => {
  it("waits for more bytes on truncated frames", () => {
    for (const hex of ["", "00", "01", "0205", "020000000000", "0205aabbcc", "0003aabb"]) {
      const decoder = decoderWith(hex);
      expect(decoder.next()).toBeUndefined();
      expect(decoder.next()).toBeUndefined();
    }
    const decoder = decoderWith("0003aabb");
    decoder.push(fromHex("cc"));
    expect(decoder.next()?.body).toEqual(fromHex("aabbcc"));
    expect(decoder.next()).toBeUndefined();
  });

  it("long length of 2^63 and of 2^64-1 is EPROTO", () => {
    expectCode(() => decoderWith("028000000000000000").next(), "EPROTO");
    expectCode(() => decoderWith("02ffffffffffffffff").next(), "EPROTO");
  });

  it("long length above Number.MAX_SAFE_INTEGER is EPROTO; 2^53-1 waits for bytes", () => {
    expectCode(() => decoderWith("020020000000000000").next(), "EPROTO");
    const decoder = decoderWith("02001fffffffffffff00");
    expect(decoder.next()).toBeUndefined();
    expect(decoder.buffered).toBe(1);
  });

  it("reserved flag bits and COMMAND with MORE are EPROTO", () => {
    for (let bit = 3; bit < 8; bit++) {
      expectCode(
        () => decoderWith(`${(1 << bit).toString(16).padStart(2, "0")}00`).next(),
        "EPROTO",
      );
    }
    expectCode(() => decoderWith("0500").next(), "EPROTO");
    expectCode(() => decoderWith("07").next(), "EPROTO");
  });

  it("stays failed after a throw", () => {
    const decoder = decoderWith("ff");
    expectCode(() => decoder.next(), "EPROTO");
    decoder.push(fromHex("0000"));
    expectCode(() => decoder.next(), "EPROTO");
  });

  it("a frame over maxMessageSize is EMSGSIZE before any body is buffered", () => {
    // A header announcing 1 GiB, then a few body bytes.
    const decoder = decoderWith("020000000040000000aabbccdd", { maxMessageSize: 1024 });
    expect(decoder.buffered).toBeLessThan(16);
    expectCode(() => decoder.next(), "EMSGSIZE");
    expect(decoder.buffered).toBe(0);
    expectCode(() => decoder.next(), "EMSGSIZE");
  });

  it("maxMessageSize allows a frame of exactly that size, short and long", () => {
    expect(decoderWith("0003aabbcc", { maxMessageSize: 3 }).next()?.body.length).toBe(3);
    expectCode(() => decoderWith("0004", { maxMessageSize: 3 }).next(), "EMSGSIZE");
    const long = decoderWith(`02${(300).toString(16).padStart(16, "0")}`, { maxMessageSize: 300 });
    expect(long.next()).toBeUndefined();
    long.push(new Uint8Array(300));
    expect(long.next()?.body.length).toBe(300);
  });

  it("without a limit, a 1 GiB header holds only the bytes received, no preallocation", () => {
    const decoder = decoderWith("020000000040000000aabbccdd");
    expect(decoder.next()).toBeUndefined();
    expect(decoder.buffered).toBe(4);
  });

  it("rejects a bad maxMessageSize", () => {
    expectCode(() => new FrameDecoder({ maxMessageSize: -2 }), "EINVAL");
    expectCode(() => new FrameDecoder({ maxMessageSize: 1.5 }), "EINVAL");
  });
});

describe("greeting decoder (RFC 23 §3.2, backwards interoperability)", () => {
  const greeting = encodeGreeting({ mechanism: "NULL", asServer: false });

  it("bad signature byte 0 is EPROTO as soon as it arrives", () => {
    const decoder = new GreetingDecoder();
    expectCode(() => decoder.push(fromHex("00")), "EPROTO");
    expectCode(() => decoder.push(greeting), "EPROTO");
  });

  it("ZMTP 1.0 (byte 9 low bit clear) is ENOCOMPATPROTO with legacyRevision 0", () => {
    const decoder = new GreetingDecoder();
    expect(decoder.push(fromHex("ff000000000000000a"))).toBe(9);
    expect(decoder.legacyRevision).toBeUndefined();
    expectCode(() => decoder.push(fromHex("7e")), "ENOCOMPATPROTO");
    expect(decoder.legacyRevision).toBe(0);
    expect(decoder.done).toBe(false);
  });

  it.each([
    [0, "ZMTP 1.0"],
    [1, "ZMTP 2.0"],
    [2, "ZMTP 2.0"],
  ])("revision %i is ENOCOMPATPROTO naming %s", (revision, version) => {
    const decoder = new GreetingDecoder();
    decoder.push(greeting.subarray(0, 10));
    expect(decoder.major).toBeUndefined();
    let message = "";
    try {
      decoder.push(new Uint8Array([revision, 3]));
    } catch (error) {
      expect(isZmqError(error, "ENOCOMPATPROTO")).toBe(true);
      message = (error as Error).message;
    }
    expect(message).toContain(version);
    expect(decoder.legacyRevision).toBe(revision);
    expect(decoder.major).toBe(revision);
  });

  it("the JeroMQ 0.3.6 answer (ZMTP 2.0 revision 1, socket type REQ) is refused", () => {
    const decoder = new GreetingDecoder();
    expectCode(() => decoder.push(fromHex("ff00000000000000017f0103")), "ENOCOMPATPROTO");
    expect(decoder.legacyRevision).toBe(1);
  });

  it("waits on a truncated greeting", () => {
    const decoder = new GreetingDecoder();
    for (const chunk of byteByByte(greeting.subarray(0, 63))) decoder.push(chunk);
    expect(decoder.done).toBe(false);
    expect(decoder.greeting).toBeUndefined();
    expect(decoder.major).toBe(3);
  });
});

describe("command and metadata decoders (RFC 23 §3.4, §3.5)", () => {
  it("command: empty body, name length 0, name past the end are EPROTO", () => {
    expectCode(() => decodeCommand(new Uint8Array()), "EPROTO");
    expectCode(() => decodeCommand(fromHex("00")), "EPROTO");
    expectCode(() => decodeCommand(fromHex("0041")), "EPROTO");
    expectCode(() => decodeCommand(fromHex("0552454144")), "EPROTO");
  });

  it("metadata: value length past its frame is EPROTO", () => {
    // "A" with value length 5 but only 2 value bytes.
    expectCode(() => decodeMetadata(fromHex("01410000000561 62")), "EPROTO");
    // Missing value length bytes.
    expectCode(() => decodeMetadata(fromHex("0141000000")), "EPROTO");
  });

  it("metadata: name length 0, name past the end, bad name bytes are EPROTO", () => {
    expectCode(() => decodeMetadata(fromHex("0000000000")), "EPROTO");
    expectCode(() => decodeMetadata(fromHex("054142")), "EPROTO");
    expectCode(() => decodeMetadata(fromHex("01200000000000")), "EPROTO");
    expectCode(() => decodeMetadata(fromHex("01c30000000000")), "EPROTO");
  });

  it("metadata: value length >= 2^31 is EPROTO even when the frame could not hold it", () => {
    expectCode(() => decodeMetadata(fromHex("014180000000")), "EPROTO");
    expectCode(() => decodeMetadata(fromHex("0141ffffffff")), "EPROTO");
  });

  it("ERROR and PING: malformed data is EPROTO", () => {
    expectCode(() => decodeError(new Uint8Array()), "EPROTO");
    expectCode(() => decodeError(fromHex("0541")), "EPROTO");
    expectCode(() => decodePing(fromHex("00")), "EPROTO");
    expectCode(() => decodePing(new Uint8Array(19)), "EPROTO");
    expect(decodePing(new Uint8Array(18)).context.length).toBe(16);
  });

  it("a fed stream of hostile frames ends in ZmqError, not a hang", () => {
    const stream = fromHex("0400 0105616263 02ffffffffffffffff");
    expectCode(() => decodeChunks(byteByByte(stream)), "EPROTO");
  });
});
