/**
 * A node:net proxy between a libzmq CURVE client and a zmtp CURVE server that tampers with or
 * replays the client's MESSAGE frames: the server must drop the connection (disconnect event)
 * and deliver neither the forged nor the replayed message.
 */
import { createConnection, createServer, type Server, type Socket } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import * as native from "zeromq";
import * as zmq from "../src/index";
import { clientOptions, nextEvent, serverOptions } from "./security-helpers";

const MESSAGE = Buffer.from("\x07MESSAGE", "latin1");
const cleanup: (() => void)[] = [];
afterEach(() => {
  for (const close of cleanup.splice(0).reverse()) close();
});

/** Forwards both ways; `alter` may rewrite client->server chunks that hold a MESSAGE frame. */
async function proxy(target: number, alter: (chunk: Buffer) => Buffer[]): Promise<number> {
  const sockets: Socket[] = [];
  let done = false;
  const server: Server = createServer((client) => {
    const upstream = createConnection({ host: "127.0.0.1", port: target });
    sockets.push(client, upstream);
    client.on("data", (chunk: Buffer) => {
      const isMessage = chunk.length > 10 && chunk.subarray(2, 10).equals(MESSAGE);
      const out = isMessage && !done ? alter(chunk) : [chunk];
      if (isMessage) done = true;
      for (const piece of out) upstream.write(piece);
    });
    upstream.on("data", (chunk: Buffer) => client.write(chunk));
    client.on("close", () => upstream.destroy());
    upstream.on("close", () => client.destroy());
    client.on("error", () => {});
    upstream.on("error", () => {});
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  cleanup.push(() => {
    for (const socket of sockets) socket.destroy();
    server.close();
  });
  return (server.address() as { port: number }).port;
}

async function setup(alter: (chunk: Buffer) => Buffer[]) {
  const server = new zmq.Pull({ linger: 0, receiveTimeout: 300, ...serverOptions("CURVE") });
  cleanup.push(() => server.close());
  await server.bind("tcp://127.0.0.1:*");
  const port = await proxy(Number(server.lastEndpoint!.split(":").pop()), alter);
  const client = new native.Push({ linger: 0, ...clientOptions("CURVE") });
  cleanup.push(() => client.close());
  const handshake = nextEvent(server, "handshake");
  const disconnect = nextEvent(server, "disconnect");
  client.connect(`tcp://127.0.0.1:${port}`);
  await handshake;
  return { server, client, disconnect };
}

describe("MESSAGE boxes on the wire", () => {
  it("a tampered MESSAGE drops the connection and is not delivered", async () => {
    const { server, client, disconnect } = await setup((chunk) => {
      const copy = Buffer.from(chunk);
      copy[copy.length - 1]! ^= 0x01;
      return [copy];
    });
    await client.send("forged");
    await disconnect;
    await expect(server.receive()).rejects.toMatchObject({ code: "EAGAIN" });
  });

  it("a replayed MESSAGE drops the connection; the original is delivered once", async () => {
    const { server, client, disconnect } = await setup((chunk) => [chunk, chunk]);
    await client.send("once");
    expect((await server.receive()).map(String)).toEqual(["once"]);
    await disconnect;
    await expect(server.receive()).rejects.toMatchObject({ code: "EAGAIN" });
  });
});
