/**
 * The three devices with libzmq peers (the native `zeromq` package) on both sides, over tcp.
 */
import { describe, expect, it } from "vitest";
import * as zmq from "zeromq";
import { forwarderDevice, queueDevice, streamerDevice } from "../src/index";
import { makeContext, monitorEvents, TCP_ANY, track } from "./helpers";

describe("QUEUE device (ROUTER / DEALER)", () => {
  it("brokers 10 libzmq REQ clients over 5 libzmq REP workers, each reply to its request", async () => {
    const device = track(
      await queueDevice(makeContext(), { frontend: { bind: TCP_ANY }, backend: { bind: TCP_ANY } }),
    );
    expect(device.frontend.socketType).toBe("ROUTER");
    expect(device.backend.socketType).toBe("DEALER");

    const served = new Map<number, number>();
    const workers = Array.from({ length: 5 }, (_, id) => {
      const worker = track(new zmq.Reply());
      worker.connect(device.backend.lastEndpoint!);
      return (async () => {
        for await (const [request] of worker) {
          served.set(id, (served.get(id) ?? 0) + 1);
          await worker.send(`${request} answered by ${id}`);
        }
      })();
    });

    const clients = Array.from({ length: 10 }, async (_, id) => {
      const client = track(new zmq.Request());
      client.connect(device.frontend.lastEndpoint!);
      const replies: string[] = [];
      for (let round = 0; round < 5; round++) {
        await client.send(`client ${id} request ${round}`);
        const [reply] = await client.receive();
        replies.push(String(reply));
      }
      return replies;
    });

    const results = await Promise.all(clients);
    results.forEach((replies, id) => {
      expect(replies).toHaveLength(5);
      replies.forEach((reply, round) => {
        expect(reply).toMatch(new RegExp(`^client ${id} request ${round} answered by [0-4]$`));
      });
    });
    expect([...served.values()].reduce((sum, n) => sum + n, 0)).toBe(50);
    await device.close();
    expect(device.frontend.closed).toBe(true);
    await device.done;
    // The workers' loops end when their sockets are closed after the test.
    void workers;
  });
});

describe("FORWARDER device (XSUB / XPUB)", () => {
  it("sends subscriptions upstream and gives late subscribers only their topics", async () => {
    const device = track(
      await forwarderDevice(makeContext(), {
        frontend: { bind: TCP_ANY },
        backend: { bind: TCP_ANY },
      }),
    );
    const publisher = track(new zmq.XPublisher());
    publisher.connect(device.frontend.lastEndpoint!);

    const early = track(new zmq.Subscriber());
    early.subscribe("weather");
    early.connect(device.backend.lastEndpoint!);
    // The subscription travels subscriber → XPUB → proxy → XSUB → the libzmq XPUB upstream.
    const [first] = await publisher.receive();
    expect([...first!]).toEqual([1, ...Buffer.from("weather")]);

    await publisher.send("weather sunny");
    await publisher.send("sports 3-1");
    expect(String((await early.receive())[0])).toBe("weather sunny");

    const late = track(new zmq.Subscriber());
    late.subscribe("sports");
    late.connect(device.backend.lastEndpoint!);
    const [second] = await publisher.receive();
    expect([...second!]).toEqual([1, ...Buffer.from("sports")]);

    await publisher.send("weather rain");
    await publisher.send("sports 2-2");
    await publisher.send("news none of yours");
    await publisher.send("weather end");
    await publisher.send("sports end");
    const earlyGot = [await early.receive(), await early.receive()].map((m) => String(m[0]));
    const lateGot = [await late.receive(), await late.receive()].map((m) => String(m[0]));
    expect(earlyGot).toEqual(["weather rain", "weather end"]);
    expect(lateGot).toEqual(["sports 2-2", "sports end"]);

    // Unsubscribing travels upstream too (as a cancel, \x00topic).
    late.unsubscribe("sports");
    const [cancel] = await publisher.receive();
    expect([...cancel!]).toEqual([0, ...Buffer.from("sports")]);
    await device.close();
  });
});

describe("STREAMER device (PULL / PUSH)", () => {
  it("spreads work fairly over 3 libzmq workers", async () => {
    const device = track(
      await streamerDevice(makeContext(), {
        frontend: { bind: TCP_ANY },
        backend: { bind: TCP_ANY },
      }),
    );
    const attached = monitorEvents(device.backend, "handshake", 3);
    const workers = Array.from({ length: 3 }, () => {
      const worker = track(new zmq.Pull());
      worker.connect(device.backend.lastEndpoint!);
      return worker;
    });
    await attached;

    const producer = track(new zmq.Push());
    producer.connect(device.frontend.lastEndpoint!);
    const jobs = 60;
    for (let i = 0; i < jobs; i++) await producer.send(`job ${i}`);

    const received = await Promise.all(
      workers.map(async (worker) => {
        const got: number[] = [];
        for (let i = 0; i < jobs / 3; i++) {
          const [body] = await worker.receive();
          got.push(Number(String(body).slice(4)));
        }
        return got;
      }),
    );
    // Round robin: each worker gets every third job, in order.
    for (const got of received) {
      expect(got).toHaveLength(jobs / 3);
      expect(got.every((job, i) => i === 0 || job - got[i - 1]! === 3)).toBe(true);
    }
    expect(received.flat().sort((a, b) => a - b)).toEqual(
      Array.from({ length: jobs }, (_, i) => i),
    );
    await device.close();
  });
});
