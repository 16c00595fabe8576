import { expect, it } from "vitest";
import {
  expectSameParts,
  FRAME_SIZES,
  payload,
  recv,
  recvText,
  sendWhenRoutable,
} from "../helpers.js";
import { describeInterop } from "./interop.js";

// ROUTER to ROUTER: both ends name themselves; the connecting side speaks first, addressing the
// binder by its routing id once the handshake has told it that id (mandatory + retry).
describeInterop("Router", "Router", (env) => {
  const bound = (role: "a" | "b") => env.row.binder === role;

  it("exchanges multipart messages addressed by routing id", async () => {
    const zmtpRouter = env.a((z) => new z.Router({ routingId: "zmtp", mandatory: true }));
    const libzmqRouter = env.b((z) => new z.Router({ routingId: "libzmq", mandatory: true }));
    await env.link(zmtpRouter, libzmqRouter);
    const [first, second] = bound("a") ? [libzmqRouter, zmtpRouter] : [zmtpRouter, libzmqRouter];
    const [firstId, secondId] = bound("a") ? ["libzmq", "zmtp"] : ["zmtp", "libzmq"];

    await sendWhenRoutable(first, [secondId, "first", "", "third"]);
    expect(await recvText(second)).toEqual([firstId, "first", "", "third"]);
    await second.send([firstId, "", "answer", ""]);
    expect(await recvText(first)).toEqual([secondId, "", "answer", ""]);
  });

  it("carries 0 B, 1 B, 255 B, 256 B and 1 MiB parts both ways", async () => {
    const zmtpRouter = env.a((z) => new z.Router({ routingId: "zmtp", mandatory: true }));
    const libzmqRouter = env.b((z) => new z.Router({ routingId: "libzmq", mandatory: true }));
    await env.link(zmtpRouter, libzmqRouter);
    const [first, second] = bound("a") ? [libzmqRouter, zmtpRouter] : [zmtpRouter, libzmqRouter];
    const secondId = bound("a") ? "zmtp" : "libzmq";

    const parts = FRAME_SIZES.map((size, index) => payload(size, index));
    await sendWhenRoutable(first, [secondId, ...parts]);
    const [identity, ...body] = await recv(second);
    expectSameParts(body, parts);
    await second.send([identity!, ...body.reverse()]);
    const [from, ...echoed] = await recv(first);
    expect(from!.toString()).toBe(secondId);
    expectSameParts(echoed, [...parts].reverse());
  });

  it("routes by identity among 3 peers", async () => {
    const hub = env.a((z) => new z.Router({ routingId: "hub", mandatory: true }));
    const peers = [0, 1, 2].map((index) =>
      env.b((z) => new z.Router({ routingId: `peer-${index}`, mandatory: true })),
    );
    await env.linkMany("a", hub, peers);

    if (bound("a")) {
      // Peers connected to the hub: they greet it.
      for (const peer of peers) await sendWhenRoutable(peer, ["hub", "hello"]);
      const greeted = new Set<string>();
      for (const _ of peers) greeted.add((await recvText(hub))[0]!);
      expect([...greeted].sort()).toEqual(["peer-0", "peer-1", "peer-2"]);
    } else {
      // The hub connected to each peer: it can address each one once its handshake is done.
      for (const index of [2, 0, 1]) await sendWhenRoutable(hub, [`peer-${index}`, "hello"]);
      for (const peer of peers) expect(await recvText(peer)).toEqual(["hub", "hello"]);
    }
    for (const index of [1, 2, 0]) await hub.send([`peer-${index}`, `for peer-${index}`]);
    const received = await Promise.all(peers.map((peer) => recvText(peer)));
    expect(
      received.map((message) => message.slice(0, 2)).filter(([, body]) => body !== "hello"),
    ).toEqual([
      ["hub", "for peer-0"],
      ["hub", "for peer-1"],
      ["hub", "for peer-2"],
    ]);
  });

  it("routes again after the libzmq side restarts on the same endpoint", async () => {
    const zmtpRouter = env.a((z) => new z.Router({ routingId: "zmtp", mandatory: true }));
    let libzmqRouter = env.b((z) => new z.Router({ routingId: "libzmq", mandatory: true }));
    const endpoint = await env.link(zmtpRouter, libzmqRouter);
    let libzmqId = "libzmq";
    const greet = async () => {
      if (bound("a")) {
        await sendWhenRoutable(libzmqRouter, ["zmtp", "hello"]);
        expect(await recvText(zmtpRouter)).toEqual([libzmqId, "hello"]);
      } else {
        await sendWhenRoutable(zmtpRouter, [libzmqId, "hello"]);
        expect(await recvText(libzmqRouter)).toEqual(["zmtp", "hello"]);
      }
    };
    await greet();

    // A router reconnecting to a bound ROUTER takes a fresh name: see req-router.
    if (bound("a")) libzmqId = "libzmq-2";
    const options = { routingId: libzmqId, mandatory: true };
    libzmqRouter = await env.restartLibzmq(
      libzmqRouter,
      (z) => new z.Router(options),
      endpoint,
      zmtpRouter,
    );
    await greet();
    await zmtpRouter.send([libzmqId, "after"]);
    expect(await recvText(libzmqRouter)).toEqual(["zmtp", "after"]);
  });
});
