import { expect, it } from "vitest";
import { PROBE, recvDataText, syncReceivers } from "../helpers.js";
import { describeInterop } from "./interop.js";

const subscribe = (topic: string) => Buffer.concat([Buffer.from([1]), Buffer.from(topic)]);
const unsubscribe = (topic: string) => Buffer.concat([Buffer.from([0]), Buffer.from(topic)]);

describeInterop("Publisher", "XSubscriber", (env) => {
  it("PUB filters by the subscriptions an XSUB sends as messages", async () => {
    const pub = env.a((z) => new z.Publisher());
    const xsub = env.b((z) => new z.XSubscriber());
    await env.link(pub, xsub);
    await xsub.send(subscribe(PROBE));
    await xsub.send(subscribe("topic"));
    await syncReceivers(() => pub.send(PROBE), [xsub]);

    await pub.send(["other", "x"]);
    await pub.send(["topic.1", "", "y"]);
    expect(await recvDataText(xsub)).toEqual(["topic.1", "", "y"]);
  });

  it("PUB stops sending a topic the XSUB unsubscribed from", async () => {
    const pub = env.a((z) => new z.Publisher());
    const xsub = env.b((z) => new z.XSubscriber());
    await env.link(pub, xsub);
    for (const topic of [PROBE, "a", "z"]) await xsub.send(subscribe(topic));
    await syncReceivers(() => pub.send(PROBE), [xsub]);

    await xsub.send(unsubscribe("a"));
    // Unsubscribe travels to the PUB; wait until it takes effect by publishing "a" then a marker
    // until only the marker arrives.
    for (;;) {
      await pub.send("a-late");
      await pub.send("z-marker");
      const first = await recvDataText(xsub);
      if (first[0] === "z-marker") break;
      expect(first).toEqual(["a-late"]);
      expect(await recvDataText(xsub)).toEqual(["z-marker"]);
    }
    await pub.send("a-after");
    await pub.send("z-end");
    expect(await recvDataText(xsub)).toEqual(["z-end"]);
  });

  it("fans out to 3 XSUBs by their own subscriptions", async () => {
    const pub = env.a((z) => new z.Publisher());
    const xsubs = [0, 1, 2].map(() => env.b((z) => new z.XSubscriber()));
    await env.linkMany("a", pub, xsubs);
    for (const [index, xsub] of xsubs.entries()) {
      await xsub.send(subscribe(PROBE));
      await xsub.send(subscribe(`t${index}`));
      await xsub.send(subscribe("all"));
    }
    await syncReceivers(() => pub.send(PROBE), xsubs);

    for (const topic of ["t1", "all", "t0", "t2"]) await pub.send([topic, "data"]);
    expect(await recvDataText(xsubs[0]!)).toEqual(["all", "data"]);
    expect(await recvDataText(xsubs[0]!)).toEqual(["t0", "data"]);
    expect(await recvDataText(xsubs[1]!)).toEqual(["t1", "data"]);
    expect(await recvDataText(xsubs[1]!)).toEqual(["all", "data"]);
    expect(await recvDataText(xsubs[2]!)).toEqual(["all", "data"]);
    expect(await recvDataText(xsubs[2]!)).toEqual(["t2", "data"]);
  });

  it("publishes again after the libzmq side restarts on the same endpoint", async () => {
    let pub = env.a((z) => new z.Publisher());
    let xsub = env.b((z) => new z.XSubscriber());
    const endpoint = await env.link(pub, xsub);
    await xsub.send(subscribe(PROBE));
    await xsub.send(subscribe("t"));
    await syncReceivers(() => pub.send(PROBE), [xsub]);

    if (env.libzmqRole === "a") {
      // The zmtp XSUB must resend both subscriptions to the new PUB.
      pub = await env.restartLibzmq(pub, (z) => new z.Publisher(), endpoint, xsub);
    } else {
      xsub = await env.restartLibzmq(xsub, (z) => new z.XSubscriber(), endpoint, pub);
      await xsub.send(subscribe(PROBE));
      await xsub.send(subscribe("t"));
    }
    await syncReceivers(() => pub.send(PROBE), [xsub]);
    await pub.send(["other", "dropped"]);
    await pub.send(["t", "after"]);
    expect(await recvDataText(xsub)).toEqual(["t", "after"]);
  });
});
