import { expect, it } from "vitest";
import {
  expectSameParts,
  FRAME_SIZES,
  PROBE,
  payload,
  recv,
  recvText,
  serve,
  text,
} from "../helpers.js";
import { describeInterop } from "./interop.js";

describeInterop("Request", "Reply", (env) => {
  it("exchanges multipart requests and replies with empty frames", async () => {
    const req = env.a((z) => new z.Request());
    const rep = env.b((z) => new z.Reply());
    await env.link(req, rep);

    await req.send(["first", "", "third"]);
    expect(await recvText(rep)).toEqual(["first", "", "third"]);
    await rep.send(["", "answer", ""]);
    expect(await recvText(req)).toEqual(["", "answer", ""]);
    await req.send("");
    expect(await recvText(rep)).toEqual([""]);
    await rep.send("");
    expect(await recvText(req)).toEqual([""]);
  });

  it("carries 0 B, 1 B, 255 B, 256 B and 1 MiB parts both ways", async () => {
    const req = env.a((z) => new z.Request());
    const rep = env.b((z) => new z.Reply());
    await env.link(req, rep);

    const parts = FRAME_SIZES.map((size, index) => payload(size, index));
    await req.send(parts);
    const request = await recv(rep);
    expectSameParts(request, parts);
    await rep.send([...request].reverse());
    expectSameParts(await recv(req), [...parts].reverse());
  });

  it("routes each reply back to its requester among 3 REQs", async () => {
    const rep = env.b((z) => new z.Reply());
    const reqs = [0, 1, 2].map(() => env.a((z) => new z.Request()));
    await env.linkMany("b", rep, reqs);
    serve(rep, ([body]) => [`re:${body}`]);

    const replies = await Promise.all(
      reqs.map(async (req, index) => {
        await req.send(`client-${index}`);
        return recvText(req);
      }),
    );
    expect(replies).toEqual([["re:client-0"], ["re:client-1"], ["re:client-2"]]);
  });

  it("round-robins requests across 3 REPs", async () => {
    const req = env.a((z) => new z.Request());
    const reps = [0, 1, 2].map(() => env.b((z) => new z.Reply()));
    await env.linkMany("a", req, reps);
    for (const [index, rep] of reps.entries())
      serve(rep, ([body]) => [text([body!])[0]!, `${index}`]);

    // Until every REP has answered a probe, some may not be attached yet.
    const seen = new Set<string>();
    while (seen.size < 3) {
      await req.send(PROBE);
      const reply = await recvText(req);
      expect(reply[0]).toBe(PROBE);
      seen.add(reply[1]!);
    }
    const servedBy: string[] = [];
    for (let index = 0; index < 6; index += 1) {
      await req.send(`m${index}`);
      const [body, by] = await recvText(req);
      expect(body).toBe(`m${index}`);
      servedBy.push(by!);
    }
    // Strict rotation: three distinct REPs, then the same three again in the same order.
    expect(new Set(servedBy.slice(0, 3)).size).toBe(3);
    expect(servedBy.slice(3)).toEqual(servedBy.slice(0, 3));
  });

  it("serves again after the libzmq side restarts on the same endpoint", async () => {
    let req = env.a((z) => new z.Request());
    let rep = env.b((z) => new z.Reply());
    const endpoint = await env.link(req, rep);
    await req.send("before");
    expect(await recvText(rep)).toEqual(["before"]);
    await rep.send("ok");
    expect(await recvText(req)).toEqual(["ok"]);

    if (env.libzmqRole === "a")
      req = await env.restartLibzmq(req, (z) => new z.Request(), endpoint, rep);
    else rep = await env.restartLibzmq(rep, (z) => new z.Reply(), endpoint, req);

    await req.send(["after", "restart"]);
    expect(await recvText(rep)).toEqual(["after", "restart"]);
    await rep.send("ok again");
    expect(await recvText(req)).toEqual(["ok again"]);
  });
});
