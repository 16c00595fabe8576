import { DealerSocket, PairSocket, PullSocket, PushSocket, RepSocket } from "@zmtp/patterns";
import { describe, expect, it } from "vitest";
import * as zmq from "zeromq";
import {
  type ControlCommand,
  controlMessage,
  decodeStatistics,
  encodeStatistics,
  parseControlCommand,
  poll,
  steerableProxy,
} from "../src/index";
import { bindAny, bytes, makeContext, message, receive, send, texts, track } from "./helpers";

/** Sends a command from a libzmq REQ and returns the reply frames. */
async function command(control: zmq.Request, name: ControlCommand): Promise<Buffer[]> {
  await control.send(name);
  return control.receive();
}

/** The eight counters as libzmq would read them: u64 in the byte order of an x86/ARM host. */
function readCounters(reply: Buffer[]): bigint[] {
  expect(reply).toHaveLength(8);
  return reply.map((frame) => {
    expect(frame).toHaveLength(8);
    return frame.readBigUInt64LE(0);
  });
}

describe("steerable proxy", () => {
  it("PAUSE stops the flow, RESUME restarts it with nothing lost, TERMINATE ends it", async () => {
    const context = makeContext();
    const frontend = track(new PullSocket(context));
    const backend = track(new PushSocket(context));
    const control = track(new RepSocket(context));
    frontend.options.receiveHighWaterMark = 20;
    backend.options.sendHighWaterMark = 20;
    const producer = track(new zmq.Push());
    const consumer = track(new zmq.Pull());
    const controller = track(new zmq.Request());
    producer.connect(await bindAny(frontend));
    consumer.connect(await bindAny(backend));
    controller.connect(await bindAny(control));
    const handle = steerableProxy(frontend, backend, undefined, control);

    // PAUSE means pause (libzmq 4.3.5 swapped PAUSE and RESUME; zmtp follows 4.3.4 and master).
    // A REP control socket gets an empty reply, so the command has taken effect when it arrives.
    expect((await command(controller, "PAUSE")).map(String)).toEqual([""]);
    expect(handle.state).toBe("paused");

    const count = 100; // more than the proxy-side marks hold: the rest waits in the producer
    for (let i = 0; i < count; i++) await producer.send(`job ${i}`);
    await poll([{ socket: frontend, readable: true }], 5_000);
    const paused = readCounters(await command(controller, "STATISTICS"));
    expect(paused).toEqual([0n, 0n, 0n, 0n, 0n, 0n, 0n, 0n]);
    expect(frontend.readable).toBe(true);
    consumer.receiveTimeout = 0;
    await expect(consumer.receive()).rejects.toMatchObject({ code: "EAGAIN" });
    consumer.receiveTimeout = -1;

    expect((await command(controller, "RESUME")).map(String)).toEqual([""]);
    expect(handle.state).toBe("active");
    let expectedBytes = 0;
    for (let i = 0; i < count; i++) {
      const [body] = await consumer.receive();
      expect(String(body)).toBe(`job ${i}`);
      expectedBytes += `job ${i}`.length;
    }

    const stats = readCounters(await command(controller, "STATISTICS"));
    const n = BigInt(count);
    const b = BigInt(expectedBytes);
    expect(stats).toEqual([n, b, 0n, 0n, 0n, 0n, n, b]);

    expect((await command(controller, "TERMINATE")).map(String)).toEqual([""]);
    await handle.done;
    expect(handle.state).toBe("terminated");
  });

  it("STATISTICS counts frames and bytes on both sides in libzmq's order", async () => {
    const context = makeContext();
    const frontend = track(new DealerSocket(context));
    const backend = track(new DealerSocket(context));
    const control = track(new RepSocket(context));
    const client = track(new zmq.Dealer());
    const worker = track(new zmq.Dealer());
    const controller = track(new zmq.Request());
    client.connect(await bindAny(frontend));
    worker.connect(await bindAny(backend));
    controller.connect(await bindAny(control));
    const handle = steerableProxy(frontend, backend, undefined, control);

    for (let i = 0; i < 3; i++) {
      await client.send(["a", "bb"]); // 2 frames, 3 bytes each way in
      const request = await worker.receive();
      expect(request.map(String)).toEqual(["a", "bb"]);
      await worker.send("ccc"); // 1 frame, 3 bytes
      expect((await client.receive()).map(String)).toEqual(["ccc"]);
    }
    const reply = await command(controller, "STATISTICS");
    // frontend: received 6 frames / 9 bytes, sent 3 / 9; backend: received 3 / 9, sent 6 / 9.
    expect(readCounters(reply)).toEqual([6n, 9n, 3n, 9n, 3n, 9n, 6n, 9n]);
    expect(decodeStatistics(reply)).toEqual({
      frontend: { received: { frames: 6, bytes: 9 }, sent: { frames: 3, bytes: 9 } },
      backend: { received: { frames: 3, bytes: 9 }, sent: { frames: 6, bytes: 9 } },
    });
    expect(handle.statistics().frontend.received.messages).toBe(3);
    handle.terminate();
  });

  it("answers only STATISTICS on a PAIR control socket (as libzmq 4.3.4 does)", async () => {
    const context = makeContext();
    const frontend = track(new PullSocket(context));
    const backend = track(new PushSocket(context));
    const control = track(new PairSocket(context));
    const steering = track(new PairSocket(context));
    await bindAny(frontend);
    await bindAny(backend);
    await control.bind("inproc://steer-pair");
    steering.connect("inproc://steer-pair");
    const handle = steerableProxy(frontend, backend, undefined, control);

    await send(steering, controlMessage("PAUSE"));
    await send(steering, message("NOT A COMMAND"));
    await send(steering, controlMessage("STATISTICS"));
    const reply = await receive(steering);
    expect(reply).toHaveLength(8); // no empty reply came before it
    expect(handle.state).toBe("paused");
    await send(steering, controlMessage("TERMINATE"));
    await handle.done;
    expect(steering.readable).toBe(false);
  });

  it("parses commands exactly and round-trips the counters", () => {
    expect(parseControlCommand([bytes("PAUSE")])).toBe("PAUSE");
    expect(parseControlCommand([bytes("pause")])).toBeUndefined();
    expect(parseControlCommand([bytes("PAUSED")])).toBeUndefined();
    expect(parseControlCommand([])).toBeUndefined();
    const statistics = {
      frontend: { received: { frames: 1, bytes: 2 }, sent: { frames: 3, bytes: 4 } },
      backend: { received: { frames: 5, bytes: 6 }, sent: { frames: 7, bytes: 2 ** 40 } },
    };
    const encoded = encodeStatistics(statistics);
    expect(texts([encoded[0]!.subarray(1)])).toEqual(["\0\0\0\0\0\0\0"]);
    expect(encoded[0]![0]).toBe(1); // little-endian
    expect(decodeStatistics(encoded)).toEqual(statistics);
    expect(() => decodeStatistics(encoded.slice(1))).toThrow(RangeError);
  });
});
