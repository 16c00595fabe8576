/** Frame encoder / decoder behaviour and command helpers (RFC 23 §3.3-§3.5, RFC 37). */
import { isZmqError, type WireFrame, type ZmqErrorCode } from "@zmtp/spec";
import { describe, expect, it } from "vitest";
import {
  decodeCommand,
  decodeError,
  decodeMetadata,
  decodePing,
  decodeSubscriptionMessage,
  encodeCommand,
  encodeError,
  encodeFrame,
  encodeMetadata,
  encodePing,
  encodePong,
  encodeSubscriptionMessage,
  FLAG_COMMAND,
  FLAG_LONG,
  FLAG_MORE,
  type Frame,
  FrameDecoder,
  FrameEncoder,
  frameHeaderSize,
  utf8Decode,
  utf8Encode,
} from "../src";
import { concat, fromHex, toHex } from "./helpers/hex";

/** `length` bytes of a simple pattern. */
function seeded(length: number): Uint8Array {
  return Uint8Array.from({ length }, (_, index) => (index * 31 + 7) & 0xff);
}

function codeOf(action: () => unknown): ZmqErrorCode | "none" | "other" {
  try {
    action();
  } catch (error) {
    return isZmqError(error) ? error.code : "other";
  }
  return "none";
}

describe("frame header (RFC 23 §3.3)", () => {
  it("flags and header sizes", () => {
    expect([FLAG_MORE, FLAG_LONG, FLAG_COMMAND]).toEqual([1, 2, 4]);
    expect([0, 255, 256, 2 ** 40].map(frameHeaderSize)).toEqual([2, 2, 9, 9]);
  });

  it("encodeFrame: short, long, command; LONG derived from the size", () => {
    expect(toHex(encodeFrame(fromHex("aabb"), FLAG_MORE))).toBe("0102aabb");
    expect(toHex(encodeFrame(new Uint8Array(), 0))).toBe("0000");
    expect(toHex(encodeFrame(new Uint8Array(255), 0).subarray(0, 2))).toBe("00ff");
    expect(toHex(encodeFrame(new Uint8Array(256), FLAG_MORE).subarray(0, 9))).toBe(
      "030000000000000100",
    );
    expect(toHex(encodeFrame(new Uint8Array(3), FLAG_COMMAND | FLAG_LONG))).toBe("0403000000");
    expect(toHex(encodeFrame(new Uint8Array(70_000), FLAG_COMMAND).subarray(0, 9))).toBe(
      "060000000000011170",
    );
  });

  it("encodeFrame: EINVAL for COMMAND|MORE and unknown flag bits", () => {
    expect(codeOf(() => encodeFrame(new Uint8Array(), FLAG_COMMAND | FLAG_MORE))).toBe("EINVAL");
    expect(codeOf(() => encodeFrame(new Uint8Array(), 0x08))).toBe("EINVAL");
  });
});

describe("FrameEncoder", () => {
  it("coalesces small frames into one chunk and passes large bodies by reference", () => {
    const encoder = new FrameEncoder({ copyThreshold: 1024 });
    const large = new Uint8Array(4096).fill(7);
    encoder.writeMessage([utf8Encode("a"), large, utf8Encode("b")]);
    encoder.writeCommand(encodePing(1));
    expect(encoder.pendingBytes).toBe(3 + 9 + 4096 + 3 + 9);
    const chunks = encoder.flush();
    expect(chunks).toHaveLength(3);
    expect(chunks[1]).toBe(large);
    expect(toHex(chunks[0]!)).toBe("010161030000000000001000");
    expect(toHex(chunks[2]!)).toBe(`000162${toHex(encodeFrame(encodePing(1), FLAG_COMMAND))}`);
    expect(encoder.pendingBytes).toBe(0);
    expect(encoder.flush()).toEqual([]);
  });

  it("never rewrites a flushed chunk", () => {
    const encoder = new FrameEncoder({ bufferSize: 64 });
    encoder.writeMessage([utf8Encode("first")]);
    const [first] = encoder.flush();
    const snapshot = toHex(first!);
    for (let index = 0; index < 20; index++) encoder.writeMessage([utf8Encode("second")]);
    encoder.flush();
    expect(toHex(first!)).toBe(snapshot);
  });

  it("encodes into buffers from `allocate`, whatever they held, and only returns written bytes", () => {
    const sizes: number[] = [];
    const encoder = new FrameEncoder({
      bufferSize: 32,
      allocate: (size) => {
        sizes.push(size);
        return new Uint8Array(size).fill(0xee); // stale contents, as Buffer.allocUnsafe may hold
      },
    });
    encoder.writeMessage([utf8Encode("abc")]);
    encoder.writeMessage([new Uint8Array(40).fill(1)]);
    const wire = concat(encoder.flush());
    expect(toHex(wire)).toBe(`000361626300${"28"}${"01".repeat(40)}`);
    expect(wire.includes(0xee)).toBe(false);
    // The 42-byte frame did not fit the 32-byte buffer size: it asked for exactly that much.
    expect(sizes).toEqual([32, 42]);
    const short = new FrameEncoder({
      bufferSize: 32,
      allocate: (size) => new Uint8Array(size - 1),
    });
    expect(codeOf(() => short.writeMessage([utf8Encode("x")]))).toBe("EINVAL");
  });

  it("writes into released memory again instead of allocating, and never into unreleased", () => {
    let allocations = 0;
    const encoder = new FrameEncoder({
      bufferSize: 32,
      allocate: (size) => {
        allocations++;
        return new Uint8Array(size);
      },
    });
    const frame = new Uint8Array(20).fill(7);
    // Unreleased: every flushed chunk keeps its bytes, so full buffers are never written again.
    const kept: { chunk: Uint8Array; hex: string }[] = [];
    for (let index = 0; index < 6; index++) {
      encoder.writeMessage([frame]);
      for (const chunk of encoder.flush()) kept.push({ chunk, hex: toHex(chunk) });
    }
    expect(allocations).toBe(6);
    for (const { chunk, hex } of kept) expect(toHex(chunk)).toBe(hex);
    // Released after each flush: the current buffer starts over and the filled one is the spare,
    // so a stream of batches that spill over into a second buffer alternates between two.
    allocations = 0;
    encoder.release();
    const used = new Set<ArrayBufferLike>();
    for (let index = 0; index < 50; index++) {
      encoder.writeMessage([frame]);
      encoder.writeMessage([frame]);
      const chunks = encoder.flush();
      expect(toHex(concat(chunks))).toBe(`0014${"07".repeat(20)}`.repeat(2));
      for (const chunk of chunks) used.add(chunk.buffer);
      encoder.release();
    }
    expect(allocations).toBe(0);
    expect(used.size).toBe(2);
  });

  it("with recycle, release hands every buffer back when nothing is batched, and keeps them otherwise", () => {
    const recycled: Uint8Array[] = [];
    const made: Uint8Array[] = [];
    const encoder = new FrameEncoder({
      bufferSize: 64,
      allocate: (size) => {
        made.push(new Uint8Array(size));
        return made.at(-1)!;
      },
      recycle: (buffer) => recycled.push(buffer),
    });
    // Two buffers' worth, flushed: both go back at the release.
    for (let index = 0; index < 4; index++) encoder.writeMessage([new Uint8Array(20).fill(index)]);
    encoder.flush();
    expect(made.length).toBe(2);
    encoder.release();
    expect(recycled.length).toBe(2);
    for (const buffer of made) expect(recycled).toContain(buffer);
    expect(encoder.retainedBytes).toBe(0);
    // Frames batched after the flush keep their buffer through a release.
    encoder.writeMessage([utf8Encode("kept")]);
    encoder.release();
    expect(recycled.length).toBe(2);
    expect(encoder.retainedBytes).toBe(64);
    expect(toHex(concat(encoder.flush()))).toBe(toHex(encodeFrame(utf8Encode("kept"), 0)));
  });

  it("keeps frames batched before a release in place", () => {
    const encoder = new FrameEncoder({ bufferSize: 64 });
    encoder.writeMessage([utf8Encode("flushed")]);
    const [flushed] = encoder.flush();
    encoder.writeMessage([utf8Encode("pending")]);
    encoder.release(); // "pending" is not flushed yet: it must survive
    encoder.writeMessage([utf8Encode("after")]);
    expect(toHex(concat(encoder.flush()))).toBe(
      toHex(concat([encodeFrame(utf8Encode("pending"), 0), encodeFrame(utf8Encode("after"), 0)])),
    );
    // The chunk flushed before the release was in the same buffer, and nothing overwrote it.
    expect(toHex(flushed!)).toBe(toHex(encodeFrame(utf8Encode("flushed"), 0)));
  });

  it("writeFrame keeps explicit flags; EINVAL on zero parts and COMMAND|MORE", () => {
    const encoder = new FrameEncoder();
    encoder.writeFrame(utf8Encode("x"), FLAG_MORE);
    expect(toHex(concat(encoder.flush()))).toBe("010178");
    expect(codeOf(() => encoder.writeMessage([]))).toBe("EINVAL");
    expect(codeOf(() => encoder.writeFrame(new Uint8Array(), FLAG_MORE | FLAG_COMMAND))).toBe(
      "EINVAL",
    );
  });

  it("reserveFrame: a header in the batch and room for the body, written in place", () => {
    const encoder = new FrameEncoder({ bufferSize: 64 });
    encoder.writeMessage([utf8Encode("a")]);
    const bodies = [utf8Encode("in place"), new Uint8Array(300).map((_, index) => index)];
    for (const [index, body] of bodies.entries()) {
      const flags = index === 0 ? FLAG_MORE : 0;
      const at = encoder.reserveFrame(body.length, flags);
      encoder.buffer.set(body, at);
    }
    encoder.writeMessage([utf8Encode("z")]);
    expect(encoder.pendingBytes).toBe(3 + 2 + 8 + 9 + 300 + 3);
    expect(toHex(concat(encoder.flush()))).toBe(
      toHex(
        concat([
          encodeFrame(utf8Encode("a"), 0),
          encodeFrame(bodies[0]!, FLAG_MORE),
          encodeFrame(bodies[1]!, 0),
          encodeFrame(utf8Encode("z"), 0),
        ]),
      ),
    );
  });

  it("reserveFrame refuses a negative or fractional size and COMMAND|MORE with EINVAL", () => {
    const encoder = new FrameEncoder();
    expect(codeOf(() => encoder.reserveFrame(-1, 0))).toBe("EINVAL");
    expect(codeOf(() => encoder.reserveFrame(1.5, 0))).toBe("EINVAL");
    expect(codeOf(() => encoder.reserveFrame(4, FLAG_MORE | FLAG_COMMAND))).toBe("EINVAL");
    expect(encoder.pendingBytes).toBe(0);
  });
});

describe("FrameDecoder", () => {
  it("an allocate that throws is ENOMEM, one that returns the wrong size EINVAL, copied or straddling", () => {
    const big = concat([encodeFrame(utf8Encode("tiny"), 0), encodeFrame(new Uint8Array(1024), 0)]);
    const straddling = encodeFrame(utf8Encode("split in two"), 0);
    for (const [allocate, code] of [
      [
        () => {
          throw new RangeError("no memory");
        },
        "ENOMEM",
      ],
      [(size: number) => new Uint8Array(size + 1), "EINVAL"],
    ] as const) {
      const copying = new FrameDecoder({ copyMax: 8, allocate });
      copying.push(big);
      expect(codeOf(() => copying.nextBody())).toBe(code);
      const gathering = new FrameDecoder({ allocate });
      gathering.push(straddling.slice(0, 5));
      gathering.push(straddling.slice(5));
      expect(codeOf(() => gathering.nextBody())).toBe(code);
    }
  });

  it("copies bodies of up to copyMax bytes out of chunks over 1 KiB into arrays from allocate", () => {
    const made: Uint8Array[] = [];
    const decoder = new FrameDecoder({
      copyMax: 4,
      allocate: (size) => {
        made.push(new Uint8Array(size));
        return made.at(-1)!;
      },
    });
    const chunk = concat([
      encodeFrame(utf8Encode("tiny"), FLAG_MORE),
      encodeFrame(utf8Encode("larger"), FLAG_MORE),
      encodeFrame(new Uint8Array(0), 0),
      encodeFrame(new Uint8Array(1024), 0),
    ]);
    decoder.push(chunk);
    const tiny = decoder.nextBody()!;
    expect(utf8Decode(tiny)).toBe("tiny");
    expect(tiny).toBe(made[0]);
    expect(tiny.buffer).not.toBe(chunk.buffer);
    const larger = decoder.nextBody()!;
    expect(utf8Decode(larger)).toBe("larger");
    expect(larger.buffer).toBe(chunk.buffer);
    expect(decoder.nextBody()!.length).toBe(0);
    expect(decoder.nextBody()!.length).toBe(1024);
    expect(made.length).toBe(1);
    // A chunk of 1 KiB or less keeps little alive: views there (a request-reply peer sends
    // about one message per chunk, and the copy would only add latency).
    const small = concat([encodeFrame(utf8Encode("tiny"), 0)]);
    decoder.push(small);
    expect(decoder.nextBody()!.buffer).toBe(small.buffer);
    expect(made.length).toBe(1);
    // Settable once the decoder runs (the engine turns it on after the handshake).
    decoder.copyMax = 0;
    decoder.push(encodeFrame(utf8Encode("tiny"), 0));
    expect(decoder.nextBody()!.buffer).not.toBe(made[0]!.buffer);
    expect(made.length).toBe(1);
    expect(codeOf(() => (decoder.copyMax = -1))).toBe("EINVAL");
    expect(codeOf(() => new FrameDecoder({ copyMax: 1.5 }))).toBe("EINVAL");
  });

  it("returns views into a chunk and copies only frames that straddle separate chunks", () => {
    const stream = concat([
      encodeFrame(utf8Encode("one"), FLAG_MORE),
      encodeFrame(utf8Encode("two"), 0),
    ]);
    const decoder = new FrameDecoder();
    decoder.push(stream);
    const first = decoder.next()!;
    expect(first.body.buffer).toBe(stream.buffer);
    expect(first.body.byteOffset).toBe(2);
    expect(decoder.next()!.body.buffer).toBe(stream.buffer);

    decoder.push(stream.slice(0, 4));
    decoder.push(stream.slice(4));
    const straddling = decoder.next()!;
    expect(utf8Decode(straddling.body)).toBe("one");
    expect(straddling.body.buffer).not.toBe(stream.buffer);
    expect(straddling.body.buffer.byteLength).toBe(3);
  });

  it("with `view`, cuts a chunk's second and later bodies from its memory, the first by subarray", () => {
    /** A view maker that records its calls and marks its views, to tell them from subarrays. */
    const made: [ArrayBufferLike, number, number][] = [];
    const marked = new WeakSet<Uint8Array>();
    const view = (memory: ArrayBufferLike, byteOffset: number, length: number) => {
      made.push([memory, byteOffset, length]);
      const result = new Uint8Array(memory, byteOffset, length);
      marked.add(result);
      return result;
    };
    const decoder = new FrameDecoder({ view });
    const frames = ["first", "second", "third"].map((text, index) =>
      encodeFrame(utf8Encode(text), index < 2 ? FLAG_MORE : 0),
    );
    // The chunk sits inside a larger buffer, so offsets are checked against its memory.
    const memory = new Uint8Array(100);
    const chunk = memory.subarray(10, 10 + concat(frames).length);
    chunk.set(concat(frames));
    decoder.push(chunk);
    const bodies = [decoder.next()!, decoder.next()!, decoder.next()!].map((frame) => frame.body);
    expect(bodies.map(utf8Decode)).toEqual(["first", "second", "third"]);
    expect(bodies.map((body) => marked.has(body))).toEqual([false, true, true]);
    expect(made).toEqual([
      [memory.buffer, 10 + 7 + 2, 6],
      [memory.buffer, 10 + 7 + 8 + 2, 5],
    ]);
    // A new chunk gets its own memory, looked up again: its first body is a subarray again.
    const next = concat([encodeFrame(utf8Encode("a"), FLAG_MORE), encodeFrame(utf8Encode("b"), 0)]);
    decoder.push(next);
    const [a, b] = [decoder.next()!.body, decoder.next()!.body];
    expect([utf8Decode(a), utf8Decode(b)]).toEqual(["a", "b"]);
    expect([marked.has(a), marked.has(b)]).toEqual([false, true]);
    expect(made.at(-1)).toEqual([next.buffer, next.byteOffset + 5, 1]);
  });

  it("with `view`, makes a frame joined across adjacent chunks with it", () => {
    const made: number[] = [];
    const decoder = new FrameDecoder({
      view: (memory, byteOffset, length) => {
        made.push(byteOffset, length);
        return new Uint8Array(memory, byteOffset, length);
      },
    });
    const wire = encodeFrame(seeded(2000), 0);
    decoder.push(wire.subarray(0, 1000));
    decoder.push(wire.subarray(1000));
    expect(decoder.next()!.body).toEqual(seeded(2000));
    expect(made).toEqual([wire.byteOffset + 9, 2000]);
  });

  it("gathers a straddling frame into an array from `allocate`, whatever it held", () => {
    const sizes: number[] = [];
    const decoder = new FrameDecoder({
      allocate: (size) => {
        sizes.push(size);
        return new Uint8Array(size).fill(0xee);
      },
    });
    const wire = encodeFrame(utf8Encode("straddle"), 0);
    decoder.push(wire.slice(0, 5));
    expect(decoder.next()).toBeUndefined();
    decoder.push(wire.slice(5));
    expect(utf8Decode(decoder.next()!.body)).toBe("straddle");
    expect(sizes).toEqual([8]);
    const wrong = new FrameDecoder({ allocate: (size) => new Uint8Array(size + 1) });
    wrong.push(wire.slice(0, 5));
    wrong.push(wire.slice(5));
    expect(codeOf(() => wrong.next())).toBe("EINVAL");
  });

  it("joins a frame straddling chunks that lie end to end in one buffer into one view", () => {
    const body = seeded(3000);
    const wire = concat([encodeFrame(body, FLAG_MORE), encodeFrame(utf8Encode("end"), 0)]);
    const allocated: number[] = [];
    const decoder = new FrameDecoder({
      copyMax: 8,
      allocate: (size) => {
        allocated.push(size);
        return new Uint8Array(size);
      },
    });
    // Three adjacent pieces of one buffer, as a transport copying its reads into a slab makes.
    decoder.push(wire.subarray(0, 1000));
    decoder.push(wire.subarray(1000, 2000));
    expect(decoder.next()).toBeUndefined();
    decoder.push(wire.subarray(2000, 3012));
    const joined = decoder.next()!;
    expect(joined.more).toBe(true);
    expect(joined.body.buffer).toBe(wire.buffer);
    expect(joined.body.byteOffset).toBe(wire.byteOffset + 9);
    expect(joined.body).toEqual(body);
    expect(allocated).toEqual([]);
    // The 3-byte body straddles too, but is within copyMax: still copied out.
    expect(decoder.next()).toBeUndefined();
    decoder.push(wire.subarray(3012));
    expect(utf8Decode(decoder.next()!.body)).toBe("end");
    expect(allocated).toEqual([3]);
  });

  it("copies a frame straddling pieces of one buffer that are not end to end", () => {
    const wire = encodeFrame(seeded(600), 0);
    const spaced = new Uint8Array(wire.length + 10);
    spaced.set(wire.subarray(0, 300), 0);
    spaced.set(wire.subarray(300), 310);
    const decoder = new FrameDecoder();
    decoder.push(spaced.subarray(0, 300));
    decoder.push(spaced.subarray(310));
    const body = decoder.next()!.body;
    expect(body.buffer).not.toBe(spaced.buffer);
    expect(body).toEqual(wire.subarray(9));
  });

  it("keeps the chunks after a frame gathered from over 64 of them, and goes on after", () => {
    const body = seeded(68);
    const wire = concat([encodeFrame(body, FLAG_MORE), encodeFrame(utf8Encode("end"), 0)]);
    const decoder = new FrameDecoder();
    // One separate chunk per byte: the first frame's 70 bytes, then the 5 of the next one.
    for (let index = 0; index < wire.length; index++) {
      decoder.push(wire.slice(index, index + 1));
      if (index < 69) expect(decoder.next()).toBeUndefined();
    }
    const first = decoder.next()!;
    expect(first.more).toBe(true);
    expect(first.body).toEqual(body);
    expect(decoder.buffered).toBe(5);
    expect(utf8Decode(decoder.next()!.body)).toBe("end");
    expect(decoder.next()).toBeUndefined();
    for (const text of ["again", "and again"]) {
      decoder.push(encodeFrame(utf8Encode(text), 0));
      expect(utf8Decode(decoder.next()!.body)).toBe(text);
      expect(decoder.buffered).toBe(0);
    }
  });

  it("accepts pushes while frames are still queued", () => {
    const decoder = new FrameDecoder();
    decoder.push(encodeFrame(utf8Encode("a"), 0));
    decoder.push(encodeFrame(utf8Encode("b"), 0));
    expect(decoder.buffered).toBe(6);
    const bodies = [decoder.next(), decoder.next(), decoder.next()].map((frame) =>
      frame === undefined ? undefined : utf8Decode(frame.body),
    );
    expect(bodies).toEqual(["a", "b", undefined]);
  });

  it("accepts a long header for a short body (libzmq does)", () => {
    const decoder = new FrameDecoder();
    decoder.push(fromHex("020000000000000001ff"));
    expect(toHex(decoder.next()!.body)).toBe("ff");
  });

  it("nextBody gives the body and leaves the flags in `flags`; it shares next()'s queue", () => {
    const decoder = new FrameDecoder();
    decoder.push(
      concat([
        encodeFrame(utf8Encode("one"), FLAG_MORE),
        encodeFrame(new Uint8Array(0), 0),
        encodeFrame(utf8Encode("\x04PING"), FLAG_COMMAND),
      ]),
    );
    expect(utf8Decode(decoder.nextBody()!)).toBe("one");
    expect(decoder.flags).toBe(FLAG_MORE);
    expect(decoder.nextBody()!.length).toBe(0);
    expect(decoder.flags).toBe(0);
    expect(decoder.next()).toMatchObject({ more: false, command: true });
    expect(decoder.nextBody()).toBeUndefined();
    decoder.push(fromHex("08"));
    expect(() => decoder.nextBody()).toThrow(/Reserved/);
    expect(() => decoder.next()).toThrow(/Reserved/);
  });

  it("frames are WireFrames", () => {
    const frame: Frame = { more: false, command: true, body: new Uint8Array() };
    const wire: WireFrame = frame;
    expect(wire.command).toBe(true);
  });
});

describe("commands (RFC 23 §3.4, RFC 37)", () => {
  it("encodeCommand: length-prefixed name; EINVAL when empty or over 255 bytes", () => {
    expect(toHex(encodeCommand("READY"))).toBe("055245414459");
    expect(codeOf(() => encodeCommand(""))).toBe("EINVAL");
    expect(codeOf(() => encodeCommand("A".repeat(256)))).toBe("EINVAL");
    expect(codeOf(() => encodeCommand("A".repeat(255)))).toBe("none");
  });

  it("decodeCommand returns the data as a view", () => {
    const body = encodeCommand("SUBSCRIBE", utf8Encode("topic"));
    const command = decodeCommand(body);
    expect(command.name).toBe("SUBSCRIBE");
    expect(command.data.buffer).toBe(body.buffer);
    expect(utf8Decode(command.data)).toBe("topic");
  });

  it("ERROR round-trips and truncates the reason to 255 bytes on a character boundary", () => {
    const body = encodeError("Invalid socket type");
    expect(toHex(body.subarray(0, 7))).toBe("054552524f5213");
    expect(decodeError(decodeCommand(body).data)).toBe("Invalid socket type");
    const long = decodeError(decodeCommand(encodeError("é".repeat(200))).data);
    expect(long).toBe("é".repeat(127));
    expect(decodeError(decodeCommand(encodeError("x".repeat(300))).data)).toHaveLength(255);
  });

  it("PING / PONG: TTL u16 BE, context up to 16 bytes", () => {
    expect(toHex(encodePing(0x1234, fromHex("aabb")))).toBe("0450494e471234aabb");
    expect(decodePing(fromHex("ffff"))).toEqual({ ttl: 65535, context: new Uint8Array() });
    for (const ttl of [-1, 65536, 1.5, Number.NaN])
      expect(codeOf(() => encodePing(ttl))).toBe("EINVAL");
    expect(codeOf(() => encodePing(1, new Uint8Array(17)))).toBe("EINVAL");
    expect(codeOf(() => encodePong(new Uint8Array(17)))).toBe("EINVAL");
    expect(toHex(encodePong(fromHex("01")))).toBe("04504f4e4701");
  });

  it("ZMTP 3.0 subscription messages (RFC 23 §3.6)", () => {
    expect(toHex(encodeSubscriptionMessage(utf8Encode("A"), true))).toBe("0141");
    expect(toHex(encodeSubscriptionMessage(utf8Encode("A"), false))).toBe("0041");
    expect(decodeSubscriptionMessage(fromHex("0141"))).toEqual({
      subscribe: true,
      topic: utf8Encode("A"),
    });
    expect(decodeSubscriptionMessage(fromHex("02"))).toBeUndefined();
    expect(decodeSubscriptionMessage(new Uint8Array())).toBeUndefined();
  });
});

describe("metadata (RFC 23 §3.5)", () => {
  it("matches the RFC 23 DEALER READY example layout", () => {
    const data = encodeMetadata([
      ["Socket-Type", "DEALER"],
      ["Identity", new Uint8Array()],
    ]);
    expect(toHex(data)).toBe(
      "0b536f636b65742d54797065000000064445414c4552084964656e7469747900000000",
    );
    // The RFC example frame announces a body of 0x29 = 41 bytes: "\x05READY" + this metadata.
    expect(data.length + 6).toBe(41);
  });

  it("EINVAL on bad names", () => {
    for (const name of ["", "a b", "X".repeat(256), "naïve", "a:b"]) {
      expect(codeOf(() => encodeMetadata([[name, "v"]]))).toBe("EINVAL");
    }
    expect(codeOf(() => encodeMetadata([["A-z_0.9+", "v"]]))).toBe("none");
  });

  it("decodes lower-cased names, keeping the first of duplicates, values as copies", () => {
    const data = encodeMetadata([
      ["X-Custom", "one"],
      ["x-custom", "two"],
      ["Empty", ""],
    ]);
    const decoded = decodeMetadata(data);
    expect([...decoded.keys()]).toEqual(["x-custom", "empty"]);
    expect(utf8Decode(decoded.get("x-custom")!)).toBe("one");
    // Values outlive the received chunk (a routing id lives as long as its connection).
    expect(decoded.get("x-custom")!.buffer).not.toBe(data.buffer);
    data.fill(0);
    expect(utf8Decode(decoded.get("x-custom")!)).toBe("one");
    const fromBuffer = decodeMetadata(Buffer.from(encodeMetadata([["Identity", "id"]])));
    expect(Buffer.isBuffer(fromBuffer.get("identity"))).toBe(false);
    expect(decodeMetadata(new Uint8Array()).size).toBe(0);
  });
});
