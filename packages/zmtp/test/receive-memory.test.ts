/**
 * What a received part keeps alive. Over tcp and ipc the engine reads chunks of up to 64 KiB; a
 * part of up to 128 bytes from a chunk over 1 KiB gets memory of its own (Node's Buffer pool), so
 * an application that keeps small messages does not keep every chunk they arrived in. Larger
 * parts, and parts from small chunks, are views.
 */
import { Buffer } from "node:buffer";
import { describe, expect, it } from "vitest";
import * as zmq from "../src/index";
import { track } from "./track";

describe("received parts", () => {
  it.each(["tcp://127.0.0.1:*", "ipc://*"])(
    "of up to 128 bytes do not keep the received chunk alive (%s)",
    async (address) => {
      const pull = track(new zmq.Pull());
      const push = track(new zmq.Push());
      await pull.bind(address);
      push.connect(pull.lastEndpoint!);
      // A burst, so that many messages arrive in each chunk the engine reads.
      const count = 2000;
      for (let index = 0; index < count; index++) {
        await push.send([
          Buffer.alloc(16, index),
          Buffer.alloc(128, index),
          Buffer.alloc(129, index),
        ]);
      }
      const chunks = new Set<ArrayBufferLike>();
      for (let index = 0; index < count; index++) {
        const [small, edge, large] = await pull.receive();
        expect([small![0], edge![127], large![128]]).toEqual([
          index & 0xff,
          index & 0xff,
          index & 0xff,
        ]);
        // Node's pool, shared by small Buffers, or a chunk of at most 1 KiB: never a big chunk.
        expect(small!.buffer.byteLength).toBeLessThanOrEqual(Buffer.poolSize);
        expect(edge!.buffer.byteLength).toBeLessThanOrEqual(Buffer.poolSize);
        chunks.add(large!.buffer);
      }
      // The 129-byte parts are views: a few chunks hold all 2,000 of them.
      expect(chunks.size).toBeLessThan(count / 4);
    },
  );
});
