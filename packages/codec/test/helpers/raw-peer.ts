/**
 * A raw ZMTP peer over node:net for capturing what libzmq sends: it accepts one connection,
 * answers with a greeting (and READY with the given Socket-Type), and records every byte.
 */
import { createServer, type Server, type Socket } from "node:net";
import {
  decodeCommand,
  encodeFrame,
  encodeGreeting,
  encodeReady,
  FLAG_COMMAND,
  type Frame,
  FrameDecoder,
  GREETING_SIZE,
} from "../../src";

export interface RecordedFrame extends Frame {
  /** The frame exactly as it arrived on the wire (header + body). */
  readonly raw: Uint8Array;
  /** Command name for command frames. */
  readonly name: string | undefined;
}

export interface RawPeerOptions {
  mechanism?: string;
  /** Send READY with this Socket-Type once the peer's greeting is in; omit to stop after it. */
  socketType?: string;
}

export class RawPeer {
  readonly #server: Server;
  readonly #options: RawPeerOptions;
  #socket: Socket | undefined;
  #chunks: Uint8Array[] = [];
  #waiters: Array<() => void> = [];
  port = 0;

  private constructor(options: RawPeerOptions) {
    this.#options = options;
    this.#server = createServer((socket) => this.#accept(socket));
  }

  static async start(options: RawPeerOptions = {}): Promise<RawPeer> {
    const peer = new RawPeer(options);
    await new Promise<void>((resolve) => peer.#server.listen(0, "127.0.0.1", resolve));
    const address = peer.#server.address();
    if (address === null || typeof address === "string") throw new Error("no port");
    peer.port = address.port;
    return peer;
  }

  get endpoint(): string {
    return `tcp://127.0.0.1:${this.port}`;
  }

  /** Every byte received so far. */
  received(): Uint8Array {
    const total = this.#chunks.reduce((sum, chunk) => sum + chunk.length, 0);
    const out = new Uint8Array(total);
    let offset = 0;
    for (const chunk of this.#chunks) {
      out.set(chunk, offset);
      offset += chunk.length;
    }
    return out;
  }

  /** The frames after the 64-byte greeting, each with its raw wire bytes. */
  frames(): RecordedFrame[] {
    const bytes = this.received().subarray(GREETING_SIZE);
    const decoder = new FrameDecoder();
    decoder.push(bytes);
    const frames: RecordedFrame[] = [];
    let consumed = 0;
    for (let frame = decoder.next(); frame !== undefined; frame = decoder.next()) {
      const end = bytes.length - decoder.buffered;
      frames.push({
        ...frame,
        raw: bytes.slice(consumed, end),
        name: frame.command ? decodeCommand(frame.body).name : undefined,
      });
      consumed = end;
    }
    return frames;
  }

  /** Resolves once `predicate` holds for the recorded bytes (checked on every arrival). */
  async waitFor(predicate: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
    if (predicate()) return;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiters = this.#waiters.filter((waiter) => waiter !== check);
        reject(new Error(`timed out waiting for ${what}`));
      }, timeoutMs);
      const check = (): void => {
        if (!predicate()) return;
        clearTimeout(timer);
        this.#waiters = this.#waiters.filter((waiter) => waiter !== check);
        resolve();
      };
      this.#waiters.push(check);
    });
  }

  /** Waits until a frame matching `predicate` arrived and returns it. */
  async waitForFrame(
    predicate: (frame: RecordedFrame) => boolean,
    what: string,
  ): Promise<RecordedFrame> {
    await this.waitFor(() => this.frames().some(predicate), what);
    return this.frames().find(predicate)!;
  }

  send(bytes: Uint8Array): void {
    this.#socket?.write(bytes);
  }

  async close(): Promise<void> {
    this.#socket?.destroy();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  #accept(socket: Socket): void {
    if (this.#socket !== undefined) {
      socket.destroy();
      return;
    }
    this.#socket = socket;
    socket.on("error", () => {});
    socket.write(encodeGreeting({ mechanism: this.#options.mechanism ?? "NULL", asServer: false }));
    let readySent = false;
    socket.on("data", (data: Uint8Array) => {
      this.#chunks.push(new Uint8Array(data));
      const socketType = this.#options.socketType;
      if (!readySent && socketType !== undefined && this.received().length >= GREETING_SIZE) {
        readySent = true;
        socket.write(encodeFrame(encodeReady([["Socket-Type", socketType]]), FLAG_COMMAND));
      }
      for (const waiter of [...this.#waiters]) waiter();
    });
  }
}
