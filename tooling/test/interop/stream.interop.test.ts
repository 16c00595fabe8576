// STREAM carries raw bytes, not ZMTP: against a plain node:net peer and against libzmq's STREAM.
// Each connection is announced by an empty frame ([id, ""]) and ended by one. (Closing a
// connection by sending [id, ""] is not pinned here: libzmq 4.3.5 through zeromq.js acts on it
// only at some later I/O on that connection, so no deterministic reference exists.)

import { connect, type Socket as NetSocket } from "node:net";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import type { Stream } from "zeromq";
import { bindTo, recv, socketScope, TRANSPORTS, within } from "../helpers.js";
import { implementations, interopSubject, type Zmq } from "../impl.js";

/** Reads from a STREAM socket until `length` bytes from `id` have arrived (TCP may split them). */
async function recvBytes(stream: Stream, id: Buffer, length: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  while (total < length) {
    const [from, data] = await recv(stream);
    expect(from!.equals(id)).toBe(true);
    expect(data!.length).toBeGreaterThan(0);
    chunks.push(data!);
    total += data!.length;
  }
  return Buffer.concat(chunks);
}

function netConnect(endpoint: string): NetSocket {
  if (endpoint.startsWith("tcp://")) {
    const url = new URL(endpoint);
    return connect({ host: url.hostname, port: Number(url.port) });
  }
  return connect({ path: endpoint.slice("ipc://".length) });
}

function netRead(client: NetSocket, length: number): Promise<Buffer> {
  return within(
    new Promise<Buffer>((resolve, reject) => {
      const chunks: Buffer[] = [];
      let total = 0;
      const onData = (chunk: Buffer) => {
        chunks.push(chunk);
        total += chunk.length;
        if (total >= length) {
          client.off("data", onData);
          resolve(Buffer.concat(chunks));
        }
      };
      client.on("data", onData);
      client.once("error", reject);
    }),
    undefined,
    "reading from the net client",
  );
}

describe.each(TRANSPORTS)("%s: zmtp Stream binds, a node:net client connects", (transport) => {
  const track = socketScope();
  const clients: NetSocket[] = [];
  let zmq: Zmq;
  beforeAll(async () => {
    zmq = await implementations[interopSubject()]();
  });
  afterEach(() => {
    for (const client of clients.splice(0)) client.destroy();
  });
  const open = async () => {
    const stream = track(new zmq.Stream());
    const endpoint = await bindTo(stream, transport);
    const client = netConnect(endpoint);
    clients.push(client);
    const [id, empty] = await recv(stream);
    expect(empty!.length).toBe(0);
    return { stream, client, id: id! };
  };

  it("announces the connection, then passes raw bytes both ways", async () => {
    const { stream, client, id } = await open();
    expect(id.length).toBeGreaterThan(0);
    client.write("hello, raw world");
    expect((await recvBytes(stream, id, 16)).toString()).toBe("hello, raw world");
    const reply = netRead(client, 5);
    await stream.send([id, "pong!"]);
    expect((await reply).toString()).toBe("pong!");
  });

  it("carries 64 KiB unframed", async () => {
    const { stream, client, id } = await open();
    const data = Buffer.alloc(64 * 1024, 0x5a);
    client.write(data);
    expect((await recvBytes(stream, id, data.length)).equals(data)).toBe(true);
  });

  it("reports the client's disconnect as an empty frame", async () => {
    const { stream, client, id } = await open();
    client.end();
    const [from, empty] = await recv(stream);
    expect(from!.equals(id)).toBe(true);
    expect(empty!.length).toBe(0);
  });

  it("tells 2 clients apart by routing id", async () => {
    const { stream, client, id } = await open();
    const second = netConnect(stream.lastEndpoint!);
    clients.push(second);
    const [secondId] = await recv(stream);
    expect(secondId!.equals(id)).toBe(false);
    const toFirst = netRead(client, 3);
    const toSecond = netRead(second, 3);
    await stream.send([secondId!, "two"]);
    await stream.send([id, "one"]);
    expect((await toFirst).toString()).toBe("one");
    expect((await toSecond).toString()).toBe("two");
  });
});

const streamRows = TRANSPORTS.flatMap((transport) =>
  (["zmtp", "libzmq"] as const).map((binder) => ({
    transport,
    binder,
    title: `${transport}: ${binder} Stream binds, ${binder === "zmtp" ? "libzmq" : "zmtp"} Stream connects`,
  })),
);

describe.each(streamRows)("$title", ({ transport, binder }) => {
  const track = socketScope();
  const modules: { zmtp?: Zmq; libzmq?: Zmq } = {};
  beforeAll(async () => {
    modules.zmtp = await implementations[interopSubject()]();
    modules.libzmq = await implementations.zeromq();
  });

  const open = async () => {
    const bound = track(new modules[binder]!.Stream());
    const other = binder === "zmtp" ? modules.libzmq! : modules.zmtp!;
    const connecting = track(new other.Stream());
    const endpoint = await bindTo(bound, transport);
    connecting.connect(endpoint);
    const [boundSeesId] = await recv(bound);
    const [connectingSeesId] = await recv(connecting);
    return { bound, connecting, toConnecting: boundSeesId!, toBound: connectingSeesId! };
  };

  it("exchanges raw bytes both ways after both sides announce the connection", async () => {
    const { bound, connecting, toConnecting, toBound } = await open();
    await connecting.send([toBound, "from the connecting side"]);
    expect((await recvBytes(bound, toConnecting, 24)).toString()).toBe("from the connecting side");
    await bound.send([toConnecting, "from the bound side"]);
    expect((await recvBytes(connecting, toBound, 19)).toString()).toBe("from the bound side");
  });

  it("carries 1 MiB of raw bytes", async () => {
    const { bound, connecting, toConnecting, toBound } = await open();
    const data = Buffer.alloc(1024 * 1024);
    for (let index = 0; index < data.length; index += 1) data[index] = index % 251;
    await connecting.send([toBound, data]);
    expect((await recvBytes(bound, toConnecting, data.length)).equals(data)).toBe(true);
  });
});
