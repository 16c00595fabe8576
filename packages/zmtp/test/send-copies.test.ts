/**
 * What a sender may do with a Buffer once `send()` resolved. Up to 128 bytes it is copied at send
 * on every transport (tooling/test/conformance, as zeromq.js). Over a connected tcp or ipc
 * socket zmtp also encodes the message during the send, so parts below 8 KiB may be reused too.
 */
import { describe, expect, it } from "vitest";
import * as zmq from "../src/index";
import { track } from "./track";

describe("reusing a sent Buffer", () => {
  it.each(["tcp://127.0.0.1:*", "ipc://*"])(
    "parts below 8 KiB leave the Buffer during send on a connected socket (%s)",
    async (address) => {
      const pull = new zmq.Pull();
      const push = new zmq.Push();
      track(pull);
      track(push);
      await pull.bind(address);
      push.connect(pull.lastEndpoint!);
      await push.send("connected");
      await pull.receive();
      // A few messages per size: well inside the kernel's socket buffers, so the peer never
      // holds the sender back (then messages would wait in the pipe, by reference).
      for (const size of [129, 200, 4096, 8191]) {
        const reused = Buffer.alloc(size);
        for (let index = 0; index < 8; index++) {
          reused.writeUInt32BE(index, 0);
          reused[size - 1] = index;
          await push.send(["head", reused]);
        }
        for (let index = 0; index < 8; index++) {
          const [, part] = await pull.receive();
          expect([part!.readUInt32BE(0), part![size - 1]]).toEqual([index, index]);
        }
      }
    },
  );
});
