/**
 * The transport conformance suite: what every `Transport` must do for the engine in
 * @zmtp/core to work on top of it. A transport author runs it from a vitest file:
 *
 *     runTransportConformance({
 *       name: "tcp",
 *       transport: () => tcp(),
 *       bindEndpoint: () => "tcp://127.0.0.1:*",
 *     });
 */
import { isZmqError, type Transport, type TransportOptions, ZmqError } from "@zmtp/spec";
import { afterEach, describe, expect, it } from "vitest";
import { sameBytes, seededBytes } from "./bytes";
import { nextTurns, TransportHarness } from "./harness";
import { record } from "./recording";

export interface TransportConformanceOptions {
  /** Names the describe block. */
  readonly name: string;
  /** A fresh transport; one per test (inproc names are scoped to an instance). */
  readonly transport: () => Transport;
  /** An endpoint to bind for one test, e.g. `tcp://127.0.0.1:*` or a fresh ipc path. */
  readonly bindEndpoint: () => string;
  /** Options passed to every listen and connect. */
  readonly options?: TransportOptions;
  /**
   * Whether a connect to an address nobody listens on fails (ECONNREFUSED or ENOENT).
   * Default true; inproc waits for a later bind instead.
   */
  readonly refusesUnboundConnect?: boolean;
}

const KIB = 1024;
const MIB = 1024 * KIB;

export function runTransportConformance(options: TransportConformanceOptions): void {
  const refuses = options.refusesUnboundConnect ?? true;

  describe(`transport conformance: ${options.name}`, () => {
    let harness: TransportHarness;
    const setup = (): TransportHarness => {
      harness = new TransportHarness(options.transport(), options.options);
      return harness;
    };
    afterEach(async () => {
      await harness?.dispose();
    });

    it("binds a wildcard endpoint, reports the resolved one and accepts a connect to it", async () => {
      const h = setup();
      const bindAddress = options.bindEndpoint();
      const { listener, accepted } = await h.listen(bindAddress);
      const protocol = `${h.transport.protocol}://`;
      expect(listener.endpoint.startsWith(protocol)).toBe(true);
      if (bindAddress.endsWith("*")) expect(listener.endpoint.endsWith("*")).toBe(false);
      const client = await h.connect(listener.endpoint);
      const server = await accepted.next();
      for (const connection of [client, server]) {
        expect(connection.localAddress.startsWith(protocol)).toBe(true);
        expect(connection.remoteAddress.startsWith(protocol)).toBe(true);
        expect(typeof connection.peerHost).toBe("string");
      }
    });

    if (refuses) {
      it("refuses a connect when nothing listens (ECONNREFUSED or ENOENT)", async () => {
        const h = setup();
        const { listener } = await h.listen(options.bindEndpoint());
        await listener.close();
        const error = await h.connect(listener.endpoint).then(
          () => undefined,
          (reason: unknown) => reason,
        );
        expect(isZmqError(error)).toBe(true);
        expect(["ECONNREFUSED", "ENOENT"]).toContain((error as ZmqError).code);
        expect((error as ZmqError).address).toBe(listener.endpoint);
      });
    } else {
      it("holds a connect to an unbound address until a bind", async () => {
        const h = setup();
        const bindAddress = options.bindEndpoint();
        const client = await h.connect(bindAddress);
        const atClient = record(client);
        client.write([Uint8Array.of(8)]);
        const { accepted } = await h.listen(bindAddress);
        const atServer = record(await accepted.next());
        expect(await atServer.untilBytes(1)).toEqual(Uint8Array.of(8));
        atServer.connection.write([Uint8Array.of(9)]);
        expect(await atClient.untilBytes(1)).toEqual(Uint8Array.of(9));
      });
    }

    it("rejects a second listen on a bound address with EADDRINUSE", async () => {
      const h = setup();
      const { listener } = await h.listen(options.bindEndpoint());
      const error = await h.listen(listener.endpoint).then(
        () => undefined,
        (reason: unknown) => reason,
      );
      expect(isZmqError(error, "EADDRINUSE")).toBe(true);
      // The first listener still works.
      await h.connect(listener.endpoint);
    });

    it("carries 1 byte each way", async () => {
      const h = setup();
      const { client, server } = await h.pair(options.bindEndpoint());
      const atServer = record(server);
      const atClient = record(client);
      client.write([Uint8Array.of(0x2a)]);
      expect(await atServer.untilBytes(1)).toEqual(Uint8Array.of(0x2a));
      server.write([Uint8Array.of(0x7f)]);
      expect(await atClient.untilBytes(1)).toEqual(Uint8Array.of(0x7f));
    });

    it("carries 1 MiB intact each way, whatever the chunking", async () => {
      const h = setup();
      const { client, server } = await h.pair(options.bindEndpoint());
      const atServer = record(server);
      const atClient = record(client);
      const payload = seededBytes(MIB, 7);
      client.write([payload]);
      expect(sameBytes(await atServer.untilBytes(MIB), payload)).toBe(true);
      // Back in odd-sized pieces, several per batch.
      const pieces: Uint8Array[] = [];
      for (let offset = 0; offset < MIB; offset += 4093) {
        pieces.push(payload.subarray(offset, Math.min(MIB, offset + 4093)));
      }
      for (let index = 0; index < pieces.length; index += 5) {
        server.write(pieces.slice(index, index + 5));
      }
      expect(sameBytes(await atClient.untilBytes(MIB), payload)).toBe(true);
      expect(atServer.byteLength).toBe(MIB);
    });

    it("keeps many writes in order", async () => {
      const h = setup();
      const { client, server } = await h.pair(options.bindEndpoint());
      const atServer = record(server);
      record(client);
      const source = seededBytes(600 * KIB, 11);
      let offset = 0;
      let size = 1;
      while (offset < source.byteLength) {
        const first = source.subarray(offset, Math.min(source.byteLength, offset + size));
        offset += first.byteLength;
        const second = source.subarray(offset, Math.min(source.byteLength, offset + 3));
        offset += second.byteLength;
        client.write(second.byteLength > 0 ? [first, second] : [first]);
        size = (size * 7 + 13) % 997;
      }
      expect(sameBytes(await atServer.untilBytes(source.byteLength), source)).toBe(true);
    });

    it("buffers data that arrives before start", async () => {
      const h = setup();
      const { client, server } = await h.pair(options.bindEndpoint());
      client.write([Uint8Array.of(1, 2, 3)]);
      // A round trip proves the client's bytes had time to reach the server's end.
      const atClient = record(client);
      server.write([Uint8Array.of(9)]);
      await atClient.untilBytes(1);
      await nextTurns(2);
      const atServer = record(server);
      expect(await atServer.untilBytes(3)).toEqual(Uint8Array.of(1, 2, 3));
    });

    it("applies backpressure: write returns false toward a paused peer, drain follows resume", async () => {
      const h = setup();
      const { client, server } = await h.pair(options.bindEndpoint());
      const atServer = record(server);
      server.pause();
      const atClient = record(client);
      const chunk = seededBytes(64 * KIB, 3);
      const total = 64 * MIB;
      let refused = 0;
      for (let sent = 0; sent < total; sent += chunk.byteLength) {
        if (!client.write([chunk])) refused++;
      }
      expect(refused).toBeGreaterThan(0);
      // Give the bytes many turns to move: a paused reader must get none of them, and no buffer
      // between the two ends holds 64 MiB, so the writer must not see drain either.
      await nextTurns(20);
      expect(atServer.byteLength).toBe(0);
      expect(atClient.drainCount).toBe(0);
      const drained = atClient.nextDrain();
      server.resume();
      await drained;
      await atServer.untilBytes(total);
      expect(atServer.byteLength).toBe(total);
    });

    it("end() flushes queued data, then both ends see an orderly close", async () => {
      const h = setup();
      const { client, server } = await h.pair(options.bindEndpoint());
      const atServer = record(server);
      const atClient = record(client);
      const payload = seededBytes(MIB, 5);
      client.write([payload]);
      client.end();
      expect(await atServer.whenClosed).toBeUndefined();
      expect(sameBytes(atServer.bytes(), payload)).toBe(true);
      expect(await atClient.whenClosed).toBeUndefined();
    });

    it("end() and destroy() are idempotent; closed is reported exactly once per end", async () => {
      const h = setup();
      const { client, server } = await h.pair(options.bindEndpoint());
      const atServer = record(server);
      const atClient = record(client);
      client.end();
      client.end();
      client.destroy();
      client.destroy();
      await Promise.all([atClient.whenClosed, atServer.whenClosed]);
      server.end();
      server.destroy();
      expect(client.write([Uint8Array.of(1)])).toBeTypeOf("boolean");
      await nextTurns(3);
      expect(atClient.closeCount).toBe(1);
      expect(atServer.closeCount).toBe(1);
    });

    it("destroy(error) reports that error locally and closes the peer", async () => {
      const h = setup();
      const { client, server } = await h.pair(options.bindEndpoint());
      const atServer = record(server);
      const atClient = record(client);
      const reason = new ZmqError("EPROTO", "bad greeting");
      client.write([seededBytes(64 * KIB, 9)]);
      client.destroy(reason);
      expect(await atClient.whenClosed).toBe(reason);
      await atServer.whenClosed;
      await nextTurns(2);
      expect(atServer.closeCount).toBe(1);
      expect(atClient.closeCount).toBe(1);
    });

    it("reports a close that happens before start once started", async () => {
      const h = setup();
      const { client, server } = await h.pair(options.bindEndpoint());
      const atServer = record(server);
      server.write([Uint8Array.of(5)]);
      server.end();
      await nextTurns(3);
      const atClient = record(client);
      expect(await atClient.whenClosed).toBeUndefined();
      await atServer.whenClosed;
      expect(atClient.bytes()).toEqual(Uint8Array.of(5));
    });

    it("releases the address when the listener closes (close is idempotent)", async () => {
      const h = setup();
      const { listener } = await h.listen(options.bindEndpoint());
      await listener.close();
      await listener.close();
      const again = await h.listen(listener.endpoint);
      expect(again.listener.endpoint).toBe(listener.endpoint);
      const client = await h.connect(again.listener.endpoint);
      await again.accepted.next();
      expect(client.remoteAddress.startsWith(`${h.transport.protocol}://`)).toBe(true);
    });

    it("keeps accepted connections up after the listener closes", async () => {
      const h = setup();
      const { listener, client, server } = await h.pair(options.bindEndpoint());
      await listener.close();
      const atServer = record(server);
      record(client);
      client.write([Uint8Array.of(4, 2)]);
      expect(await atServer.untilBytes(2)).toEqual(Uint8Array.of(4, 2));
    });

    it("serves 100 concurrent connections on one listener", async () => {
      const h = setup();
      const { listener, accepted } = await h.listen(options.bindEndpoint());
      const count = 100;
      const clients = await Promise.all(
        Array.from({ length: count }, () => h.connect(listener.endpoint)),
      );
      // Every accepted end echoes the 4 bytes it receives.
      const echoes = Array.from({ length: count }, async () => {
        const atServer = record(await accepted.next());
        const message = await atServer.untilBytes(4);
        atServer.connection.write([message]);
      });
      const replies = clients.map(async (client, index) => {
        const atClient = record(client);
        const message = new Uint8Array(4);
        new DataView(message.buffer).setUint32(0, index);
        client.write([message]);
        expect(await atClient.untilBytes(4)).toEqual(message);
      });
      await Promise.all([...echoes, ...replies]);
    });
  });
}
