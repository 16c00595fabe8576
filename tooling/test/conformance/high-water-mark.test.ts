// High-water marks: what each socket type does when a peer's queue is full (zmq_socket(3),
// "Action in mute state"), sendTimeout / receiveTimeout, and that the number of messages held
// stays bounded by the marks. inproc is used where counts matter: it has no kernel buffers, and
// libzmq's inproc pipe holds the sender's mark plus the receiver's.

import { randomBytes } from "node:crypto";
import { expect, it } from "vitest";
import type { Socket } from "zeromq";
import { connectedPair, errorCode, within } from "../helpers.js";
import { describeEach } from "./each.js";

let counter = 0;
function inprocEndpoint(): string {
  counter += 1;
  return `inproc://hwm-${process.pid}-${counter}-${randomBytes(3).toString("hex")}`;
}

interface Receiver extends Socket {
  receive(): Promise<Buffer[]>;
  receiveTimeout: number;
}

/** Reads until nothing arrives for `quietMs`; returns the first frames as strings. */
async function drain(socket: Receiver, quietMs = 100): Promise<string[]> {
  socket.receiveTimeout = quietMs;
  const got: string[] = [];
  for (;;) {
    try {
      const message = await socket.receive();
      got.push(message[message.length - 1]!.toString());
    } catch (error) {
      if (errorCode(error) === "EAGAIN") return got;
      throw error;
    }
  }
}

/** Sends `m0`, `m1`... until a send fails; returns how many were accepted and the error. */
async function sendUntilRefused(
  send: (text: string) => Promise<void>,
  limit: number,
): Promise<{ accepted: number; code: unknown }> {
  for (let index = 0; index < limit; index += 1) {
    try {
      await send(`m${index}`);
    } catch (error) {
      return { accepted: index, code: errorCode(error) };
    }
  }
  return { accepted: limit, code: undefined };
}

/**
 * Dropped messages are the newest: what arrives starts with the first ones sent, in order. (Which
 * later ones squeeze in depends on when the peer reads: zeromq.js and zmtp both let the event
 * loop run after a bounded number of sends that resolved at once.)
 */
function expectOldestFirst(got: string[]): void {
  expect(got.slice(0, 5)).toEqual(sequence(5));
  const numbers = got.map((text) => Number(text.slice(1)));
  expect(numbers).toEqual([...numbers].sort((a, b) => a - b));
}

const sequence = (count: number) => Array.from({ length: count }, (_, index) => `m${index}`);

describeEach("high-water marks", ({ zmq, track }) => {
  it("PUB drops at the mark: send never waits, the subscriber gets the oldest ones", async () => {
    const endpoint = inprocEndpoint();
    const pub = track(new zmq.Publisher({ sendHighWaterMark: 10, sendTimeout: 0 }));
    const sub = track(new zmq.Subscriber({ receiveHighWaterMark: 10 }));
    await pub.bind(endpoint);
    sub.connect(endpoint);
    sub.subscribe();
    await connectedPair(pub, sub);
    await drain(sub);

    // sendTimeout 0 would turn any wait into EAGAIN: none happens.
    for (const message of sequence(1000)) await pub.send(message);
    const got = await drain(sub);
    expect(got.length).toBeGreaterThanOrEqual(10);
    expect(got.length).toBeLessThanOrEqual(21);
    expectOldestFirst(got);
  });

  it("XPUB drops like PUB", async () => {
    const endpoint = inprocEndpoint();
    const xpub = track(new zmq.XPublisher({ sendHighWaterMark: 5, sendTimeout: 0 }));
    const sub = track(new zmq.Subscriber({ receiveHighWaterMark: 5 }));
    await xpub.bind(endpoint);
    sub.connect(endpoint);
    sub.subscribe();
    await xpub.receive(); // the subscription
    await connectedPair(xpub, sub);
    await drain(sub);
    for (const message of sequence(500)) await xpub.send(message);
    const got = await drain(sub);
    expect(got.length).toBeGreaterThanOrEqual(5);
    expect(got.length).toBeLessThanOrEqual(11);
  });

  it("XPUB with noDrop waits at the mark: EAGAIN after sendTimeout, room again after a read", async () => {
    const endpoint = inprocEndpoint();
    const xpub = track(new zmq.XPublisher({ sendHighWaterMark: 5, noDrop: true, sendTimeout: 50 }));
    const sub = track(new zmq.Subscriber({ receiveHighWaterMark: 5 }));
    await xpub.bind(endpoint);
    sub.connect(endpoint);
    sub.subscribe();
    await xpub.receive();
    await connectedPair(xpub, sub);
    await drain(sub);

    const result = await sendUntilRefused((text) => xpub.send(text), 500);
    expect(result.code).toBe("EAGAIN");
    expect(result.accepted).toBeGreaterThanOrEqual(5);
    expect(result.accepted).toBeLessThanOrEqual(11);
    // Nothing was dropped: the subscriber reads every accepted message, in order.
    const got = await drain(sub);
    expect(got).toEqual(sequence(result.accepted));
    await xpub.send("after");
    expect(await drain(sub)).toEqual(["after"]);
  });

  it("ROUTER drops for a full peer; with mandatory the send waits (EAGAIN)", async () => {
    const endpoint = inprocEndpoint();
    const router = track(new zmq.Router({ sendHighWaterMark: 5, sendTimeout: 50 }));
    const dealer = track(new zmq.Dealer({ routingId: "peer", receiveHighWaterMark: 5 }));
    await router.bind(endpoint);
    dealer.connect(endpoint);
    await dealer.send("hello");
    await router.receive();

    const dropping = await sendUntilRefused((text) => router.send(["peer", text]), 300);
    expect(dropping).toEqual({ accepted: 300, code: undefined });
    const got = await drain(dealer);
    expect(got.length).toBeGreaterThanOrEqual(5);
    expect(got.length).toBeLessThanOrEqual(11);
    expectOldestFirst(got);

    router.mandatory = true;
    const waiting = await sendUntilRefused((text) => router.send(["peer", text]), 300);
    expect(waiting.code).toBe("EAGAIN");
    expect(waiting.accepted).toBeGreaterThanOrEqual(5);
    expect(waiting.accepted).toBeLessThanOrEqual(11);
  });

  it("ROUTER with mandatory refuses an unknown peer with EHOSTUNREACH; without, drops silently", async () => {
    const endpoint = inprocEndpoint();
    const router = track(new zmq.Router({ sendTimeout: 50 }));
    await router.bind(endpoint);
    await router.send(["nobody", "lost"]);
    router.mandatory = true;
    // No peer at all: a mandatory ROUTER is not writable, so the send waits (zeromq.js polls
    // for POLLOUT before sending); when sendTimeout expires, the last attempt's error is given.
    const started = Date.now();
    const waited = await router.send(["nobody", "waits"]).catch((e: unknown) => e);
    expect(errorCode(waited)).toBe("EHOSTUNREACH");
    expect(Date.now() - started).toBeGreaterThanOrEqual(40);
    // Without a timeout it waits for a peer, and is delivered if that peer is the one named.
    router.sendTimeout = -1;
    const pending = router.send(["known", "first"]);
    const dealer = track(new zmq.Dealer({ routingId: "known" }));
    dealer.connect(endpoint);
    await within(pending, 2000, "the send waiting for a peer");
    expect((await dealer.receive()).map(String)).toEqual(["first"]);
    const refused = await router.send(["nobody", "refused"]).catch((e: unknown) => e);
    expect(errorCode(refused)).toBe("EHOSTUNREACH");
    await router.send(["known", "delivered"]);
    expect((await dealer.receive()).map(String)).toEqual(["delivered"]);
  });

  for (const [label, make] of [
    ["PUSH", (z: typeof zmq) => [new z.Push(), new z.Pull()] as const],
    ["DEALER", (z: typeof zmq) => [new z.Dealer(), new z.Dealer()] as const],
    ["PAIR", (z: typeof zmq) => [new z.Pair(), new z.Pair()] as const],
  ] as const) {
    it(`${label} waits at the mark (EAGAIN after sendTimeout) and never drops`, async () => {
      const endpoint = inprocEndpoint();
      const [sender, receiver] = make(zmq);
      track(sender);
      track(receiver);
      sender.sendHighWaterMark = 5;
      sender.sendTimeout = 50;
      receiver.receiveHighWaterMark = 5;
      await receiver.bind(endpoint);
      sender.connect(endpoint);
      const result = await sendUntilRefused((text) => sender.send(text), 300);
      expect(result.code).toBe("EAGAIN");
      expect(result.accepted).toBeGreaterThanOrEqual(5);
      expect(result.accepted).toBeLessThanOrEqual(11);
      expect(await drain(receiver as unknown as Receiver)).toEqual(sequence(result.accepted));
    });
  }

  for (const [label, make] of [
    ["PUSH", (z: typeof zmq) => new z.Push()],
    ["DEALER", (z: typeof zmq) => new z.Dealer()],
    ["REQ", (z: typeof zmq) => new z.Request()],
    ["PAIR", (z: typeof zmq) => new z.Pair()],
  ] as const) {
    it(`${label} without a peer waits: EAGAIN after sendTimeout, at once with 0`, async () => {
      const socket = track(make(zmq));
      await socket.bind(inprocEndpoint());
      socket.sendTimeout = 60;
      const started = Date.now();
      const error = await within(socket.send("x"), 2000).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(errorCode(error)).toBe("EAGAIN");
      expect(Date.now() - started).toBeGreaterThanOrEqual(50);
      socket.sendTimeout = 0;
      expect(errorCode(await socket.send("x").catch((e: unknown) => e))).toBe("EAGAIN");
    });
  }

  it("receiveTimeout gives EAGAIN after the timeout, 0 at once", async () => {
    const pull = track(new zmq.Pull({ receiveTimeout: 60 }));
    await pull.bind(inprocEndpoint());
    const started = Date.now();
    const error = await pull.receive().catch((e: unknown) => e);
    expect(errorCode(error)).toBe("EAGAIN");
    expect((error as Error).message).toBe("Operation was not possible or timed out");
    expect(Date.now() - started).toBeGreaterThanOrEqual(50);
    pull.receiveTimeout = 0;
    expect(errorCode(await pull.receive().catch((e: unknown) => e))).toBe("EAGAIN");
  });

  it("a raised mark applies to the open connection", async () => {
    const endpoint = inprocEndpoint();
    const push = track(new zmq.Push({ sendHighWaterMark: 2, sendTimeout: 30 }));
    const pull = track(new zmq.Pull({ receiveHighWaterMark: 2 }));
    await pull.bind(endpoint);
    push.connect(endpoint);
    // Filled to the mark, but not yet refused (libzmq wakes a refused pipe only when read).
    await push.send("m0");
    await push.send("m1");
    push.sendHighWaterMark = 50;
    const more = await sendUntilRefused((text) => push.send(text), 20);
    expect(more).toEqual({ accepted: 20, code: undefined });
  });

  it("over tcp, a PUSH whose peer stops reading blocks with a bounded number accepted", async () => {
    const push = track(new zmq.Push({ sendHighWaterMark: 4, sendTimeout: 100 }));
    const pull = track(new zmq.Pull({ receiveHighWaterMark: 4 }));
    await pull.bind("tcp://127.0.0.1:*");
    push.connect(pull.lastEndpoint!);
    await push.send("hello");
    await pull.receive();
    // 256 KiB messages: the kernel's socket buffers hold only a few of them.
    const big = Buffer.alloc(256 * 1024, 1);
    let accepted = 0;
    for (; accepted < 400; accepted += 1) {
      try {
        await push.send(big);
      } catch (error) {
        expect(errorCode(error)).toBe("EAGAIN");
        break;
      }
    }
    expect(accepted).toBeGreaterThanOrEqual(8);
    expect(accepted).toBeLessThan(100);
  });
});
