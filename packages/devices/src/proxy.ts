/**
 * The proxy (libzmq zmq_proxy(3) and zmq_proxy_steerable(3)) over core sockets: whole messages
 * move from the frontend to the backend and back, each copied to the capture socket if there is
 * one, until the proxy is terminated.
 *
 * Backpressure: a message is read from a socket only when its destination (and the capture
 * socket) is writable, and a send that still fails keeps that one message aside until the
 * destination's `onWritable` fires; reading from that side stops meanwhile. So the proxy holds at
 * most one message per direction, and a slow consumer slows the producer through the high-water
 * marks, as libzmq's blocking proxy does. Like libzmq's, a capture socket that cannot take a copy
 * (a PUSH without peers) holds the proxy up, and one that drops (a PUB) drops.
 *
 * Work is done in bursts of at most 1000 messages per direction (libzmq's proxy_burst_size), then
 * the proxy yields to the event loop.
 */
import { type Message, type SocketBase, scheduleMacrotask } from "@zmtp/core";
import { ZmqError } from "@zmtp/spec";
import {
  type ControlCommand,
  encodeStatistics,
  type ProxyCounters,
  type ProxyStatistics,
  parseControlCommand,
} from "./control";
import { listenReadable, listenWritable } from "./listeners";

const BURST = 1000;

export type ProxyState = "active" | "paused" | "terminated";

/** A running proxy. */
export interface ProxyHandle {
  /** Resolves when the proxy is terminated; rejects if a socket fails or closes under it. */
  readonly done: Promise<void>;
  readonly state: ProxyState;
  /** Stops moving messages (they wait in the sockets, within their high-water marks). */
  pause(): void;
  /** Moves messages again after pause(). */
  resume(): void;
  /** Ends the proxy; `done` resolves. The sockets stay open: they belong to the caller. */
  terminate(): void;
  /** A snapshot of the counters (what STATISTICS reports, plus whole messages). */
  statistics(): ProxyStatistics;
}

interface Direction {
  readonly from: SocketBase;
  readonly to: SocketBase;
  readonly received: ProxyCounters;
  readonly sent: ProxyCounters;
  /** A message the destination refused after it said it was writable. */
  pending: Message | undefined;
}

function zero(): ProxyCounters {
  return { messages: 0, frames: 0, bytes: 0 };
}

function count(counters: ProxyCounters, message: Message): void {
  counters.messages++;
  counters.frames += message.length;
  for (const frame of message) counters.bytes += frame.length;
}

class RunningProxy implements ProxyHandle {
  readonly done: Promise<void>;
  private current: ProxyState = "active";
  private scheduled = false;
  private readonly directions: Direction[];
  private readonly stats = {
    frontend: { received: zero(), sent: zero() },
    backend: { received: zero(), sent: zero() },
  };
  private readonly removers: (() => void)[] = [];
  private settle!: (error?: unknown) => void;

  constructor(
    private readonly frontend: SocketBase,
    private readonly backend: SocketBase,
    private readonly capture: SocketBase | undefined,
    private readonly control: SocketBase | undefined,
  ) {
    this.done = new Promise<void>((resolve, reject) => {
      this.settle = (error) => (error === undefined ? resolve() : reject(error));
    });
    // The caller may never look at `done`; a closed socket must not crash the process.
    this.done.catch(() => {});
    const { stats } = this;
    // libzmq counts a frontend == backend proxy's output as the backend's.
    this.directions = [
      {
        from: frontend,
        to: backend,
        received: stats.frontend.received,
        sent: stats.backend.sent,
        pending: undefined,
      },
    ];
    if (frontend !== backend) {
      this.directions.push({
        from: backend,
        to: frontend,
        received: stats.backend.received,
        sent: stats.frontend.sent,
        pending: undefined,
      });
    }
    const wake = (): void => this.wake();
    for (const socket of new Set([frontend, backend])) {
      this.removers.push(listenReadable(socket, wake), listenWritable(socket, wake));
    }
    if (capture !== undefined) this.removers.push(listenWritable(capture, wake));
    if (control !== undefined) this.removers.push(listenReadable(control, wake));
    this.wake();
  }

  get state(): ProxyState {
    return this.current;
  }

  pause(): void {
    if (this.current === "active") this.current = "paused";
  }

  resume(): void {
    if (this.current !== "paused") return;
    this.current = "active";
    this.wake();
  }

  terminate(): void {
    this.finish(undefined);
  }

  statistics(): ProxyStatistics {
    const copy = (side: { received: ProxyCounters; sent: ProxyCounters }) => ({
      received: { ...side.received },
      sent: { ...side.sent },
    });
    return { frontend: copy(this.stats.frontend), backend: copy(this.stats.backend) };
  }

  private wake(): void {
    if (this.scheduled || this.current === "terminated") return;
    this.scheduled = true;
    queueMicrotask(() => this.step());
  }

  private step(): void {
    this.scheduled = false;
    if (this.current === "terminated") return;
    try {
      const sockets = [this.frontend, this.backend, this.capture, this.control];
      if (sockets.some((socket) => socket?.closed === true)) {
        this.finish(new ZmqError("ETERM", "A socket of the proxy was closed"));
        return;
      }
      if (this.control !== undefined) this.readControl(this.control);
      if (this.current !== "active") return;
      let more = false;
      for (const direction of this.directions) if (this.forward(direction)) more = true;
      if (more) scheduleMacrotask(() => this.wake());
    } catch (error) {
      this.finish(error);
    }
  }

  /** Moves up to a burst of messages; true when it stopped at the burst limit. */
  private forward(direction: Direction): boolean {
    const { from, to } = direction;
    const capture = this.capture;
    for (let moved = 0; moved < BURST; moved++) {
      const held = direction.pending;
      if (held !== undefined) {
        if (!this.sendCounted(to, held, direction.sent)) return false;
        direction.pending = undefined;
        continue;
      }
      if (!from.readable || !to.writable) return false;
      if (capture !== undefined && !capture.writable) return false;
      const message = from.receive();
      if (message === undefined) return false;
      count(direction.received, message);
      if (capture !== undefined) capture.send(message.slice());
      if (!this.sendCounted(to, message, direction.sent)) direction.pending = message;
    }
    return true;
  }

  private sendCounted(to: SocketBase, message: Message, counters: ProxyCounters): boolean {
    // Measured before sending: a socket type may keep the array it is given.
    const frames = message.length;
    let bytes = 0;
    for (const frame of message) bytes += frame.length;
    if (!to.send(message)) return false;
    counters.messages++;
    counters.frames += frames;
    counters.bytes += bytes;
    return true;
  }

  private readControl(control: SocketBase): void {
    for (let handled = 0; handled < BURST && control.readable; handled++) {
      const message = control.receive();
      if (message === undefined) return;
      const command = parseControlCommand(message);
      this.apply(command);
      if (command === "STATISTICS") {
        control.send(encodeStatistics(this.stats));
      } else if (control.socketType === "REP") {
        // A REP control socket must answer before it can read the next command (libzmq master).
        control.send([new Uint8Array(0)]);
      }
      if (this.current === "terminated") return;
    }
  }

  private apply(command: ControlCommand | undefined): void {
    switch (command) {
      case "PAUSE":
        this.pause();
        return;
      case "RESUME":
        this.resume();
        return;
      case "TERMINATE":
        this.terminate();
        return;
      default:
        // STATISTICS is answered by the caller; unknown commands are ignored, as in libzmq.
        return;
    }
  }

  private finish(error: unknown): void {
    if (this.current === "terminated") return;
    this.current = "terminated";
    for (const remove of this.removers.splice(0)) remove();
    // A message refused at the last moment gets one more chance; then it is dropped.
    for (const direction of this.directions) {
      const held = direction.pending;
      direction.pending = undefined;
      if (held !== undefined && !direction.to.closed) {
        try {
          this.sendCounted(direction.to, held, direction.sent);
        } catch {
          // The proxy is ending; a failure here has nowhere better to go.
        }
      }
    }
    this.settle(error);
  }
}

/**
 * zmq_proxy: moves messages between `frontend` and `backend` (and copies them to `capture`)
 * until terminate() is called on the returned handle. The sockets stay the caller's: the proxy
 * never closes them.
 */
export function proxy(
  frontend: SocketBase,
  backend: SocketBase,
  capture?: SocketBase,
): ProxyHandle {
  return new RunningProxy(frontend, backend, capture, undefined);
}

/**
 * zmq_proxy_steerable: a proxy that also obeys PAUSE, RESUME, TERMINATE and STATISTICS read
 * from `control` (see control.ts). A REP control socket gets an empty reply to every command but
 * STATISTICS, which is answered with the eight counters.
 */
export function steerableProxy(
  frontend: SocketBase,
  backend: SocketBase,
  capture: SocketBase | undefined,
  control: SocketBase,
): ProxyHandle {
  return new RunningProxy(frontend, backend, capture, control);
}
