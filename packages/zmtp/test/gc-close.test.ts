/**
 * As in zeromq.js, a socket the program can no longer reach is closed when it is collected,
 * unless a send or receive is still waiting on it.
 */
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { describe, expect, it } from "vitest";
import * as zmq from "../src/index";
import { track } from "./track";

setFlagsFromString("--expose_gc");
const gc = runInNewContext("gc") as () => void;

/** Collects until `done()` (finalizers run in later turns), for up to about 3 s. */
async function collectUntil(done: () => boolean): Promise<boolean> {
  for (let attempt = 0; attempt < 60 && !done(); attempt++) {
    gc();
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return done();
}

async function boundPull(): Promise<{ pull: zmq.Pull; disconnects: () => number }> {
  const pull = new zmq.Pull();
  track(pull);
  await pull.bind("tcp://127.0.0.1:*");
  let count = 0;
  pull.events.on("disconnect", () => {
    count++;
  });
  return { pull, disconnects: () => count };
}

describe("a socket the program dropped", () => {
  it("is closed once collected: its peer sees the connection end", async () => {
    const { pull, disconnects } = await boundPull();
    await (async () => {
      const push = new zmq.Push();
      push.connect(pull.lastEndpoint!);
      await push.send("before it was dropped");
    })();
    expect((await pull.receive()).toString()).toBe("before it was dropped");
    expect(await collectUntil(() => disconnects() > 0)).toBe(true);
  });

  it("stays open while a receive waits on it, and delivers", async () => {
    const push = new zmq.Push();
    track(push);
    await push.bind("tcp://127.0.0.1:*");
    const received = (() => {
      const pull = new zmq.Pull();
      pull.connect(push.lastEndpoint!);
      return pull.receive();
    })();
    // Collected now, the pull would close and the receive reject with EAGAIN.
    for (let attempt = 0; attempt < 10; attempt++) {
      gc();
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await push.send("for the waiting receive");
    expect((await received).toString()).toBe("for the waiting receive");
  });
});

describe("a message the program dropped", () => {
  it("is not kept by the sockets and connection that delivered it to a waiting receive", async () => {
    const push = new zmq.Push();
    track(push);
    await push.bind("tcp://127.0.0.1:*");
    const pull = new zmq.Pull();
    track(pull);
    pull.connect(push.lastEndpoint!);
    let collected = false;
    // A registry, not a WeakRef: a WeakRef keeps its target for the rest of the job here.
    const registry = new FinalizationRegistry(() => {
      collected = true;
    });
    await (async () => {
      const waiting = pull.receive();
      await push.send(["two parts,", "read once, then dropped"]);
      const message = await waiting;
      expect(message.map(String)).toEqual(["two parts,", "read once, then dropped"]);
      registry.register(message, "message");
    })();
    expect(await collectUntil(() => collected)).toBe(true);
  });
});
