/**
 * zmtp-only checks for the socket options and failure semantics whose libzmq side is covered by
 * tooling/test/conformance: messages held count against the marks (inspected inside the
 * sockets), and the XPUB welcome message, which zeromq.js 6.8.0 never delivers.
 */
import { describe, expect, it } from "vitest";
import * as zmq from "../src/index";
import { stateOf } from "../src/socket";
import { track } from "./track";

interface PipeView {
  outboundLength: number;
  hasInbound: boolean;
}

function pipesOf(socket: zmq.Socket): PipeView[] {
  return [...(stateOf(socket).core as unknown as { pipes: Set<PipeView> }).pipes];
}

describe("options and failure semantics (zmtp only)", () => {
  it("a PUSH to a peer that stops reading holds no more than its send mark", async () => {
    const pull = track(new zmq.Pull({ receiveHighWaterMark: 3 }));
    await pull.bind("tcp://127.0.0.1:*");
    const push = track(new zmq.Push({ sendHighWaterMark: 3, sendTimeout: 50 }));
    push.connect(pull.lastEndpoint!);
    await push.send("hello");
    await pull.receive();
    const big = Buffer.alloc(256 * 1024, 1);
    let accepted = 0;
    for (; accepted < 400; accepted++) {
      const error = await push.send(big).catch((e: { code?: string }) => e);
      if (error !== undefined) {
        expect(error.code).toBe("EAGAIN");
        break;
      }
    }
    expect(accepted).toBeLessThan(100);
    const held = pipesOf(push).reduce((sum, pipe) => sum + pipe.outboundLength, 0);
    expect(held).toBeLessThanOrEqual(3);
  });

  it("a PUB whose subscriber stops reading drops: its pipe never exceeds the mark", async () => {
    const pub = track(new zmq.Publisher({ sendHighWaterMark: 4, sendTimeout: 0 }));
    await pub.bind("tcp://127.0.0.1:*");
    const sub = track(new zmq.Subscriber({ receiveHighWaterMark: 4 }));
    sub.connect(pub.lastEndpoint!);
    sub.subscribe();
    for (;;) {
      await pub.send("probe");
      sub.receiveTimeout = 20;
      if ((await sub.receive().catch(() => undefined)) !== undefined) break;
    }
    const big = Buffer.alloc(64 * 1024, 2);
    for (let index = 0; index < 2000; index++) {
      await pub.send(big);
      for (const pipe of pipesOf(pub)) expect(pipe.outboundLength).toBeLessThanOrEqual(4);
    }
  });

  it("XPUB welcomeMessage reaches each new subscriber (zeromq.js 6.8.0 delivers none)", async () => {
    const xpub = track(new zmq.XPublisher({ welcomeMessage: "welcome" }));
    await xpub.bind("tcp://127.0.0.1:*");
    for (const _ of [0, 1]) {
      const sub = track(new zmq.Subscriber({ receiveTimeout: 2000 }));
      sub.subscribe("welcome");
      sub.connect(xpub.lastEndpoint!);
      expect((await sub.receive()).map(String)).toEqual(["welcome"]);
    }
  });
});
