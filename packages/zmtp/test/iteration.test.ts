/**
 * Async iteration over a socket: the behaviour of the async generator it replaced (order, end at
 * close, one rejection then the end, queued `next()` calls, `return` and `throw`). Iterating in
 * order and ending at close are also in tooling/test/conformance, against zeromq.js as well.
 */
import { describe, expect, it } from "vitest";
import * as zmq from "../src/index";
import { track } from "./track";

let endpoints = 0;
async function pair(options: { receiveTimeout?: number } = {}): Promise<[zmq.Push, zmq.Pull]> {
  const pull = track(new zmq.Pull(options));
  const endpoint = `inproc://iteration-${endpoints++}`;
  await pull.bind(endpoint);
  const push = track(new zmq.Push());
  push.connect(endpoint);
  return [push, pull];
}

const text = (result: IteratorResult<zmq.Message[], void>) =>
  result.done ? "done" : result.value.map((frame) => frame.toString()).join("|");

describe("async iteration", () => {
  it("yields messages in order, those already queued and those still to come", async () => {
    const [push, pull] = await pair();
    for (let index = 0; index < 300; index++) await push.send(["n", `${index}`]);
    const seen: string[] = [];
    const later = (async () => {
      await new Promise((resolve) => setTimeout(resolve, 20));
      for (let index = 300; index < 310; index++) await push.send(["n", `${index}`]);
    })();
    for await (const [, index] of pull) {
      seen.push(index!.toString());
      if (seen.length === 310) break;
    }
    await later;
    expect(seen).toEqual(Array.from({ length: 310 }, (_, index) => `${index}`));
  });

  it("ends after break: the iterator's next() is done, the socket still receives", async () => {
    const [push, pull] = await pair();
    await push.send("a");
    await push.send("b");
    const iterator = pull[Symbol.asyncIterator]();
    for await (const _ of { [Symbol.asyncIterator]: () => iterator }) break;
    expect(text(await iterator.next())).toBe("done");
    expect((await pull.receive()).toString()).toBe("b");
  });

  it("is done at once on a closed socket, and ends when the socket closes while waiting", async () => {
    const [, pull] = await pair();
    const waiting = pull[Symbol.asyncIterator]().next();
    pull.close();
    expect(text(await waiting)).toBe("done");
    expect(text(await pull[Symbol.asyncIterator]().next())).toBe("done");
  });

  it("rejects once with the receive's error (EAGAIN after receiveTimeout), then is done", async () => {
    const [push, pull] = await pair({ receiveTimeout: 20 });
    const iterator = pull[Symbol.asyncIterator]();
    await expect(iterator.next()).rejects.toMatchObject({ code: "EAGAIN" });
    await push.send("late");
    expect(text(await iterator.next())).toBe("done");
  });

  it("queues a next() called while another waits, as a generator does", async () => {
    const [push, pull] = await pair();
    const iterator = pull[Symbol.asyncIterator]();
    const first = iterator.next();
    const second = iterator.next();
    await push.send("one");
    await push.send("two");
    expect([text(await first), text(await second)]).toEqual(["one", "two"]);
  });

  it("makes a receive() while the iterator waits throw EBUSY", async () => {
    const [push, pull] = await pair();
    const waiting = pull[Symbol.asyncIterator]().next();
    expect(() => pull.receive()).toThrow(expect.objectContaining({ code: "EBUSY" }));
    await push.send("x");
    expect(text(await waiting)).toBe("x");
  });

  it("return() ends it; throw() rejects with the error and ends it", async () => {
    const [push, pull] = await pair();
    await push.send("kept");
    const returned = pull[Symbol.asyncIterator]();
    expect(text(await returned.return())).toBe("done");
    expect(text(await returned.next())).toBe("done");
    const thrown = pull[Symbol.asyncIterator]();
    const error = new Error("stop");
    await expect(thrown.throw(error)).rejects.toBe(error);
    expect(text(await thrown.next())).toBe("done");
    // Neither took the queued message.
    expect((await pull.receive()).toString()).toBe("kept");
  });
});
