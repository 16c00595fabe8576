import { createServer, type LookupFunction, Socket } from "node:net";
import { networkInterfaces } from "node:os";
import {
  type Connection,
  isZmqError,
  parseEndpoint,
  type TransportOptions,
  ZmqError,
} from "@zmtp/spec";
import { record, TransportHarness } from "@zmtp/testkit";
import { afterEach, describe, expect, it, vi } from "vitest";
import { TcpTransport, tcp, unmapIpv4 } from "../src/index";

const hasIpv6Loopback = Object.values(networkInterfaces()).some((entries) =>
  entries?.some((entry) => entry.family === "IPv6" && entry.address === "::1"),
);

/** A resolver that never answers: the connect hangs until its timeout or abort. */
const silentLookup: LookupFunction = () => {};

function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
}

let harness: TransportHarness;
function setup(transport = tcp(), options: TransportOptions = {}): TransportHarness {
  harness = new TransportHarness(transport, options);
  return harness;
}
afterEach(async () => {
  await harness?.dispose();
  vi.restoreAllMocks();
});

describe("tcp listen", () => {
  it("reports tcp://0.0.0.0:PORT for * and accepts IPv4 peers with bare peer hosts", async () => {
    const h = setup();
    const { listener, accepted } = await h.listen("tcp://*:*");
    expect(listener.endpoint).toMatch(/^tcp:\/\/0\.0\.0\.0:\d+$/);
    const port = Number(listener.endpoint.split(":").pop());
    const client = await h.connect(`tcp://127.0.0.1:${port}`);
    const server = await accepted.next();
    expect(client.remoteAddress).toBe(`tcp://127.0.0.1:${port}`);
    expect(server.peerHost).toBe("127.0.0.1");
    expect(server.localAddress).toBe(`tcp://127.0.0.1:${port}`);
    expect(server.remoteAddress).toBe(client.localAddress);
  });

  it("binds a host name through the resolver", async () => {
    const lookup: LookupFunction = (_host, _options, callback) => callback(null, "127.0.0.1", 4);
    const h = setup(new TcpTransport({ lookup }));
    const { listener } = await h.listen("tcp://my-service:*");
    expect(listener.endpoint).toMatch(/^tcp:\/\/127\.0\.0\.1:\d+$/);
  });

  it("rejects an unknown host with EINVAL", async () => {
    const lookup: LookupFunction = (host, _options, callback) =>
      callback(
        Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: "ENOTFOUND" }),
        "",
      );
    const h = setup(new TcpTransport({ lookup }));
    const error = await rejection(h.listen("tcp://nowhere.invalid:*"));
    expect(isZmqError(error, "EINVAL")).toBe(true);
    expect((error as ZmqError).address).toBe("tcp://nowhere.invalid:*");
  });

  it("rejects an address of no local interface with EADDRNOTAVAIL", async () => {
    const h = setup();
    // 203.0.113.0/24 is TEST-NET-3 (RFC 5737): never assigned to a host.
    const error = await rejection(h.listen("tcp://203.0.113.7:*"));
    expect(isZmqError(error, "EADDRNOTAVAIL")).toBe(true);
  });
});

describe.skipIf(!hasIpv6Loopback)("tcp over IPv6 (skipped: this machine has no ::1)", () => {
  it("binds and connects [::1], bracketing IPv6 in every endpoint", async () => {
    const h = setup();
    const { listener, accepted } = await h.listen("tcp://[::1]:*");
    expect(listener.endpoint).toMatch(/^tcp:\/\/\[::1\]:\d+$/);
    const client = await h.connect(listener.endpoint, { ipv6: true });
    const server = await accepted.next();
    expect(server.peerHost).toBe("::1");
    expect(server.remoteAddress).toMatch(/^tcp:\/\/\[::1\]:\d+$/);
    expect(client.remoteAddress).toBe(listener.endpoint);
    const atServer = record(server);
    client.write([Uint8Array.of(6)]);
    expect(await atServer.untilBytes(1)).toEqual(Uint8Array.of(6));
  });

  it("listens dual-stack on [::] for * with ipv6, reporting IPv4 peers unmapped", async () => {
    const h = setup(tcp(), { ipv6: true });
    const { listener, accepted } = await h.listen("tcp://*:*");
    expect(listener.endpoint).toMatch(/^tcp:\/\/\[::\]:\d+$/);
    const port = Number(listener.endpoint.split(":").pop());
    await h.connect(`tcp://127.0.0.1:${port}`, {});
    const server = await accepted.next();
    expect(server.peerHost).toBe("127.0.0.1");
    expect(server.remoteAddress).toMatch(/^tcp:\/\/127\.0\.0\.1:\d+$/);
  });
});

describe("tcp connect", () => {
  it("resolves a host name to IPv4 without the ipv6 option", async () => {
    const h = setup();
    const { listener, accepted } = await h.listen("tcp://127.0.0.1:*");
    const port = Number(listener.endpoint.split(":").pop());
    const client = await h.connect(`tcp://localhost:${port}`);
    await accepted.next();
    expect(client.remoteAddress).toBe(`tcp://127.0.0.1:${port}`);
  });

  it("connects from the source address of tcp://source;destination", async () => {
    const h = setup();
    // An ephemeral port nobody holds: bind one, read it, release it.
    const probe = await h.listen("tcp://127.0.0.1:*");
    await probe.listener.close();
    const sourcePort = Number(probe.listener.endpoint.split(":").pop());
    const { listener, accepted } = await h.listen("tcp://127.0.0.1:*");
    const destination = listener.endpoint.slice("tcp://".length);
    const client = await h.connect(`tcp://127.0.0.1:${sourcePort};${destination}`);
    const server = await accepted.next();
    expect(client.localAddress).toBe(`tcp://127.0.0.1:${sourcePort}`);
    expect(server.remoteAddress).toBe(`tcp://127.0.0.1:${sourcePort}`);
  });

  it("rejects with ETIMEDOUT after connectTimeout", async () => {
    const transport = new TcpTransport({ lookup: silentLookup });
    const endpoint = parseEndpoint("tcp://slow.example:5555");
    const error = await rejection(transport.connect(endpoint, { connectTimeout: 20 }));
    expect(isZmqError(error, "ETIMEDOUT")).toBe(true);
    expect((error as ZmqError).address).toBe("tcp://slow.example:5555");
  });

  it("stops a connect in progress when its signal aborts", async () => {
    const transport = new TcpTransport({ lookup: silentLookup });
    const controller = new AbortController();
    const pending = rejection(
      transport.connect(parseEndpoint("tcp://slow.example:5555"), { signal: controller.signal }),
    );
    controller.abort();
    const error = await pending;
    expect(isZmqError(error, "EINTR")).toBe(true);
  });

  it("rejects at once for an aborted signal, passing a ZmqError reason through", async () => {
    const transport = tcp();
    const reason = new ZmqError("ETERM");
    const error = await rejection(
      transport.connect(parseEndpoint("tcp://127.0.0.1:5555"), {
        signal: AbortSignal.abort(reason),
      }),
    );
    expect(error).toBe(reason);
  });

  it("rejects a wildcard destination with EINVAL", async () => {
    const error = await rejection(tcp().connect(parseEndpoint("tcp://*:*", "bind"), {}));
    expect(isZmqError(error, "EINVAL")).toBe(true);
  });

  it("rejects an endpoint of another transport with EINVAL", async () => {
    const error = await rejection(tcp().connect(parseEndpoint("ipc:///tmp/x"), {}));
    expect(isZmqError(error, "EINVAL")).toBe(true);
  });

  it("sets TCP_NODELAY and the keepalive options on every socket", async () => {
    const noDelay = vi.spyOn(Socket.prototype, "setNoDelay");
    const keepAlive = vi.spyOn(Socket.prototype, "setKeepAlive");
    const h = setup(tcp(), { tcpKeepalive: 1, tcpKeepaliveIdle: 30 });
    await h.pair("tcp://127.0.0.1:*");
    expect(noDelay).toHaveBeenCalledWith(true);
    expect(
      keepAlive.mock.calls.filter((call) => call[0] === true && call[1] === 30_000),
    ).toHaveLength(2);
  });
});

describe("tcp connection", () => {
  it("reports a reset by the peer as ECONNRESET", async () => {
    // Resets once the client's first byte proves the connect completed.
    const server = createServer((socket) => socket.once("data", () => socket.resetAndDestroy()));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const address = server.address();
      if (address === null || typeof address === "string") throw new Error("no address");
      const h = setup();
      const client = await h.connect(`tcp://127.0.0.1:${address.port}`);
      const atClient = record(client);
      client.write([Uint8Array.of(1)]);
      const error = await atClient.whenClosed;
      expect(isZmqError(error, "ECONNRESET")).toBe(true);
    } finally {
      server.close();
    }
  });

  it("sends each batch at once, in one writev", async () => {
    const h = setup();
    const { client, server } = await h.pair("tcp://127.0.0.1:*");
    const atServer = record(server);
    // _writev is Node's hook for the batched write of a corked stream.
    const prototype = Socket.prototype as unknown as Record<"_write" | "_writev", () => void>;
    const writev = vi.spyOn(prototype, "_writev");
    const write = vi.spyOn(prototype, "_write");
    client.write([Uint8Array.of(1), Uint8Array.of(2), Uint8Array.of(3)]);
    // Already handed to the socket, not waiting for a later tick.
    expect(writev).toHaveBeenCalledTimes(1);
    client.write([Uint8Array.of(4)]);
    expect(write).toHaveBeenCalledTimes(1);
    await atServer.untilBytes(4);
  });

  it("says written() only while no write waits for the kernel", async () => {
    const h = setup();
    const { client, server } = await h.pair("tcp://127.0.0.1:*");
    const atClient = record(client);
    const atServer = record(server);
    const written = () => (client as Connection & { written(): boolean }).written();
    expect(written()).toBe(true);
    // The server stops reading (its socket pauses when this byte arrives while paused): 32 MiB
    // cannot all reach the kernel's buffers.
    server.pause();
    client.write([Uint8Array.of(1)]);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const big = new Uint8Array(32 * 1024 * 1024);
    expect(client.write([big])).toBe(false);
    expect(written()).toBe(false);
    const drained = atClient.nextDrain();
    server.resume();
    await drained;
    expect(written()).toBe(true);
    await atServer.untilBytes(1 + big.length);
  });

  it("allocates small buffers from Node's pool and large ones with their own memory", async () => {
    const h = setup();
    const { client } = await h.pair("tcp://127.0.0.1:*");
    const allocate = (size: number) =>
      (client as Connection & { allocateBuffer(size: number): Uint8Array }).allocateBuffer(size);
    // A CURVE body or a straddling frame of a few hundred bytes shares a pool slab (no backing
    // store of its own per message); the engine's 64 KiB batches get their own.
    const small = allocate(300);
    expect(Buffer.isBuffer(small)).toBe(true);
    expect(small.length).toBe(300);
    expect(small.buffer.byteLength).toBe(Buffer.poolSize);
    const large = allocate(64 * 1024);
    expect(large.length).toBe(64 * 1024);
    expect(large.buffer.byteLength).toBe(64 * 1024);
  });

  it("unmaps IPv4-mapped IPv6 peer addresses", () => {
    expect(unmapIpv4("::ffff:10.1.2.3")).toBe("10.1.2.3");
    expect(unmapIpv4("::1")).toBe("::1");
    expect(unmapIpv4("fe80::ffff:1")).toBe("fe80::ffff:1");
  });
});

describe("tcp connection pause", () => {
  /** A server that sends `chunks` (each its own write) then FIN; resolves with its port. */
  async function serve(chunks: Buffer[]): Promise<number> {
    const server = createServer((socket) => {
      for (const chunk of chunks) socket.write(chunk);
      socket.end();
      server.close();
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return (server.address() as { port: number }).port;
  }

  it("holds data and the peer's FIN while paused, then hands over everything before closed", async () => {
    const sent = Buffer.alloc(256 * 1024, 7);
    const port = await serve([sent.subarray(0, 1000), sent.subarray(1000)]);
    const connection = await tcp().connect(parseEndpoint(`tcp://127.0.0.1:${port}`, "connect"), {});
    const events: string[] = [];
    let received = 0;
    const closed = new Promise<void>((resolve) => {
      connection.start({
        data: (chunk) => {
          received += chunk.length;
          events.push("data");
          // The first chunk fills the owner: it pauses, as an engine at its receive mark does.
          if (events.length === 1) connection.pause();
        },
        drain: () => {},
        closed: () => {
          events.push("closed");
          resolve();
        },
      });
    });
    // Give the peer time to send everything and its FIN; nothing may arrive while paused.
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(events).toEqual(["data"]);
    connection.resume();
    await closed;
    expect(received).toBe(sent.length);
    expect(events.at(-1)).toBe("closed");
  });

  it("pause and resume without a chunk in between do not touch the socket", async () => {
    const port = await serve([Buffer.from("hello")]);
    const connection = await tcp().connect(parseEndpoint(`tcp://127.0.0.1:${port}`, "connect"), {});
    const pause = vi.spyOn(Socket.prototype, "pause");
    const resume = vi.spyOn(Socket.prototype, "resume");
    const closed = new Promise<void>((resolve) => {
      connection.start({ data: () => {}, drain: () => {}, closed: () => resolve() });
    });
    const before = [pause.mock.calls.length, resume.mock.calls.length];
    for (let i = 0; i < 100; i++) {
      connection.pause();
      connection.resume();
    }
    expect([pause.mock.calls.length, resume.mock.calls.length]).toEqual(before);
    await closed;
  });
});
