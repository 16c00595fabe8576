/**
 * The zeromq.js `Proxy` class. The shared cases run against both zmtp and the native `zeromq`
 * package, so the expected behaviour is libzmq's; pause() / resume() are checked on zmtp only,
 * since the libzmq 4.3.5 inside zeromq 6.x has PAUSE and RESUME swapped.
 */

import { poll } from "@zmtp/devices";
import { describe, expect, it } from "vitest";
import * as native from "zeromq";
import * as zmtp from "../src/index";
import { stateOf } from "../src/socket";
import { track } from "./track";

type Lib = typeof native | typeof zmtp;
const LIBS: [string, Lib][] = [
  ["zmtp", zmtp],
  ["zeromq", native],
];

const ANY = "tcp://127.0.0.1:*";

/** The error an operation throws or rejects with (zeromq.js does both, depending on the call). */
async function failure(operation: () => unknown): Promise<{ code?: string; message: string }> {
  try {
    await operation();
  } catch (error) {
    return error as { code?: string; message: string };
  }
  throw new Error("the operation succeeded");
}

function makeProxy(lib: Lib) {
  const front = track(new lib.Router());
  const back = track(new lib.Dealer());
  // biome-ignore lint/suspicious/noExplicitAny: the two libraries' socket types differ nominally
  return new (lib.Proxy as any)(front, back) as native.Proxy<native.Router, native.Dealer>;
}

for (const [name, lib] of LIBS) {
  describe(`Proxy (${name})`, () => {
    it("refuses to run with a front end neither bound nor connected", async () => {
      const proxy = makeProxy(lib);
      await proxy.backEnd.bind(ANY);
      expect(await failure(() => proxy.run())).toMatchObject({
        code: "EINVAL",
        message: "Front-end socket must be bound or connected",
      });
    });

    it("refuses to run with a back end neither bound nor connected", async () => {
      const proxy = makeProxy(lib);
      await proxy.frontEnd.bind(ANY);
      expect(await failure(() => proxy.run())).toMatchObject({
        code: "EINVAL",
        message: "Back-end socket must be bound or connected",
      });
    });

    it("refuses to run with a closed front end", async () => {
      const proxy = makeProxy(lib);
      await proxy.frontEnd.bind(ANY);
      await proxy.backEnd.bind(ANY);
      proxy.frontEnd.close();
      expect(await failure(() => proxy.run())).toMatchObject({
        code: "EINVAL",
        message: "Front-end socket must be bound or connected",
      });
    });

    it("fails pause / resume / terminate with EBADF before run()", async () => {
      const proxy = makeProxy(lib);
      for (const call of [() => proxy.pause(), () => proxy.resume(), () => proxy.terminate()]) {
        expect(await failure(call)).toMatchObject({ code: "EBADF", message: "Socket is closed" });
      }
    });

    it("runs with sockets that are only connected", async () => {
      const proxy = makeProxy(lib);
      const peers = [track(new lib.Dealer()), track(new lib.Router())];
      await peers[0]!.bind(ANY);
      await peers[1]!.bind(ANY);
      proxy.frontEnd.connect(peers[0]!.lastEndpoint!);
      proxy.backEnd.connect(peers[1]!.lastEndpoint!);
      const running = proxy.run();
      proxy.terminate();
      await running;
      expect(proxy.frontEnd.closed).toBe(true);
    });

    it("brokers requests until terminate(), then closes both sockets", async () => {
      const proxy = makeProxy(lib);
      expect(proxy.frontEnd).toBeInstanceOf(lib.Router);
      expect(proxy.backEnd).toBeInstanceOf(lib.Dealer);
      await proxy.frontEnd.bind(ANY);
      await proxy.backEnd.bind(ANY);
      const frontAddress = proxy.frontEnd.lastEndpoint!;
      const backAddress = proxy.backEnd.lastEndpoint!;

      const worker = track(new lib.Reply());
      worker.connect(backAddress);
      const client = track(new lib.Request());
      client.connect(frontAddress);
      const running = proxy.run();

      // While running, the proxy owns its sockets.
      expect(await failure(() => proxy.frontEnd.send(["x", "", "y"]))).toMatchObject({
        code: "EBUSY",
        message: "Socket is blocked by a bind or unbind operation",
      });

      for (let i = 0; i < 3; i++) {
        await client.send(`request ${i}`);
        const [request] = await worker.receive();
        await worker.send(`reply to ${request}`);
        const [reply] = await client.receive();
        expect(String(reply)).toBe(`reply to request ${i}`);
      }

      proxy.terminate();
      await running;
      expect(proxy.frontEnd.closed).toBe(true);
      expect(proxy.backEnd.closed).toBe(true);
      expect(await failure(() => proxy.terminate())).toMatchObject({
        code: "EBADF",
        message: "Socket is closed",
      });
      expect(await failure(() => proxy.run())).toMatchObject({ code: "EINVAL" });
    });
  });
}

describe("Proxy (zmtp) pause and resume", () => {
  it("pause() holds requests back and resume() lets them through", async () => {
    const proxy = new zmtp.Proxy(track(new zmtp.Router()), track(new zmtp.Dealer()));
    await proxy.frontEnd.bind(ANY);
    await proxy.backEnd.bind(ANY);
    const worker = track(new native.Reply());
    worker.connect(proxy.backEnd.lastEndpoint!);
    const client = track(new native.Request());
    client.connect(proxy.frontEnd.lastEndpoint!);
    const running = proxy.run();

    proxy.pause();
    await client.send("held");
    // The request reaches the proxy's front end and stays there.
    const front = stateOf(proxy.frontEnd).core;
    expect(await poll([{ socket: front, readable: true }], 5_000)).toHaveLength(1);
    await new Promise((resolve) => setImmediate(resolve));
    expect(front.readable).toBe(true);
    worker.receiveTimeout = 0;
    expect(await failure(() => worker.receive())).toMatchObject({ code: "EAGAIN" });
    worker.receiveTimeout = -1;

    proxy.resume();
    const [request] = await worker.receive();
    expect(String(request)).toBe("held");
    await worker.send("released");
    expect(String((await client.receive())[0])).toBe("released");

    proxy.terminate();
    await running;
  });

  it("is constructed like zeromq.js's", () => {
    // biome-ignore lint/suspicious/noExplicitAny: calling with wrong arguments on purpose
    const AnyProxy = zmtp.Proxy as any;
    expect(() => new AnyProxy()).toThrow(new TypeError("Front-end must be a socket object"));
    expect(() => new AnyProxy(track(new zmtp.Dealer()))).toThrow(
      new TypeError("Back-end must be a socket object"),
    );
    const a = track(new zmtp.Dealer());
    const b = track(new zmtp.Dealer());
    expect(() => new AnyProxy(a, b, a)).toThrow(new TypeError("Expected 2 arguments"));
    expect(() => new AnyProxy({}, {})).toThrow("Invalid argument");
  });
});
