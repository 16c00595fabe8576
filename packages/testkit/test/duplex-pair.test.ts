import {
  type AcceptHandler,
  type Connection,
  type Endpoint,
  type Listener,
  type Transport,
  ZmqError,
} from "@zmtp/spec";
import { describe, expect, it } from "vitest";
import {
  duplexPair,
  nextTurns,
  record,
  runTransportConformance,
  sameBytes,
  seededBytes,
} from "../src/index";

/**
 * A toy transport over duplexPair: proves the pair meets the connection contract, and that the
 * conformance suite runs against any transport.
 */
class PairTransport implements Transport {
  readonly protocol = "pair";
  private readonly names = new Map<string, AcceptHandler>();
  private next = 0;

  async listen(endpoint: Endpoint, _options: object, onConnection: AcceptHandler) {
    const name = endpoint.address === "pair://*" ? `pair://${++this.next}` : endpoint.address;
    if (this.names.has(name)) throw new ZmqError("EADDRINUSE", undefined, { address: name });
    this.names.set(name, onConnection);
    const listener: Listener = {
      endpoint: name,
      close: async () => {
        this.names.delete(name);
      },
    };
    return listener;
  }

  async connect(endpoint: Endpoint): Promise<Connection> {
    const accept = this.names.get(endpoint.address);
    if (accept === undefined) {
      throw new ZmqError("ECONNREFUSED", undefined, { address: endpoint.address });
    }
    const [client, server] = duplexPair({ addresses: [endpoint.address, endpoint.address] });
    queueMicrotask(() => accept(server));
    return client;
  }
}

runTransportConformance({
  name: "duplexPair",
  transport: () => new PairTransport(),
  bindEndpoint: () => "pair://*",
});

describe("duplexPair", () => {
  it("hands over the chunks themselves, later, never inside write()", async () => {
    const [left, right] = duplexPair();
    const atRight = record(right, { copy: false });
    const chunk = seededBytes(100);
    left.write([chunk]);
    expect(atRight.byteLength).toBe(0);
    await atRight.untilBytes(100);
    expect(atRight.chunks[0]).toBe(chunk);
  });

  it("names its ends and the peer host as asked", () => {
    const [left, right] = duplexPair({
      addresses: ["tcp://127.0.0.1:1", "tcp://127.0.0.1:2"],
      peerHost: "127.0.0.1",
    });
    expect(left.localAddress).toBe("tcp://127.0.0.1:1");
    expect(left.remoteAddress).toBe("tcp://127.0.0.1:2");
    expect(right.localAddress).toBe("tcp://127.0.0.1:2");
    expect(right.peerHost).toBe("127.0.0.1");
  });

  it("honours highWaterMark and pays drain once the reader catches up", async () => {
    const [left, right] = duplexPair({ highWaterMark: 10 });
    const atLeft = record(left);
    expect(left.write([new Uint8Array(10)])).toBe(true);
    expect(left.write([new Uint8Array(1)])).toBe(false);
    await nextTurns(1);
    expect(atLeft.drainCount).toBe(0); // the reader has not started
    const drained = atLeft.nextDrain();
    const atRight = record(right);
    await drained;
    expect(atRight.byteLength).toBe(11);
  });

  it("end() delivers everything before both ends close", async () => {
    const [left, right] = duplexPair();
    const payload = seededBytes(5000, 2);
    left.write([payload.subarray(0, 2000), payload.subarray(2000)]);
    left.end();
    const atLeft = record(left);
    const atRight = record(right);
    expect(await atRight.whenClosed).toBeUndefined();
    expect(await atLeft.whenClosed).toBeUndefined();
    expect(sameBytes(atRight.bytes(), payload)).toBe(true);
  });
});
