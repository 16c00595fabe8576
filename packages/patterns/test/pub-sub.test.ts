import { uniqueInprocEndpoint } from "@zmtp/testkit";
import { describe, expect, it } from "vitest";
import { PubSocket, SubSocket, subscription, XPubSocket, XSubSocket } from "../src/index";
import {
  bytes,
  collect,
  message,
  perTestScope,
  receiveWithin,
  syncSubscriptions,
  TCP_ANY,
  text,
  texts,
  watch,
} from "./helpers";

const scope = perTestScope();

function sub(...topics: string[]): SubSocket {
  const socket = scope.cleanup.add(new SubSocket(scope.context));
  for (const topic of topics) socket.subscribe(bytes(topic));
  return socket;
}

/** "\x01topic" / "\x00topic" as text, for readable expectations. */
function subscriptionText(frame: Uint8Array | undefined): string {
  if (frame === undefined) return "<none>";
  return `${frame[0] === 1 ? "+" : frame[0] === 0 ? "-" : "?"}${text(frame.subarray(1))}`;
}

describe.each([
  ["tcp", () => TCP_ANY],
  ["inproc", () => uniqueInprocEndpoint()],
])("PUB / SUB over %s", (_name, endpoint) => {
  it("delivers only messages whose first frame starts with a subscribed prefix", async () => {
    const pub = scope.cleanup.add(new PubSocket(scope.context));
    await pub.bind(endpoint());
    const s = sub("weather.", "sync");
    s.connect(pub.lastEndpoint!);
    await syncSubscriptions(pub, s);
    pub.send(message("news.paris", "x"));
    pub.send(message("weather.paris", "sunny"));
    pub.send(message("weather", "no dot"));
    pub.send(message("weather.oslo", "snow"));
    expect((await collect(s, 100)).map(texts)).toEqual([
      ["weather.paris", "sunny"],
      ["weather.oslo", "snow"],
    ]);
  });

  it("the empty subscription receives everything", async () => {
    const pub = scope.cleanup.add(new PubSocket(scope.context));
    await pub.bind(endpoint());
    const s = sub("");
    s.connect(pub.lastEndpoint!);
    await syncSubscriptions(pub, s);
    pub.send(message("anything"));
    pub.send([new Uint8Array(0)]);
    expect((await collect(s, 100)).map(texts)).toEqual([["anything"], [""]]);
  });

  it("counts subscriptions: subscribing twice needs two unsubscribes", async () => {
    const pub = scope.cleanup.add(new PubSocket(scope.context));
    await pub.bind(endpoint());
    const s = sub("A", "A", "sync");
    s.connect(pub.lastEndpoint!);
    await syncSubscriptions(pub, s);

    s.unsubscribe(bytes("A"));
    s.subscribe(bytes("sync2"));
    await syncSubscriptions(pub, s, "sync2");
    pub.send(message("A1"));
    expect((await collect(s, 100)).map(texts)).toEqual([["A1"]]);

    s.unsubscribe(bytes("A"));
    s.subscribe(bytes("sync3"));
    await syncSubscriptions(pub, s, "sync3");
    pub.send(message("A2"));
    expect(await collect(s, 100)).toEqual([]);
  });

  it("fans out to every matching subscriber", async () => {
    const pub = scope.cleanup.add(new PubSocket(scope.context));
    await pub.bind(endpoint());
    const a = sub("a", "sync");
    const b = sub("b", "sync");
    const all = sub("", "sync");
    for (const s of [a, b, all]) {
      s.connect(pub.lastEndpoint!);
      await syncSubscriptions(pub, s);
    }
    // Earlier sentinels for the others may still be in flight: drain them.
    for (const s of [a, b, all]) await collect(s, 50);
    pub.send(message("a!"));
    pub.send(message("b!"));
    expect((await collect(a, 100)).map(texts)).toEqual([["a!"]]);
    expect((await collect(b, 100)).map(texts)).toEqual([["b!"]]);
    expect((await collect(all, 100)).map(texts)).toEqual([["a!"], ["b!"]]);
  });
});

describe("PUB", () => {
  it("never blocks: send returns true with no subscriber at all", () => {
    const pub = scope.cleanup.add(new PubSocket(scope.context));
    expect(pub.writable).toBe(true);
    expect(pub.send(message("nobody listens"))).toBe(true);
  });

  it("drops messages for a subscriber at its mark (send still succeeds)", async () => {
    const pub = scope.cleanup.add(new PubSocket(scope.context));
    pub.options.sendHighWaterMark = 2;
    await pub.bind(TCP_ANY);
    const s = sub("", "sync");
    s.connect(pub.lastEndpoint!);
    await syncSubscriptions(pub, s);
    // In one turn, 32 MiB: more than the socket buffers hold. The engine takes messages while
    // the connection takes bytes; once it pushes back, 2 wait in the pipe and the rest drop.
    const count = 500;
    for (let index = 0; index < count; index++) {
      const body = new Uint8Array(64 * 1024);
      new DataView(body.buffer).setUint32(0, index);
      expect(pub.send([body])).toBe(true);
    }
    const received = (await collect(s, 300)).map((m) =>
      new DataView(m[0]!.buffer, m[0]!.byteOffset).getUint32(0),
    );
    expect(received.length).toBeGreaterThan(2);
    expect(received.length).toBeLessThan(count);
    // What arrived is a prefix of what was sent plus the two that waited at the mark.
    const prefix = received.slice(0, -2);
    expect(prefix).toEqual(prefix.map((_, index) => index));
    expect(received.at(-2)).toBe(prefix.length);
    expect(received.at(-1)).toBe(prefix.length + 1);
  });
});

describe("XPUB", () => {
  it("passes each new subscription up once, and cancels when the last one goes", async () => {
    const xpub = scope.cleanup.add(new XPubSocket(scope.context));
    await xpub.bind(TCP_ANY);
    const a = sub("T");
    const b = sub("T", "b-is-in");
    a.connect(xpub.lastEndpoint!);
    expect(subscriptionText((await receiveWithin(xpub))[0])).toBe("+T");
    b.connect(xpub.lastEndpoint!);
    // b's "T" arrived before its marker, and was not passed up: T was known already.
    expect(subscriptionText((await receiveWithin(xpub))[0])).toBe("+b-is-in");
    a.subscribe(bytes("U"));
    expect(subscriptionText((await receiveWithin(xpub))[0])).toBe("+U");
    a.unsubscribe(bytes("T"));
    a.unsubscribe(bytes("U"));
    // b still holds T: only "-U".
    expect((await collect(xpub, 100)).map((m) => subscriptionText(m[0]))).toEqual(["-U"]);
  });

  it("with verbose, passes every subscription up", async () => {
    const xpub = scope.cleanup.add(new XPubSocket(scope.context));
    xpub.options.verbose = true;
    await xpub.bind(TCP_ANY);
    const a = sub("T");
    a.connect(xpub.lastEndpoint!);
    expect(subscriptionText((await receiveWithin(xpub))[0])).toBe("+T");
    const b = sub("T");
    b.connect(xpub.lastEndpoint!);
    expect(subscriptionText((await receiveWithin(xpub))[0])).toBe("+T");
  });

  it("synthesizes cancels for a subscriber that disconnects", async () => {
    const xpub = scope.cleanup.add(new XPubSocket(scope.context));
    const events = watch(xpub);
    await xpub.bind(TCP_ANY);
    const s = new SubSocket(scope.context);
    s.subscribe(bytes("gone"));
    s.subscribe(bytes("also"));
    s.connect(xpub.lastEndpoint!);
    const subscribed = [await receiveWithin(xpub), await receiveWithin(xpub)];
    expect(subscribed.map((m) => subscriptionText(m[0])).sort()).toEqual(["+also", "+gone"]);
    s.options.linger = 0;
    await s.close();
    await events.next("disconnect");
    const cancelled = await collect(xpub, 100);
    expect(cancelled.map((m) => subscriptionText(m[0])).sort()).toEqual(["-also", "-gone"]);
  });

  it("sends the welcome message to each new subscriber", async () => {
    const xpub = scope.cleanup.add(new XPubSocket(scope.context));
    xpub.options.welcomeMessage = bytes("WELCOME");
    await xpub.bind(TCP_ANY);
    const s = sub("WELCOME");
    s.connect(xpub.lastEndpoint!);
    expect(texts(await receiveWithin(s))).toEqual(["WELCOME"]);
  });

  it("with noDrop, send returns false at a subscriber's mark instead of dropping", async () => {
    const xpub = scope.cleanup.add(new XPubSocket(scope.context));
    xpub.options.noDrop = true;
    xpub.options.sendHighWaterMark = 2;
    await xpub.bind(TCP_ANY);
    const s = sub("");
    s.connect(xpub.lastEndpoint!);
    await receiveWithin(xpub);
    expect(xpub.send(message("1"))).toBe(true);
    expect(xpub.send(message("2"))).toBe(true);
    expect(xpub.writable).toBe(false);
    expect(xpub.send(message("3"))).toBe(false);
    expect((await collect(s, 100)).map(texts)).toEqual([["1"], ["2"]]);
    expect(xpub.writable).toBe(true);
    expect(xpub.send(message("3"))).toBe(true);
    expect(texts(await receiveWithin(s))).toEqual(["3"]);
  });

  it("with invertMatching, sends to subscribers whose prefixes do not match", async () => {
    const xpub = scope.cleanup.add(new XPubSocket(scope.context));
    xpub.options.invertMatching = true;
    await xpub.bind(TCP_ANY);
    const s = scope.cleanup.add(new SubSocket(scope.context));
    s.options.invertMatching = true;
    s.subscribe(bytes("A"));
    s.connect(xpub.lastEndpoint!);
    expect(subscriptionText((await receiveWithin(xpub))[0])).toBe("+A");
    xpub.send(message("A1"));
    xpub.send(message("B1"));
    xpub.send(message("AB"));
    xpub.send(message("C1"));
    expect((await collect(s, 100)).map(texts)).toEqual([["B1"], ["C1"]]);
  });

  it("passes other upstream messages up as they are", async () => {
    const xpub = scope.cleanup.add(new XPubSocket(scope.context));
    await xpub.bind(TCP_ANY);
    const xsub = scope.cleanup.add(new XSubSocket(scope.context));
    xsub.connect(xpub.lastEndpoint!);
    xsub.send(message("not", "a subscription"));
    xsub.send([Uint8Array.of(2, 0x41)]);
    expect(texts(await receiveWithin(xpub))).toEqual(["not", "a subscription"]);
    expect([...(await receiveWithin(xpub))[0]!]).toEqual([2, 0x41]);
  });

  it("with manual, passes subscriptions up without applying them", async () => {
    const xpub = scope.cleanup.add(new XPubSocket(scope.context));
    xpub.options.manual = true;
    xpub.options.verbose = true;
    await xpub.bind(TCP_ANY);
    const s = sub("T");
    s.connect(xpub.lastEndpoint!);
    expect(subscriptionText((await receiveWithin(xpub))[0])).toBe("+T");
    xpub.send(message("T1"));
    expect(await collect(s, 100)).toEqual([]);
  });
});

describe("XSUB", () => {
  it("sends subscriptions upstream, and resends them after a reconnect", async () => {
    const xpub = scope.cleanup.add(new XPubSocket(scope.context));
    await xpub.bind(TCP_ANY);
    const address = xpub.lastEndpoint!;
    const xsub = scope.cleanup.add(new XSubSocket(scope.context));
    xsub.options.reconnectInterval = 20;
    const events = watch(xsub);
    xsub.connect(address);
    xsub.send(subscription(1, bytes("kept")));
    xsub.send(subscription(1, bytes("dropped")));
    xsub.send(subscription(0, bytes("dropped")));
    const upstream = await collect(xpub, 100);
    expect(upstream.map((m) => subscriptionText(m[0]))).toEqual(["+kept", "+dropped", "-dropped"]);

    xpub.options.linger = 0;
    await xpub.close();
    await events.next("disconnect");
    const again = scope.cleanup.add(new XPubSocket(scope.context));
    await again.bind(address);
    await events.next("handshake");
    await events.next("handshake");
    expect(subscriptionText((await receiveWithin(again))[0])).toBe("+kept");
    expect(await collect(again, 100)).toEqual([]);
  });

  it("sends every subscribe upstream but only the last cancel", async () => {
    const xpub = scope.cleanup.add(new XPubSocket(scope.context));
    xpub.options.verboser = true;
    await xpub.bind(TCP_ANY);
    const xsub = scope.cleanup.add(new XSubSocket(scope.context));
    xsub.connect(xpub.lastEndpoint!);
    xsub.send(subscription(1, bytes("T")));
    xsub.send(subscription(1, bytes("T")));
    xsub.send(subscription(0, bytes("T")));
    xsub.send(subscription(0, bytes("T")));
    const upstream = await collect(xpub, 100);
    expect(upstream.map((m) => subscriptionText(m[0]))).toEqual(["+T", "+T", "-T"]);
  });

  it("filters received messages by its subscriptions", async () => {
    const xpub = scope.cleanup.add(new XPubSocket(scope.context));
    await xpub.bind(TCP_ANY);
    const xsub = scope.cleanup.add(new XSubSocket(scope.context));
    xsub.connect(xpub.lastEndpoint!);
    xsub.send(subscription(1, bytes("yes")));
    await receiveWithin(xpub);
    xpub.send(message("no"));
    xpub.send(message("yes please"));
    expect((await collect(xsub, 100)).map(texts)).toEqual([["yes please"]]);
  });
});
