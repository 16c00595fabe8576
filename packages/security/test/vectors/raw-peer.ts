/**
 * One side of a ZMTP 3.1 connection over node:net, driven by a Mechanism state machine, that
 * records every byte in both directions. Used to capture handshakes against libzmq.
 */
import { createConnection, createServer, type Server, type Socket } from "node:net";
import { encodeFrame, encodeGreeting, FLAG_COMMAND, FLAG_MORE, FrameDecoder } from "@zmtp/codec";
import type { Mechanism } from "@zmtp/spec";
import { hex } from "../helpers";

export interface Transcript {
  /** Bytes we sent, hex, in write order. */
  readonly sent: string[];
  /** Bytes we received, hex, in arrival order. */
  readonly received: string[];
}

export class RawPeer {
  readonly transcript: Transcript = { sent: [], received: [] };
  readonly messages: Uint8Array[][] = [];
  private greetingLeft = 64;
  private readonly decoder = new FrameDecoder({ maxMessageSize: -1 });
  private parts: Uint8Array[] = [];
  private waiters: (() => void)[] = [];

  constructor(
    private readonly socket: Socket,
    private readonly mechanism: Mechanism,
  ) {
    socket.on("data", (chunk: Buffer) => this.onData(new Uint8Array(chunk)));
    this.write(encodeGreeting({ mechanism: mechanism.name, asServer: mechanism.asServer }));
  }

  private write(bytes: Uint8Array): void {
    this.transcript.sent.push(hex(bytes));
    this.socket.write(bytes);
  }

  private flushCommands(): void {
    for (
      let command = this.mechanism.nextCommand();
      command;
      command = this.mechanism.nextCommand()
    ) {
      this.write(encodeFrame(command, FLAG_COMMAND));
    }
  }

  private onData(chunk: Uint8Array): void {
    this.transcript.received.push(hex(chunk));
    if (this.greetingLeft > 0) {
      const used = Math.min(this.greetingLeft, chunk.length);
      this.greetingLeft -= used;
      chunk = chunk.subarray(used);
      if (this.greetingLeft === 0) this.flushCommands();
    }
    if (chunk.length > 0) this.decoder.push(chunk);
    for (let frame = this.decoder.next(); frame; frame = this.decoder.next()) {
      if (this.mechanism.status !== "ready") {
        this.mechanism.receiveCommand(frame.body);
        this.flushCommands();
        for (const wake of this.waiters.splice(0)) wake();
        continue;
      }
      const plain = this.mechanism.decode ? this.mechanism.decode(frame) : frame;
      if (plain.command) continue;
      this.parts.push(plain.body.slice());
      if (plain.more) continue;
      this.messages.push(this.parts);
      this.parts = [];
      for (const wake of this.waiters.splice(0)) wake();
    }
  }

  async send(parts: Uint8Array[]): Promise<void> {
    while (this.mechanism.status !== "ready") {
      await new Promise<void>((wake) => this.waiters.push(wake));
    }
    parts.forEach((body, index) => {
      const more = index < parts.length - 1;
      const frame = this.mechanism.encode
        ? this.mechanism.encode({ more, command: false, body })
        : { more, command: false, body };
      this.write(
        encodeFrame(frame.body, (frame.more ? FLAG_MORE : 0) | (frame.command ? FLAG_COMMAND : 0)),
      );
    });
  }

  async receive(): Promise<Uint8Array[]> {
    while (this.messages.length === 0) await new Promise<void>((wake) => this.waiters.push(wake));
    return this.messages.shift()!;
  }

  close(): void {
    this.socket.destroy();
  }

  static async accept(server: Server, create: () => Mechanism): Promise<RawPeer> {
    return new Promise((resolve) => {
      server.once("connection", (socket) => resolve(new RawPeer(socket, create())));
    });
  }

  static async connect(port: number, mechanism: Mechanism): Promise<RawPeer> {
    const socket = createConnection({ host: "127.0.0.1", port });
    await new Promise<void>((resolve) => socket.once("connect", () => resolve()));
    return new RawPeer(socket, mechanism);
  }
}

export async function listen(): Promise<{ server: Server; port: number }> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("no port");
  return { server, port: address.port };
}
