/**
 * Test plumbing around one transport: listens and connects, queues accepted connections, and
 * closes everything it opened when the test ends.
 */
import {
  type Connection,
  type Listener,
  parseEndpoint,
  type Transport,
  type TransportOptions,
  type ZmqError,
} from "@zmtp/spec";

/** Accepted connections, in order, as promises. */
export class AcceptQueue {
  private readonly ready: Connection[] = [];
  private readonly waiting: ((connection: Connection) => void)[] = [];
  readonly errors: ZmqError[] = [];

  push = (connection: Connection): void => {
    const waiter = this.waiting.shift();
    if (waiter) waiter(connection);
    else this.ready.push(connection);
  };

  next(): Promise<Connection> {
    const connection = this.ready.shift();
    if (connection) return Promise.resolve(connection);
    return new Promise((resolve) => this.waiting.push(resolve));
  }
}

export interface Bound {
  readonly listener: Listener;
  readonly accepted: AcceptQueue;
}

export class TransportHarness {
  readonly transport: Transport;
  readonly options: TransportOptions;
  private readonly listeners: Listener[] = [];
  private readonly connections: Connection[] = [];

  constructor(transport: Transport, options: TransportOptions = {}) {
    this.transport = transport;
    this.options = options;
  }

  async listen(address: string): Promise<Bound> {
    const accepted = new AcceptQueue();
    const listener = await this.transport.listen(
      parseEndpoint(address, "bind"),
      this.options,
      (connection) => {
        this.connections.push(connection);
        accepted.push(connection);
      },
      (error) => accepted.errors.push(error),
    );
    this.listeners.push(listener);
    return { listener, accepted };
  }

  async connect(address: string, options: TransportOptions = this.options): Promise<Connection> {
    const connection = await this.transport.connect(parseEndpoint(address, "connect"), options);
    this.connections.push(connection);
    return connection;
  }

  /** A listener on `address` and one connection to it, both ends. */
  async pair(address: string): Promise<Bound & { client: Connection; server: Connection }> {
    const bound = await this.listen(address);
    const client = await this.connect(bound.listener.endpoint);
    const server = await bound.accepted.next();
    return { ...bound, client, server };
  }

  /** Destroys every connection and closes every listener opened through this harness. */
  async dispose(): Promise<void> {
    for (const connection of this.connections.splice(0)) connection.destroy();
    await Promise.all(this.listeners.splice(0).map((listener) => listener.close()));
  }
}

/** Resolves after the event loop has gone round `turns` times (I/O callbacks included). */
export async function nextTurns(turns = 1): Promise<void> {
  for (let index = 0; index < turns; index++) {
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}
