import { expect, it } from "vitest";
import {
  expectSameParts,
  FRAME_SIZES,
  isProbe,
  PROBE,
  payload,
  recv,
  recvText,
  serve,
  text,
} from "../helpers.js";
import { describeInterop } from "./interop.js";

describeInterop("Dealer", "Reply", (env) => {
  it("REP strips and restores the envelope the DEALER supplies", async () => {
    const dealer = env.a((z) => new z.Dealer());
    const rep = env.b((z) => new z.Reply());
    await env.link(dealer, rep);

    await dealer.send(["", "first", "", "third"]);
    expect(await recvText(rep)).toEqual(["first", "", "third"]);
    await rep.send(["answer", ""]);
    expect(await recvText(dealer)).toEqual(["", "answer", ""]);
  });

  it("carries 0 B, 1 B, 255 B, 256 B and 1 MiB parts both ways", async () => {
    const dealer = env.a((z) => new z.Dealer());
    const rep = env.b((z) => new z.Reply());
    await env.link(dealer, rep);

    const parts = FRAME_SIZES.map((size, index) => payload(size, index));
    await dealer.send([Buffer.alloc(0), ...parts]);
    const request = await recv(rep);
    expectSameParts(request, parts);
    await rep.send(request);
    expectSameParts(await recv(dealer), [Buffer.alloc(0), ...parts]);
  });

  it("round-robins requests across 3 REPs", async () => {
    const dealer = env.a((z) => new z.Dealer());
    const reps = [0, 1, 2].map(() => env.b((z) => new z.Reply()));
    await env.linkMany("a", dealer, reps);
    for (const [index, rep] of reps.entries()) serve(rep, ([body]) => [body!, `${index}`]);

    // Probe until every REP has answered once, so all three are attached.
    const seen = new Set<string>();
    while (seen.size < 3) {
      await dealer.send(["", PROBE]);
      const reply = await recv(dealer);
      expect(isProbe(reply)).toBe(true);
      seen.add(reply[2]!.toString());
    }
    for (let index = 0; index < 9; index += 1) await dealer.send(["", `m${index}`]);
    const servedBy = new Map<string, string[]>();
    for (let index = 0; index < 9; index += 1) {
      const [delimiter, body, by] = text(await recv(dealer));
      expect(delimiter).toBe("");
      servedBy.set(by!, [...(servedBy.get(by!) ?? []), body!]);
    }
    expect([...servedBy.values()].map((bodies) => bodies.length)).toEqual([3, 3, 3]);
    // Each REP got every third request.
    for (const bodies of servedBy.values()) {
      const numbers = bodies.map((body) => Number(body.slice(1))).sort((x, y) => x - y);
      expect([numbers[1]! - numbers[0]!, numbers[2]! - numbers[1]!]).toEqual([3, 3]);
    }
  });

  it("serves again after the libzmq side restarts on the same endpoint", async () => {
    let dealer = env.a((z) => new z.Dealer());
    let rep = env.b((z) => new z.Reply());
    const endpoint = await env.link(dealer, rep);
    await dealer.send(["", "before"]);
    expect(await recvText(rep)).toEqual(["before"]);
    await rep.send("ok");
    expect(await recvText(dealer)).toEqual(["", "ok"]);

    if (env.libzmqRole === "a") {
      dealer = await env.restartLibzmq(dealer, (z) => new z.Dealer(), endpoint, rep);
    } else {
      rep = await env.restartLibzmq(rep, (z) => new z.Reply(), endpoint, dealer);
    }
    await dealer.send(["", "after"]);
    expect(await recvText(rep)).toEqual(["after"]);
    await rep.send("ok again");
    expect(await recvText(dealer)).toEqual(["", "ok again"]);
  });
});
