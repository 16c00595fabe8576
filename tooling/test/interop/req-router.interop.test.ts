import { expect, it } from "vitest";
import { expectSameParts, FRAME_SIZES, payload, recv, recvText, text } from "../helpers.js";
import { describeInterop } from "./interop.js";

describeInterop("Request", "Router", (env) => {
  it("adds the REQ envelope: ROUTER sees [identity, empty delimiter, ...body]", async () => {
    const req = env.a((z) => new z.Request({ routingId: "client" }));
    const router = env.b((z) => new z.Router());
    await env.link(req, router);

    await req.send(["first", "", "third"]);
    expect(await recvText(router)).toEqual(["client", "", "first", "", "third"]);
    await router.send(["client", "", "answer", ""]);
    expect(await recvText(req)).toEqual(["answer", ""]);
  });

  it("carries 0 B, 1 B, 255 B, 256 B and 1 MiB parts both ways", async () => {
    const req = env.a((z) => new z.Request({ routingId: "sizes" }));
    const router = env.b((z) => new z.Router());
    await env.link(req, router);

    const parts = FRAME_SIZES.map((size, index) => payload(size, index));
    await req.send(parts);
    const [identity, delimiter, ...body] = await recv(router);
    expect(text([identity!, delimiter!])).toEqual(["sizes", ""]);
    expectSameParts(body, parts);
    await router.send([identity!, delimiter!, ...body.reverse()]);
    expectSameParts(await recv(req), [...parts].reverse());
  });

  it("routes replies by identity to 3 REQs", async () => {
    const router = env.b((z) => new z.Router());
    const reqs = [0, 1, 2].map((index) =>
      env.a((z) => new z.Request({ routingId: `req-${index}` })),
    );
    await env.linkMany("b", router, reqs);

    for (const [index, req] of reqs.entries()) await req.send(`question-${index}`);
    const identities: string[] = [];
    for (const _ of reqs) {
      const [identity, delimiter, body] = await recvText(router);
      expect(delimiter).toBe("");
      expect(body).toBe(`question-${identity!.slice(4)}`);
      identities.push(identity!);
    }
    expect([...identities].sort()).toEqual(["req-0", "req-1", "req-2"]);
    // Answer in reverse order: each reply still reaches the REQ whose identity it names.
    for (const identity of [...identities].reverse()) {
      await router.send([identity, "", `answer-for-${identity}`]);
    }
    const answers = await Promise.all(reqs.map((req) => recvText(req)));
    expect(answers).toEqual([["answer-for-req-0"], ["answer-for-req-1"], ["answer-for-req-2"]]);
  });

  it("serves again after the libzmq side restarts on the same endpoint", async () => {
    let req = env.a((z) => new z.Request({ routingId: "client" }));
    let router = env.b((z) => new z.Router());
    const endpoint = await env.link(req, router);
    await req.send("before");
    expect(await recvText(router)).toEqual(["client", "", "before"]);
    await router.send(["client", "", "ok"]);
    expect(await recvText(req)).toEqual(["ok"]);

    // A REQ that reconnects to a bound ROUTER takes a new identity: reusing one while the ROUTER
    // may still hold the old pipe is refused (no ZMQ_ROUTER_HANDOVER), which is not what this test
    // is about. A connecting ROUTER keeps its pipe, so a rebound REQ keeps the identity.
    let identity = "client";
    if (env.libzmqRole === "a") {
      if (env.row.binder === "b") identity = "client-2";
      const options = { routingId: identity };
      req = await env.restartLibzmq(req, (z) => new z.Request(options), endpoint, router);
    } else {
      router = await env.restartLibzmq(router, (z) => new z.Router(), endpoint, req);
    }
    await req.send("after");
    expect(await recvText(router)).toEqual([identity, "", "after"]);
    await router.send([identity, "", "ok again"]);
    expect(await recvText(req)).toEqual(["ok again"]);
  });
});
