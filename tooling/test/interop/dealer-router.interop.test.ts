import { expect, it } from "vitest";
import {
  expectSameParts,
  FRAME_SIZES,
  PROBE,
  payload,
  recv,
  recvDataText,
  recvText,
  syncReceivers,
} from "../helpers.js";
import { describeInterop } from "./interop.js";

describeInterop("Dealer", "Router", (env) => {
  it("ROUTER prefixes the DEALER's identity and routes replies by it", async () => {
    const dealer = env.a((z) => new z.Dealer({ routingId: "dealer" }));
    const router = env.b((z) => new z.Router());
    await env.link(dealer, router);

    await dealer.send(["first", "", "third"]);
    expect(await recvText(router)).toEqual(["dealer", "first", "", "third"]);
    await router.send(["dealer", "", "answer", ""]);
    expect(await recvText(dealer)).toEqual(["", "answer", ""]);
  });

  it("carries 0 B, 1 B, 255 B, 256 B and 1 MiB parts both ways", async () => {
    const dealer = env.a((z) => new z.Dealer({ routingId: "sizes" }));
    const router = env.b((z) => new z.Router());
    await env.link(dealer, router);

    const parts = FRAME_SIZES.map((size, index) => payload(size, index));
    await dealer.send(parts);
    const [identity, ...body] = await recv(router);
    expect(identity!.toString()).toBe("sizes");
    expectSameParts(body, parts);
    await router.send([identity!, ...body.reverse()]);
    expectSameParts(await recv(dealer), [...parts].reverse());
  });

  it("ROUTER routes by identity among 3 DEALERs", async () => {
    const router = env.b((z) => new z.Router());
    const dealers = [0, 1, 2].map((index) =>
      env.a((z) => new z.Dealer({ routingId: `d${index}` })),
    );
    await env.linkMany("b", router, dealers);

    for (const [index, dealer] of dealers.entries()) await dealer.send(`hello from d${index}`);
    const greeted = new Set<string>();
    for (const _ of dealers) {
      const [identity, body] = await recvText(router);
      expect(body).toBe(`hello from ${identity}`);
      greeted.add(identity!);
    }
    expect([...greeted].sort()).toEqual(["d0", "d1", "d2"]);
    for (const identity of ["d2", "d0", "d1"]) await router.send([identity, `for ${identity}`]);
    const received = await Promise.all(dealers.map((dealer) => recvText(dealer)));
    expect(received).toEqual([["for d0"], ["for d1"], ["for d2"]]);
  });

  it("DEALER round-robins across 3 ROUTERs", async () => {
    const dealer = env.a((z) => new z.Dealer({ routingId: "hub" }));
    const routers = [0, 1, 2].map(() => env.b((z) => new z.Router()));
    await env.linkMany("a", dealer, routers);
    await syncReceivers(() => dealer.send(PROBE), routers);

    for (let index = 0; index < 9; index += 1) await dealer.send(`m${index}`);
    const received = await Promise.all(
      routers.map(async (router) => {
        const got: number[] = [];
        for (let count = 0; count < 3; count += 1) {
          const [identity, body] = await recvDataText(router);
          expect(identity).toBe("hub");
          got.push(Number(body!.slice(1)));
        }
        return got;
      }),
    );
    expect(received.flat().sort()).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
    for (const got of received) expect([got[1]! - got[0]!, got[2]! - got[1]!]).toEqual([3, 3]);
  });

  it("routes again after the libzmq side restarts on the same endpoint", async () => {
    let dealer = env.a((z) => new z.Dealer({ routingId: "dealer" }));
    let router = env.b((z) => new z.Router());
    const endpoint = await env.link(dealer, router);
    await dealer.send("before");
    expect(await recvText(router)).toEqual(["dealer", "before"]);

    // See req-router: a DEALER reconnecting to a bound ROUTER takes a fresh identity.
    let identity = "dealer";
    if (env.libzmqRole === "a") {
      if (env.row.binder === "b") identity = "dealer-2";
      const options = { routingId: identity };
      dealer = await env.restartLibzmq(dealer, (z) => new z.Dealer(options), endpoint, router);
    } else {
      router = await env.restartLibzmq(router, (z) => new z.Router(), endpoint, dealer);
    }
    await dealer.send("after");
    expect(await recvText(router)).toEqual([identity, "after"]);
    await router.send([identity, "reply"]);
    expect(await recvText(dealer)).toEqual(["reply"]);
  });
});
