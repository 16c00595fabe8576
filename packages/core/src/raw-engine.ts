/**
 * The raw engine of STREAM sockets (zmq_socket(3), ZMQ_STREAM): no greeting, no framing. Each
 * chunk read becomes a one-frame message; each message written is sent as bytes, and an empty
 * one closes the connection. With `notify` (the default) an empty message marks the connect.
 */
import type { Connection, HandshakeFailure, ZmqError } from "@zmtp/spec";
import { EMPTY_FRAME } from "./message";
import type { Pipe, PipeEngine } from "./pipe";
import { scheduleMacrotask } from "./schedule";

export interface RawEngineHost {
  readonly options: { readonly notify: boolean };
  engineReady(engine: RawEngine): Pipe | undefined;
  engineStopped(
    engine: RawEngine,
    error: ZmqError | undefined,
    failure: HandshakeFailure | undefined,
  ): void;
}

export class RawEngine implements PipeEngine {
  pipe: Pipe | undefined;
  readonly peerProperties: ReadonlyMap<string, Uint8Array> = new Map();
  readonly peerMinor = 1;
  readonly userId = "";
  readonly handshakeDone = true;
  private stopped = false;
  private readPaused = false;
  private waitingDrain = false;
  private flushScheduled = false;
  private closing = false;

  constructor(
    readonly connection: Connection,
    private readonly host: RawEngineHost,
    readonly endpoint: string,
  ) {}

  start(): void {
    this.pipe = this.host.engineReady(this);
    if (this.pipe === undefined) {
      this.connection.destroy();
      return;
    }
    if (this.host.options.notify) this.pipe.deliver([EMPTY_FRAME]);
    this.connection.start({
      data: (chunk) => {
        const pipe = this.pipe;
        if (pipe === undefined || this.stopped) return;
        pipe.deliver([chunk]);
        if (pipe.inboundFull && !this.readPaused) {
          this.readPaused = true;
          this.connection.pause();
          pipe.awaitDrain();
        }
      },
      drain: () => {
        this.waitingDrain = false;
        this.flush();
      },
      closed: (error) => this.stop(error),
    });
  }

  inboundDrained(): void {
    if (!this.readPaused || this.stopped) return;
    this.readPaused = false;
    this.connection.resume();
  }

  outboundActivated(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    scheduleMacrotask(() => {
      this.flushScheduled = false;
      this.flush();
    });
  }

  private flush(): void {
    const pipe = this.pipe;
    if (pipe === undefined || this.stopped || this.waitingDrain) return;
    const chunks: Uint8Array[] = [];
    for (;;) {
      const message = pipe.pull();
      if (message === undefined) break;
      const data = message[0] ?? EMPTY_FRAME;
      if (data.length === 0) {
        // An empty message closes the connection after what was queued before it.
        if (chunks.length > 0) this.connection.write(chunks);
        this.connection.end();
        return;
      }
      chunks.push(...message.filter((part) => part.length > 0));
    }
    if (chunks.length > 0 && !this.connection.write(chunks)) this.waitingDrain = true;
    if (this.closing && pipe.outboundLength === 0) this.connection.end();
  }

  close(linger: number): void {
    if (this.stopped) return;
    if (linger === 0) {
      this.destroy();
      return;
    }
    this.closing = true;
    this.flush();
  }

  destroy(): void {
    if (!this.stopped) this.connection.destroy();
  }

  private stop(error: ZmqError | undefined): void {
    if (this.stopped) return;
    this.stopped = true;
    this.host.engineStopped(this, error, undefined);
  }
}
