/** DEALER and ROUTER (RFC 28): round robin, fair queueing, routing ids, mandatory, handover. */
import type { SocketBase } from "@zmtp/core";
import { isZmqError } from "@zmtp/spec";
import { uniqueInprocEndpoint } from "@zmtp/testkit";
import { describe, expect, it } from "vitest";
import { DealerSocket, RouterSocket } from "../src/index";
import {
  bytes,
  collect,
  message,
  perTestScope,
  receiveMany,
  receiveWithin,
  TCP_ANY,
  text,
  texts,
  thrown,
  untilInbound,
  watch,
} from "./helpers";

const scope = perTestScope();

async function connected<T extends SocketBase>(
  socket: T,
  address: string,
  options?: { routingId?: Uint8Array },
): Promise<T> {
  const events = watch(socket);
  socket.connect(address, options);
  await events.next("handshake");
  return socket;
}

function router(): RouterSocket {
  return scope.cleanup.add(new RouterSocket(scope.context));
}

function dealer(routingId?: string): DealerSocket {
  const socket = scope.cleanup.add(new DealerSocket(scope.context));
  if (routingId !== undefined) socket.options.routingId = bytes(routingId);
  return socket;
}

describe("DEALER", () => {
  it("round-robins messages across its peers", async () => {
    const routers = [router(), router()];
    for (const r of routers) await r.bind(uniqueInprocEndpoint());
    const d = dealer("d");
    for (const r of routers) await connected(d, r.lastEndpoint!);
    for (let index = 0; index < 6; index++) d.send(message(`m${index}`));
    const first = await receiveMany(routers[0]!, 3);
    const second = await receiveMany(routers[1]!, 3);
    expect(first.map((m) => texts(m))).toEqual([
      ["d", "m0"],
      ["d", "m2"],
      ["d", "m4"],
    ]);
    expect(second.map((m) => texts(m)![1])).toEqual(["m1", "m3", "m5"]);
  });

  it("fair-queues messages from its peers", async () => {
    const routers = [router(), router()];
    for (const r of routers) await r.bind(uniqueInprocEndpoint());
    const d = dealer("d");
    for (const r of routers) await connected(d, r.lastEndpoint!);
    // Both routers learn "d" from the handshake and can route to it at once.
    for (const [index, r] of routers.entries()) {
      for (let n = 1; n <= 3; n++) r.send(message("d", `${"ab"[index]}${n}`));
    }
    await untilInbound(d, 2);
    const received = (await receiveMany(d, 6)).map((m) => text(m[0]));
    expect(received).toEqual(["a1", "b1", "a2", "b2", "a3", "b3"]);
  });

  it("waits (send returns false) with no peer, and sends once one connects", async () => {
    const d = dealer();
    expect(d.writable).toBe(false);
    const r = router();
    await r.bind(TCP_ANY);
    d.connect(r.lastEndpoint!);
    // The pipe exists from connect(): the message queues.
    expect(d.send(message("queued"))).toBe(true);
    expect(texts(await receiveWithin(r))!.slice(1)).toEqual(["queued"]);
  });

  it("with probeRouter, sends an empty message to each new peer", async () => {
    const r = router();
    await r.bind(TCP_ANY);
    const d = dealer("prober");
    d.options.probeRouter = true;
    d.connect(r.lastEndpoint!);
    expect(texts(await receiveWithin(r))).toEqual(["prober", ""]);
  });
});

describe("ROUTER", () => {
  it("prefixes messages with the peer's Identity and routes replies by it", async () => {
    const r = router();
    await r.bind(TCP_ANY);
    const alice = dealer("alice");
    const bob = dealer("bob");
    await connected(alice, r.lastEndpoint!);
    await connected(bob, r.lastEndpoint!);
    alice.send(message("hi from alice"));
    expect(texts(await receiveWithin(r))).toEqual(["alice", "hi from alice"]);
    bob.send(message("hi", "from bob"));
    expect(texts(await receiveWithin(r))).toEqual(["bob", "hi", "from bob"]);
    r.send(message("bob", "to bob"));
    r.send(message("alice", "to alice"));
    expect(texts(await receiveWithin(bob))).toEqual(["to bob"]);
    expect(texts(await receiveWithin(alice))).toEqual(["to alice"]);
  });

  it("generates 5-byte ids starting with 0x00 for anonymous peers, one per peer", async () => {
    const r = router();
    await r.bind(TCP_ANY);
    const one = dealer();
    const two = dealer();
    await connected(one, r.lastEndpoint!);
    await connected(two, r.lastEndpoint!);
    one.send(message("1"));
    const fromOne = await receiveWithin(r);
    two.send(message("2"));
    const fromTwo = await receiveWithin(r);
    for (const id of [fromOne[0]!, fromTwo[0]!]) {
      expect(id).toHaveLength(5);
      expect(id[0]).toBe(0);
    }
    expect([...fromOne[0]!]).not.toEqual([...fromTwo[0]!]);
    r.send([fromTwo[0]!, bytes("back to two")]);
    expect(texts(await receiveWithin(two))).toEqual(["back to two"]);
  });

  it("names a connected peer by the connect routingId", async () => {
    const d = dealer("ignored-identity");
    await d.bind(TCP_ANY);
    const r = router();
    await connected(r, d.lastEndpoint!, { routingId: bytes("peer-1") });
    expect(r.send(message("peer-1", "hello dealer"))).toBe(true);
    expect(texts(await receiveWithin(d))).toEqual(["hello dealer"]);
    d.send(message("hello router"));
    expect(texts(await receiveWithin(r))).toEqual(["peer-1", "hello router"]);
  });

  it("ROUTER to ROUTER with connect routingId and Identity", async () => {
    const server = router();
    server.options.routingId = bytes("server");
    await server.bind(TCP_ANY);
    const client = router();
    client.options.routingId = bytes("client");
    await connected(client, server.lastEndpoint!, { routingId: bytes("srv") });
    client.send(message("srv", "ping"));
    expect(texts(await receiveWithin(server))).toEqual(["client", "ping"]);
    server.send(message("client", "pong"));
    expect(texts(await receiveWithin(client))).toEqual(["srv", "pong"]);
  });

  it("drops unroutable messages silently, or throws EHOSTUNREACH when mandatory", () => {
    const r = router();
    expect(r.send(message("nobody", "x"))).toBe(true);
    r.options.mandatory = true;
    expect(
      isZmqError(
        thrown(() => r.send(message("nobody", "x"))),
        "EHOSTUNREACH",
      ),
    ).toBe(true);
  });

  it("mandatory makes a full peer wait (false) instead of dropping", async () => {
    const r = router();
    r.options.sendHighWaterMark = 1;
    r.options.mandatory = true;
    await r.bind(TCP_ANY);
    const d = dealer("d");
    await connected(d, r.lastEndpoint!);
    // Synchronously: the engine drains the pipe only on the next turn.
    expect(r.send(message("d", "1"))).toBe(true);
    expect(r.send(message("d", "2"))).toBe(false);
    r.options.mandatory = false;
    expect(r.send(message("d", "3"))).toBe(true);
    expect((await collect(d, 100)).map(texts)).toEqual([["1"]]);
  });

  it("refuses a second peer claiming an identity in use (no handover)", async () => {
    const r = router();
    const events = watch(r);
    await r.bind(TCP_ANY);
    const first = dealer("dup");
    await connected(first, r.lastEndpoint!);
    await events.next("handshake");
    const second = dealer("dup");
    second.options.reconnectInterval = 10_000;
    const secondEvents = watch(second);
    second.connect(r.lastEndpoint!);
    await secondEvents.next("disconnect");
    second.send(message("from second"));
    first.send(message("from first"));
    expect((await collect(r, 100)).map(texts)).toEqual([["dup", "from first"]]);
    r.send(message("dup", "to dup"));
    expect(texts(await receiveWithin(first))).toEqual(["to dup"]);
  });

  it("with handover, a new peer takes the identity over", async () => {
    const r = router();
    r.options.handover = true;
    await r.bind(TCP_ANY);
    const first = dealer("dup");
    await connected(first, r.lastEndpoint!);
    const second = dealer("dup");
    await connected(second, r.lastEndpoint!);
    r.send(message("dup", "to the newest"));
    expect(texts(await receiveWithin(second))).toEqual(["to the newest"]);
    expect(await collect(first, 100)).toEqual([]);
    second.send(message("still routable"));
    expect(texts(await receiveWithin(r))).toEqual(["dup", "still routable"]);
  });

  it("a peer that leaves is no longer routable", async () => {
    const r = router();
    r.options.mandatory = true;
    const events = watch(r);
    await r.bind(TCP_ANY);
    const d = new DealerSocket(scope.context);
    d.options.routingId = bytes("gone");
    await connected(d, r.lastEndpoint!);
    expect(r.send(message("gone", "hello"))).toBe(true);
    d.options.linger = 0;
    await d.close();
    await events.next("disconnect");
    expect(
      isZmqError(
        thrown(() => r.send(message("gone", "x"))),
        "EHOSTUNREACH",
      ),
    ).toBe(true);
  });
});
