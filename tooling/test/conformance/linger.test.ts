// linger: what close() does with messages still queued. -1 (and enough ms) delivers them to a
// peer that comes late; 0 drops them; a linger that runs out drops what is left.

import { createServer } from "node:net";
import { expect, it } from "vitest";
import { bindWithRetry, recvText } from "../helpers.js";
import { describeEach } from "./each.js";

/** A tcp endpoint nothing listens on yet. */
async function freeEndpoint(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("no port");
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `tcp://127.0.0.1:${address.port}`;
}

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describeEach("linger", ({ zmq, track }) => {
  /** Queues three messages to a peer that is not there, closes, and binds the peer `lateMs` later. */
  async function closeThenPeer(linger: number, lateMs: number): Promise<string[]> {
    const endpoint = await freeEndpoint();
    const push = new zmq.Push({ linger, reconnectInterval: 20 });
    push.connect(endpoint);
    for (const text of ["a", "b", "c"]) await push.send(text);
    push.close();
    await delay(lateMs);
    const pull = track(new zmq.Pull({ receiveTimeout: 300 }));
    await bindWithRetry(pull, endpoint);
    const got: string[] = [];
    for (;;) {
      const message = await pull.receive().catch(() => undefined);
      if (message === undefined) return got;
      got.push(String(message[0]));
    }
  }

  it("-1 delivers queued messages to a peer that comes after close()", async () => {
    expect(await closeThenPeer(-1, 100)).toEqual(["a", "b", "c"]);
  });

  it("a linger long enough delivers them too", async () => {
    expect(await closeThenPeer(3000, 100)).toEqual(["a", "b", "c"]);
  });

  it("0 drops them at close()", async () => {
    expect(await closeThenPeer(0, 50)).toEqual([]);
  });

  it("a linger that runs out before the peer comes drops them", async () => {
    expect(await closeThenPeer(100, 400)).toEqual([]);
  });

  it("-1 finishes sending a backlog to a slow connected peer after close()", async () => {
    const pull = track(new zmq.Pull({ receiveHighWaterMark: 5 }));
    await pull.bind("tcp://127.0.0.1:*");
    const push = new zmq.Push({ linger: -1, sendHighWaterMark: 1000 });
    push.connect(pull.lastEndpoint!);
    await push.send("first");
    expect(await recvText(pull)).toEqual(["first"]);
    const big = Buffer.alloc(64 * 1024, 7);
    for (let index = 0; index < 200; index += 1) await push.send([String(index), big]);
    push.close();
    // The reader is slow: it starts after close() and reads everything.
    await delay(100);
    for (let index = 0; index < 200; index += 1) {
      const [number] = await pull.receive();
      expect(String(number)).toBe(String(index));
    }
  });
});
