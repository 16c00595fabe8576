// Monitor events (`socket.events`): zeromq.js's names and payloads over libzmq's ZMQ_EVENT_*,
// in the order libzmq reports them, read with receive() / for await or with on() / off().

import { createServer, type Server } from "node:net";
import { afterEach, expect, it } from "vitest";
import type { Observer } from "zeromq";
import { nextEvent, WAIT_MS, waitFor, within } from "../helpers.js";
import { describeEach } from "./each.js";

/** An event as the tests read it (zeromq.js types each event kind separately). */
interface Event {
  type: string;
  address?: string;
  interval?: number;
  error?: { code?: string; status?: number };
}

/** Records every event of a socket in emitter mode. */
function record(events: Observer): Event[] {
  const log: Event[] = [];
  for (const type of [
    "accept",
    "accept:error",
    "bind",
    "bind:error",
    "connect",
    "connect:delay",
    "connect:retry",
    "close",
    "close:error",
    "disconnect",
    "end",
    "handshake",
    "handshake:error:protocol",
    "handshake:error:auth",
    "handshake:error:other",
  ] as const) {
    events.on(type, (event: unknown) => log.push(event as Event));
  }
  return log;
}

const types = (log: readonly Event[]) => log.map((event) => event.type);

const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});

/** A tcp server that accepts and at once closes each connection. */
async function droppingServer(): Promise<string> {
  const server = createServer((socket) => socket.destroy());
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("no port");
  return `tcp://127.0.0.1:${address.port}`;
}

describeEach("monitor events", ({ zmq, track }) => {
  it("bind, accept, handshake, disconnect, close, end on the binding side, in order", async () => {
    const pull = track(new zmq.Pull());
    const log = record(pull.events);
    await pull.bind("tcp://127.0.0.1:*");
    const endpoint = pull.lastEndpoint!;
    const push = track(new zmq.Push());
    push.connect(endpoint);
    await push.send("x");
    await pull.receive();
    await waitFor(() => types(log).includes("handshake"));
    push.close();
    await waitFor(() => types(log).includes("disconnect"));
    await pull.unbind(endpoint);
    await waitFor(() => types(log).includes("close"));
    pull.close();
    await waitFor(() => types(log).includes("end"));
    expect(types(log)).toEqual(["bind", "accept", "handshake", "disconnect", "close", "end"]);
    expect(log.slice(0, 5).map((event) => event.address)).toEqual(Array(5).fill(endpoint));
    expect(log[5]!.address).toBeUndefined();
  });

  it("connect:delay, connect, handshake, then end on the connecting side", async () => {
    const pull = track(new zmq.Pull());
    await pull.bind("tcp://127.0.0.1:*");
    const endpoint = pull.lastEndpoint!;
    const push = track(new zmq.Push());
    const log = record(push.events);
    push.connect(endpoint);
    await push.send("x");
    await pull.receive();
    await waitFor(() => types(log).includes("handshake"));
    push.close();
    await waitFor(() => types(log).includes("end"));
    expect(types(log)).toEqual(["connect:delay", "connect", "handshake", "end"]);
    expect(log.slice(0, 3).map((event) => event.address)).toEqual(Array(3).fill(endpoint));
  });

  it("the peer going away: disconnect, then connect:retry with an interval", async () => {
    const pull = track(new zmq.Pull());
    await pull.bind("tcp://127.0.0.1:*");
    const push = track(new zmq.Push({ reconnectInterval: 50 }));
    const events = push.events;
    const endpoint = pull.lastEndpoint!;
    push.connect(endpoint);
    await nextEvent(events, "handshake");
    pull.close();
    const disconnect = (await events.receive()) as unknown as Event;
    expect(disconnect).toEqual({ type: "disconnect", address: endpoint });
    const retry = (await nextEvent(events, "connect:retry")) as unknown as Event;
    expect(retry.address).toBe(endpoint);
    expect(retry.interval).toBeGreaterThanOrEqual(50);
    expect(retry.interval).toBeLessThan(100);
  });

  it("a failed connect attempt: connect:delay, close, connect:retry", async () => {
    const endpoint = await closedPort();
    const push = track(new zmq.Push({ reconnectInterval: 40 }));
    const log = record(push.events);
    push.connect(endpoint);
    await waitFor(() => types(log).filter((type) => type === "connect:retry").length >= 2);
    expect(types(log).slice(0, 6)).toEqual([
      "connect:delay",
      "close",
      "connect:retry",
      "connect:delay",
      "close",
      "connect:retry",
    ]);
    expect(new Set(log.map((event) => event.address))).toEqual(new Set([endpoint]));
  });

  it("bind:error with EADDRINUSE, and the bind rejects with the address", async () => {
    const first = track(new zmq.Pull());
    await first.bind("tcp://127.0.0.1:*");
    const endpoint = first.lastEndpoint!;
    const second = track(new zmq.Pull());
    const events = second.events;
    const error = (await second.bind(endpoint).catch((e: unknown) => e)) as Error & {
      code?: string;
      address?: string;
    };
    expect([error.code, error.address, error.message]).toEqual([
      "EADDRINUSE",
      endpoint,
      "Address already in use",
    ]);
    const event = (await nextEvent(events, "bind:error")) as unknown as Event;
    expect(event.error?.code).toBe("EADDRINUSE");
    // libzmq reports the address without the transport prefix here.
    expect(event.address).toContain(endpoint.replace("tcp://", ""));
  });

  it("handshake:error:protocol ERR_ZMTP_MECHANISM_MISMATCH on both sides (PLAIN server, NULL client)", async () => {
    const server = track(new zmq.Pull({ plainServer: true }));
    await server.bind("tcp://127.0.0.1:*");
    const client = track(new zmq.Push());
    const serverEvents = server.events;
    const clientEvents = client.events;
    client.connect(server.lastEndpoint!);
    for (const events of [serverEvents, clientEvents]) {
      const failure = (await nextEvent(events, [
        "handshake",
        "handshake:error:protocol",
      ])) as unknown as Event;
      expect(failure.type).toBe("handshake:error:protocol");
      expect(failure.address).toBe(server.lastEndpoint);
      expect(failure.error?.code).toBe("ERR_ZMTP_MECHANISM_MISMATCH");
      expect((await events.receive()).type).toBe("disconnect");
    }
  });

  it("handshake:error:other when the peer closes during the handshake, then disconnect and retry", async () => {
    const endpoint = await droppingServer();
    const push = track(new zmq.Push({ reconnectInterval: 50 }));
    const log = record(push.events);
    push.connect(endpoint);
    await waitFor(() => types(log).includes("connect:retry"));
    expect(types(log).slice(0, 5)).toEqual([
      "connect:delay",
      "connect",
      "handshake:error:other",
      "disconnect",
      "connect:retry",
    ]);
    expect(["EPIPE", "ECONNRESET"]).toContain(log[2]!.error?.code);
  });

  it("handshake:error:auth with the ZAP status when a ZAP handler denies", async () => {
    const handler = track(new zmq.Router());
    await handler.bind("inproc://zeromq.zap.01");
    void (async () => {
      try {
        for (;;) {
          const [id, delimiter, version, requestId] = await handler.receive();
          await handler.send([id!, delimiter!, version!, requestId!, "400", "denied", "", ""]);
        }
      } catch {
        // Closed at the end of the test.
      }
    })();
    const server = track(
      new zmq.Pull({ plainServer: true, zapDomain: "test", reconnectInterval: 1000 }),
    );
    await server.bind("tcp://127.0.0.1:*");
    const client = track(new zmq.Push({ plainUsername: "u", plainPassword: "p" }));
    const serverEvents = server.events;
    const clientEvents = client.events;
    client.connect(server.lastEndpoint!);
    for (const events of [serverEvents, clientEvents]) {
      const failure = (await nextEvent(events, [
        "handshake",
        "handshake:error:auth",
      ])) as unknown as Event;
      expect(failure.type).toBe("handshake:error:auth");
      expect(failure.error?.status).toBe(400);
      expect(failure.address).toBe(server.lastEndpoint);
    }
  });

  it("emitter mode: on() delivers, off() stops, receive() then throws", async () => {
    const pull = track(new zmq.Pull());
    const events = pull.events;
    expect(pull.events).toBe(events);
    const seen: string[] = [];
    const listener = (event: unknown) => seen.push((event as Event).address ?? "");
    events.on("bind", listener);
    expect(() => events.receive()).toThrow(
      "Observer is in event emitter mode. After a call to events.on() it is not possible to read events with events.receive().",
    );
    await pull.bind("tcp://127.0.0.1:*");
    await waitFor(() => seen.length === 1);
    events.off("bind", listener);
    await pull.bind("tcp://127.0.0.1:*");
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(seen).toEqual([expect.stringMatching(/^tcp:\/\/127\.0\.0\.1:\d+$/)]);
  });

  it("async iteration yields the events and ends after end", async () => {
    const pull = track(new zmq.Pull());
    const events = pull.events;
    const seen: string[] = [];
    const done = (async () => {
      for await (const event of events) seen.push(event.type);
    })();
    await pull.bind("tcp://127.0.0.1:*");
    pull.close();
    await within(done, WAIT_MS, "the event iteration");
    expect(seen).toEqual(["bind", "close", "end"]);
    expect(events.closed).toBe(true);
  });
});

/** A tcp endpoint nothing listens on. */
async function closedPort(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("no port");
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `tcp://127.0.0.1:${address.port}`;
}
