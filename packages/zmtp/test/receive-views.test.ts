/**
 * Parts over 128 bytes arrive as Buffers viewing the bytes read; many messages read at once are
 * cut from one chunk's memory (the engine's `viewBuffer` path after a chunk's first body). Each
 * must be a Buffer of its own bytes, whichever way it was cut.
 */
import { describe, expect, it } from "vitest";
import * as zmq from "../src/index";
import { track } from "./track";

function part(index: number, size: number): Buffer {
  const bytes = Buffer.alloc(size);
  for (let at = 0; at < size; at++) bytes[at] = (index * 7 + at) & 0xff;
  return bytes;
}

describe("received views", () => {
  it.each(["tcp://127.0.0.1:*", "ipc://*"])(
    "a burst of messages read together arrives as intact Buffers (%s)",
    async (address) => {
      const pull = track(new zmq.Pull());
      const push = track(new zmq.Push());
      await pull.bind(address);
      push.connect(pull.lastEndpoint!);
      const count = 400;
      for (let index = 0; index < count; index++) {
        await push.send([part(index, 129 + (index % 200)), part(index + 1, 300)]);
      }
      const received: Buffer[] = [];
      for (let index = 0; index < count; index++) {
        const [first, second] = await pull.receive();
        expect(first!.equals(part(index, 129 + (index % 200)))).toBe(true);
        expect(second!.equals(part(index + 1, 300))).toBe(true);
        received.push(first!, second!);
      }
      expect(received.every((body) => Buffer.isBuffer(body))).toBe(true);
      // Several bodies share the memory of one read: views, not copies.
      expect(new Set(received.map((body) => body.buffer)).size).toBeLessThan(received.length / 4);
    },
  );
});
