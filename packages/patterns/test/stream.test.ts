/** STREAM (zmq_socket(3)): raw tcp with a plain node:net peer on the other side. */
import { createServer, connect as netConnect, type Server, type Socket } from "node:net";
import { isZmqError } from "@zmtp/spec";
import { describe, expect, it } from "vitest";
import { StreamSocket } from "../src/index";
import {
  bytes,
  hostPort,
  message,
  perTestScope,
  receiveWithin,
  TCP_ANY,
  text,
  thrown,
  watch,
} from "./helpers";

const scope = perTestScope();

/** A node:net client that records what it reads and when the server closes it. */
class Client {
  received = "";
  ended = false;
  private waiters: (() => void)[] = [];

  constructor(readonly socket: Socket) {
    socket.on("data", (chunk: Buffer) => {
      this.received += chunk.toString("latin1");
      this.wake();
    });
    socket.on("error", () => {});
    socket.on("close", () => {
      this.ended = true;
      this.wake();
    });
  }

  static async connect(endpoint: string): Promise<Client> {
    const { host, port } = hostPort(endpoint);
    return new Promise((resolve, reject) => {
      const socket = netConnect({ host, port }, () => resolve(new Client(socket)));
      socket.once("error", reject);
    });
  }

  private wake(): void {
    for (const waiter of [...this.waiters]) waiter();
  }

  until(predicate: () => boolean, what: string, ms = 5000): Promise<void> {
    if (predicate()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`client: no ${what}`)), ms);
      const check = (): void => {
        if (!predicate()) return;
        clearTimeout(timer);
        this.waiters = this.waiters.filter((waiter) => waiter !== check);
        resolve();
      };
      this.waiters.push(check);
    });
  }

  close(): void {
    this.socket.destroy();
  }
}

describe("STREAM bound, node:net client", () => {
  it("notifies the connect, delivers data with the id, writes raw bytes back", async () => {
    const stream = scope.cleanup.add(new StreamSocket(scope.context));
    await stream.bind(TCP_ANY);
    const client = scope.cleanup.add(await Client.connect(stream.lastEndpoint!));

    const [id, empty] = await receiveWithin(stream);
    expect(id!.length).toBe(5);
    expect(id![0]).toBe(0);
    expect(empty).toHaveLength(0);

    client.socket.write("GET / HTTP/1.0\r\n\r\n");
    let request = "";
    while (request.length < 18) {
      const [from, data] = await receiveWithin(stream);
      expect([...from!]).toEqual([...id!]);
      request += text(data);
    }
    expect(request).toBe("GET / HTTP/1.0\r\n\r\n");

    expect(stream.send([id!, bytes("HTTP/1.0 200 OK\r\n\r\nhi")])).toBe(true);
    await client.until(() => client.received.length >= 21, "response");
    // Exactly the bytes: no ZMTP greeting or framing.
    expect(client.received).toBe("HTTP/1.0 200 OK\r\n\r\nhi");
  });

  it("[id, ''] closes that connection; the disconnect shows as [id, '']", async () => {
    const stream = scope.cleanup.add(new StreamSocket(scope.context));
    const events = watch(stream);
    await stream.bind(TCP_ANY);
    const client = scope.cleanup.add(await Client.connect(stream.lastEndpoint!));
    const [id] = await receiveWithin(stream);
    stream.send([id!, bytes("bye")]);
    stream.send([id!, new Uint8Array(0)]);
    await client.until(() => client.ended, "close");
    expect(client.received).toBe("bye");
    await events.next("disconnect");
    const [goneId, goneData] = await receiveWithin(stream);
    expect([...goneId!]).toEqual([...id!]);
    expect(goneData).toHaveLength(0);
    // The id is no longer routable.
    expect(
      isZmqError(
        thrown(() => stream.send([id!, bytes("x")])),
        "EHOSTUNREACH",
      ),
    ).toBe(true);
  });

  it("reports a client that goes away as [id, '']", async () => {
    const stream = scope.cleanup.add(new StreamSocket(scope.context));
    await stream.bind(TCP_ANY);
    const client = await Client.connect(stream.lastEndpoint!);
    const [id] = await receiveWithin(stream);
    client.socket.end();
    const [goneId, goneData] = await receiveWithin(stream);
    expect([...goneId!]).toEqual([...id!]);
    expect(goneData).toHaveLength(0);
  });

  it("gives each client its own id", async () => {
    const stream = scope.cleanup.add(new StreamSocket(scope.context));
    await stream.bind(TCP_ANY);
    const one = scope.cleanup.add(await Client.connect(stream.lastEndpoint!));
    const [idOne] = await receiveWithin(stream);
    const two = scope.cleanup.add(await Client.connect(stream.lastEndpoint!));
    const [idTwo] = await receiveWithin(stream);
    expect([...idOne!]).not.toEqual([...idTwo!]);
    stream.send([idTwo!, bytes("two")]);
    stream.send([idOne!, bytes("one")]);
    await one.until(() => one.received === "one", "one");
    await two.until(() => two.received === "two", "two");
  });

  it("EHOSTUNREACH for an unknown id", () => {
    const stream = scope.cleanup.add(new StreamSocket(scope.context));
    expect(
      isZmqError(
        thrown(() => stream.send(message("nobody", "x"))),
        "EHOSTUNREACH",
      ),
    ).toBe(true);
  });

  it("without notify, no connect message", async () => {
    const stream = scope.cleanup.add(new StreamSocket(scope.context));
    stream.options.notify = false;
    await stream.bind(TCP_ANY);
    const client = scope.cleanup.add(await Client.connect(stream.lastEndpoint!));
    client.socket.write("data");
    const [, data] = await receiveWithin(stream);
    expect(text(data)).toBe("data");
  });
});

describe("STREAM connecting to a node:net server", () => {
  it("uses the connect routingId and exchanges raw bytes", async () => {
    let accepted: Socket | undefined;
    let serverReceived = "";
    const server: Server = createServer((socket) => {
      accepted = socket;
      socket.on("data", (chunk) => {
        serverReceived += chunk.toString("latin1");
      });
      socket.write("welcome");
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const address = server.address();
    if (address === null || typeof address === "string") throw new Error("no port");
    try {
      const stream = scope.cleanup.add(new StreamSocket(scope.context));
      stream.connect(`tcp://127.0.0.1:${address.port}`, { routingId: bytes("srv") });
      const connectNotice = await receiveWithin(stream);
      expect(connectNotice.map(text)).toEqual(["srv", ""]);
      const welcome = await receiveWithin(stream);
      expect(welcome.map(text)).toEqual(["srv", "welcome"]);
      stream.send(message("srv", "hello server"));
      const deadline = Date.now() + 5000;
      while (serverReceived !== "hello server" && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      expect(serverReceived).toBe("hello server");
    } finally {
      accepted?.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
