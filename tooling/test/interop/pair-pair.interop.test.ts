import { expect, it } from "vitest";
import {
  delay,
  expectSameParts,
  FRAME_SIZES,
  nextEvent,
  PROBE,
  payload,
  recv,
  recvDataText,
  recvText,
  WAIT_MS,
} from "../helpers.js";
import { describeInterop } from "./interop.js";

describeInterop("Pair", "Pair", (env) => {
  it("exchanges multipart messages with empty frames both ways", async () => {
    const zmtpPair = env.a((z) => new z.Pair());
    const libzmqPair = env.b((z) => new z.Pair());
    await env.link(zmtpPair, libzmqPair);

    await zmtpPair.send(["first", "", "third"]);
    await libzmqPair.send(["", "answer", ""]);
    expect(await recvText(libzmqPair)).toEqual(["first", "", "third"]);
    expect(await recvText(zmtpPair)).toEqual(["", "answer", ""]);
    await zmtpPair.send("");
    expect(await recvText(libzmqPair)).toEqual([""]);
  });

  it("carries 0 B, 1 B, 255 B, 256 B and 1 MiB parts both ways", async () => {
    const zmtpPair = env.a((z) => new z.Pair());
    const libzmqPair = env.b((z) => new z.Pair());
    await env.link(zmtpPair, libzmqPair);

    const parts = FRAME_SIZES.map((size, index) => payload(size, index));
    await zmtpPair.send(parts);
    const received = await recv(libzmqPair);
    expectSameParts(received, parts);
    await libzmqPair.send(received.reverse());
    expectSameParts(await recv(zmtpPair), [...parts].reverse());
    for (const part of parts) await libzmqPair.send(part);
    for (const part of parts) expectSameParts(await recv(zmtpPair), [part]);
  });

  it("keeps message order over many messages", async () => {
    const zmtpPair = env.a((z) => new z.Pair());
    const libzmqPair = env.b((z) => new z.Pair());
    await env.link(zmtpPair, libzmqPair);

    const count = 500;
    const sending = (async () => {
      for (let index = 0; index < count; index += 1) await zmtpPair.send(`${index}`);
    })();
    for (let index = 0; index < count; index += 1) {
      expect(await recvText(libzmqPair)).toEqual([`${index}`]);
    }
    await sending;
  });

  it("exchanges again after the libzmq side restarts on the same endpoint", async () => {
    const zmtpPair = env.a((z) => new z.Pair());
    let libzmqPair = env.b((z) => new z.Pair());
    const endpoint = await env.link(zmtpPair, libzmqPair);
    await zmtpPair.send("before");
    expect(await recvText(libzmqPair)).toEqual(["before"]);

    libzmqPair = await env.restartLibzmq(libzmqPair, (z) => new z.Pair(), endpoint, zmtpPair);
    if (env.row.binder === "a") {
      // A bound PAIR takes one peer at a time and refuses a newcomer while it still holds the old
      // pipe (libzmq does, and can then stay wedged). Reconnect until a probe gets through.
      const arrived = zmtpPair.receive();
      arrived.catch(() => {});
      let through = false;
      void arrived.then(() => {
        through = true;
      });
      const deadline = Date.now() + WAIT_MS;
      while (!through) {
        if (Date.now() > deadline) throw new Error("the restarted PAIR never got through");
        await libzmqPair.send(PROBE);
        await Promise.race([arrived, delay(200)]);
        if (!through) {
          libzmqPair.close();
          libzmqPair = env.b((z) => new z.Pair());
          const events = libzmqPair.events;
          libzmqPair.connect(endpoint);
          await nextEvent(events, "handshake");
        }
      }
    }
    await zmtpPair.send("after");
    expect(await recvText(libzmqPair)).toEqual(["after"]);
    await libzmqPair.send("reply");
    expect(await recvDataText(zmtpPair)).toEqual(["reply"]);
  });
});
