/**
 * Regression tests for defects found in review: each failed before its fix.
 */
import { decodeCommand } from "@zmtp/codec";
import { describe, expect, it } from "vitest";
import {
  collect,
  message,
  perTestScope,
  RawPeer,
  RawServer,
  TCP_ANY,
  TestSocket,
  texts,
  watch,
} from "./helpers";

const scope = perTestScope();

describe("peer loss, disconnect and linger", () => {
  // socket-base.ts engineStopped: a Connecter that keepsPipe never terminates its pipe, even when
  // the connecter was stopped by disconnect(); the pipe stays in the load balancer.
  it("disconnect() removes the peer: later messages go to the remaining peers", async () => {
    const a = scope.cleanup.add(new TestSocket(scope.context, "PULL"));
    const b = scope.cleanup.add(new TestSocket(scope.context, "PULL"));
    await a.bind(TCP_ANY);
    await b.bind(TCP_ANY);
    const push = scope.cleanup.add(new TestSocket(scope.context, "PUSH"));
    const events = watch(push);
    push.connect(a.lastEndpoint!);
    push.connect(b.lastEndpoint!);
    await events.next("handshake");
    await events.next("handshake");
    push.disconnect(b.lastEndpoint!);
    await events.next("disconnect");
    for (let index = 0; index < 4; index++) push.send(message(`m${index}`));
    // All four must reach a; with the bug, every second one is queued on b's dead pipe.
    const received = await collect(a);
    expect(received.map((m) => texts(m)![0])).toEqual(["m0", "m1", "m2", "m3"]);
  });

  it("after disconnect() of its only peer, a PUSH is not writable", async () => {
    const pull = scope.cleanup.add(new TestSocket(scope.context, "PULL"));
    await pull.bind(TCP_ANY);
    const push = scope.cleanup.add(new TestSocket(scope.context, "PUSH"));
    const events = watch(push);
    push.connect(pull.lastEndpoint!);
    await events.next("handshake");
    push.disconnect(pull.lastEndpoint!);
    await events.next("disconnect");
    expect(push.writable).toBe(false);
    expect(push.send(message("nowhere"))).toBe(false);
  });

  // socket-base.ts engineStopped → terminatePipe → pipe.ts terminate() clears the inbound queue:
  // messages already received from a peer are lost when that peer disconnects before the
  // application read them. libzmq delivers them (pipe termination waits for the reader).
  it("messages received before the peer disconnected can still be read", async () => {
    const pull = scope.cleanup.add(new TestSocket(scope.context, "PULL"));
    const pullEvents = watch(pull);
    await pull.bind(TCP_ANY);
    const push = scope.cleanup.add(new TestSocket(scope.context, "PUSH"));
    const pushEvents = watch(push);
    push.connect(pull.lastEndpoint!);
    await pushEvents.next("handshake");
    for (let index = 0; index < 5; index++) push.send(message(`m${index}`));
    await push.close();
    await pullEvents.next("disconnect");
    const received: string[] = [];
    for (let next = pull.receive(); next !== undefined; next = pull.receive()) {
      received.push(texts(next)![0]!);
    }
    expect(received).toEqual(["m0", "m1", "m2", "m3", "m4"]);
  });

  // engine.ts close(): `if (linger === 0 || this.state !== "active" ...) destroy()`, and
  // socket-base.ts stopConnecter() terminates the pipe of a connecter with no engine yet: with
  // the default linger (-1) messages sent right after connect() are dropped by close().
  it("close() with linger -1 delivers messages queued while still connecting", async () => {
    const pull = scope.cleanup.add(new TestSocket(scope.context, "PULL"));
    await pull.bind(TCP_ANY);
    const push = scope.cleanup.add(new TestSocket(scope.context, "PUSH"));
    push.options.linger = -1;
    push.connect(pull.lastEndpoint!);
    push.send(message("sent then closed"));
    const receiving = collect(pull, 500);
    await push.close();
    expect((await receiving).map(texts)).toEqual([["sent then closed"]]);
  });
});

describe("handshake refusals reach the peer", () => {
  // engine.ts onHandshakeDone(): ERROR (and READY before it) is written, then fail() calls
  // connection.destroy() at once, which drops the corked write: the peer never gets ERROR.
  it("a peer with an incompatible Socket-Type receives an ERROR command before the close", async () => {
    const pull = scope.cleanup.add(new TestSocket(scope.context, "PULL"));
    await pull.bind(TCP_ANY);
    const peer = scope.cleanup.add(await RawPeer.connect(pull.lastEndpoint!));
    peer.handshake("PUB");
    await peer.waitClosed();
    const error = peer.frames.find((frame) => frame.name === "ERROR");
    expect(error && decodeCommand(error.body).name).toBe("ERROR");
  });

  // engine.ts stop(): a connection closed in an orderly way during the handshake (error
  // undefined) reports no handshake failure. libzmq (stream_engine_base_t::error) emits
  // ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL for any non-protocol error while handshaking.
  it("a peer closing during the handshake gives handshake:error:other", async () => {
    const server = scope.cleanup.add(await RawServer.listen());
    const push = scope.cleanup.add(new TestSocket(scope.context, "PUSH"));
    push.options.reconnectInterval = 1000;
    const events = watch(push);
    push.connect(server.endpoint);
    const peer = await server.accepted();
    peer.sendGreeting();
    await peer.waitFor(() => peer.greeting !== undefined, "greeting");
    peer.socket.end();
    await events.next("disconnect");
    expect(events.types).toContain("handshake:error:other");
  });
});
