import { expect, it } from "vitest";
import {
  delay,
  expectSameParts,
  FRAME_SIZES,
  isProbe,
  payload,
  recv,
  recvDataText,
  recvText,
  syncReceivers,
  text,
} from "../helpers.js";
import { describeInterop } from "./interop.js";

describeInterop("Push", "Pull", (env) => {
  it("delivers multipart messages with empty frames", async () => {
    const push = env.a((z) => new z.Push());
    const pull = env.b((z) => new z.Pull());
    await env.link(push, pull);

    await push.send(["first", "", "third"]);
    await push.send("");
    await push.send(["", ""]);
    expect(await recvText(pull)).toEqual(["first", "", "third"]);
    expect(await recvText(pull)).toEqual([""]);
    expect(await recvText(pull)).toEqual(["", ""]);
  });

  it("carries 0 B, 1 B, 255 B, 256 B and 1 MiB parts intact", async () => {
    const push = env.a((z) => new z.Push());
    const pull = env.b((z) => new z.Pull());
    await env.link(push, pull);

    const parts = FRAME_SIZES.map((size, index) => payload(size, index));
    await push.send(parts);
    for (const part of parts) await push.send(part);

    expectSameParts(await recv(pull), parts);
    for (const part of parts) expectSameParts(await recv(pull), [part]);
  });

  it("round-robins across 3 PULLs", async () => {
    const push = env.a((z) => new z.Push());
    const pulls = [0, 1, 2].map(() => env.b((z) => new z.Pull()));
    await env.linkMany("a", push, pulls);
    await syncReceivers(() => push.send("probe"), pulls);

    for (let index = 0; index < 9; index += 1) await push.send(`m${index}`);
    const received = await Promise.all(
      pulls.map(async (pull) => {
        const got: string[] = [];
        for (let count = 0; count < 3; count += 1) got.push(...(await recvDataText(pull)));
        return got;
      }),
    );
    expect(received.map((got) => got.length)).toEqual([3, 3, 3]);
    expect(received.flat().sort()).toEqual(["m0", "m1", "m2", "m3", "m4", "m5", "m6", "m7", "m8"]);
    // Round robin: each PULL sees every third message.
    for (const got of received) {
      const numbers = got.map((message) => Number(message.slice(1)));
      expect(numbers[1]! - numbers[0]!).toBe(3);
      expect(numbers[2]! - numbers[1]!).toBe(3);
    }
  });

  it("fair-queues messages from 3 PUSHers", async () => {
    const pull = env.b((z) => new z.Pull());
    const pushes = [0, 1, 2].map(() => env.a((z) => new z.Push()));
    await env.linkMany("b", pull, pushes);

    // Every pusher is attached before the backlog is sent: one hello from each arrives first.
    for (const [id, push] of pushes.entries()) await push.send([`${id}`, "hello"]);
    const hellos: string[] = [];
    for (const _ of pushes) hellos.push((await recvText(pull))[0]!);
    expect(hellos.sort()).toEqual(["0", "1", "2"]);

    const perPusher = 300;
    for (const [id, push] of pushes.entries()) {
      for (let index = 0; index < perPusher; index += 1) await push.send([`${id}`, `${index}`]);
    }
    // Fair queueing is among peers whose messages have arrived. libzmq's I/O thread reads every
    // connection while the application is busy; a single-threaded receiver (zmtp) reads the
    // others only between its receives. Nothing signals that a peer's bytes reached this side,
    // so the backlogs get a moment to arrive before the order is judged.
    await delay(200);
    const order: number[] = [];
    const next = [0, 0, 0];
    for (let count = 0; count < 3 * perPusher; count += 1) {
      const message = await recv(pull);
      expect(isProbe(message)).toBe(false);
      const [id, index] = text(message).map(Number) as [number, number];
      // Per-sender FIFO order is preserved.
      expect(index).toBe(next[id]);
      next[id] = index + 1;
      order.push(id);
    }
    expect(next).toEqual([perPusher, perPusher, perPusher]);
    // The first pusher's backlog does not starve the others: all three are served early.
    expect(new Set(order.slice(0, perPusher)).size).toBe(3);
  });

  it("delivers again after the libzmq side restarts on the same endpoint", async () => {
    let push = env.a((z) => new z.Push());
    let pull = env.b((z) => new z.Pull());
    const endpoint = await env.link(push, pull);
    await push.send("before");
    expect(await recvText(pull)).toEqual(["before"]);

    if (env.libzmqRole === "a")
      push = await env.restartLibzmq(push, (z) => new z.Push(), endpoint, pull);
    else pull = await env.restartLibzmq(pull, (z) => new z.Pull(), endpoint, push);

    await push.send(["after", "restart"]);
    expect(await recvText(pull)).toEqual(["after", "restart"]);
  });
});
