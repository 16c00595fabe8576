import { describe, expect, it } from "vitest";
import {
  bindTo,
  connectedPair,
  PROBE,
  recv,
  recvDataText,
  recvText,
  sendWhenRoutable,
  text,
} from "../helpers.js";
import { IMPLEMENTATIONS, rejection, useImplementation } from "./setup.js";

describe.each(IMPLEMENTATIONS)("%s: socket patterns", (name) => {
  const t = useImplementation(name);

  it("REQ/REP: lockstep, and EFSM for a second send or a receive before sending", async () => {
    const req = t.track(new t.zmq.Request({ sendTimeout: 0, receiveTimeout: 0 }));
    const rep = t.track(new t.zmq.Reply({ sendTimeout: 0 }));
    req.connect(await bindTo(rep, "tcp"));

    const early = await rejection(req.receive());
    expect(early.code).toBe("EFSM");
    expect(early.message).toBe("Operation cannot be accomplished in current state");
    expect((await rejection(rep.send("unasked"))).code).toBe("EFSM");

    await req.send("question");
    expect((await rejection(req.send("again"))).code).toBe("EFSM");
    expect(await recvText(rep)).toEqual(["question"]);
    await rep.send(["answer", ""]);
    req.receiveTimeout = -1;
    expect(await recvText(req)).toEqual(["answer", ""]);
    // The cycle starts over.
    await req.send("next");
    expect(await recvText(rep)).toEqual(["next"]);
  });

  it("REQ/REP envelope: ROUTER sees [identity, '', body]; DEALER talks to REP with a delimiter", async () => {
    const router = t.track(new t.zmq.Router());
    const req = t.track(new t.zmq.Request({ routingId: "req-1" }));
    req.connect(await bindTo(router, "tcp"));
    await req.send(["a", "b"]);
    expect(await recvText(router)).toEqual(["req-1", "", "a", "b"]);
    await router.send(["req-1", "", "reply"]);
    expect(await recvText(req)).toEqual(["reply"]);

    const rep = t.track(new t.zmq.Reply());
    const dealer = t.track(new t.zmq.Dealer());
    dealer.connect(await bindTo(rep, "tcp"));
    await dealer.send(["", "hello"]);
    expect(await recvText(rep)).toEqual(["hello"]);
    await rep.send("world");
    expect(await recvText(dealer)).toEqual(["", "world"]);
  });

  it("ROUTER routes by the DEALERs' routingId", async () => {
    const router = t.track(new t.zmq.Router());
    const endpoint = await bindTo(router, "tcp");
    const alice = t.track(new t.zmq.Dealer({ routingId: "alice" }));
    const bob = t.track(new t.zmq.Dealer({ routingId: "bob" }));
    alice.connect(endpoint);
    bob.connect(endpoint);
    await alice.send("from alice");
    await bob.send("from bob");
    const received = [await recvText(router), await recvText(router)];
    expect(received.sort()).toEqual([
      ["alice", "from alice"],
      ["bob", "from bob"],
    ]);
    await router.send(["bob", "for bob"]);
    await router.send(["alice", "for alice"]);
    expect(await recvText(alice)).toEqual(["for alice"]);
    expect(await recvText(bob)).toEqual(["for bob"]);
  });

  it.each(["tcp", "inproc"] as const)(
    "ROUTER gives each message a routing id of its own: changing one changes nothing (%s)",
    async (transport) => {
      const router = t.track(new t.zmq.Router());
      const endpoint = await bindTo(router, transport);
      const named = t.track(new t.zmq.Dealer({ routingId: "named" }));
      const anonymous = t.track(new t.zmq.Dealer());
      named.connect(endpoint);
      anonymous.connect(endpoint);
      for (const dealer of [named, anonymous]) {
        await dealer.send("one");
        const [id] = await recv(router);
        const saved = Buffer.from(id!);
        id!.fill(0xee);
        await dealer.send("two");
        const [again] = await recv(router);
        expect(again).toEqual(saved);
        await router.send([saved, "reply"]);
        expect(await recvText(dealer)).toEqual(["reply"]);
      }
    },
  );

  it("ROUTER: EHOSTUNREACH for an unknown identity when mandatory, silent drop otherwise", async () => {
    const mandatory = t.track(new t.zmq.Router({ mandatory: true }));
    const dealer = t.track(new t.zmq.Dealer({ routingId: "known" }));
    dealer.connect(await bindTo(mandatory, "tcp"));
    await dealer.send("hi");
    await recv(mandatory);
    const error = await rejection(mandatory.send(["unknown", "x"]));
    expect(error.code).toBe("EHOSTUNREACH");
    expect(error.message).toBe("Host unreachable");
    await sendWhenRoutable(mandatory, ["known", "still routable"]);
    expect(await recvText(dealer)).toEqual(["still routable"]);

    const lenient = t.track(new t.zmq.Router());
    await bindTo(lenient, "tcp");
    await lenient.send(["unknown", "dropped"]);
  });

  it("PUB/SUB: prefix filtering, subscribe-all, and unsubscribe", async () => {
    const pub = t.track(new t.zmq.Publisher());
    const endpoint = await bindTo(pub, "tcp");
    const sub = t.track(new t.zmq.Subscriber());
    const all = t.track(new t.zmq.Subscriber());
    sub.subscribe("a", "z", PROBE);
    all.subscribe();
    sub.connect(endpoint);
    all.connect(endpoint);
    await connectedPair(pub, sub);
    await connectedPair(pub, all);

    for (const topic of ["a1", "b1", "ab", "z"]) await pub.send(topic);
    expect(await recvDataText(sub)).toEqual(["a1"]);
    expect(await recvDataText(sub)).toEqual(["ab"]);
    expect(await recvDataText(sub)).toEqual(["z"]);
    for (const topic of ["a1", "b1", "ab", "z"]) expect(await recvDataText(all)).toEqual([topic]);

    sub.unsubscribe("a");
    await pub.send("a-after");
    await pub.send("z-marker");
    expect(await recvDataText(sub)).toEqual(["z-marker"]);
  });

  it("XPUB receives \\x01topic / \\x00topic; XSUB sends them as messages", async () => {
    const xpub = t.track(new t.zmq.XPublisher());
    const endpoint = await bindTo(xpub, "tcp");
    const sub = t.track(new t.zmq.Subscriber());
    sub.connect(endpoint);
    sub.subscribe("topic");
    expect(await recvText(xpub)).toEqual(["\x01topic"]);
    await xpub.send(["topic.1", "data"]);
    expect(await recvText(sub)).toEqual(["topic.1", "data"]);
    sub.unsubscribe("topic");
    expect(await recvText(xpub)).toEqual(["\x00topic"]);

    const xsub = t.track(new t.zmq.XSubscriber());
    xsub.connect(endpoint);
    await xsub.send(Buffer.from("\x01news"));
    const [subscription] = await recv(xpub);
    expect([...subscription!]).toEqual([1, ...Buffer.from("news")]);
    await xpub.send(["news", "flash"]);
    expect(await recvText(xsub)).toEqual(["news", "flash"]);
  });

  it("PUSH round-robins across 3 PULLs, queueing to connections still in progress", async () => {
    const pulls = [0, 1, 2].map(() => t.track(new t.zmq.Pull()));
    const push = t.track(new t.zmq.Push());
    // Connecting creates each peer's queue at once (ZMQ_IMMEDIATE off), so all three take turns
    // from the first message.
    for (const pull of pulls) push.connect(await bindTo(pull, "tcp"));
    for (let index = 0; index < 9; index += 1) await push.send(`${index}`);
    const received = [];
    for (const pull of pulls) {
      const got: number[] = [];
      for (let count = 0; count < 3; count += 1) got.push(Number((await recvText(pull))[0]));
      received.push(got);
    }
    expect(received.flat().sort()).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
    for (const got of received) expect([got[1]! - got[0]!, got[2]! - got[1]!]).toEqual([3, 3]);
  });

  it("PULL fair-queues 3 PUSHers", async () => {
    const pull = t.track(new t.zmq.Pull());
    const endpoint = await bindTo(pull, "tcp");
    const pushes = [0, 1, 2].map(() => t.track(new t.zmq.Push()));
    for (const push of pushes) push.connect(endpoint);
    for (const [id, push] of pushes.entries()) await push.send([`${id}`, "hello"]);
    const hellos: string[] = [];
    for (const _ of pushes) hellos.push((await recvText(pull))[0]!);
    expect(hellos.sort()).toEqual(["0", "1", "2"]);

    const perPusher = 300;
    for (const [id, push] of pushes.entries()) {
      for (let index = 0; index < perPusher; index += 1) await push.send([`${id}`, `${index}`]);
    }
    const order: number[] = [];
    const next = [0, 0, 0];
    for (let count = 0; count < 3 * perPusher; count += 1) {
      const [id, index] = text(await recv(pull)).map(Number) as [number, number];
      expect(index).toBe(next[id]);
      next[id] = index + 1;
      order.push(id);
    }
    // Queued backlogs are served in turn, not one pusher's backlog first.
    expect(new Set(order.slice(0, perPusher)).size).toBe(3);
  });
});
