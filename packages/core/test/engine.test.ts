/**
 * The ZMTP engine against a raw peer scripted with the codec: in memory (duplexPair, where chunk
 * boundaries are exact) and over real tcp with a node:net peer.
 */
import {
  decodeCommand,
  decodeMetadata,
  decodePing,
  encodeCommand,
  encodeFrame,
  encodeGreeting,
  encodePing,
  encodePong,
  encodeReady,
  FLAG_COMMAND,
  FLAG_MORE,
  GREETING_SIZE,
} from "@zmtp/codec";
import type {
  Connection,
  FrameSink,
  HandshakeFailure,
  Mechanism,
  MechanismFactory,
  MechanismSetup,
  SocketTypeName,
  WireFrame,
  ZmqError,
} from "@zmtp/spec";
import { duplexPair } from "@zmtp/testkit";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { spareWriteBuffers } from "../src/engine";
import {
  type Context,
  defaultOptions,
  type EngineHost,
  type Message,
  nullMechanism,
  Pipe,
  type PipeOwner,
  ZmtpEngine,
} from "../src/index";
import {
  bytes,
  Cleanup,
  type EventLog,
  encodedMessage,
  makeContext,
  RawPeer,
  RawServer,
  receiveNothing,
  receiveWithin,
  TCP_ANY,
  TestSocket,
  TestSub,
  text,
  texts,
  turns,
  watch,
} from "./helpers";

// ---- in memory --------------------------------------------------------------------------------

const owner: PipeOwner = {
  readActivated() {},
  writeActivated() {},
  hiccuped() {},
  pipeDrained() {},
};

class Host implements EngineHost {
  readonly options = defaultOptions();
  readonly zap = undefined;
  readonly pipe = new Pipe(owner, 0, 0, "test://a");
  readyCount = 0;
  stopped: { error: ZmqError | undefined; failure: HandshakeFailure | undefined }[] = [];

  constructor(
    readonly socketType: SocketTypeName,
    readonly mechanism: MechanismFactory = nullMechanism,
  ) {}

  engineReady(engine: ZmtpEngine): Pipe | undefined {
    this.readyCount++;
    this.pipe.attachEngine(engine);
    return this.pipe;
  }

  engineStopped(
    _engine: ZmtpEngine,
    error: ZmqError | undefined,
    failure: HandshakeFailure | undefined,
  ): void {
    this.stopped.push({ error, failure });
  }
}

function concat(chunks: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((sum, chunk) => sum + chunk.length, 0));
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out;
}

/** Starts an engine on one end of a duplex pair; the other end is the raw peer. */
function memoryEngine(type: SocketTypeName = "PULL") {
  const [local, remote] = duplexPair();
  const host = new Host(type);
  const engine = new ZmtpEngine(local, host, "test://a");
  const received: Uint8Array[] = [];
  let closed = false;
  remote.start({
    data: (chunk) => received.push(chunk.slice()),
    drain: () => {},
    closed: () => {
      closed = true;
    },
  });
  engine.start();
  return { host, engine, remote, received, isClosed: () => closed };
}

const LONG_PART = new Uint8Array(300).map((_, index) => index & 0xff);
const PARTS: Message = [bytes("hello"), LONG_PART, new Uint8Array(0), bytes("end")];
const WIRE = concat([
  encodeGreeting({ mechanism: "NULL", asServer: false }),
  encodeFrame(encodeReady([["Socket-Type", "PUSH"]]), FLAG_COMMAND),
  encodeFrame(encodePing(0, bytes("ctx")), FLAG_COMMAND),
  encodedMessage(PARTS),
  encodedMessage([bytes("second")]),
]);

function expectDelivered(pipe: Pipe): void {
  const first = pipe.read();
  expect(first?.length).toBe(4);
  expect(text(first![0])).toBe("hello");
  expect([...first![1]!]).toEqual([...LONG_PART]);
  expect(first![2]!.length).toBe(0);
  expect(text(first![3])).toBe("end");
  expect(texts(pipe.read())).toEqual(["second"]);
  expect(pipe.read()).toBeUndefined();
}

describe("engine in memory", () => {
  it("sends the greeting and READY with its Socket-Type", async () => {
    const { received } = memoryEngine("DEALER");
    await turns(1);
    const all = concat(received);
    expect(all[0]).toBe(0xff);
    expect(all[10]).toBe(3);
    expect(all[11]).toBe(1);
    // READY is sent only after the peer's greeting arrived (the mechanism is picked then).
    expect(all.length).toBe(GREETING_SIZE);
  });

  it("delivers whole messages however the bytes are split in two", async () => {
    for (let split = 1; split < WIRE.length; split++) {
      const { host, remote, engine } = memoryEngine();
      remote.write([WIRE.subarray(0, split)]);
      await Promise.resolve();
      remote.write([WIRE.subarray(split)]);
      await turns(1);
      expect(engine.handshakeDone, `split at ${split}`).toBe(true);
      expect(host.stopped, `split at ${split}`).toEqual([]);
      expectDelivered(host.pipe);
      engine.destroy();
    }
  });

  it.each([1, 3, 7, 64, 65])("delivers whole messages from %i-byte chunks", async (size) => {
    const { host, remote, received } = memoryEngine();
    const chunks: Uint8Array[] = [];
    for (let offset = 0; offset < WIRE.length; offset += size) {
      chunks.push(WIRE.subarray(offset, offset + size));
    }
    // One write per chunk: each arrives as its own data event.
    for (const chunk of chunks) remote.write([chunk]);
    await turns(2);
    expectDelivered(host.pipe);
    expect(host.readyCount).toBe(1);
    // The PING got a PONG with its context.
    const afterGreeting = concat(received).subarray(GREETING_SIZE);
    const names: string[] = [];
    let offset = 0;
    while (offset < afterGreeting.length) {
      const size = afterGreeting[offset + 1]!;
      const body = afterGreeting.subarray(offset + 2, offset + 2 + size);
      const command = decodeCommand(body);
      names.push(`${command.name}:${text(command.data).replace(/[^\w-]/g, "")}`);
      offset += 2 + size;
    }
    expect(names[0]).toMatch(/^READY:/);
    expect(names[1]).toBe("PONG:ctx");
  });

  it("stops reading at the receive mark and resumes when the socket reads", async () => {
    const [local, remote] = duplexPair();
    const host = new Host("PULL");
    (host.pipe as { receiveHighWaterMark: number }).receiveHighWaterMark = 2;
    const engine = new ZmtpEngine(local, host, "test://a");
    remote.start({ data: () => {}, drain: () => {}, closed: () => {} });
    engine.start();
    const messages = [1, 2, 3, 4, 5].map((n) => encodedMessage([bytes(`m${n}`)]));
    remote.write([
      encodeGreeting({ mechanism: "NULL", asServer: false }),
      encodeFrame(encodeReady([["Socket-Type", "PUSH"]]), FLAG_COMMAND),
      concat(messages),
    ]);
    await turns(2);
    expect(host.pipe.inboundFull).toBe(true);
    const got: string[] = [];
    for (let round = 0; round < 10 && got.length < 5; round++) {
      const next = host.pipe.read();
      if (next !== undefined) got.push(text(next[0]));
      await turns(1);
    }
    expect(got).toEqual(["m1", "m2", "m3", "m4", "m5"]);
    engine.destroy();
  });
});

/** A DEALER engine on `local` that finished the NULL handshake with a raw peer on `remote`. */
async function handshakenDealer(
  local: Connection,
  remote: Connection,
  mechanism: MechanismFactory = nullMechanism,
) {
  const host = new Host("DEALER", mechanism);
  const engine = new ZmtpEngine(local, host, "test://a");
  const received: Uint8Array[] = [];
  remote.start({
    data: (chunk) => received.push(chunk.slice()),
    drain: () => {},
    closed: () => {},
  });
  engine.start();
  remote.write([
    encodeGreeting({ mechanism: "NULL", asServer: false }),
    encodeFrame(encodeReady([["Socket-Type", "ROUTER"]]), FLAG_COMMAND),
  ]);
  await turns(2);
  expect(engine.handshakeDone).toBe(true);
  return { host, engine, received };
}

describe("engine in memory: what the mechanism is given and may do", () => {
  /** A NULL mechanism that records what it was created with and lets `adapt` add to it. */
  function recordingNull(
    setups: MechanismSetup[],
    adapt: (mechanism: Mechanism) => void = () => {},
  ) {
    return {
      name: "NULL",
      create(setup: MechanismSetup) {
        setups.push(setup);
        const mechanism = nullMechanism.create(setup);
        adapt(mechanism);
        return mechanism;
      },
    };
  }

  async function setupOf(allocateBuffer?: (size: number) => Uint8Array) {
    const [local, remote] = duplexPair();
    if (allocateBuffer !== undefined) {
      (local as typeof local & { allocateBuffer(size: number): Uint8Array }).allocateBuffer =
        allocateBuffer;
    }
    const setups: MechanismSetup[] = [];
    await handshakenDealer(local, remote, recordingNull(setups));
    expect(setups.length).toBe(1);
    return setups[0]!;
  }

  it("allocate is the connection's allocateBuffer, so decoded bodies (CURVE) are the transport's memory", async () => {
    const sizes: number[] = [];
    const made: Uint8Array[] = [];
    const setup = await setupOf((size) => {
      sizes.push(size);
      made.push(new Uint8Array(size));
      return made.at(-1)!;
    });
    const before = sizes.length;
    const body = setup.allocate?.(300);
    expect(sizes.slice(before)).toEqual([300]);
    expect(body).toBe(made.at(-1));
  });

  it("allocate is left out where the connection has none (the mechanism then uses its own)", async () => {
    const setup = await setupOf();
    expect("allocate" in setup).toBe(false);
  });

  it("message frames go through encodeInto when the mechanism has it, with their flags", async () => {
    const [local, remote] = duplexPair();
    const calls: string[] = [];
    // Writes each body reversed, as a frame without flags, straight into the engine's batch.
    const reversing = (mechanism: Mechanism) =>
      Object.assign(mechanism, {
        encode: (frame: WireFrame) => frame,
        encodeInto(body: Uint8Array, flags: number, sink: FrameSink) {
          calls.push(`${text(body)}:${flags}`);
          const at = sink.reserveFrame(body.length, 0);
          sink.buffer.set(body.slice().reverse(), at);
        },
      });
    const { host, received } = await handshakenDealer(local, remote, recordingNull([], reversing));
    const greeted = concat(received).length;
    host.pipe.write([bytes("abc"), bytes("de")]);
    await turns(2);
    expect(calls).toEqual([`abc:${FLAG_MORE}`, "de:0"]);
    expect([...concat(received).subarray(greeted)]).toEqual([
      ...encodeFrame(bytes("cba"), 0),
      ...encodeFrame(bytes("ed"), 0),
    ]);
  });

  it("a frame larger than a write buffer gets one of its size, which the next such frame reuses", async () => {
    const [local, remote] = duplexPair();
    const sizes: number[] = [];
    const connection = local as typeof local & {
      allocateBuffer(size: number): Uint8Array;
      written(): boolean;
    };
    connection.allocateBuffer = (size) => {
      sizes.push(size);
      return new Uint8Array(size);
    };
    const write = local.write.bind(local);
    local.write = (chunks) => write(chunks.map((chunk) => chunk.slice()));
    connection.written = () => true;
    // Each body grows to 70,000 bytes in the batch, as a 64 KiB CURVE MESSAGE does.
    const growing = (mechanism: Mechanism) =>
      Object.assign(mechanism, {
        encode: (frame: WireFrame) => frame,
        encodeInto(body: Uint8Array, _flags: number, sink: FrameSink) {
          const at = sink.reserveFrame(70_000, 0);
          sink.buffer.fill(body[0]!, at, at + 70_000);
        },
      });
    const { host, received } = await handshakenDealer(local, remote, recordingNull([], growing));
    const greeted = concat(received).length;
    for (let index = 0; index < 4; index++) {
      host.pipe.write([Uint8Array.of(index)]);
      await turns(2);
    }
    expect(sizes.filter((size) => size > 64 * 1024).length).toBeLessThanOrEqual(1);
    const wire = concat(received).subarray(greeted);
    expect(wire.length).toBe(4 * (9 + 70_000));
    for (let index = 0; index < 4; index++) expect(wire[index * 70_009 + 9 + 69_999]).toBe(index);
  });
});

describe("engine in memory: when it writes", () => {
  /** An active DEALER engine whose connection counts its writes, and the raw peer's bytes. */
  async function activeDealer() {
    const [local, remote] = duplexPair();
    const writes: number[] = [];
    const write = local.write.bind(local);
    local.write = (chunks) => {
      writes.push(chunks.reduce((sum, chunk) => sum + chunk.length, 0));
      return write(chunks);
    };
    const { host, engine, received } = await handshakenDealer(local, remote);
    // The first message decides the in-process shortcut and goes out on the next turn.
    host.pipe.write([bytes("first")]);
    await turns(1);
    return { host, engine, remote, writes, received };
  }

  it("writes an answer to the peer inside the send, and batches a burst", async () => {
    const { host, engine, remote, writes } = await activeDealer();
    remote.write([encodedMessage([bytes("request")])]);
    await turns(1);
    expect(texts(host.pipe.read())).toEqual(["request"]);

    const before = writes.length;
    host.pipe.write([bytes("reply")]);
    // Written at once: the send followed data from the peer.
    expect(writes.length).toBe(before + 1);
    host.pipe.write([bytes("burst 1")]);
    host.pipe.write([bytes("burst 2")]);
    // A second send before the peer spoke is a burst: it waits for the next turn...
    expect(writes.length).toBe(before + 1);
    await turns(1);
    // ...and leaves in one write.
    expect(writes.length).toBe(before + 2);
    engine.destroy();
  });

  it("encodes a burst during each send and writes it once: later changes to a part are not sent", async () => {
    const { host, engine, writes, received } = await activeDealer();
    host.pipe.write([bytes("lead")]); // written at once (see above): what follows is a burst
    const before = writes.length;
    const part = bytes("value 0");
    for (let index = 1; index <= 3; index++) {
      host.pipe.write([part]);
      part.set(bytes(`value ${index}`)); // the caller reuses its buffer once send returned
    }
    expect(host.pipe.outboundLength).toBe(0); // all taken by the engine already...
    expect(writes.length).toBe(before); // ...but not written yet
    await turns(1);
    expect(writes.length).toBe(before + 1);
    const wire = Buffer.from(concat(received));
    for (const value of ["value 0", "value 1", "value 2"]) expect(wire.includes(value)).toBe(true);
    expect(wire.includes("value 3")).toBe(false);
    engine.destroy();
  });

  it("keeps the order of a batched message and an answer sent after data arrived", async () => {
    const { host, engine, remote, received } = await activeDealer();
    host.pipe.write([bytes("queued")]); // a burst after "first": scheduled
    remote.write([encodedMessage([bytes("request")])]);
    await Promise.resolve();
    host.pipe.write([bytes("answer")]); // the pipe is not empty: it follows "queued"
    await turns(2);
    const wire = concat(received);
    const at = (word: string) => Buffer.from(wire).indexOf(word);
    expect(at("first")).toBeGreaterThan(0);
    expect(at("queued")).toBeGreaterThan(at("first"));
    expect(at("answer")).toBeGreaterThan(at("queued"));
    engine.destroy();
  });
});

describe("engine in memory: reusing its write buffers", () => {
  /**
   * An active DEALER engine whose connection allocates counted buffers and, like a socket whose
   * kernel took every byte, copies each chunk in `write` and says `written()` when `copies`.
   */
  async function dealerOver(copies: boolean) {
    const [local, remote] = duplexPair();
    let allocations = 0;
    const connection = local as typeof local & {
      allocateBuffer(size: number): Uint8Array;
      written?(): boolean;
    };
    connection.allocateBuffer = (size) => {
      allocations++;
      return new Uint8Array(size).fill(0xee);
    };
    const write = local.write.bind(local);
    if (copies) {
      connection.written = () => true;
      local.write = (chunks) => write(chunks.map((chunk) => chunk.slice()));
    }
    const { host, engine, received } = await handshakenDealer(local, remote);
    const greeted = concat(received).length;
    return { host, engine, received, greeted, allocations: () => allocations };
  }

  const wireOf = (messages: Message[]) =>
    concat(messages.map((message) => encodedMessage(message)));
  const sameBytes = (a: Uint8Array, b: Uint8Array) => Buffer.from(a).equals(Buffer.from(b));

  /** 100 distinct 4 KiB messages in bursts of 25: about 26 buffers of 64 KiB if none is reused. */
  async function sendBursts(host: Host): Promise<Message[]> {
    const sent: Message[] = [];
    for (let burst = 0; burst < 4; burst++) {
      for (let index = 0; index < 25; index++) {
        const message = [new Uint8Array(4096).fill(burst * 25 + index)];
        sent.push(message);
        host.pipe.write(message);
      }
      await turns(2);
    }
    return sent;
  }

  it("writes into the same buffers again once the connection says its writes left", async () => {
    const { host, engine, received, greeted, allocations } = await dealerOver(true);
    const before = allocations();
    const sent = await sendBursts(host);
    expect(sameBytes(concat(received).subarray(greeted), wireOf(sent))).toBe(true);
    expect(allocations() - before).toBeLessThanOrEqual(2);
    engine.destroy();
  });

  it("never writes into a chunk the connection may still hold", async () => {
    const { host, engine, received, greeted, allocations } = await dealerOver(false);
    const before = allocations();
    const spare = spareWriteBuffers();
    const sent = await sendBursts(host);
    // duplexPair hands the very chunks to the peer, which copies them only when it reads them.
    expect(sameBytes(concat(received).subarray(greeted), wireOf(sent))).toBe(true);
    // A fresh buffer (allocated or taken from the shared spares) for every 64 KiB, none given back.
    expect(spareWriteBuffers()).toBeLessThanOrEqual(spare);
    expect(allocations() - before + (spare - spareWriteBuffers())).toBeGreaterThanOrEqual(6);
    engine.destroy();
  });

  it("gives its buffers back once its writes left: an idle engine holds no write memory", async () => {
    const { host, engine, received, greeted } = await dealerOver(true);
    // While the connection still holds what was written, the buffers stay with the engine.
    let left = false;
    (engine.connection as Connection & { written(): boolean }).written = () => left;
    const burst = Array.from({ length: 25 }, (_, index) => [new Uint8Array(4096).fill(index)]);
    for (const message of burst) host.pipe.write(message);
    await turns(2);
    expect(engine.retainedWriteBytes).toBeGreaterThanOrEqual(2 * 64 * 1024);
    const spare = spareWriteBuffers();
    left = true;
    host.pipe.write([bytes("after")]);
    await turns(2);
    expect(engine.retainedWriteBytes).toBe(0);
    expect(spareWriteBuffers()).toBeGreaterThanOrEqual(Math.min(16, spare + 2));
    expect(
      sameBytes(concat(received).subarray(greeted), wireOf([...burst, [bytes("after")]])),
    ).toBe(true);
    engine.destroy();
  });

  it("shares the buffers between engines: one's burst takes what another gave back", async () => {
    const first = await dealerOver(true);
    const second = await dealerOver(true);
    const burst = (index: number) =>
      Array.from({ length: 25 }, (_, part) => [new Uint8Array(4096).fill(index + part)]);
    const firstSent = burst(0);
    for (const message of firstSent) first.host.pipe.write(message);
    await turns(2);
    const spare = spareWriteBuffers();
    expect(spare).toBeGreaterThanOrEqual(2);
    const allocated = second.allocations();
    const secondSent = burst(100);
    for (const message of secondSent) second.host.pipe.write(message);
    await turns(2);
    // Its two buffers came from the spares, and went back after its write.
    expect(second.allocations()).toBe(allocated);
    expect(spareWriteBuffers()).toBe(spare);
    expect(sameBytes(concat(first.received).subarray(first.greeted), wireOf(firstSent))).toBe(true);
    expect(sameBytes(concat(second.received).subarray(second.greeted), wireOf(secondSent))).toBe(
      true,
    );
    first.engine.destroy();
    second.engine.destroy();
  });
});

// ---- over tcp against a raw peer --------------------------------------------------------------

let context: Context;
let cleanup: Cleanup;
let unhandled: unknown[];
const onUnhandled = (reason: unknown): void => {
  unhandled.push(reason);
};

beforeEach(() => {
  context = makeContext();
  cleanup = new Cleanup();
  unhandled = [];
  process.on("unhandledRejection", onUnhandled);
  process.on("uncaughtException", onUnhandled);
});

afterEach(async () => {
  await cleanup.run();
  await context.close();
  process.off("unhandledRejection", onUnhandled);
  process.off("uncaughtException", onUnhandled);
  expect(unhandled).toEqual([]);
});

/** A core socket of `type` bound on tcp, its event log, and a raw peer connected to it. */
async function boundWithPeer(
  type: SocketTypeName = "PULL",
  configure: (socket: TestSocket) => void = () => {},
): Promise<{ socket: TestSocket; events: EventLog; peer: RawPeer }> {
  const socket = cleanup.add(new TestSocket(context, type));
  configure(socket);
  const events = watch(socket);
  await socket.bind(TCP_ANY);
  const peer = cleanup.add(await RawPeer.connect(socket.lastEndpoint!));
  await events.next("accept");
  return { socket, events, peer };
}

describe("engine over tcp: handshake", () => {
  it("handshakes with a raw peer sending greeting and READY", async () => {
    const { socket, events, peer } = await boundWithPeer("PULL");
    peer.handshake("PUSH", { minor: 1 });
    await events.next("handshake");
    await peer.waitFor(() => peer.greeting !== undefined, "greeting");
    expect(peer.greeting).toEqual({ major: 3, minor: 1, mechanism: "NULL", asServer: false });
    const ready = await peer.nextCommand("READY");
    const properties = decodeMetadata(decodeCommand(ready.body).data);
    expect(text(properties.get("socket-type"))).toBe("PULL");
    const [pipe] = socket.pipeList;
    expect(pipe?.peerSocketType).toBe("PUSH");
    peer.sendMessage([bytes("a"), bytes("b")]);
    expect(texts(await receiveWithin(socket))).toEqual(["a", "b"]);
  });

  it("sends the Identity property for a DEALER with a routing id", async () => {
    const { events, peer } = await boundWithPeer("DEALER", (socket) => {
      socket.options.routingId = bytes("me");
    });
    peer.handshake("ROUTER");
    await events.next("handshake");
    const ready = await peer.nextCommand("READY");
    const properties = decodeMetadata(decodeCommand(ready.body).data);
    expect(text(properties.get("identity"))).toBe("me");
  });

  it("reassembles messages written a byte at a time", async () => {
    const { socket, events, peer } = await boundWithPeer("PULL");
    peer.handshake("PUSH");
    await events.next("handshake");
    const wire = encodedMessage([bytes("split"), LONG_PART, bytes("x")]);
    for (let offset = 0; offset < wire.length; offset += 13) {
      peer.write(wire.subarray(offset, offset + 13));
      await turns(1);
    }
    const received = await receiveWithin(socket);
    expect(received.length).toBe(3);
    expect(text(received[0])).toBe("split");
    expect([...received[1]!]).toEqual([...LONG_PART]);
  });

  it("answers PING with PONG carrying the same context", async () => {
    const { events, peer } = await boundWithPeer("PULL");
    peer.handshake("PUSH");
    await events.next("handshake");
    const context16 = bytes("0123456789abcdef");
    peer.sendCommand(encodePing(0, context16));
    const pong = await peer.nextCommand("PONG");
    expect(text(decodeCommand(pong.body).data)).toBe("0123456789abcdef");
  });

  it("ignores unknown commands after the handshake", async () => {
    const { socket, events, peer } = await boundWithPeer("PULL");
    peer.handshake("PUSH");
    await events.next("handshake");
    peer.sendCommand(encodeCommand("X-UNKNOWN", bytes("data")));
    peer.sendMessage([bytes("still here")]);
    expect(texts(await receiveWithin(socket))).toEqual(["still here"]);
  });

  it("refuses a peer announcing an incompatible Socket-Type", async () => {
    const { socket, events, peer } = await boundWithPeer("PULL");
    peer.handshake("PUB");
    const event = await events.next("handshake:error:protocol");
    expect(event.protocolError).toBe("ERR_ZMTP_INVALID_METADATA");
    expect(event.error?.code).toBe("EPROTO");
    await peer.waitClosed();
    await events.next("disconnect");
    expect(events.count("handshake")).toBe(0);
    expect(socket.pipeList).toEqual([]);
  });

  it("refuses a peer greeting with another mechanism", async () => {
    const { events, peer } = await boundWithPeer("PULL");
    peer.sendGreeting({ mechanism: "PLAIN" });
    const event = await events.next("handshake:error:protocol");
    expect(event.protocolError).toBe("ERR_ZMTP_MECHANISM_MISMATCH");
    await peer.waitClosed();
  });

  it("refuses a data frame before READY", async () => {
    const { socket, events, peer } = await boundWithPeer("PULL");
    peer.sendGreeting();
    peer.sendMessage([bytes("too early")]);
    const event = await events.next("handshake:error:protocol");
    expect(event.protocolError).toBe("ERR_ZMTP_UNEXPECTED_COMMAND");
    await peer.waitClosed();
    expect(socket.receive()).toBeUndefined();
  });

  it("refuses a second READY or another command during the NULL handshake", async () => {
    const { events, peer } = await boundWithPeer("PULL");
    peer.sendGreeting();
    peer.sendCommand(encodeCommand("HELLO"));
    const event = await events.next("handshake:error:protocol");
    expect(event.protocolError).toBe("ERR_ZMTP_UNEXPECTED_COMMAND");
    await peer.waitClosed();
  });

  it("refuses a malformed READY", async () => {
    const { events, peer } = await boundWithPeer("PULL");
    peer.sendGreeting();
    // A property whose value length runs past the command.
    peer.sendCommand(encodeCommand("READY", Uint8Array.of(3, 0x61, 0x62, 0x63, 0, 0, 0, 9)));
    const event = await events.next("handshake:error:protocol");
    expect(event.protocolError).toBe("ERR_ZMTP_MALFORMED_COMMAND_READY");
    await peer.waitClosed();
  });

  it("drops a peer sending garbage after the greeting, and keeps serving others", async () => {
    const { socket, events, peer } = await boundWithPeer("PULL");
    peer.sendGreeting();
    peer.write(Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff));
    const event = await events.next("handshake:error:protocol");
    expect(event.error?.code).toBe("EPROTO");
    await peer.waitClosed();
    // The socket still works.
    const good = cleanup.add(await RawPeer.connect(socket.lastEndpoint!));
    good.handshake("PUSH");
    good.sendMessage([bytes("fine")]);
    expect(texts(await receiveWithin(socket))).toEqual(["fine"]);
  });

  it("drops a peer whose first byte is not a ZMTP signature", async () => {
    const { events, peer } = await boundWithPeer("PULL");
    peer.write(bytes("GET / HTTP/1.1\r\n\r\n"));
    const event = await events.next("handshake:error:protocol");
    expect(event.error?.code).toBe("EPROTO");
    await peer.waitClosed();
  });

  it("drops a peer sending garbage after the handshake (disconnect, no crash)", async () => {
    const { socket, events, peer } = await boundWithPeer("PULL");
    peer.handshake("PUSH");
    await events.next("handshake");
    // Reserved flag bits.
    peer.write(Uint8Array.of(0xf0, 0x01, 0x00));
    await events.next("disconnect");
    await peer.waitClosed();
    expect(events.count("handshake:error:protocol")).toBe(0);
    expect(socket.pipeList).toEqual([]);
  });

  it("drops a peer sending a frame above maxMessageSize, before delivering it", async () => {
    const { socket, events, peer } = await boundWithPeer("PULL", (s) => {
      // READY (about 30 bytes) must fit: libzmq checks commands against the limit too.
      s.options.maxMessageSize = 64;
    });
    peer.handshake("PUSH");
    await events.next("handshake");
    peer.sendMessage([new Uint8Array(64)]);
    expect((await receiveWithin(socket))[0]!.length).toBe(64);
    peer.sendMessage([new Uint8Array(65)]);
    await events.next("disconnect");
    await peer.waitClosed();
    expect(socket.receive()).toBeUndefined();
  });

  it("drops a peer that never completes the handshake after handshakeInterval", async () => {
    const { events, peer } = await boundWithPeer("PULL", (s) => {
      s.options.handshakeInterval = 100;
    });
    const started = Date.now();
    peer.sendGreeting();
    const event = await events.next("handshake:error:other");
    // libzmq's handshake timer reports errno EAGAIN.
    expect(event.error?.code).toBe("EAGAIN");
    expect(Date.now() - started).toBeGreaterThanOrEqual(90);
    await peer.waitClosed();
  });

  it("drops a silent peer after handshakeInterval", async () => {
    const { events, peer } = await boundWithPeer("PULL", (s) => {
      s.options.handshakeInterval = 80;
    });
    await events.next("handshake:error:other");
    await peer.waitClosed();
  });

  it.each([
    ["ZMTP 2.0 (revision 1)", [0xff, 0, 0, 0, 0, 0, 0, 0, 1, 0x7f, 1, 0x05, 0, 0]],
    ["ZMTP 2.0 (revision 2)", [0xff, 0, 0, 0, 0, 0, 0, 0, 1, 0x7f, 2, 0x05, 0, 0]],
    ["ZMTP 1.0 (long identity length)", [0xff, 0, 0, 0, 0, 0, 0, 0, 1, 0x00, 0x41]],
  ])("refuses a %s peer with ENOCOMPATPROTO", async (_name, greeting) => {
    const { socket, events, peer } = await boundWithPeer("PULL");
    peer.write(Uint8Array.from(greeting));
    const event = await events.next("handshake:error:protocol");
    expect(event.error?.code).toBe("ENOCOMPATPROTO");
    await peer.waitClosed();
    expect(socket.closed).toBe(false);
  });

  it("refuses a ZMTP 1.0 peer with a short identity (not a 0xff signature)", async () => {
    const { events, peer } = await boundWithPeer("PULL");
    peer.write(Uint8Array.of(0x01, 0x00));
    const event = await events.next("handshake:error:protocol");
    expect(event.error?.code).toBe("EPROTO");
    await peer.waitClosed();
  });
});

describe("engine over tcp: subscriptions by peer version", () => {
  async function subscriberTo(minor: number): Promise<{ sub: TestSub; peer: RawPeer }> {
    const server = cleanup.add(await RawServer.listen());
    const sub = cleanup.add(new TestSub(context));
    const events = watch(sub);
    sub.connect(server.endpoint);
    const peer = await server.accepted();
    peer.handshake("PUB", { minor });
    await events.next("handshake");
    return { sub, peer };
  }

  it("sends \\x01topic messages to a ZMTP 3.0 peer", async () => {
    const { sub, peer } = await subscriberTo(0);
    sub.subscribe(bytes("topic"));
    const subscribe = await peer.nextFrame((frame) => !frame.command, "a subscription");
    expect(subscribe.command).toBe(false);
    expect([...subscribe.body]).toEqual([1, ...bytes("topic")]);
    sub.unsubscribe(bytes("topic"));
    const cancel = await peer.nextFrame((frame) => !frame.command, "a cancel");
    expect(cancel.command).toBe(false);
    expect([...cancel.body]).toEqual([0, ...bytes("topic")]);
    expect(peer.frames.some((frame) => frame.name === "SUBSCRIBE")).toBe(false);
  });

  it("sends SUBSCRIBE and CANCEL commands to a ZMTP 3.1 peer", async () => {
    const { sub, peer } = await subscriberTo(1);
    sub.subscribe(bytes("topic"));
    const subscribe = await peer.nextCommand("SUBSCRIBE");
    expect(text(decodeCommand(subscribe.body).data)).toBe("topic");
    sub.unsubscribe(bytes("topic"));
    const cancel = await peer.nextCommand("CANCEL");
    expect(text(decodeCommand(cancel.body).data)).toBe("topic");
    expect(peer.frames.filter((frame) => !frame.command)).toEqual([]);
  });

  it("sends subscriptions made before the connection once it is up", async () => {
    const server = cleanup.add(await RawServer.listen());
    const sub = cleanup.add(new TestSub(context));
    sub.subscribe(bytes("early"));
    sub.connect(server.endpoint);
    const peer = await server.accepted();
    peer.handshake("PUB");
    const subscribe = await peer.nextCommand("SUBSCRIBE");
    expect(text(decodeCommand(subscribe.body).data)).toBe("early");
  });
});

describe("engine over tcp: heartbeats", () => {
  it("sends PING with the TTL in deciseconds and drops a peer that never answers", async () => {
    const { events, peer } = await boundWithPeer("PULL", (s) => {
      s.options.heartbeatInterval = 50;
      s.options.heartbeatTimeToLive = 2500;
      s.options.heartbeatTimeout = 150;
    });
    peer.handshake("PUSH");
    await events.next("handshake");
    const ping = await peer.nextCommand("PING");
    const pingedAt = Date.now();
    expect(decodePing(decodeCommand(ping.body).data).ttl).toBe(25);
    await events.next("disconnect");
    expect(Date.now() - pingedAt).toBeGreaterThanOrEqual(120);
    await peer.waitClosed();
  });

  it("keeps a peer that answers each PING", async () => {
    const { events, peer } = await boundWithPeer("PULL", (s) => {
      s.options.heartbeatInterval = 30;
      s.options.heartbeatTimeout = 60;
    });
    peer.handshake("PUSH");
    await events.next("handshake");
    for (let count = 0; count < 6; count++) {
      const ping = await peer.nextCommand("PING");
      peer.sendCommand(encodePong(decodePing(decodeCommand(ping.body).data).context));
    }
    expect(events.count("disconnect")).toBe(0);
    expect(peer.isClosed).toBe(false);
  });

  it("drops a peer that goes silent after announcing a TTL in its PING", async () => {
    const { events, peer } = await boundWithPeer("PULL");
    peer.handshake("PUSH");
    await events.next("handshake");
    const sentAt = Date.now();
    peer.sendCommand(encodePing(1)); // 100 ms
    await peer.nextCommand("PONG");
    await events.next("disconnect");
    expect(Date.now() - sentAt).toBeGreaterThanOrEqual(80);
    await peer.waitClosed();
  });

  it("sends no PING without heartbeatInterval", async () => {
    const { socket, events, peer } = await boundWithPeer("PULL");
    peer.handshake("PUSH");
    await events.next("handshake");
    expect(await receiveNothing(socket, 100)).toBeUndefined();
    expect(peer.frames.some((frame) => frame.name === "PING")).toBe(false);
  });
});
