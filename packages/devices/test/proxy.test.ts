import type { SocketBase } from "@zmtp/core";
import { DealerSocket, PairSocket, PullSocket, PushSocket, RouterSocket } from "@zmtp/patterns";
import { isZmqError } from "@zmtp/spec";
import { describe, expect, it } from "vitest";
import * as zmq from "zeromq";
import { listenReadable, poll, proxy } from "../src/index";
import { bindAny, makeContext, message, receive, send, TCP_ANY, texts, track } from "./helpers";

describe("proxy", () => {
  it("moves multipart messages both ways with their parts together", async () => {
    const context = makeContext();
    const frontend = track(new DealerSocket(context));
    const backend = track(new DealerSocket(context));
    const client = track(new DealerSocket(context));
    const worker = track(new DealerSocket(context));
    client.connect(await bindAny(frontend));
    worker.connect(await bindAny(backend));
    const handle = proxy(frontend, backend);

    await send(client, message("a", "b", "c"));
    expect(texts(await receive(worker))).toEqual(["a", "b", "c"]);
    await send(worker, message("x", "", "z"));
    expect(texts(await receive(client))).toEqual(["x", "", "z"]);

    const stats = handle.statistics();
    expect(stats.frontend.received).toEqual({ messages: 1, frames: 3, bytes: 3 });
    expect(stats.backend.sent).toEqual({ messages: 1, frames: 3, bytes: 3 });
    expect(stats.backend.received).toEqual({ messages: 1, frames: 3, bytes: 2 });
    expect(stats.frontend.sent).toEqual({ messages: 1, frames: 3, bytes: 2 });
    handle.terminate();
    await handle.done;
    expect(handle.state).toBe("terminated");
    expect(frontend.closed).toBe(false); // the sockets stay the caller's
  });

  it("gives the capture socket a copy of every message, exactly once", async () => {
    const context = makeContext();
    const frontend = track(new PairSocket(context));
    const backend = track(new PairSocket(context));
    const capture = track(new PushSocket(context));
    const captured = track(new PullSocket(context));
    const left = track(new PairSocket(context));
    const right = track(new PairSocket(context));
    await frontend.bind("inproc://capture-front");
    await backend.bind("inproc://capture-back");
    await captured.bind("inproc://capture-sink");
    left.connect("inproc://capture-front");
    right.connect("inproc://capture-back");
    capture.connect("inproc://capture-sink");
    const handle = proxy(frontend, backend, capture);

    const count = 200;
    const sending = (async () => {
      for (let i = 0; i < count; i++) {
        await send(left, message("left", String(i)));
        await send(right, message("right", String(i)));
      }
    })();
    const seen = new Map<string, number>();
    const toRight: string[] = [];
    const toLeft: string[] = [];
    const drain = async (socket: SocketBase, into: string[]) => {
      for (let i = 0; i < count; i++) into.push(texts(await receive(socket)).join("/"));
    };
    const copies = (async () => {
      for (let i = 0; i < 2 * count; i++) {
        const key = texts(await receive(captured)).join("/");
        seen.set(key, (seen.get(key) ?? 0) + 1);
      }
    })();
    await Promise.all([sending, drain(right, toRight), drain(left, toLeft), copies]);

    expect(toRight).toEqual(Array.from({ length: count }, (_, i) => `left/${i}`));
    expect(toLeft).toEqual(Array.from({ length: count }, (_, i) => `right/${i}`));
    expect(seen.size).toBe(2 * count);
    expect([...seen.values()].every((times) => times === 1)).toBe(true);
    expect(captured.readable).toBe(false); // nothing beyond the 2 × count copies
    handle.terminate();
  });

  it("keeps what it holds within the high-water marks when the consumer stalls", async () => {
    const context = makeContext();
    const HWM = 5;
    const TOTAL = 400;
    const withMarks = <T extends SocketBase>(socket: T): T => {
      socket.options.sendHighWaterMark = HWM;
      socket.options.receiveHighWaterMark = HWM;
      return track(socket);
    };
    const producer = withMarks(new PushSocket(context));
    const frontend = withMarks(new PullSocket(context));
    const backend = withMarks(new PushSocket(context));
    const consumer = withMarks(new PullSocket(context));
    await frontend.bind("inproc://bounded-front");
    await backend.bind("inproc://bounded-back");
    producer.connect("inproc://bounded-front");
    consumer.connect("inproc://bounded-back");
    const handle = proxy(frontend, backend);

    // Downstream of the proxy: the backend's outbound pipe and the consumer's inbound pipe.
    // Upstream: the producer's outbound and the frontend's inbound. A few messages of slack for
    // what is in flight between two pipes within one event-loop turn.
    const SLACK = 4;
    let produced = 0;
    let consumed = 0;
    let worst = 0;
    const check = () => {
      const { frontend: front, backend: back } = handle.statistics();
      const downstream = back.sent.messages - consumed;
      const inside = front.received.messages - back.sent.messages;
      const upstream = produced - front.received.messages;
      worst = Math.max(worst, downstream);
      expect(inside).toBeLessThanOrEqual(1);
      expect(downstream).toBeLessThanOrEqual(2 * HWM + SLACK);
      expect(upstream).toBeLessThanOrEqual(2 * HWM + SLACK);
    };
    const stopChecking = listenReadable(frontend, check);

    // A fast producer: sends whenever its socket takes a message, until it is held back.
    let stalled = false;
    while (produced < TOTAL) {
      if (producer.send(message(`m${produced}`))) {
        produced++;
        check();
        continue;
      }
      // Backpressure has reached the producer; it stays blocked while the consumer sleeps.
      const ready = await poll([{ socket: producer, writable: true }], 250);
      check();
      if (ready.length === 0) {
        stalled = true;
        break;
      }
    }
    expect(stalled).toBe(true);
    expect(produced).toBeLessThan(TOTAL);
    expect(produced).toBeLessThanOrEqual(4 * HWM + 2 * SLACK + 1);
    expect(worst).toBeGreaterThanOrEqual(HWM); // the downstream marks did fill up

    // The consumer wakes up: everything arrives, in order, none lost.
    const producing = (async () => {
      while (produced < TOTAL) {
        await send(producer, message(`m${produced}`));
        produced++;
      }
    })();
    for (let i = 0; i < TOTAL; i++) {
      expect(texts(await receive(consumer))).toEqual([`m${i}`]);
      consumed++;
      check();
    }
    await producing;
    stopChecking();
    handle.terminate();
  });

  it("pause() holds messages in the sockets and resume() delivers them all", async () => {
    const context = makeContext();
    const frontend = track(new PullSocket(context));
    const backend = track(new PushSocket(context));
    const producer = track(new PushSocket(context));
    const consumer = track(new PullSocket(context));
    producer.connect(await bindAny(frontend));
    consumer.connect(await bindAny(backend));
    const handle = proxy(frontend, backend);
    await send(producer, message("before"));
    expect(texts(await receive(consumer))).toEqual(["before"]);

    handle.pause();
    expect(handle.state).toBe("paused");
    for (let i = 0; i < 10; i++) await send(producer, message(`paused ${i}`));
    // The messages reach the proxy's frontend and wait there.
    await poll([{ socket: frontend, readable: true }], 5_000);
    await new Promise((resolve) => setImmediate(resolve));
    expect(frontend.readable).toBe(true);
    expect(handle.statistics().frontend.received.messages).toBe(1);
    expect(consumer.readable).toBe(false);

    handle.resume();
    for (let i = 0; i < 10; i++) expect(texts(await receive(consumer))).toEqual([`paused ${i}`]);
    handle.terminate();
  });

  it("uses one socket as both sides (a ROUTER that echoes to its peers)", async () => {
    const context = makeContext();
    const router = track(new RouterSocket(context));
    const endpoint = await bindAny(router);
    const handle = proxy(router, router);
    const client = track(new zmq.Dealer());
    client.connect(endpoint);
    await client.send(["echo", "me"]);
    const reply = await client.receive();
    expect(reply.map(String)).toEqual(["echo", "me"]);
    // libzmq counts a single-socket proxy's output on the backend side.
    const stats = handle.statistics();
    expect(stats.frontend.received.messages).toBe(1);
    expect(stats.backend.sent.messages).toBe(1);
    expect(stats.backend.received.messages).toBe(0);
    handle.terminate();
  });

  it("rejects with ETERM when one of its sockets is closed under it", async () => {
    const context = makeContext();
    const frontend = track(new PullSocket(context));
    const backend = track(new PushSocket(context));
    await bindAny(frontend, TCP_ANY);
    await bindAny(backend, TCP_ANY);
    const handle = proxy(frontend, backend);
    await frontend.close();
    const error = await handle.done.then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(isZmqError(error, "ETERM")).toBe(true);
    expect(handle.state).toBe("terminated");
  });
});
