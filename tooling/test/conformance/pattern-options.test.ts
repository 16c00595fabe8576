// Socket-type options, each with its effect: conflate, mandatory, handover, probeRouter,
// routingId and connect(address, {routingId}), verbosity, manual, welcomeMessage,
// invertMatching, correlate, relaxed and notify.

import { createServer } from "node:net";
import { expect, it } from "vitest";
import {
  bindWithRetry,
  connectedPair,
  errorCode,
  nextEvent,
  recvDataText,
  recvText,
  within,
} from "../helpers.js";
import { describeEach } from "./each.js";

/** A tcp endpoint nothing listens on yet. */
async function closedPort(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("no port");
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `tcp://127.0.0.1:${address.port}`;
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 50));

describeEach("socket-type options", ({ zmq, track }) => {
  it("conflate on PULL keeps only the newest message", async () => {
    const pull = track(new zmq.Pull({ conflate: true }));
    await pull.bind("tcp://127.0.0.1:*");
    const push = track(new zmq.Push());
    push.connect(pull.lastEndpoint!);
    for (let index = 0; index < 20; index += 1) await push.send(`m${index}`);
    await tick();
    expect(await recvText(pull)).toEqual(["m19"]);
    pull.receiveTimeout = 50;
    expect(errorCode(await pull.receive().catch((e: unknown) => e))).toBe("EAGAIN");
  });

  it("conflate on SUB keeps only the newest message", async () => {
    const pub = track(new zmq.Publisher());
    await pub.bind("tcp://127.0.0.1:*");
    const sub = track(new zmq.Subscriber({ conflate: true }));
    sub.connect(pub.lastEndpoint!);
    sub.subscribe();
    await connectedPair(pub, sub);
    for (let index = 0; index < 20; index += 1) await pub.send(`m${index}`);
    await tick();
    expect(await recvText(sub)).toEqual(["m19"]);
  });

  it("conflate on PUSH and DEALER: sends never wait, a late peer gets only the newest", async () => {
    for (const sender of [
      track(new zmq.Push({ conflate: true, sendTimeout: 0 })),
      track(new zmq.Dealer({ conflate: true, sendTimeout: 0 })),
    ]) {
      const endpoint = await closedPort();
      sender.connect(endpoint);
      for (let index = 0; index < 20; index += 1) await sender.send(`m${index}`);
      const receiver = track(sender.type === 8 ? new zmq.Pull() : new zmq.Dealer());
      await bindWithRetry(receiver, endpoint);
      expect(await recvText(receiver)).toEqual(["m19"]);
      receiver.receiveTimeout = 100;
      expect(errorCode(await receiver.receive().catch((e: unknown) => e))).toBe("EAGAIN");
    }
  });

  it("routingId names a DEALER at the ROUTER; connect(address, {routingId}) names the ROUTER's peer", async () => {
    const router = track(new zmq.Router());
    await router.bind("tcp://127.0.0.1:*");
    const dealer = track(new zmq.Dealer({ routingId: "alice" }));
    dealer.connect(router.lastEndpoint!);
    await dealer.send("hi");
    expect((await router.receive()).map(String)).toEqual(["alice", "hi"]);

    const server = track(new zmq.Router());
    await server.bind("tcp://127.0.0.1:*");
    const client = track(new zmq.Router({ mandatory: true }));
    const events = client.events;
    client.connect(server.lastEndpoint!, { routingId: "server-1" });
    await nextEvent(events, "handshake");
    await client.send(["server-1", "hello"]);
    const [, body] = await server.receive();
    expect(String(body)).toBe("hello");
  });

  it("handover: a second peer with the same routing id takes it over (refused without)", async () => {
    for (const handover of [false, true]) {
      const router = track(new zmq.Router({ handover }));
      await router.bind("tcp://127.0.0.1:*");
      const first = track(new zmq.Dealer({ routingId: "same" }));
      first.connect(router.lastEndpoint!);
      await first.send("one");
      await router.receive();
      const second = track(new zmq.Dealer({ routingId: "same" }));
      second.connect(router.lastEndpoint!);
      await second.send("two");
      if (handover) {
        expect((await router.receive()).map(String)).toEqual(["same", "two"]);
        await router.send(["same", "to the newest"]);
        expect(await recvText(second)).toEqual(["to the newest"]);
      } else {
        router.receiveTimeout = 200;
        expect(errorCode(await router.receive().catch((e: unknown) => e))).toBe("EAGAIN");
        await router.send(["same", "to the first"]);
        expect(await recvText(first)).toEqual(["to the first"]);
      }
    }
  });

  it("probeRouter: a connecting DEALER announces itself with an empty message", async () => {
    const router = track(new zmq.Router());
    await router.bind("tcp://127.0.0.1:*");
    const dealer = track(new zmq.Dealer({ routingId: "prober", probeRouter: true }));
    dealer.connect(router.lastEndpoint!);
    expect((await router.receive()).map(String)).toEqual(["prober", ""]);
  });

  it("verbosity: allSubs passes repeated subscriptions up, allSubsUnsubs also every cancel", async () => {
    for (const verbosity of [null, "allSubs", "allSubsUnsubs"] as const) {
      const xpub = track(new zmq.XPublisher({ verbosity }));
      await xpub.bind("tcp://127.0.0.1:*");
      const subs = [track(new zmq.Subscriber()), track(new zmq.Subscriber())];
      const seen: string[] = [];
      for (const sub of subs) {
        sub.connect(xpub.lastEndpoint!);
        sub.subscribe("t");
        const [message] = await xpub.receive().catch(() => [Buffer.from("?")]);
        if (seen.length === 0 || verbosity !== null) seen.push(message!.toString("latin1"));
        if (verbosity === null) break;
      }
      if (verbosity === null) {
        // The second subscriber's duplicate subscription is not passed up.
        subs[1]!.connect(xpub.lastEndpoint!);
        subs[1]!.subscribe("t");
        xpub.receiveTimeout = 150;
        expect(errorCode(await xpub.receive().catch((e: unknown) => e))).toBe("EAGAIN");
        expect(seen).toEqual(["\u0001t"]);
        continue;
      }
      expect(seen).toEqual(["\u0001t", "\u0001t"]);
      subs[0]!.unsubscribe("t");
      xpub.receiveTimeout = 150;
      const cancel = await xpub.receive().catch(() => undefined);
      if (verbosity === "allSubsUnsubs") expect(cancel?.[0]?.toString("latin1")).toBe("\u0000t");
      else expect(cancel).toBeUndefined();
    }
  });

  it("manual: XPUB passes subscriptions up but does not apply them (zeromq.js offers no way to)", async () => {
    // zeromq.js's XPublisher has no subscribe(): in manual mode the application would call
    // zmq_setsockopt(ZMQ_SUBSCRIBE) on the XPUB, which the API does not expose. Only the
    // accepted option and its effect on the subscription messages are checked.
    const xpub = track(new zmq.XPublisher({ manual: true, sendTimeout: 0 }));
    await xpub.bind("tcp://127.0.0.1:*");
    const sub = track(new zmq.Subscriber({ receiveTimeout: 150 }));
    sub.connect(xpub.lastEndpoint!);
    sub.subscribe("news");
    const [subscription] = await xpub.receive();
    expect(subscription!.toString("latin1")).toBe("\u0001news");
    await xpub.send("news: not applied");
    expect(errorCode(await sub.receive().catch((e: unknown) => e))).toBe("EAGAIN");
  });

  it("invertMatching: PUB sends to the subscribers whose prefixes do not match", async () => {
    const pub = track(new zmq.Publisher({ invertMatching: true }));
    await pub.bind("tcp://127.0.0.1:*");
    const sub = track(new zmq.Subscriber({ invertMatching: true }));
    sub.connect(pub.lastEndpoint!);
    sub.subscribe("skip");
    // Probes do not start with "skip", so they arrive.
    await connectedPair(pub, sub);
    await pub.send("skip this");
    await pub.send("keep this");
    expect(await recvDataText(sub)).toEqual(["keep this"]);
  });

  it("REQ without relaxed: a second send is EFSM; with relaxed it goes through", async () => {
    const rep = track(new zmq.Reply());
    await rep.bind("tcp://127.0.0.1:*");
    const strict = track(new zmq.Request({ sendTimeout: 50 }));
    strict.connect(rep.lastEndpoint!);
    await strict.send("first");
    // A REQ awaiting its reply is not writable: zeromq.js waits for that, and the last attempt
    // when sendTimeout expires fails with EFSM.
    expect(errorCode(await strict.send("second").catch((e: unknown) => e))).toBe("EFSM");
    // Without a timeout the second send waits, and goes out once the reply has been read.
    strict.sendTimeout = -1;
    const waiting = strict.send("second");
    await rep.receive();
    await rep.send("reply");
    expect(await recvText(strict)).toEqual(["reply"]);
    await within(waiting, 2000, "the waiting second request");
    expect(await recvText(rep)).toEqual(["second"]);

    const router = track(new zmq.Router());
    await router.bind("tcp://127.0.0.1:*");
    const relaxed = track(new zmq.Request({ relaxed: true, correlate: true }));
    relaxed.connect(router.lastEndpoint!);
    await relaxed.send("one");
    const first = await router.receive();
    await relaxed.send("two");
    const second = await router.receive();
    // correlate: a request id frame before the delimiter, different for each request.
    expect(first.length).toBe(4);
    expect(first[1]!.length).toBe(4);
    expect(first[1]!.equals(second[1]!)).toBe(false);
    // The current request gets its reply. (A reply to the abandoned one would be dropped, but
    // zeromq.js may then reject the pending receive with EAGAIN: libzmq reported the socket
    // readable and the REQ discarded what it read.)
    await router.send([second[0]!, second[1]!, "", "current"]);
    expect(await recvText(relaxed)).toEqual(["current"]);
  });

  it("STREAM notify: connect and disconnect show as [id, ''] unless notify is false", async () => {
    for (const notify of [true, false]) {
      const stream = track(new zmq.Stream({ notify, receiveTimeout: 200 }));
      const events = stream.events;
      await stream.bind("tcp://127.0.0.1:*");
      const client = track(new zmq.Stream());
      client.connect(stream.lastEndpoint!, { routingId: "c" });
      await nextEvent(events, "accept");
      const first = await stream.receive().catch(() => undefined);
      if (notify) expect(first?.[1]?.length).toBe(0);
      else expect(first).toBeUndefined();
    }
  });
});
