import { afterAll, beforeAll, expect, it } from "vitest";
import { PROBE, pokeWhileWaiting, recvDataText, recvText, syncReceivers } from "../helpers.js";
import { describeInterop } from "./interop.js";

// A bound libzmq SUB / XSUB sends a connecting XPUB its subscriptions only once the
// application calls into it (see pokeWhileWaiting in ../helpers.ts).
beforeAll(() => pokeWhileWaiting(true));
afterAll(() => pokeWhileWaiting(false));

describeInterop("XPublisher", "Subscriber", (env) => {
  it("XPUB receives SUB's subscribe and unsubscribe as \\x01topic / \\x00topic", async () => {
    const xpub = env.a((z) => new z.XPublisher());
    const sub = env.b((z) => new z.Subscriber());
    await env.link(xpub, sub);

    sub.subscribe("topic");
    expect(await recvText(xpub)).toEqual(["\x01topic"]);
    await xpub.send(["other", "x"]);
    await xpub.send(["topic/1", "", "y"]);
    expect(await recvDataText(sub)).toEqual(["topic/1", "", "y"]);

    sub.unsubscribe("topic");
    expect(await recvText(xpub)).toEqual(["\x00topic"]);
  });

  it("forwards each distinct subscription once, from 3 SUBs", async () => {
    const xpub = env.a((z) => new z.XPublisher());
    const subs = [0, 1, 2].map(() => env.b((z) => new z.Subscriber()));
    await env.linkMany("a", xpub, subs);

    for (const [index, sub] of subs.entries()) sub.subscribe(`t${index}`);
    const subscriptions: string[] = [];
    for (const _ of subs) subscriptions.push((await recvText(xpub))[0]!);
    expect(subscriptions.sort()).toEqual(["\x01t0", "\x01t1", "\x01t2"]);

    for (const topic of ["t1", "t2", "t0"]) await xpub.send(topic);
    const received = await Promise.all(subs.map((sub) => recvDataText(sub)));
    expect(received).toEqual([["t0"], ["t1"], ["t2"]]);
  });

  it("receives subscriptions again after the libzmq side restarts on the same endpoint", async () => {
    let xpub = env.a((z) => new z.XPublisher());
    let sub = env.b((z) => new z.Subscriber());
    sub.subscribe("t");
    const endpoint = await env.link(xpub, sub);
    expect(await recvText(xpub)).toEqual(["\x01t"]);

    let topic = "t";
    if (env.libzmqRole === "a") {
      // The zmtp SUB must resend its subscription to the new XPUB.
      xpub = await env.restartLibzmq(xpub, (z) => new z.XPublisher(), endpoint, sub);
    } else {
      // A new topic: the XPUB forwards a subscription only when it is new, and the old SUB's
      // may still be counted for a moment (its "\x00t" can arrive before or after).
      topic = "t2";
      const create = (z: typeof import("zeromq")) => {
        const fresh = new z.Subscriber();
        fresh.subscribe(topic);
        return fresh;
      };
      sub = await env.restartLibzmq(sub, create, endpoint, xpub);
    }
    if (env.libzmqRole === "b") {
      let subscription = await recvText(xpub);
      if (subscription[0] === "\x00t") subscription = await recvText(xpub);
      expect(subscription).toEqual([`\x01${topic}`]);
    } else {
      // That the zmtp side resent its subscription shows in the XPUB publishing to it.
      await syncReceivers(() => xpub.send([topic, PROBE]), [sub]);
    }
    await xpub.send([topic, "after"]);
    expect(await recvDataText(sub)).toEqual([topic, "after"]);
  });
});
