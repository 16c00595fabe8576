import { describe, expect, it } from "vitest";
import { bindTo, recv, text } from "../helpers.js";
import { IMPLEMENTATIONS, useImplementation } from "./setup.js";

describe.each(IMPLEMENTATIONS)("%s: messages", (name) => {
  const t = useImplementation(name);

  const pair = async () => {
    const a = t.track(new t.zmq.Pair());
    const b = t.track(new t.zmq.Pair());
    b.connect(await bindTo(a, "tcp"));
    return [a, b] as const;
  };

  it("sends multipart strings, Buffers, typed arrays and ArrayBuffers; receives Buffers", async () => {
    const [a, b] = await pair();
    const wide = new Uint16Array([1, 2, 3, 4]);
    const view = new Uint8Array(wide.buffer, 2, 4);
    await a.send([
      "text",
      Buffer.from("buffer"),
      new Uint8Array([1, 2, 3]),
      wide,
      view,
      new Uint8Array([9, 8, 7]).buffer,
    ]);
    const message = await recv(b);
    expect(message.every((part) => Buffer.isBuffer(part))).toBe(true);
    expect(message.map((part) => [...part])).toEqual([
      [...Buffer.from("text")],
      [...Buffer.from("buffer")],
      [1, 2, 3],
      [1, 0, 2, 0, 3, 0, 4, 0],
      [2, 0, 3, 0],
      [9, 8, 7],
    ]);
  });

  it.each(["tcp", "inproc"] as const)(
    "copies a part of up to 128 bytes at send: the buffer may be reused at once (%s)",
    async (transport) => {
      const a = t.track(new t.zmq.Pair());
      const b = t.track(new t.zmq.Pair());
      b.connect(await bindTo(a, transport));
      for (const size of [1, 16, 128]) {
        const reused = Buffer.alloc(size);
        const typed = new Uint32Array(Math.ceil(size / 4));
        for (let index = 0; index < 10; index++) {
          reused[0] = index;
          typed[0] = index;
          await a.send([reused, typed, typed.buffer]);
        }
        for (let index = 0; index < 10; index++) {
          const [part, view, whole] = await recv(b);
          expect([part![0], view![0], whole![0]]).toEqual([index, index, index]);
          expect(part!.length).toBe(size);
        }
      }
    },
  );

  it("keeps empty frames, anywhere in a message", async () => {
    const [a, b] = await pair();
    await a.send(["", Buffer.alloc(0), "middle", new Uint8Array(0), ""]);
    expect(text(await recv(b))).toEqual(["", "", "middle", "", ""]);
    await a.send("");
    expect(text(await recv(b))).toEqual([""]);
  });

  it("sends a single non-array message as one part; numbers as text and null as empty", async () => {
    const [a, b] = await pair();
    await a.send("single");
    expect(text(await recv(b))).toEqual(["single"]);
    await a.send(42);
    expect(text(await recv(b))).toEqual(["42"]);
    await a.send(null);
    expect(text(await recv(b))).toEqual([""]);
  });

  it("delivers messages in order, and yields them from the async iterator", async () => {
    const [a, b] = await pair();
    for (let index = 0; index < 100; index += 1) await a.send(["n", `${index}`]);
    const seen: string[] = [];
    for await (const [, index] of b) {
      seen.push(index!.toString());
      if (seen.length === 100) break;
    }
    expect(seen).toEqual(Array.from({ length: 100 }, (_, index) => `${index}`));
  });

  it("sends both ways on a PAIR", async () => {
    const [a, b] = await pair();
    await a.send("ping");
    expect(text(await recv(b))).toEqual(["ping"]);
    await b.send("pong");
    expect(text(await recv(a))).toEqual(["pong"]);
  });
});
