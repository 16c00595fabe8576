/** PUSH / PULL (RFC 30), PAIR (RFC 31), and the operations a type does not support. */
import type { Context } from "@zmtp/core";
import { isZmqError } from "@zmtp/spec";
import { uniqueInprocEndpoint } from "@zmtp/testkit";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  PairSocket,
  PubSocket,
  PullSocket,
  PushSocket,
  RepSocket,
  SubSocket,
  XPubSocket,
  XSubSocket,
} from "../src/index";
import {
  Cleanup,
  collect,
  connected,
  makeContext,
  message,
  receiveMany,
  receiveWithin,
  sendWithin,
  TCP_ANY,
  text,
  texts,
  thrown,
  untilInbound,
  watch,
} from "./helpers";

let context: Context;
let cleanup: Cleanup;

beforeEach(() => {
  context = makeContext();
  cleanup = new Cleanup();
});

afterEach(async () => {
  await cleanup.run();
  await context.close();
});

describe.each([
  ["tcp", () => TCP_ANY],
  ["inproc", () => uniqueInprocEndpoint()],
])("PUSH / PULL over %s", (_name, endpoint) => {
  it("round-robins to three PULLs", async () => {
    const pulls = [0, 1, 2].map(() => cleanup.add(new PullSocket(context)));
    for (const pull of pulls) await pull.bind(endpoint());
    const push = cleanup.add(new PushSocket(context));
    for (const pull of pulls) await connected(push, pull.lastEndpoint!);
    for (let index = 0; index < 9; index++) expect(push.send(message(`m${index}`))).toBe(true);
    const got = await Promise.all(pulls.map((pull) => receiveMany(pull, 3)));
    expect(got.map((messages) => messages.map((m) => text(m[0])))).toEqual([
      ["m0", "m3", "m6"],
      ["m1", "m4", "m7"],
      ["m2", "m5", "m8"],
    ]);
  });

  it("fair-queues at the PULL", async () => {
    const pull = cleanup.add(new PullSocket(context));
    await pull.bind(endpoint());
    const pushes = [0, 1].map(() => cleanup.add(new PushSocket(context)));
    for (const push of pushes) await connected(push, pull.lastEndpoint!);
    for (const [index, push] of pushes.entries()) {
      for (let n = 1; n <= 3; n++) push.send(message(`${"ab"[index]}${n}`));
    }
    await untilInbound(pull, 2);
    const received = (await receiveMany(pull, 6)).map((m) => text(m[0]));
    // Both queues hold messages: one from each in turn.
    expect(received.slice(0, 2).sort()).toEqual(["a1", "b1"]);
    expect(received.slice(2, 4).sort()).toEqual(["a2", "b2"]);
  });
});

describe("PUSH", () => {
  it("skips a PULL that stopped reading and keeps the others fed", async () => {
    const stuck = cleanup.add(new PullSocket(context));
    stuck.options.receiveHighWaterMark = 1;
    const busy = cleanup.add(new PullSocket(context));
    await stuck.bind(uniqueInprocEndpoint());
    await busy.bind(uniqueInprocEndpoint());
    const push = cleanup.add(new PushSocket(context));
    push.options.sendHighWaterMark = 1;
    await connected(push, stuck.lastEndpoint!);
    await connected(push, busy.lastEndpoint!);
    let toBusy = 0;
    busy.onReadable = () => {
      while (busy.receive() !== undefined) toBusy++;
    };
    const big = new Uint8Array(256 * 1024);
    const total = 40;
    for (let index = 0; index < total; index++) await sendWithin(push, [big], 2000);
    await collect(busy, 100);
    // The stuck peer took a few (its mark plus what the transport buffers); busy took the rest.
    expect(toBusy).toBeGreaterThan(total / 2);
    expect(toBusy).toBeLessThan(total);
  });

  it("waits (send returns false) when every peer is at its mark, and never drops", async () => {
    const push = cleanup.add(new PushSocket(context));
    push.options.sendHighWaterMark = 1;
    const pulls = [0, 1].map(() => cleanup.add(new PullSocket(context)));
    for (const pull of pulls) await pull.bind(TCP_ANY);
    for (const pull of pulls) await connected(push, pull.lastEndpoint!);
    // Synchronously: each pipe holds one until the engines run.
    expect(push.send(message("1"))).toBe(true);
    expect(push.send(message("2"))).toBe(true);
    expect(push.send(message("3"))).toBe(false);
    expect(push.writable).toBe(false);
    await sendWithin(push, message("3"));
    const all = [...(await collect(pulls[0]!, 100)), ...(await collect(pulls[1]!, 100))];
    expect(all.map((m) => text(m[0])).sort()).toEqual(["1", "2", "3"]);
  });
});

describe("PAIR", () => {
  it("talks both ways with its one peer", async () => {
    const a = cleanup.add(new PairSocket(context));
    await a.bind(TCP_ANY);
    const b = cleanup.add(new PairSocket(context));
    await connected(b, a.lastEndpoint!);
    a.send(message("to b"));
    b.send(message("to a"));
    expect(texts(await receiveWithin(b))).toEqual(["to b"]);
    expect(texts(await receiveWithin(a))).toEqual(["to a"]);
  });

  it("refuses a second peer and keeps the first", async () => {
    const a = cleanup.add(new PairSocket(context));
    const events = watch(a);
    await a.bind(TCP_ANY);
    const first = cleanup.add(new PairSocket(context));
    await connected(first, a.lastEndpoint!);
    await events.next("handshake");
    const second = cleanup.add(new PairSocket(context));
    second.options.reconnectInterval = 10_000;
    second.connect(a.lastEndpoint!);
    second.send(message("from second"));
    await events.next("disconnect");
    first.send(message("from first"));
    expect((await collect(a, 100)).map(texts)).toEqual([["from first"]]);
    a.send(message("to first"));
    expect(texts(await receiveWithin(first))).toEqual(["to first"]);
    expect(await collect(second, 50)).toEqual([]);
  });

  it("send waits (false) with no peer", () => {
    const a = cleanup.add(new PairSocket(context));
    expect(a.writable).toBe(false);
    expect(a.send(message("x"))).toBe(false);
  });
});

describe("ENOTSUP", () => {
  it.each([
    ["PUSH receive", () => new PushSocket(context), "receive"],
    ["PUB receive", () => new PubSocket(context), "receive"],
    ["PULL send", () => new PullSocket(context), "send"],
    ["SUB send", () => new SubSocket(context), "send"],
  ] as const)("%s", (_name, make, operation) => {
    const socket = cleanup.add(make());
    const error = thrown(() =>
      operation === "send" ? socket.send(message("x")) : socket.receive(),
    );
    expect(isZmqError(error, "ENOTSUP")).toBe(true);
  });

  it("XPUB receives and XSUB sends, unlike PUB and SUB", () => {
    expect(cleanup.add(new XPubSocket(context)).receive()).toBeUndefined();
    expect(cleanup.add(new XSubSocket(context)).send(message("x"))).toBe(true);
    expect(cleanup.add(new RepSocket(context)).receive()).toBeUndefined();
  });
});
