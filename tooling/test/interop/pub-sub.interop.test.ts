import { expect, it } from "vitest";
import {
  connectedPair,
  expectSameParts,
  FRAME_SIZES,
  PROBE,
  payload,
  recvData,
  recvDataText,
  syncReceivers,
} from "../helpers.js";
import { describeInterop } from "./interop.js";

describeInterop("Publisher", "Subscriber", (env) => {
  it("delivers only messages matching a subscribed prefix, multipart and empty frames intact", async () => {
    const pub = env.a((z) => new z.Publisher());
    const sub = env.b((z) => new z.Subscriber());
    sub.subscribe("weather", PROBE);
    await env.link(pub, sub);
    await connectedPair(pub, sub);

    await pub.send(["weather.north", "cold"]);
    await pub.send(["sports", "goal"]);
    await pub.send(["weatherman", "", "tall"]);
    await pub.send(["weathe", "truncated"]);
    await pub.send(["weather"]);
    expect(await recvDataText(sub)).toEqual(["weather.north", "cold"]);
    expect(await recvDataText(sub)).toEqual(["weatherman", "", "tall"]);
    expect(await recvDataText(sub)).toEqual(["weather"]);
  });

  it("carries 0 B, 1 B, 255 B, 256 B and 1 MiB parts to a subscribe-all SUB", async () => {
    const pub = env.a((z) => new z.Publisher());
    const sub = env.b((z) => new z.Subscriber());
    sub.subscribe();
    await env.link(pub, sub);
    await connectedPair(pub, sub);

    const parts = FRAME_SIZES.map((size, index) => payload(size, index));
    await pub.send(parts);
    expectSameParts(await recvData(sub), parts);
    for (const part of parts.slice(1)) {
      await pub.send(part);
      expectSameParts(await recvData(sub), [part]);
    }
  });

  it("stops delivering a topic after unsubscribe", async () => {
    const pub = env.a((z) => new z.Publisher());
    const sub = env.b((z) => new z.Subscriber());
    sub.subscribe("a", "z", PROBE);
    await env.link(pub, sub);
    await connectedPair(pub, sub);

    await pub.send("a1");
    expect(await recvDataText(sub)).toEqual(["a1"]);
    sub.unsubscribe("a");
    await pub.send("a2");
    await pub.send("z-marker");
    expect(await recvDataText(sub)).toEqual(["z-marker"]);
  });

  it("fans out to 3 SUBs", async () => {
    const pub = env.a((z) => new z.Publisher());
    const subs = [0, 1, 2].map(() => env.b((z) => new z.Subscriber()));
    for (const sub of subs) sub.subscribe("news", PROBE);
    await env.linkMany("a", pub, subs);
    await syncReceivers(() => pub.send(PROBE), subs);

    for (let index = 0; index < 3; index += 1) await pub.send(["news", `${index}`]);
    for (const sub of subs) {
      for (let index = 0; index < 3; index += 1) {
        expect(await recvDataText(sub)).toEqual(["news", `${index}`]);
      }
    }
  });

  it("publishes again after the libzmq side restarts on the same endpoint", async () => {
    let pub = env.a((z) => new z.Publisher());
    let sub = env.b((z) => new z.Subscriber());
    sub.subscribe("t", PROBE);
    const endpoint = await env.link(pub, sub);
    await connectedPair(pub, sub);
    await pub.send("t-before");
    expect(await recvDataText(sub)).toEqual(["t-before"]);

    if (env.libzmqRole === "a") {
      pub = await env.restartLibzmq(pub, (z) => new z.Publisher(), endpoint, sub);
    } else {
      sub = await env.restartLibzmq(
        sub,
        (z) => {
          const fresh = new z.Subscriber();
          fresh.subscribe("t", PROBE);
          return fresh;
        },
        endpoint,
        pub,
      );
    }
    // The subscription travels again on the new connection; probe until it has arrived.
    await connectedPair(pub, sub);
    await pub.send("t-after");
    expect(await recvDataText(sub)).toEqual(["t-after"]);
  });
});
