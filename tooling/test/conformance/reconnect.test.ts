// Connecting and reconnecting: reconnectInterval / reconnectMaxInterval (backoff visible in
// connect:retry), handshakeInterval against a server that never greets, immediate, backlog and
// the tcp keepalive options.

import { createServer } from "node:net";
import { afterEach, expect, it } from "vitest";
import type { Observer } from "zeromq";
import { errorCode, nextEvent, recvText, waitFor } from "../helpers.js";
import { Relay } from "../relay.js";
import { describeEach } from "./each.js";

/** An event as the tests read it (zeromq.js types each event kind separately). */
interface Event {
  type: string;
  address?: string;
  interval?: number;
  error?: { code?: string; status?: number };
}

/** A tcp endpoint nothing listens on. */
async function closedPort(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("no port");
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `tcp://127.0.0.1:${address.port}`;
}

async function retryIntervals(events: Observer, count: number): Promise<number[]> {
  const intervals: number[] = [];
  while (intervals.length < count) {
    intervals.push(((await nextEvent(events, "connect:retry")) as unknown as Event).interval!);
  }
  return intervals;
}

const relays: Relay[] = [];
afterEach(async () => {
  for (const relay of relays.splice(0)) await relay.close();
});

describeEach("reconnect", ({ zmq, track }) => {
  it("with reconnectMaxInterval the interval doubles up to the maximum, without jitter", async () => {
    const push = track(new zmq.Push({ reconnectInterval: 20, reconnectMaxInterval: 160 }));
    const events = push.events;
    push.connect(await closedPort());
    expect(await retryIntervals(events, 6)).toEqual([20, 40, 80, 160, 160, 160]);
  });

  it("a maximum below the interval caps it", async () => {
    const push = track(new zmq.Push({ reconnectInterval: 50, reconnectMaxInterval: 30 }));
    const events = push.events;
    push.connect(await closedPort());
    expect(await retryIntervals(events, 3)).toEqual([30, 30, 30]);
  });

  it("without a maximum each retry waits the interval plus up to the interval of jitter", async () => {
    const push = track(new zmq.Push({ reconnectInterval: 20 }));
    const events = push.events;
    push.connect(await closedPort());
    for (const interval of await retryIntervals(events, 6)) {
      expect(interval).toBeGreaterThanOrEqual(20);
      expect(interval).toBeLessThan(40);
    }
  });

  it("reconnectInterval -1 never retries", async () => {
    const push = track(new zmq.Push({ reconnectInterval: -1 }));
    const seen: string[] = [];
    for (const type of ["connect:delay", "close", "connect:retry"] as const) {
      push.events.on(type, (event: { type: string }) => seen.push(event.type));
    }
    push.connect(await closedPort());
    await waitFor(() => seen.includes("close"));
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(seen).toEqual(["connect:delay", "close"]);
  });

  it("handshakeInterval: a server that accepts but never greets is given up on, then retried", async () => {
    const mute = await Relay.start(undefined);
    relays.push(mute);
    const push = track(new zmq.Push({ handshakeInterval: 150, reconnectInterval: 20 }));
    const events = push.events;
    push.connect(mute.endpoint);
    await nextEvent(events, "connect");
    const connectedAt = Date.now();
    const failure = (await nextEvent(events, [
      "handshake:error:other",
      "handshake",
    ])) as unknown as Event;
    const elapsed = Date.now() - connectedAt;
    expect(failure.type).toBe("handshake:error:other");
    expect(failure.error?.code).toBe("EAGAIN");
    expect(elapsed).toBeGreaterThanOrEqual(120);
    expect(elapsed).toBeLessThan(1000);
    expect((await events.receive()).type).toBe("disconnect");
    await nextEvent(events, "connect:retry");
    await nextEvent(events, "connect");
    await waitFor(() => mute.accepted >= 2);
    // The client greeted each time (its signature starts with 0xff).
    expect(mute.links[0]!.up[0]![0]).toBe(0xff);
  });

  it("without immediate, a PUSH queues to a peer that is not connected yet (half the messages)", async () => {
    const live = track(new zmq.Pull());
    await live.bind("tcp://127.0.0.1:*");
    const push = track(new zmq.Push({ linger: 0 }));
    const events = push.events;
    push.connect(await closedPort());
    push.connect(live.lastEndpoint!);
    await nextEvent(events, "handshake");
    for (let index = 0; index < 10; index += 1) await push.send(`m${index}`);
    live.receiveTimeout = 200;
    let received = 0;
    while ((await live.receive().catch(() => undefined)) !== undefined) received += 1;
    expect(received).toBe(5);
  });

  it("with immediate, a PUSH sends only to connected peers", async () => {
    const live = track(new zmq.Pull());
    await live.bind("tcp://127.0.0.1:*");
    const push = track(new zmq.Push({ immediate: true, linger: 0 }));
    const events = push.events;
    push.connect(await closedPort());
    push.connect(live.lastEndpoint!);
    await nextEvent(events, "handshake");
    for (let index = 0; index < 10; index += 1) await push.send(`m${index}`);
    for (let index = 0; index < 10; index += 1) expect(await recvText(live)).toEqual([`m${index}`]);
  });

  it("with immediate and no connected peer, send waits (EAGAIN after sendTimeout)", async () => {
    const push = track(new zmq.Push({ immediate: true, sendTimeout: 50 }));
    push.connect(await closedPort());
    expect(errorCode(await push.send("x").catch((e: unknown) => e))).toBe("EAGAIN");
  });

  it("backlog 1 still accepts several peers", async () => {
    const pull = track(new zmq.Pull({ backlog: 1 }));
    await pull.bind("tcp://127.0.0.1:*");
    const pushes = [0, 1, 2].map(() => track(new zmq.Push()));
    for (const push of pushes) push.connect(pull.lastEndpoint!);
    for (const [index, push] of pushes.entries()) await push.send(`from ${index}`);
    const got = [await recvText(pull), await recvText(pull), await recvText(pull)];
    expect(got.flat().sort()).toEqual(["from 0", "from 1", "from 2"]);
  });

  it("tcp keepalive options are applied without disturbing the connection", async () => {
    const keepalive = {
      tcpKeepalive: 1,
      tcpKeepaliveIdle: 30,
      tcpKeepaliveCount: 3,
      tcpKeepaliveInterval: 5,
    };
    const pull = track(new zmq.Pull(keepalive));
    await pull.bind("tcp://127.0.0.1:*");
    const push = track(new zmq.Push(keepalive));
    push.connect(pull.lastEndpoint!);
    await push.send("alive");
    expect(await recvText(pull)).toEqual(["alive"]);
    expect(push.tcpKeepaliveIdle).toBe(30);
  });
});
