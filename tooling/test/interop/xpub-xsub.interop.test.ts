import { afterAll, beforeAll, expect, it } from "vitest";
import {
  expectSameParts,
  FRAME_SIZES,
  PROBE,
  payload,
  pokeWhileWaiting,
  recvData,
  recvDataText,
  recvText,
  syncReceivers,
} from "../helpers.js";
import { describeInterop } from "./interop.js";

const subscribe = (topic: string) => Buffer.concat([Buffer.from([1]), Buffer.from(topic)]);
const unsubscribe = (topic: string) => Buffer.concat([Buffer.from([0]), Buffer.from(topic)]);

// A bound libzmq SUB / XSUB sends a connecting XPUB its subscriptions only once the
// application calls into it (see pokeWhileWaiting in ../helpers.ts).
beforeAll(() => pokeWhileWaiting(true));
afterAll(() => pokeWhileWaiting(false));

describeInterop("XPublisher", "XSubscriber", (env) => {
  it("XSUB sends subscribe/unsubscribe messages that XPUB receives, and receives matching data", async () => {
    const xpub = env.a((z) => new z.XPublisher());
    const xsub = env.b((z) => new z.XSubscriber());
    await env.link(xpub, xsub);

    await xsub.send(subscribe("topic"));
    expect(await recvText(xpub)).toEqual(["\x01topic"]);
    // XPUB has the subscription, so the publication reaches the XSUB.
    await xpub.send(["other", "x"]);
    await xpub.send(["topic.a", "", "y"]);
    expect(await recvDataText(xsub)).toEqual(["topic.a", "", "y"]);

    await xsub.send(unsubscribe("topic"));
    expect(await recvText(xpub)).toEqual(["\x00topic"]);
  });

  it("carries 0 B, 1 B, 255 B, 256 B and 1 MiB parts", async () => {
    const xpub = env.a((z) => new z.XPublisher());
    const xsub = env.b((z) => new z.XSubscriber());
    await env.link(xpub, xsub);
    await xsub.send(subscribe(""));
    expect(await recvText(xpub)).toEqual(["\x01"]);

    const parts = FRAME_SIZES.map((size, index) => payload(size, index));
    await xpub.send(parts);
    expectSameParts(await recvData(xsub), parts);
  });

  it("routes each topic only to the XSUB that subscribed to it, among 3", async () => {
    const xpub = env.a((z) => new z.XPublisher());
    const xsubs = [0, 1, 2].map(() => env.b((z) => new z.XSubscriber()));
    await env.linkMany("a", xpub, xsubs);

    for (const [index, xsub] of xsubs.entries()) await xsub.send(subscribe(`t${index}`));
    const subscriptions: string[] = [];
    for (const _ of xsubs) subscriptions.push((await recvText(xpub))[0]!);
    expect(subscriptions.sort()).toEqual(["\x01t0", "\x01t1", "\x01t2"]);

    for (const topic of ["t2", "t0", "t1", "t0"]) await xpub.send([topic, "data"]);
    expect(await recvDataText(xsubs[0]!)).toEqual(["t0", "data"]);
    expect(await recvDataText(xsubs[0]!)).toEqual(["t0", "data"]);
    expect(await recvDataText(xsubs[1]!)).toEqual(["t1", "data"]);
    expect(await recvDataText(xsubs[2]!)).toEqual(["t2", "data"]);
  });

  it("subscribes and publishes again after the libzmq side restarts on the same endpoint", async () => {
    let xpub = env.a((z) => new z.XPublisher());
    let xsub = env.b((z) => new z.XSubscriber());
    const endpoint = await env.link(xpub, xsub);
    await xsub.send(subscribe("t"));
    expect(await recvText(xpub)).toEqual(["\x01t"]);

    let topic = "t";
    if (env.libzmqRole === "a") {
      // The zmtp XSUB must resend its subscriptions to the new XPUB.
      xpub = await env.restartLibzmq(xpub, (z) => new z.XPublisher(), endpoint, xsub);
    } else {
      // A new topic: see xpub-sub on subscriptions the XPUB still counts for the old peer.
      topic = "t2";
      xsub = await env.restartLibzmq(xsub, (z) => new z.XSubscriber(), endpoint, xpub);
      await xsub.send(subscribe(topic));
    }
    if (env.libzmqRole === "b") {
      let subscription = await recvText(xpub);
      if (subscription[0] === "\x00t") subscription = await recvText(xpub);
      expect(subscription).toEqual([`\x01${topic}`]);
    } else {
      // That the zmtp side resent its subscription shows in the XPUB publishing to it.
      await syncReceivers(() => xpub.send([topic, PROBE]), [xsub]);
    }
    await xpub.send([topic, "after"]);
    expect(await recvDataText(xsub)).toEqual([topic, "after"]);
  });
});
