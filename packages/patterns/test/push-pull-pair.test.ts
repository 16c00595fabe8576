import { isZmqError } from "@zmtp/spec";
import { uniqueInprocEndpoint } from "@zmtp/testkit";
import { describe, expect, it } from "vitest";
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
  collect,
  connected,
  message,
  perTestScope,
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

const scope = perTestScope();

describe.each([
  ["tcp", () => TCP_ANY],
  ["inproc", () => uniqueInprocEndpoint()],
])("PUSH / PULL over %s", (_name, endpoint) => {
  it("round-robins to three PULLs", async () => {
    const pulls = [0, 1, 2].map(() => scope.cleanup.add(new PullSocket(scope.context)));
    for (const pull of pulls) await pull.bind(endpoint());
    const push = scope.cleanup.add(new PushSocket(scope.context));
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
    const pull = scope.cleanup.add(new PullSocket(scope.context));
    await pull.bind(endpoint());
    const pushes = [0, 1].map(() => scope.cleanup.add(new PushSocket(scope.context)));
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
    const stuck = scope.cleanup.add(new PullSocket(scope.context));
    stuck.options.receiveHighWaterMark = 1;
    const busy = scope.cleanup.add(new PullSocket(scope.context));
    await stuck.bind(uniqueInprocEndpoint());
    await busy.bind(uniqueInprocEndpoint());
    const push = scope.cleanup.add(new PushSocket(scope.context));
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
    const push = scope.cleanup.add(new PushSocket(scope.context));
    push.options.sendHighWaterMark = 1;
    const pulls = [0, 1].map(() => scope.cleanup.add(new PullSocket(scope.context)));
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
    const a = scope.cleanup.add(new PairSocket(scope.context));
    await a.bind(TCP_ANY);
    const b = scope.cleanup.add(new PairSocket(scope.context));
    await connected(b, a.lastEndpoint!);
    a.send(message("to b"));
    b.send(message("to a"));
    expect(texts(await receiveWithin(b))).toEqual(["to b"]);
    expect(texts(await receiveWithin(a))).toEqual(["to a"]);
  });

  it("refuses a second peer and keeps the first", async () => {
    const a = scope.cleanup.add(new PairSocket(scope.context));
    const events = watch(a);
    await a.bind(TCP_ANY);
    const first = scope.cleanup.add(new PairSocket(scope.context));
    await connected(first, a.lastEndpoint!);
    await events.next("handshake");
    const second = scope.cleanup.add(new PairSocket(scope.context));
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
    const a = scope.cleanup.add(new PairSocket(scope.context));
    expect(a.writable).toBe(false);
    expect(a.send(message("x"))).toBe(false);
  });
});

describe("ENOTSUP", () => {
  it.each([
    ["PUSH receive", () => new PushSocket(scope.context), "receive"],
    ["PUB receive", () => new PubSocket(scope.context), "receive"],
    ["PULL send", () => new PullSocket(scope.context), "send"],
    ["SUB send", () => new SubSocket(scope.context), "send"],
  ] as const)("%s", (_name, make, operation) => {
    const socket = scope.cleanup.add(make());
    const error = thrown(() =>
      operation === "send" ? socket.send(message("x")) : socket.receive(),
    );
    expect(isZmqError(error, "ENOTSUP")).toBe(true);
  });

  it("XPUB receives and XSUB sends, unlike PUB and SUB", () => {
    expect(scope.cleanup.add(new XPubSocket(scope.context)).receive()).toBeUndefined();
    expect(scope.cleanup.add(new XSubSocket(scope.context)).send(message("x"))).toBe(true);
    expect(scope.cleanup.add(new RepSocket(scope.context)).receive()).toBeUndefined();
  });
});
