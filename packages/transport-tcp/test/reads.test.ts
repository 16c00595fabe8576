import { Buffer } from "node:buffer";
import { type AddressInfo, connect, createServer, type Server, type Socket } from "node:net";
import { type Connection, isZmqError } from "@zmtp/spec";
import { concatBytes, record, sameBytes, seededBytes, TransportHarness } from "@zmtp/testkit";
import { afterEach, describe, expect, it } from "vitest";
import { acceptedReads, StreamConnection, StreamReads, tcp } from "../src/index";

const KIB = 1024;
const NAMES = { localAddress: "tcp://a", remoteAddress: "tcp://b", peerHost: "" };

/** Sizes on both sides of every threshold: Node's pool (4 KiB), the slab (256 KiB), a read (64 KiB). */
const SIZES = [
  1,
  100,
  3000,
  4095,
  4096,
  5000,
  60 * KIB,
  64 * KIB,
  70_000,
  200 * KIB,
  17,
  255 * KIB,
];

let harness: TransportHarness | undefined;
const cleanups: (() => void)[] = [];
afterEach(async () => {
  await harness?.dispose();
  harness = undefined;
  for (const cleanup of cleanups.splice(0)) cleanup();
});

async function listening(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  cleanups.push(() => server.close());
  return (server.address() as AddressInfo).port;
}

/** Writes each piece on its own turn of the event loop, so most arrive as reads of their own. */
async function writeApart(
  connection: { write(chunks: readonly Uint8Array[]): boolean },
  pieces: Uint8Array[],
) {
  for (const piece of pieces) {
    connection.write([piece]);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

describe("tcp reads through onread", () => {
  it("reads through onread at both ends on this Node", async () => {
    harness = new TransportHarness(tcp());
    const { client, server } = await harness.pair("tcp://127.0.0.1:*");
    expect((client as StreamConnection).reads).toBe("onread");
    expect((server as StreamConnection).reads).toBe("onread");
  });

  it("never reads into memory a chunk it handed over still uses", async () => {
    harness = new TransportHarness(tcp());
    const { client, server } = await harness.pair("tcp://127.0.0.1:*");
    // The chunks themselves, not copies: a later read into their memory would change them.
    const atClient = record(client, { copy: false });
    const atServer = record(server, { copy: false });
    const down = SIZES.map((size, index) => seededBytes(size, index + 1));
    const up = SIZES.map((size, index) => seededBytes(size, index + 100));
    const total = SIZES.reduce((sum, size) => sum + size, 0);
    await Promise.all([writeApart(server, down), writeApart(client, up)]);
    const [received, sent] = await Promise.all([
      atClient.untilBytes(total),
      atServer.untilBytes(total),
    ]);
    expect(atClient.chunks.length).toBeGreaterThan(SIZES.length / 2);
    expect(sameBytes(received, concatBytes(down))).toBe(true);
    expect(sameBytes(sent, concatBytes(up))).toBe(true);
    // No chunk came as a "data" event.
    expect((client as StreamConnection).reads).toBe("onread");
    expect((server as StreamConnection).reads).toBe("onread");
  });

  it("keeps what a connecting socket reads before the connection is made of it", async () => {
    const hello = seededBytes(5000, 7);
    const server = createServer((socket) => {
      cleanups.push(() => socket.destroy());
      socket.end(hello);
    });
    const port = await listening(server);
    const reads = new StreamReads();
    const socket = connect({ host: "127.0.0.1", port, onread: reads.onread });
    cleanups.push(() => socket.destroy());
    await new Promise((resolve) => socket.once("connect", resolve));
    // Long enough for the bytes to have been read (the socket reads from its connect on).
    await new Promise((resolve) => setTimeout(resolve, 50));
    const recording = record(new StreamConnection(socket, NAMES, reads));
    expect(sameBytes(await recording.untilBytes(hello.length), hello)).toBe(true);
  });

  it("leaves a socket that already reads to data events, which still deliver", async () => {
    const accepted: Socket[] = [];
    const server = createServer((socket) => accepted.push(socket));
    const port = await listening(server);
    const peer = connect({ host: "127.0.0.1", port });
    cleanups.push(() => peer.destroy());
    await new Promise((resolve) => peer.once("connect", resolve));
    await new Promise((resolve) => setTimeout(resolve, 20));
    const socket = accepted[0] as Socket;
    cleanups.push(() => socket.destroy());
    // Created without pauseOnConnect: reading already, too late for onread.
    expect(acceptedReads(socket)).toBeUndefined();
    const connection = new StreamConnection(socket, NAMES);
    expect(connection.reads).toBe("data");
    const recording = record(connection);
    const bytes = seededBytes(100 * KIB, 3);
    peer.write(bytes);
    expect(sameBytes(await recording.untilBytes(bytes.length), bytes)).toBe(true);
  });
});

describe("tcp reads without memory", () => {
  it("closes the connection with ENOMEM, not the process, when no slab can be had", async () => {
    harness = new TransportHarness(tcp());
    const { client, server } = await harness.pair("tcp://127.0.0.1:*");
    const atClient = record(client);
    const allocateSlow = Buffer.allocUnsafeSlow;
    // Every 256 KiB slab fails, as a full heap would make it (a read of 16 KiB or more wants one).
    Buffer.allocUnsafeSlow = (size: number) => {
      if (size === 256 * KIB) throw new RangeError("Array buffer allocation failed");
      return allocateSlow(size);
    };
    cleanups.push(() => {
      Buffer.allocUnsafeSlow = allocateSlow;
    });
    server.write([seededBytes(40 * KIB, 5)]);
    const error = await atClient.whenClosed;
    expect(isZmqError(error, "ENOMEM")).toBe(true);
    expect(StreamReads.streaming).toBe(0);
  });
});

describe("tcp reads through data events", () => {
  it("reads a socket accepted paused (where onread cannot be set) through data events", async () => {
    const accepted: Socket[] = [];
    const server = createServer({ pauseOnConnect: true }, (socket) => accepted.push(socket));
    const port = await listening(server);
    const peer = connect({ host: "127.0.0.1", port });
    cleanups.push(() => peer.destroy());
    await new Promise((resolve) => peer.once("connect", resolve));
    const bytes = seededBytes(200 * KIB, 5);
    peer.write(bytes);
    await new Promise((resolve) => setTimeout(resolve, 20));
    const socket = accepted[0] as Socket;
    cleanups.push(() => socket.destroy());
    const connection = new StreamConnection(socket, NAMES);
    expect(connection.reads).toBe("data");
    const recording = record(connection);
    expect(sameBytes(await recording.untilBytes(bytes.length), bytes)).toBe(true);
  });
});

describe("tcp reads where onread is ignored", () => {
  it("still reads through data events, and says so", async () => {
    const server = createServer((socket) => {
      cleanups.push(() => socket.destroy());
      socket.write(seededBytes(70_000, 8));
    });
    const port = await listening(server);
    // As a runtime whose net.connect ignores the `onread` option would make it.
    const socket = connect({ host: "127.0.0.1", port });
    cleanups.push(() => socket.destroy());
    await new Promise((resolve) => socket.once("connect", resolve));
    const connection = new StreamConnection(socket, NAMES, new StreamReads());
    expect(connection.reads).toBe("onread");
    const recording = record(connection);
    expect(sameBytes(await recording.untilBytes(70_000), seededBytes(70_000, 8))).toBe(true);
    expect(connection.reads).toBe("data");
  });
});

describe("tcp reads of many streams", () => {
  it("carries streams on more connections than read into slabs of their own, then frees them", async () => {
    harness = new TransportHarness(tcp());
    const { listener, accepted } = await harness.listen("tcp://127.0.0.1:*");
    const pairs: { client: Connection; server: Connection }[] = [];
    for (let index = 0; index < 20; index++) {
      const client = await harness.connect(listener.endpoint);
      pairs.push({ client, server: await accepted.next() });
    }
    const size = 300 * KIB;
    const recordings = pairs.map(({ server }) => record(server, { copy: false }));
    const sent = pairs.map((_, index) => seededBytes(size, index + 1));
    // All at once: reads of different connections interleave in the shared slab.
    pairs.forEach(({ client }, index) => {
      for (let at = 0; at < size; at += 32 * KIB) {
        client.write([(sent[index] as Uint8Array).subarray(at, at + 32 * KIB)]);
      }
    });
    const received = await Promise.all(recordings.map((recording) => recording.untilBytes(size)));
    received.forEach((bytes, index) => {
      expect(sameBytes(bytes, sent[index] as Uint8Array)).toBe(true);
    });
    expect(StreamReads.streaming).toBeGreaterThan(0);
    expect(StreamReads.streaming).toBeLessThanOrEqual(16);
    await harness.dispose();
    await Promise.all(recordings.map((recording) => recording.whenClosed));
    expect(StreamReads.streaming).toBe(0);
  });
});

describe("tcp reads: a slab of one's own", () => {
  it("keeps it through 64 KiB request-reply and gives it up after four small reads in a row", async () => {
    harness = new TransportHarness(tcp());
    const { client, server } = await harness.pair("tcp://127.0.0.1:*");
    const atServer = record(server, { copy: false });
    const before = StreamReads.streaming;
    let expected = 0;
    // A 64 KiB message and a few bytes after it, five times: a big read, then a small one.
    for (let round = 0; round < 5; round++) {
      await writeApart(client, [seededBytes(64 * KIB, round + 1), seededBytes(11, round + 50)]);
      expected += 64 * KIB + 11;
      await atServer.untilBytes(expected);
      expect(StreamReads.streaming).toBe(before + 1);
    }
    // The stream ends: four small reads in a row give the slab back.
    await writeApart(
      client,
      [1, 2, 3, 4].map((index) => seededBytes(100, index + 90)),
    );
    await atServer.untilBytes(expected + 400);
    expect(StreamReads.streaming).toBe(before);
  });
});
