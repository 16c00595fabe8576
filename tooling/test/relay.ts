// A loopback TCP relay between two ZeroMQ sockets, for fault tests: it forwards bytes both ways,
// records what each direction carried, and can be frozen (stop forwarding without closing, as a
// silent network would) or made to accept connections and never greet (a peer that hangs in the
// handshake).

import { createServer, connect as netConnect, type Server, type Socket } from "node:net";

export interface RelayLink {
  readonly client: Socket;
  readonly server: Socket | undefined;
  /** Bytes sent by the connecting side (towards the target). */
  readonly up: Buffer[];
  /** Bytes sent by the target (towards the connecting side). */
  readonly down: Buffer[];
}

export class Relay {
  readonly links: RelayLink[] = [];
  private frozen = false;
  private readonly held: Array<() => void> = [];
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();

  /** `target` as host:port; undefined makes a relay that accepts and never answers. */
  private constructor(private readonly target: { host: string; port: number } | undefined) {}

  /** A relay on a loopback port (ephemeral by default) towards `tcp://host:port` (undefined: a mute server). */
  static async start(endpoint: string | undefined, port = 0): Promise<Relay> {
    const target = endpoint === undefined ? undefined : parseTcp(endpoint);
    const relay = new Relay(target);
    await relay.listen(port);
    return relay;
  }

  /** The endpoint to connect the client side to. */
  endpoint = "";

  private listen(port: number): Promise<void> {
    const server = createServer((client) => this.onClient(client));
    this.server = server;
    return new Promise((resolve) => {
      server.listen(port, "127.0.0.1", () => {
        const address = server.address();
        if (address === null || typeof address === "string") throw new Error("no port");
        this.endpoint = `tcp://127.0.0.1:${address.port}`;
        resolve();
      });
    });
  }

  private onClient(client: Socket): void {
    this.sockets.add(client);
    client.on("error", () => {});
    client.on("close", () => this.sockets.delete(client));
    if (this.target === undefined) {
      const link: RelayLink = { client, server: undefined, up: [], down: [] };
      this.links.push(link);
      client.on("data", (chunk) => link.up.push(chunk));
      return;
    }
    const server = netConnect(this.target.port, this.target.host);
    this.sockets.add(server);
    server.on("error", () => {});
    server.on("close", () => this.sockets.delete(server));
    const link: RelayLink = { client, server, up: [], down: [] };
    this.links.push(link);
    const forward = (from: Socket, to: Socket, log: Buffer[]) => {
      from.on("data", (chunk) => {
        log.push(chunk);
        if (this.frozen) this.held.push(() => to.write(chunk));
        else to.write(chunk);
      });
      from.on("close", () => {
        if (!this.frozen) to.destroy();
      });
    };
    forward(client, server, link.up);
    forward(server, client, link.down);
  }

  /** Stops forwarding in both directions; nothing is closed, bytes are held. */
  freeze(): void {
    this.frozen = true;
  }

  /** Forwards again, held bytes first. */
  unfreeze(): void {
    this.frozen = false;
    for (const write of this.held.splice(0)) write();
  }

  /** Number of client connections accepted so far. */
  get accepted(): number {
    return this.links.length;
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    const server = this.server;
    if (server === undefined) return;
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

function parseTcp(endpoint: string): { host: string; port: number } {
  const match = /^tcp:\/\/(.+):(\d+)$/.exec(endpoint);
  if (match === null) throw new Error(`not a tcp endpoint: ${endpoint}`);
  return { host: match[1]!.replace(/^\[|\]$/g, ""), port: Number(match[2]) };
}

// ---------------------------------------------------------------------------------------------
// ZMTP frames in a captured byte stream (after the 64-byte greeting)

export interface CapturedFrame {
  readonly flags: number;
  readonly body: Buffer;
}

/** Splits the bytes after the greeting into ZMTP frames (RFC 23 §3.3). */
export function framesOf(chunks: readonly Buffer[]): CapturedFrame[] {
  const bytes = Buffer.concat(chunks);
  const frames: CapturedFrame[] = [];
  let offset = 64;
  while (offset < bytes.length) {
    const flags = bytes[offset]!;
    const long = (flags & 0x02) !== 0;
    const headerSize = long ? 9 : 2;
    if (offset + headerSize > bytes.length) break;
    const size = long ? Number(bytes.readBigUInt64BE(offset + 1)) : bytes[offset + 1]!;
    if (offset + headerSize + size > bytes.length) break;
    frames.push({ flags, body: bytes.subarray(offset + headerSize, offset + headerSize + size) });
    offset += headerSize + size;
  }
  return frames;
}

/** The command frames named `name` (PING, PONG, READY...) in captured bytes. */
export function commandsOf(chunks: readonly Buffer[], name: string): Buffer[] {
  return framesOf(chunks)
    .filter((frame) => (frame.flags & 0x04) !== 0)
    .map((frame) => frame.body)
    .filter(
      (body) => body[0] === name.length && body.subarray(1, 1 + name.length).toString() === name,
    )
    .map((body) => body.subarray(1 + name.length));
}
