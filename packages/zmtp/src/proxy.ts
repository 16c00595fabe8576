/**
 * The zeromq.js `Proxy`: `new Proxy(frontEnd, backEnd)`, `run()` until `terminate()`, with
 * `pause()` / `resume()` in between, over the steerable proxy of @zmtp/devices.
 *
 * As in zeromq.js: run() refuses (EINVAL) a side that is neither bound nor connected; while it
 * runs both sockets are blocked (their own send, receive, bind... fail with EBUSY); when it ends
 * both sockets are closed; pause(), resume() and terminate() before run() or after its end fail
 * with EBADF "Socket is closed" (zeromq.js's control socket exists only while running).
 *
 * Differences: zeromq.js throws run()'s EINVAL synchronously, zmtp returns a rejected promise
 * (`await proxy.run()` sees both the same way). pause() and resume() mean what they say; the
 * libzmq 4.3.5 that zeromq.js 6.x bundles has them swapped (see @zmtp/devices control.ts).
 */
import { type ProxyHandle, proxy } from "@zmtp/devices";
import { ZmqError } from "@zmtp/spec";
import { busyBinding, closedError } from "./errors";
import { type Socket, type SocketState, stateOf } from "./socket";

function socketState(socket: unknown, what: string): SocketState {
  if (typeof socket !== "object" || socket === null) {
    throw new TypeError(`${what} must be a socket object`);
  }
  try {
    return stateOf(socket as Socket);
  } catch {
    throw new ZmqError("EINVAL");
  }
}

// biome-ignore lint/suspicious/noShadowRestrictedNames: zeromq.js names this class Proxy.
export class Proxy<F extends Socket = Socket, B extends Socket = Socket> {
  readonly #frontEnd: F;
  readonly #backEnd: B;
  #handle: ProxyHandle | undefined;

  constructor(frontEnd: F, backEnd: B, ...extra: never[]) {
    if (extra.length > 0) throw new TypeError("Expected 2 arguments");
    socketState(frontEnd, "Front-end");
    socketState(backEnd, "Back-end");
    this.#frontEnd = frontEnd;
    this.#backEnd = backEnd;
  }

  get frontEnd(): F {
    return this.#frontEnd;
  }

  get backEnd(): B {
    return this.#backEnd;
  }

  /**
   * Proxies messages between the two sockets until terminate(); then closes both sockets and
   * resolves. Rejects with EINVAL when a side is neither bound nor connected.
   */
  async run(): Promise<void> {
    const front = stateOf(this.#frontEnd);
    const back = stateOf(this.#backEnd);
    if (front.closed || front.core.endpointCount === 0) {
      throw new ZmqError("EINVAL", "Front-end socket must be bound or connected");
    }
    if (back.closed || back.core.endpointCount === 0) {
      throw new ZmqError("EINVAL", "Back-end socket must be bound or connected");
    }
    if (this.#handle !== undefined || front.blocked || back.blocked) throw busyBinding();
    front.blocked = true;
    back.blocked = true;
    const handle = proxy(front.core, back.core);
    this.#handle = handle;
    try {
      await handle.done;
    } finally {
      this.#handle = undefined;
      front.blocked = false;
      back.blocked = false;
      this.#frontEnd.close();
      this.#backEnd.close();
    }
  }

  /** Stops forwarding; messages wait in the sockets within their high-water marks. */
  pause(): void {
    this.#running().pause();
  }

  /** Forwards again after pause(). */
  resume(): void {
    this.#running().resume();
  }

  /** Ends run(), which then closes both sockets and resolves. */
  terminate(): void {
    this.#running().terminate();
  }

  #running(): ProxyHandle {
    if (this.#handle === undefined) throw closedError();
    return this.#handle;
  }
}
