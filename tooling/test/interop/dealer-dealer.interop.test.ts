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

describeInterop("Dealer", "Dealer", (env) => {
  it("exchanges multipart messages with empty frames both ways", async () => {
    const zmtpDealer = env.a((z) => new z.Dealer());
    const libzmqDealer = env.b((z) => new z.Dealer());
    await env.link(zmtpDealer, libzmqDealer);

    await zmtpDealer.send(["first", "", "third"]);
    expect(await recvText(libzmqDealer)).toEqual(["first", "", "third"]);
    await libzmqDealer.send(["", "answer", ""]);
    expect(await recvText(zmtpDealer)).toEqual(["", "answer", ""]);
  });

  it("carries 0 B, 1 B, 255 B, 256 B and 1 MiB parts both ways", async () => {
    const zmtpDealer = env.a((z) => new z.Dealer());
    const libzmqDealer = env.b((z) => new z.Dealer());
    await env.link(zmtpDealer, libzmqDealer);

    const parts = FRAME_SIZES.map((size, index) => payload(size, index));
    await zmtpDealer.send(parts);
    const echoed = await recv(libzmqDealer);
    expectSameParts(echoed, parts);
    await libzmqDealer.send(echoed.reverse());
    expectSameParts(await recv(zmtpDealer), [...parts].reverse());
  });

  it("round-robins across 3 DEALERs", async () => {
    const hub = env.a((z) => new z.Dealer());
    const peers = [0, 1, 2].map(() => env.b((z) => new z.Dealer()));
    await env.linkMany("a", hub, peers);
    await syncReceivers(() => hub.send(PROBE), peers);

    for (let index = 0; index < 9; index += 1) await hub.send(`m${index}`);
    const received = await Promise.all(
      peers.map(async (peer) => {
        const got: number[] = [];
        for (let count = 0; count < 3; count += 1) {
          got.push(Number((await recvDataText(peer))[0]!.slice(1)));
        }
        return got;
      }),
    );
    expect(received.flat().sort()).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
    for (const got of received) expect([got[1]! - got[0]!, got[2]! - got[1]!]).toEqual([3, 3]);
  });

  it("fair-queues replies from 3 DEALERs", async () => {
    const hub = env.a((z) => new z.Dealer());
    const peers = [0, 1, 2].map(() => env.b((z) => new z.Dealer()));
    await env.linkMany("a", hub, peers);

    for (const [index, peer] of peers.entries()) await peer.send(["hello", `${index}`]);
    const hellos: string[] = [];
    for (const _ of peers) hellos.push((await recvText(hub))[1]!);
    expect(hellos.sort()).toEqual(["0", "1", "2"]);
  });

  it("exchanges again after the libzmq side restarts on the same endpoint", async () => {
    const zmtpDealer = env.a((z) => new z.Dealer());
    let libzmqDealer = env.b((z) => new z.Dealer());
    const endpoint = await env.link(zmtpDealer, libzmqDealer);
    await zmtpDealer.send("before");
    expect(await recvText(libzmqDealer)).toEqual(["before"]);

    libzmqDealer = await env.restartLibzmq(
      libzmqDealer,
      (z) => new z.Dealer(),
      endpoint,
      zmtpDealer,
    );
    await zmtpDealer.send("after");
    expect(await recvText(libzmqDealer)).toEqual(["after"]);
    await libzmqDealer.send("reply");
    expect(await recvText(zmtpDealer)).toEqual(["reply"]);
  });
});
