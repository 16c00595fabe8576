import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { type Endpoint, isZmqError, parseEndpoint } from "@zmtp/spec";
import { nextTurns, record, TransportHarness, uniqueInprocEndpoint } from "@zmtp/testkit";
import { afterEach, describe, expect, it } from "vitest";
import { HIGH_WATER_MARK, inproc } from "../src/index";

function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
}

const harnesses: TransportHarness[] = [];
function setup(transport = inproc()): TransportHarness {
  const harness = new TransportHarness(transport);
  harnesses.push(harness);
  return harness;
}
afterEach(async () => {
  await Promise.all(harnesses.splice(0).map((harness) => harness.dispose()));
});

describe("inproc names", () => {
  it("scopes names to the transport instance (one per Context)", async () => {
    const endpoint = uniqueInprocEndpoint();
    const first = setup();
    const second = setup();
    const one = await first.listen(endpoint);
    const two = await second.listen(endpoint);
    const client = await second.connect(endpoint);
    const atServer = record(await two.accepted.next());
    client.write([Uint8Array.of(2)]);
    expect(await atServer.untilBytes(1)).toEqual(Uint8Array.of(2));
    await nextTurns(2);
    // The first instance's listener never heard of it.
    const stray = await Promise.race([one.accepted.next(), Promise.resolve(undefined)]);
    expect(stray).toBeUndefined();
  });

  it("rejects an empty name or another transport's endpoint with EINVAL", async () => {
    const empty: Endpoint = { transport: "inproc", name: "", address: "inproc://" };
    const transport = inproc();
    expect(isZmqError(await rejection(transport.connect(empty, {})), "EINVAL")).toBe(true);
    expect(isZmqError(await rejection(transport.listen(empty, {}, () => {})), "EINVAL")).toBe(true);
    const tcp = parseEndpoint("tcp://127.0.0.1:5555");
    expect(isZmqError(await rejection(transport.connect(tcp, {})), "EINVAL")).toBe(true);
  });

  it("binds the name again after the listener closes", async () => {
    const endpoint = uniqueInprocEndpoint();
    const h = setup();
    const { listener } = await h.listen(endpoint);
    const error = await rejection(h.listen(endpoint));
    expect(isZmqError(error, "EADDRINUSE")).toBe(true);
    await listener.close();
    const again = await h.listen(endpoint);
    expect(again.listener.endpoint).toBe(endpoint);
  });
});

describe("inproc connect before bind", () => {
  it("queues writes, applies backpressure, and hands the other end over at bind", async () => {
    const endpoint = uniqueInprocEndpoint();
    const h = setup();
    const client = await h.connect(endpoint);
    const atClient = record(client);
    const chunk = new Uint8Array(256 * 1024);
    let accepted = true;
    for (let sent = 0; sent <= HIGH_WATER_MARK; sent += chunk.byteLength) {
      accepted = client.write([chunk]);
    }
    expect(accepted).toBe(false);
    const drained = atClient.nextDrain();
    const { accepted: queue } = await h.listen(endpoint);
    const atServer = record(await queue.next());
    await drained;
    expect((await atServer.untilBytes(HIGH_WATER_MARK + chunk.byteLength)).byteLength).toBe(
      HIGH_WATER_MARK + chunk.byteLength,
    );
  });

  it("hands over every waiting connect, in order, once", async () => {
    const endpoint = uniqueInprocEndpoint();
    const h = setup();
    const clients = await Promise.all([1, 2, 3].map(() => h.connect(endpoint)));
    for (const [index, client] of clients.entries()) client.write([Uint8Array.of(index)]);
    const { accepted } = await h.listen(endpoint);
    for (let index = 0; index < clients.length; index++) {
      const atServer = record(await accepted.next());
      expect(await atServer.untilBytes(1)).toEqual(Uint8Array.of(index));
    }
  });

  it("forgets a waiting connect that is destroyed before the bind", async () => {
    const endpoint = uniqueInprocEndpoint();
    const h = setup();
    const client = await h.connect(endpoint);
    const atClient = record(client);
    client.destroy();
    expect(await atClient.whenClosed).toBeUndefined();
    const { accepted } = await h.listen(endpoint);
    await nextTurns(2);
    const stray = await Promise.race([accepted.next(), Promise.resolve(undefined)]);
    expect(stray).toBeUndefined();
  });

  it("parks a connect again when its listener closes before the hand-over", async () => {
    const endpoint = uniqueInprocEndpoint();
    const h = setup();
    const first = await h.listen(endpoint);
    const connecting = h.transport.connect(parseEndpoint(endpoint), {});
    // close() unbinds synchronously, before the hand-over microtask runs.
    const closing = first.listener.close();
    const client = await connecting;
    await closing;
    const second = await h.listen(endpoint);
    const server = await second.accepted.next();
    expect(server.remoteAddress).toBe(endpoint);
    const stray = await Promise.race([first.accepted.next(), Promise.resolve(undefined)]);
    expect(stray).toBeUndefined();
    client.destroy();
  });
});

describe("inproc connection", () => {
  it("hands over the written chunks themselves, never inside write()", async () => {
    const h = setup();
    const { client, server } = await h.pair(uniqueInprocEndpoint());
    const atServer = record(server, { copy: false });
    const chunk = Uint8Array.of(1, 2, 3);
    client.write([chunk]);
    expect(atServer.byteLength).toBe(0);
    await atServer.untilBytes(3);
    expect(atServer.chunks[0]).toBe(chunk);
    expect(server.peerHost).toBe("");
    expect(client.localAddress).toBe(client.remoteAddress);
  });

  it("imports no node: module (inproc is portable)", () => {
    const src = join(import.meta.dirname, "../src");
    for (const file of readdirSync(src)) {
      expect(readFileSync(join(src, file), "utf8")).not.toMatch(/from\s+["']node:/);
    }
  });
});
