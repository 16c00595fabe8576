import { PullSocket, PushSocket, SubSocket } from "@zmtp/patterns";
import { isZmqError } from "@zmtp/spec";
import { describe, expect, it } from "vitest";
import * as zmq from "zeromq";
import { listenReadable, poll } from "../src/index";
import { bindAny, makeContext, message, texts, track } from "./helpers";

describe("poll", () => {
  it("resolves with the socket that became readable, not the others", async () => {
    const context = makeContext();
    const quiet = track(new PullSocket(context));
    const busy = track(new PullSocket(context));
    await bindAny(quiet);
    const endpoint = await bindAny(busy);
    const pending = poll([
      { socket: quiet, readable: true },
      { socket: busy, readable: true },
    ]);
    const push = track(new zmq.Push());
    push.connect(endpoint);
    await push.send("wake up");
    const results = await pending;
    expect(results).toEqual([{ index: 1, socket: busy, readable: true, writable: false }]);
    expect(texts(busy.receive()!)).toEqual(["wake up"]);
  });

  it("reports a readable socket at once, without waiting", async () => {
    const context = makeContext();
    const pull = track(new PullSocket(context));
    const push = track(new PushSocket(context));
    push.connect(await bindAny(pull));
    await poll([{ socket: push, writable: true }]);
    push.send(message("ready"));
    await poll([{ socket: pull, readable: true }], 5_000);
    const now = await poll([{ socket: pull, readable: true, writable: true }], 0);
    // PULL cannot send: readable only, however the interest was stated.
    expect(now).toEqual([{ index: 0, socket: pull, readable: true, writable: false }]);
  });

  it("waits for writable: a PUSH becomes writable when its first peer arrives", async () => {
    const context = makeContext();
    const push = track(new PushSocket(context));
    const endpoint = await bindAny(push);
    expect(await poll([{ socket: push, writable: true }], 0)).toEqual([]);
    const pending = poll([{ socket: push, writable: true }]);
    const pull = track(new zmq.Pull());
    pull.connect(endpoint);
    expect(await pending).toEqual([{ index: 0, socket: push, readable: false, writable: true }]);
  });

  it("times out with an empty list, and leaves the socket's own listener in place", async () => {
    const context = makeContext();
    const sub = track(new SubSocket(context));
    await bindAny(sub);
    let own = 0;
    sub.onReadable = () => own++;
    const started = Date.now();
    expect(await poll([{ socket: sub, readable: true }], 30)).toEqual([]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(25);
    expect(sub.onReadable).toBeTypeOf("function");
    sub.onReadable?.();
    expect(own).toBe(1); // restored to the socket's own callback
  });

  it("ignores items without interest and checks its arguments", async () => {
    const context = makeContext();
    const pull = track(new PullSocket(context));
    expect(await poll([{ socket: pull }], 0)).toEqual([]);
    await expect(poll([], -2)).rejects.toMatchObject({ code: "EINVAL" });
    await expect(poll([], Number.NaN)).rejects.toMatchObject({ code: "EINVAL" });
  });

  it("rejects with EBADF for a socket that is or becomes closed", async () => {
    const context = makeContext();
    const closed = new PullSocket(context);
    await closed.close();
    await expect(poll([{ socket: closed, readable: true }])).rejects.toSatisfy((error) =>
      isZmqError(error, "EBADF"),
    );
    const closing = new PullSocket(context);
    const pending = poll([{ socket: closing, readable: true }]);
    await closing.close();
    await expect(pending).rejects.toSatisfy((error) => isZmqError(error, "EBADF"));
  });
});

describe("listener fan-out", () => {
  it("calls the slot's previous callback and every listener, then gives the slot back", () => {
    const context = makeContext();
    const pull = track(new PullSocket(context));
    const calls: string[] = [];
    const own = () => calls.push("own");
    pull.onReadable = own;
    const removeA = listenReadable(pull, () => calls.push("a"));
    const removeB = listenReadable(pull, () => {
      calls.push("b");
      removeB(); // removing oneself while being called is fine
    });
    pull.onReadable?.();
    pull.onReadable?.();
    expect(calls).toEqual(["own", "a", "b", "own", "a"]);
    removeA();
    expect(pull.onReadable).toBe(own);
    removeA(); // twice is harmless
    expect(pull.onReadable).toBe(own);
  });
});
