// Heartbeats (ZMTP 3.1 PING / PONG, RFC 37; ZMQ_HEARTBEAT_IVL / TTL / TIMEOUT) against libzmq,
// seen through a loopback relay that records the bytes and can freeze the link (stop forwarding
// both ways without closing it, as a dead network would).

import { afterEach, expect, it } from "vitest";
import { nextEvent, recvText, waitFor } from "../helpers.js";
import { commandsOf, Relay } from "../relay.js";
import { describeEach } from "./each.js";

const relays: Relay[] = [];
afterEach(async () => {
  for (const relay of relays.splice(0)) await relay.close();
});

async function relayTo(endpoint: string): Promise<Relay> {
  const relay = await Relay.start(endpoint);
  relays.push(relay);
  return relay;
}

describeEach("heartbeats", ({ zmq, native, track }) => {
  it("sends PING with the TTL in deciseconds; libzmq without heartbeats answers PONG", async () => {
    const peer = track(new native.Dealer());
    await peer.bind("tcp://127.0.0.1:*");
    const relay = await relayTo(peer.lastEndpoint!);
    const dealer = track(new zmq.Dealer({ heartbeatInterval: 40, heartbeatTimeToLive: 2500 }));
    dealer.connect(relay.endpoint);
    await waitFor(() => commandsOf(relay.links[0]?.down ?? [], "PONG").length >= 2);
    const pings = commandsOf(relay.links[0]!.up, "PING");
    expect(pings.length).toBeGreaterThanOrEqual(2);
    // TTL: 2500 ms is 25 deciseconds, as a 16-bit big-endian number before the context.
    expect([...pings[0]!.subarray(0, 2)]).toEqual([0, 25]);
    // Each PONG echoes its PING's context.
    const pongs = commandsOf(relay.links[0]!.down, "PONG");
    expect(pongs[0]).toEqual(pings[0]!.subarray(2));
  });

  it("answers libzmq's PINGs with PONG when it has no heartbeats of its own", async () => {
    const dealer = track(new zmq.Dealer());
    await dealer.bind("tcp://127.0.0.1:*");
    const relay = await relayTo(dealer.lastEndpoint!);
    const peer = track(new native.Dealer({ heartbeatInterval: 40, heartbeatTimeToLive: 1000 }));
    peer.connect(relay.endpoint);
    await waitFor(() => commandsOf(relay.links[0]?.down ?? [], "PONG").length >= 2);
    const pings = commandsOf(relay.links[0]!.up, "PING");
    expect([...pings[0]!.subarray(0, 2)]).toEqual([0, 10]);
    // Nothing but PONGs flows back: the subject sends no PING of its own.
    expect(commandsOf(relay.links[0]!.down, "PING")).toEqual([]);
  });

  it("a frozen link is detected within heartbeatTimeout, dropped, and reconnected after it thaws", async () => {
    const peer = track(new native.Pull());
    await peer.bind("tcp://127.0.0.1:*");
    const relay = await relayTo(peer.lastEndpoint!);
    const push = track(
      new zmq.Push({ heartbeatInterval: 50, heartbeatTimeout: 200, reconnectInterval: 20 }),
    );
    const events = push.events;
    push.connect(relay.endpoint);
    await nextEvent(events, "handshake");
    await push.send("before");
    expect(await recvText(peer)).toEqual(["before"]);

    relay.freeze();
    const frozenAt = Date.now();
    await nextEvent(events, "disconnect", 2000);
    const detected = Date.now() - frozenAt;
    expect(detected).toBeGreaterThanOrEqual(150);
    expect(detected).toBeLessThan(200 + 50 + 400);

    relay.unfreeze();
    await nextEvent(events, "handshake", 3000);
    await push.send("after");
    expect(await recvText(peer)).toEqual(["after"]);
  });

  it("a silent link is dropped, and a replacement relay on the same port is reconnected to", async () => {
    const peer = track(new native.Pull());
    await peer.bind("tcp://127.0.0.1:*");
    const relay = await relayTo(peer.lastEndpoint!);
    const push = track(
      new zmq.Push({ heartbeatInterval: 40, heartbeatTimeout: 150, reconnectInterval: 20 }),
    );
    const events = push.events;
    push.connect(relay.endpoint);
    await nextEvent(events, "handshake");
    relay.freeze();
    await nextEvent(events, "disconnect", 2000);
    // The frozen relay goes away; a new one takes its port.
    await relay.close();
    const port = Number(relay.endpoint.split(":").pop());
    const replacement = await Relay.start(peer.lastEndpoint!, port);
    relays.push(replacement);
    await nextEvent(events, "handshake", 5000);
    await push.send("through the replacement");
    expect(await recvText(peer)).toEqual(["through the replacement"]);
    expect(replacement.accepted).toBeGreaterThanOrEqual(1);
  });

  it("honours the TTL of the peer's PING: without heartbeats of its own it drops a silent peer", async () => {
    const pull = track(new zmq.Pull());
    const events = pull.events;
    await pull.bind("tcp://127.0.0.1:*");
    const relay = await relayTo(pull.lastEndpoint!);
    // The peer pings every 50 ms and asks to be dropped after 300 ms of silence.
    const peer = track(
      new native.Push({ heartbeatInterval: 50, heartbeatTimeToLive: 300, heartbeatTimeout: 5000 }),
    );
    peer.connect(relay.endpoint);
    await nextEvent(events, "handshake");
    await waitFor(() => commandsOf(relay.links[0]!.up, "PING").length >= 1);
    relay.freeze();
    const frozenAt = Date.now();
    await nextEvent(events, "disconnect", 2000);
    const detected = Date.now() - frozenAt;
    expect(detected).toBeGreaterThanOrEqual(200);
    expect(detected).toBeLessThan(300 + 400);
  });
});
