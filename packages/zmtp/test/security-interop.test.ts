/**
 * PLAIN and CURVE against libzmq (native `zeromq` 6.8.0), both directions, tcp and ipc, with
 * and without a ZAP handler on the server side, over REQ-REP, DEALER-ROUTER, PUB-SUB and
 * PUSH-PULL. PLAIN without a handler must fail as libzmq's does ("handshake:error:other").
 */
import { afterEach, describe, expect, it } from "vitest";
import * as native from "zeromq";
import * as zmq from "../src/index";
import {
  clientKeys,
  clientOptions,
  endpoint,
  type Mechanism,
  nativeZapHandler,
  nextEvent,
  POLICY,
  type Side,
  serverOptions,
  sleep,
  USER,
} from "./security-helpers";

type Pattern = "REQ-REP" | "DEALER-ROUTER" | "PUB-SUB" | "PUSH-PULL";
/** What the tests use of a socket of either library. */
interface AnySocket {
  send(message: string | Buffer | (string | Buffer)[]): Promise<void>;
  receive(): Promise<Buffer[]>;
  bind(address: string): Promise<void>;
  connect(address: string): void;
  close(): void;
  readonly lastEndpoint: string | null;
  readonly securityMechanism: string | null;
  receiveTimeout: number;
}

const SERVER_CLASS = {
  "REQ-REP": "Reply",
  "DEALER-ROUTER": "Router",
  "PUB-SUB": "Publisher",
  "PUSH-PULL": "Pull",
} as const;
const CLIENT_CLASS = {
  "REQ-REP": "Request",
  "DEALER-ROUTER": "Dealer",
  "PUB-SUB": "Subscriber",
  "PUSH-PULL": "Push",
} as const;

const cleanup: (() => void)[] = [];
afterEach(() => {
  for (const close of cleanup.splice(0).reverse()) close();
});

function create(
  side: Side,
  name: string,
  options: Record<string, unknown>,
  context: unknown,
): AnySocket {
  const library = (side === "zmtp" ? zmq : native) as unknown as Record<
    string,
    new (
      options: Record<string, unknown>,
    ) => AnySocket
  >;
  const readable = name !== "Push" && name !== "Publisher";
  const socket = new library[name]!({
    linger: 0,
    ...(readable ? { receiveTimeout: 5000 } : {}),
    ...options,
    context,
  });
  cleanup.push(() => socket.close());
  return socket;
}

const str = (frame: Uint8Array) => Buffer.from(frame).toString();

/** One exchange in the pattern's direction(s); returns the server that received, if any. */
async function exchange(pattern: Pattern, server: AnySocket, client: AnySocket): Promise<void> {
  switch (pattern) {
    case "REQ-REP": {
      await client.send("ping");
      expect((await server.receive()).map(str)).toEqual(["ping"]);
      await server.send("pong");
      expect((await client.receive()).map(str)).toEqual(["pong"]);
      return;
    }
    case "DEALER-ROUTER": {
      await client.send(["ping", "2"]);
      const [id, ...rest] = await server.receive();
      expect(rest.map(str)).toEqual(["ping", "2"]);
      await server.send([id!, "pong"]);
      expect((await client.receive()).map(str)).toEqual(["pong"]);
      return;
    }
    case "PUB-SUB": {
      (client as unknown as zmq.Subscriber).subscribe("tick");
      let received: string[] | undefined;
      const pending = client.receive().then((message: Buffer[]) => {
        received = message.map(str);
      });
      while (received === undefined) {
        await server.send(["tick", "1"]);
        await Promise.race([pending, sleep(20)]);
      }
      expect(received).toEqual(["tick", "1"]);
      return;
    }
    case "PUSH-PULL": {
      await client.send(["job", "1"]);
      expect((await server.receive()).map(str)).toEqual(["job", "1"]);
      return;
    }
  }
}

const cases: [Mechanism, boolean, Side, "tcp" | "ipc", Pattern][] = [];
for (const mechanism of ["PLAIN", "CURVE"] as const)
  for (const zap of [true, false])
    for (const server of ["zmtp", "libzmq"] as const)
      for (const transport of ["tcp", "ipc"] as const)
        for (const pattern of ["REQ-REP", "DEALER-ROUTER", "PUB-SUB", "PUSH-PULL"] as const)
          cases.push([mechanism, zap, server, transport, pattern]);

describe("security interop with libzmq 4.3.5", () => {
  it.each(cases)(
    "%s, ZAP handler %s, %s server, %s, %s",
    async (mechanism, zap, side, transport, pattern) => {
      const clientSide: Side = side === "zmtp" ? "libzmq" : "zmtp";
      const serverContext = side === "zmtp" ? new zmq.Context() : new native.Context();
      const clientContext = clientSide === "zmtp" ? new zmq.Context() : new native.Context();
      if (zap) {
        if (side === "zmtp") {
          const handler = new zmq.ZapHandler({ ...POLICY, context: serverContext as zmq.Context });
          await handler.start();
          cleanup.push(() => handler.close());
        } else {
          const handler = await nativeZapHandler(serverContext as native.Context);
          cleanup.push(() => handler.close());
        }
      }
      const server = create(side, SERVER_CLASS[pattern], serverOptions(mechanism), serverContext);
      await server.bind(endpoint(transport));
      const client = create(
        clientSide,
        CLIENT_CLASS[pattern],
        clientOptions(mechanism),
        clientContext,
      );
      expect(server.securityMechanism).toBe(mechanism.toLowerCase());
      expect(client.securityMechanism).toBe(mechanism.toLowerCase());

      if (mechanism === "PLAIN" && !zap) {
        // libzmq: a PLAIN server needs a ZAP handler; without one, no detail and nothing delivered.
        const failed = nextEvent(server as never, "handshake:error:other");
        client.connect(server.lastEndpoint!);
        await failed;
        if (pattern === "PUSH-PULL") {
          void client.send("lost").catch(() => {});
          server.receiveTimeout = 200;
          await expect(server.receive()).rejects.toMatchObject({ code: "EAGAIN" });
        }
        return;
      }

      client.connect(server.lastEndpoint!);
      await exchange(pattern, server, client);
      if (side === "zmtp" && zap && pattern !== "PUB-SUB") {
        const peer = zmq.lastPeer(server as unknown as zmq.Socket)!;
        expect(peer.userId).toBe(mechanism === "PLAIN" ? USER.name : clientKeys.publicKey);
        if (mechanism === "CURVE") expect(String(peer.properties.get("name"))).toBe("test-client");
      }
    },
  );
});
