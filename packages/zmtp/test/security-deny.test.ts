/**
 * Deny paths: wrong password, unknown client key, denied address, wrong server key. Each time
 * the handshake fails with the monitor event libzmq gives (handshake:error:auth status 400 for
 * ZAP denials, handshake:error:protocol with the ERR_ code otherwise), nothing is delivered,
 * and the server goes on serving a good client.
 */
import { afterEach, describe, expect, it } from "vitest";
import * as native from "zeromq";
import * as zmq from "../src/index";
import {
  clientOptions,
  type EventLike,
  endpoint,
  nextEvent,
  POLICY,
  serverOptions,
  USER,
} from "./security-helpers";

const cleanup: (() => void)[] = [];
afterEach(() => {
  for (const close of cleanup.splice(0).reverse()) close();
});
function track<T extends { close(): void }>(socket: T): T {
  cleanup.push(() => socket.close());
  return socket;
}

async function zmtpServer(
  options: Record<string, unknown>,
  policy: zmq.ZapHandlerOptions = POLICY,
): Promise<{ server: zmq.Pull; context: zmq.Context; decisions: string[] }> {
  const context = new zmq.Context();
  const handler = new zmq.ZapHandler({ ...policy, context });
  const decisions: string[] = [];
  handler.onDecision((d) =>
    decisions.push(`${d.mechanism} ${d.address} ${d.statusCode} ${d.reason}`),
  );
  await handler.start();
  cleanup.push(() => handler.close());
  const server = track(new zmq.Pull({ context, linger: 0, receiveTimeout: 5000, ...options }));
  await server.bind(endpoint("tcp"));
  return { server, context, decisions };
}

/** The good client still gets through, and the only message delivered is its own. */
async function servesGoodClient(
  server: zmq.Pull,
  address: string,
  options: Record<string, unknown>,
) {
  const good = track(new native.Push({ linger: 0, ...options }));
  good.connect(address);
  await good.send("good");
  expect((await server.receive()).map(String)).toEqual(["good"]);
}

describe("deny paths (zmtp server, libzmq clients)", () => {
  it("wrong password: handshake:error:auth 400 on both sides, nothing delivered", async () => {
    const { server, decisions } = await zmtpServer(serverOptions("PLAIN"));
    const refused = nextEvent(server, "handshake:error:auth");
    const bad = track(
      new native.Push({ linger: 0, ...clientOptions("PLAIN", { plainPassword: "wrong" }) }),
    );
    const badRefused = nextEvent(bad as never, "handshake:error:auth");
    bad.connect(server.lastEndpoint!);
    void bad.send("bad").catch(() => {});
    expect((await refused).error?.status).toBe(400);
    // The client got our ERROR "400": libzmq reports it as an auth failure too.
    expect((await badRefused).error?.status).toBe(400);
    await servesGoodClient(server, server.lastEndpoint!, clientOptions("PLAIN"));
    expect(decisions.some((d) => d.includes("400 bad password"))).toBe(true);
    expect(zmq.lastPeer(server)?.userId).toBe(USER.name);
  });

  it("unknown CURVE client key: handshake:error:auth 400, nothing delivered", async () => {
    const { server } = await zmtpServer(serverOptions("CURVE"));
    const refused = nextEvent(server, "handshake:error:auth");
    const stranger = zmq.curveKeyPair();
    const bad = track(
      new native.Push({
        linger: 0,
        ...clientOptions("CURVE", {
          curvePublicKey: stranger.publicKey,
          curveSecretKey: stranger.secretKey,
        }),
      }),
    );
    bad.connect(server.lastEndpoint!);
    void bad.send("bad").catch(() => {});
    expect((await refused).error?.status).toBe(400);
    await servesGoodClient(server, server.lastEndpoint!, clientOptions("CURVE"));
  });

  it("denied address (NULL with a ZAP domain): handshake:error:auth 400; ipc peers still served", async () => {
    const { server, decisions } = await zmtpServer(
      { zapDomain: "global" },
      { deny: ["127.0.0.0/8"] },
    );
    const tcpAddress = server.lastEndpoint!;
    const ipcAddress = endpoint("ipc");
    await server.bind(ipcAddress);
    const refused = nextEvent(server, "handshake:error:auth");
    const bad = track(new native.Push({ linger: 0 }));
    const firstTcp = decisions.length;
    bad.connect(tcpAddress);
    void bad.send("bad").catch(() => {});
    expect((await refused).error?.status).toBe(400);
    expect(decisions[firstTcp]).toMatch(/^NULL (::ffff:)?127\.0\.0\.1 400 address denied$/);
    await servesGoodClient(server, ipcAddress, {});
  });

  it("wrong server key: handshake:error:protocol ERR_ZMTP_CRYPTOGRAPHIC, nothing delivered", async () => {
    const { server } = await zmtpServer(serverOptions("CURVE"));
    const failed = nextEvent(server, "handshake:error:protocol");
    const bad = track(
      new native.Push({
        linger: 0,
        ...clientOptions("CURVE", { curveServerKey: zmq.curveKeyPair().publicKey }),
      }),
    );
    bad.connect(server.lastEndpoint!);
    void bad.send("bad").catch(() => {});
    expect((await failed).error?.code).toBe("ERR_ZMTP_CRYPTOGRAPHIC");
    await servesGoodClient(server, server.lastEndpoint!, clientOptions("CURVE"));
  });
});

describe("deny paths (libzmq server, zmtp clients)", () => {
  it("wrong server key: libzmq reports ERR_ZMTP_CRYPTOGRAPHIC, nothing delivered", async () => {
    const server = track(
      new native.Pull({ linger: 0, receiveTimeout: 5000, ...serverOptions("CURVE") }),
    );
    await server.bind("tcp://127.0.0.1:*");
    const failed: Promise<EventLike> = nextEvent(server as never, "handshake:error:protocol");
    const bad = track(
      new zmq.Push({
        linger: 0,
        ...clientOptions("CURVE", { curveServerKey: zmq.curveKeyPair().publicKey }),
      }),
    );
    bad.connect(server.lastEndpoint!);
    void bad.send("bad").catch(() => {});
    expect((await failed).error?.code).toBe("ERR_ZMTP_CRYPTOGRAPHIC");
    const good = track(new zmq.Push({ linger: 0, ...clientOptions("CURVE") }));
    good.connect(server.lastEndpoint!);
    await good.send("good");
    expect((await server.receive()).map(String)).toEqual(["good"]);
  });

  it("wrong password against a libzmq ZAP handler: our client reports auth 400", async () => {
    const context = new native.Context();
    const { nativeZapHandler } = await import("./security-helpers");
    const handler = await nativeZapHandler(context);
    cleanup.push(() => handler.close());
    const server = track(new native.Pull({ context, linger: 0, ...serverOptions("PLAIN") }));
    await server.bind("tcp://127.0.0.1:*");
    const bad = track(
      new zmq.Push({ linger: 0, ...clientOptions("PLAIN", { plainPassword: "x" }) }),
    );
    const refused = nextEvent(bad, "handshake:error:auth");
    bad.connect(server.lastEndpoint!);
    expect((await refused).error?.status).toBe(400);
  });
});
