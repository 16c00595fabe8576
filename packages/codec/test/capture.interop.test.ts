/**
 * Captures wire bytes from a real libzmq (the native `zeromq` package, libzmq 4.3.5) talking to a
 * raw node:net peer, and checks them against the stored vectors in test/vectors/*.json.
 *
 * Refresh the stored vectors with: UPDATE_VECTORS=1 pnpm exec vitest run --project codec capture
 */
import { writeFileSync } from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import * as zmq from "zeromq";
import {
  decodeCommand,
  decodePing,
  encodeFrame,
  encodeGreeting,
  encodePing,
  FLAG_COMMAND,
  FrameEncoder,
  GREETING_SIZE,
  GreetingDecoder,
} from "../src";
import { toHex } from "./helpers/hex";
import { RawPeer, type RecordedFrame } from "./helpers/raw-peer";
import {
  FRAMES_URL,
  type FrameVector,
  GREETINGS_URL,
  type GreetingVector,
  loadVectors,
  type VectorFile,
} from "./helpers/vectors";

const UPDATE = process.env.UPDATE_VECTORS === "1";
const LIBZMQ = zmq.version;
const PROVENANCE =
  "Captured by packages/codec/test/capture.interop.test.ts: the npm `zeromq` 6.8.0 package " +
  `(libzmq ${LIBZMQ}) connects over TCP to a raw node:net peer that answers with a ZMTP 3.1 ` +
  "greeting and a READY and records every byte it receives.";

const capturedGreetings: GreetingVector[] = [];
const capturedFrames: FrameVector[] = [];
const sockets: zmq.Socket[] = [];
const peers: RawPeer[] = [];

function track<T extends zmq.Socket>(socket: T): T {
  socket.linger = 0;
  sockets.push(socket);
  return socket;
}

async function peer(socketType?: string, mechanism?: string): Promise<RawPeer> {
  const started = await RawPeer.start({ socketType, mechanism });
  peers.push(started);
  return started;
}

function frameVector(
  name: string,
  description: string,
  detail: string,
  frames: readonly RecordedFrame[],
): FrameVector {
  const vector: FrameVector = {
    name,
    description,
    provenance: `${PROVENANCE} ${detail}`,
    hex: frames.map((frame) => toHex(frame.raw)).join(""),
    frames: frames.map((frame) => ({
      more: frame.more,
      command: frame.command,
      body: toHex(frame.body),
    })),
  };
  capturedFrames.push(vector);
  return vector;
}

async function captureGreeting(
  name: string,
  description: string,
  detail: string,
  socket: zmq.Socket,
  mechanism = "NULL",
): Promise<GreetingVector> {
  const raw = await peer(undefined, mechanism);
  socket.connect(raw.endpoint);
  await raw.waitFor(() => raw.received().length >= GREETING_SIZE, "greeting");
  const bytes = raw.received().subarray(0, GREETING_SIZE);
  const decoder = new GreetingDecoder();
  expect(decoder.push(bytes)).toBe(GREETING_SIZE);
  const vector: GreetingVector = {
    name,
    description,
    provenance: `${PROVENANCE} ${detail}`,
    hex: toHex(bytes),
    greeting: { ...decoder.greeting! },
  };
  capturedGreetings.push(vector);
  return vector;
}

function stored<T extends { name: string }>(url: URL, name: string): T | undefined {
  if (UPDATE) return undefined;
  return loadVectors<T>(url).vectors.find((vector) => vector.name === name);
}

function expectStored<T extends { name: string; hex: string }>(url: URL, vector: T): void {
  if (UPDATE) return;
  const saved = stored<T>(url, vector.name);
  expect(saved, `stored vector ${vector.name}`).toBeDefined();
  expect(vector.hex).toBe(saved!.hex);
}

afterAll(async () => {
  for (const socket of sockets) socket.close();
  await Promise.all(peers.map((raw) => raw.close()));
  if (UPDATE) {
    const date = new Date().toISOString().slice(0, 10);
    const file = <T>(vectors: T[]): VectorFile<T> => ({
      provenance: PROVENANCE,
      libzmq: LIBZMQ,
      captured: date,
      vectors,
    });
    writeFileSync(GREETINGS_URL, `${JSON.stringify(file(capturedGreetings), null, 2)}\n`);
    writeFileSync(FRAMES_URL, `${JSON.stringify(file(capturedFrames), null, 2)}\n`);
  }
});

describe(`libzmq ${LIBZMQ} wire capture`, () => {
  it("is libzmq 4.3.5 from the zeromq package", () => {
    expect(LIBZMQ).toBe("4.3.5");
  });

  it("greeting of a NULL client equals encodeGreeting byte for byte", async () => {
    const vector = await captureGreeting(
      "greeting-null-client",
      "Greeting of a DEALER without routing id connecting with the NULL mechanism.",
      "Socket: new zmq.Dealer(), connect.",
      track(new zmq.Dealer()),
    );
    expect(vector.hex).toBe(toHex(encodeGreeting({ mechanism: "NULL", asServer: false })));
    expect(vector.greeting).toEqual({ major: 3, minor: 1, mechanism: "NULL", asServer: false });
    expectStored(GREETINGS_URL, vector);
  });

  it("greeting padding carries routing id length + 1 (ignored by the decoder)", async () => {
    const vector = await captureGreeting(
      "greeting-null-client-routing-id",
      "Greeting of a DEALER with routingId 'abc': libzmq writes identity length + 1 (4) as the " +
        "u64 in the signature padding, for ZMTP 1.0 peers. A 3.x decoder must not validate it.",
      "Socket: new zmq.Dealer({ routingId: 'abc' }), connect.",
      track(new zmq.Dealer({ routingId: "abc" })),
    );
    expect(vector.hex.slice(0, 20)).toBe("ff00000000000000047f");
    expectStored(GREETINGS_URL, vector);
  });

  it("greeting of a PLAIN server: libzmq leaves the as-server byte 0", async () => {
    const vector = await captureGreeting(
      "greeting-plain-server",
      "Greeting of a PLAIN server. libzmq 4.3 never sets the as-server byte (it zero-fills the " +
        "32 bytes after the mechanism), so a PLAIN or CURVE server announces as-server = 0.",
      "Socket: new zmq.Dealer({ plainServer: true }), connect; the raw peer announces PLAIN.",
      track(new zmq.Dealer({ plainServer: true })),
      "PLAIN",
    );
    expect(vector.greeting).toEqual({ major: 3, minor: 1, mechanism: "PLAIN", asServer: false });
    expect(vector.hex).toBe(toHex(encodeGreeting({ mechanism: "PLAIN", asServer: false })));
    expectStored(GREETINGS_URL, vector);
  });

  it("greeting of a CURVE client", async () => {
    const server = zmq.curveKeyPair();
    const client = zmq.curveKeyPair();
    const vector = await captureGreeting(
      "greeting-curve-client",
      "Greeting of a CURVE client (as-server = 0).",
      "Socket: new zmq.Dealer({ curveServerKey, curvePublicKey, curveSecretKey }), connect; " +
        "the raw peer announces CURVE.",
      track(
        new zmq.Dealer({
          curveServerKey: server.publicKey,
          curvePublicKey: client.publicKey,
          curveSecretKey: client.secretKey,
        }),
      ),
      "CURVE",
    );
    expect(vector.hex).toBe(toHex(encodeGreeting({ mechanism: "CURVE", asServer: false })));
    expectStored(GREETINGS_URL, vector);
  });

  it("READY of a DEALER with a routing id carries Identity", async () => {
    const raw = await peer("ROUTER");
    track(new zmq.Dealer({ routingId: "abc" })).connect(raw.endpoint);
    const ready = await raw.waitForFrame((frame) => frame.name === "READY", "READY");
    const vector = frameVector(
      "ready-dealer-routing-id",
      "NULL READY of a DEALER with routingId 'abc': Socket-Type DEALER, Identity abc.",
      "Socket: new zmq.Dealer({ routingId: 'abc' }); the raw peer is a ROUTER.",
      [ready],
    );
    expect(toHex(ready.body)).toContain(toHex(new TextEncoder().encode("Identity")));
    expectStored(FRAMES_URL, vector);
  });

  it("READY, SUBSCRIBE and CANCEL of a SUB", async () => {
    const raw = await peer("PUB");
    const sub = track(new zmq.Subscriber());
    sub.connect(raw.endpoint);
    await raw.waitForFrame((frame) => frame.name === "READY", "READY");
    sub.subscribe("weather");
    await raw.waitForFrame((frame) => frame.name === "SUBSCRIBE", "SUBSCRIBE");
    sub.unsubscribe("weather");
    await raw.waitForFrame((frame) => frame.name === "CANCEL", "CANCEL");
    const frames = raw.frames();
    expect(frames.map((frame) => frame.name)).toEqual(["READY", "SUBSCRIBE", "CANCEL"]);
    const vector = frameVector(
      "sub-ready-subscribe-cancel",
      "A SUB's READY (Socket-Type SUB only), then SUBSCRIBE 'weather', then CANCEL 'weather' " +
        "(RFC 37 commands, sent because the peer announced minor 1).",
      "Socket: new zmq.Subscriber(), subscribe('weather'), unsubscribe('weather'); raw peer PUB.",
      frames,
    );
    expectStored(FRAMES_URL, vector);
  });

  it("PING with the TTL in deciseconds, and PONG echoing our context", async () => {
    const raw = await peer("ROUTER");
    track(new zmq.Dealer({ heartbeatInterval: 50, heartbeatTimeToLive: 3000 })).connect(
      raw.endpoint,
    );
    await raw.waitForFrame((frame) => frame.name === "READY", "READY");
    const ping = await raw.waitForFrame((frame) => frame.name === "PING", "PING");
    const data = decodeCommand(ping.body).data;
    expect(decodePing(data).ttl).toBe(30);
    expectStored(
      FRAMES_URL,
      frameVector(
        "ping-ttl-30",
        "PING from libzmq with HEARTBEAT_TTL 3000 ms: TTL 30 deciseconds, empty context.",
        "Socket: new zmq.Dealer({ heartbeatInterval: 50, heartbeatTimeToLive: 3000 }).",
        [ping],
      ),
    );
    raw.send(encodeFrame(encodePing(0, new TextEncoder().encode("zmtp")), FLAG_COMMAND));
    const pong = await raw.waitForFrame((frame) => frame.name === "PONG", "PONG");
    expectStored(
      FRAMES_URL,
      frameVector(
        "pong-context",
        "PONG from libzmq answering our PING (TTL 0, context 'zmtp'): the context is echoed.",
        "Same DEALER; the raw peer sent encodePing(0, 'zmtp') as a command frame.",
        [pong],
      ),
    );
  });

  it("short and long message frames from a DEALER", async () => {
    const raw = await peer("ROUTER");
    const dealer = track(new zmq.Dealer());
    dealer.connect(raw.endpoint);
    const long = Buffer.alloc(300);
    for (let index = 0; index < long.length; index++) long[index] = index & 0xff;
    await dealer.send([Buffer.from("hello"), Buffer.alloc(0), long]);
    await raw.waitFor(() => raw.frames().filter((frame) => !frame.command).length >= 3, "message");
    const frames = raw.frames().filter((frame) => !frame.command);
    const vector = frameVector(
      "message-short-empty-long",
      "A three-part message: 'hello' (short, MORE), empty (short, MORE), 300 bytes 0..255,0..43 " +
        "(long header, last).",
      "Socket: new zmq.Dealer(); send([ 'hello', '', bytes 0..299 & 0xff ]).",
      frames,
    );
    expect(vector.hex.slice(0, 4)).toBe("0105");
    expectStored(FRAMES_URL, vector);
  });

  it("libzmq receives what FrameEncoder writes (short, 255/256 boundary, 70 000 B)", async () => {
    const raw = await peer("ROUTER");
    const dealer = track(new zmq.Dealer());
    dealer.connect(raw.endpoint);
    await raw.waitForFrame((frame) => frame.name === "READY", "READY");
    const sizes = [0, 1, 255, 256, 70_000];
    const parts = sizes.map((size) => {
      const part = new Uint8Array(size);
      for (let index = 0; index < size; index++) part[index] = (index * 7 + size) & 0xff;
      return part;
    });
    const encoder = new FrameEncoder();
    encoder.writeMessage(parts);
    encoder.writeMessage([new TextEncoder().encode("second")]);
    for (const chunk of encoder.flush()) raw.send(chunk);
    const first = await dealer.receive();
    expect(first.map((part) => part.length)).toEqual(sizes);
    first.forEach((part, index) => {
      expect(new Uint8Array(part)).toEqual(parts[index]);
    });
    const second = await dealer.receive();
    expect(second.map((part) => part.toString())).toEqual(["second"]);
  });
});
