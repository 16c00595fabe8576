/**
 * The zeromq.js v6 `Socket`: async bind / unbind, sync connect / disconnect, promise-based send
 * and receive with one pending operation each, async iteration, option properties and a sealed
 * object, over a socket of @zmtp/core and @zmtp/patterns.
 */
import type { SocketBase } from "@zmtp/core";
import { isZmqError, ZmqError } from "@zmtp/spec";
import { type Context, context as defaultContext } from "./context";
import { busyBinding, busyReading, busyWriting, closedError, timeoutError } from "./errors";
import { acquireHold, releaseHold } from "./keep-alive";
import { type Message, type MessageLike, ownFrames, ownPart, toBuffers, toFrames } from "./message";
import { Observer } from "./observer";
import { createCoreSocket, initialOptions } from "./socket-types";

export type { Message, MessageLike };

/**
 * The settle functions of the promise made last: `new Promise(capture)` takes them without a
 * closure made per operation (each one also costs a lazy-compile step on its first call).
 */
let capturedSettle: (value: never) => void = () => {};
let capturedFail: (error: Error) => void = () => {};

function capture(settle: (value: never) => void, fail: (error: Error) => void): void {
  capturedSettle = settle;
  capturedFail = fail;
}

/**
 * A pending send or receive: its settle functions, its timeout, and a hold on the process until
 * it settles. One object per operation (no closures): a REQ or a slow consumer makes one per
 * message. A plain class for both kinds, not two subclasses: a derived constructor costs more
 * than the fields it would save.
 */
class Pending {
  timer: ReturnType<typeof setTimeout> | undefined = undefined;
  #held = true;
  readonly #settle: (value: unknown) => void;
  readonly #fail: (error: Error) => void;

  /**
   * `owner`: the socket, kept reachable while this waits (an unreachable socket is closed);
   * `frames`: what a pending send sends; `into`: what a pending receive resolves with.
   */
  constructor(
    readonly owner: object,
    readonly frames: Uint8Array[] | undefined,
    private readonly into: ReceiveInto<unknown> | undefined,
  ) {
    this.#settle = capturedSettle as (value: unknown) => void;
    this.#fail = capturedFail;
    acquireHold();
  }

  resolve(value?: unknown): void {
    this.#release();
    this.#settle(value);
  }

  /** A receive: the message, as `into` wraps it. */
  deliver(message: Message[]): void {
    this.resolve(this.into!.wrap(message));
  }

  reject(error: Error): void {
    const result = this.into?.failed(error);
    this.#release();
    if (result === undefined) this.#fail(error);
    else this.#settle(result);
  }

  #release(): void {
    if (!this.#held) return;
    this.#held = false;
    releaseHold();
  }
}

/**
 * What a receive resolves with, made in the turn the message is known (a `.then` would cost a
 * turn and a promise): the message itself for `receive()`, an iterator result for async
 * iteration. `failed` may turn an error into a result instead (iteration ends at close).
 */
interface ReceiveInto<T> {
  wrap(message: Message[]): T;
  failed(error: Error): T | undefined;
}

const AS_MESSAGE: ReceiveInto<Message[]> = {
  wrap: (message) => message,
  failed: () => undefined,
};

/** A failed receive as `into` reports it: a rejection, or the result `failed` made of it. */
function rejected<T>(into: ReceiveInto<T>, error: Error): Promise<T> {
  const result = into.failed(error);
  return result === undefined ? Promise.reject(error) : Promise.resolve(result);
}

/** @internal state kept off the sealed object. */
export interface SocketState {
  readonly core: SocketBase;
  readonly context: Context;
  readonly type: number;
  sending: Pending | undefined;
  receiving: Pending | undefined;
  blocked: boolean;
  events: Observer | undefined;
  closed: boolean;
  /** Options that zmtp accepts for compatibility but that have no effect (e.g. multicast). */
  readonly inert: Map<string, unknown>;
  /** Operations resolved at once since the socket last waited for the event loop. */
  syncOperations: number;
  /** close() was called during a bind or unbind; it happens when that settles (zeromq.js). */
  closeRequested: boolean;
}

let stateOfSocket: (socket: Socket) => SocketState | undefined;
let receiveInto: <T>(socket: Socket, into: ReceiveInto<T>) => Promise<T>;

/** @internal */
export function stateOf(socket: Socket): SocketState {
  const state = stateOfSocket(socket);
  if (state === undefined) throw new TypeError("Not a zmtp socket");
  return state;
}

const RESOLVED: Promise<void> = Promise.resolve();

/**
 * After this many operations resolved at once, the next one waits for the event loop, so a
 * loop of awaited sends or receives cannot starve I/O (zeromq.js bounds its fast path the
 * same way). Other connections' data is read meanwhile, which keeps fair queueing fair.
 */
const MAX_SYNC_OPERATIONS = 128;

const nextTurn: (callback: () => void) => void =
  typeof setImmediate === "function" ? (callback) => void setImmediate(callback) : queueMicrotask;

export interface SocketOptions {
  context?: Context;
  [option: string]: unknown;
}

export class Socket {
  /**
   * Kept in a private field, not a WeakMap: send and receive read it for every message. Declared
   * here, in the base class, so it exists before the constructor seals the object.
   */
  readonly #state: SocketState;

  static {
    stateOfSocket = (socket) =>
      typeof socket === "object" && socket !== null && #state in socket ? socket.#state : undefined;
    receiveInto = (socket, into) => socket.#receive(into);
  }

  declare linger: number;
  declare reconnectInterval: number;
  declare reconnectMaxInterval: number;
  declare backlog: number;
  declare maxMessageSize: number;
  declare tcpKeepalive: number;
  declare tcpKeepaliveCount: number;
  declare tcpKeepaliveIdle: number;
  declare tcpKeepaliveInterval: number;
  declare handshakeInterval: number;
  declare heartbeatInterval: number;
  declare heartbeatTimeToLive: number;
  declare heartbeatTimeout: number;
  declare connectTimeout: number;
  declare immediate: boolean;
  declare ipv6: boolean;
  declare zapDomain: string;
  declare zapEnforceDomain: boolean;
  declare readonly type: number;
  declare readonly lastEndpoint: string | null;
  declare readonly threadSafe: boolean;
  declare readonly securityMechanism: null | "plain" | "curve" | "gssapi";
  declare affinity: number;
  declare rate: number;
  declare recoveryInterval: number;
  declare typeOfService: number;
  declare tcpMaxRetransmitTimeout: number;
  declare multicastMaxTransportDataUnit: number;
  declare tcpAcceptFilter: string | null;
  declare socksProxy: string | null;
  declare interface: string | null;
  declare loopbackFastPath: boolean;
  declare sendHighWaterMark: number;
  declare sendTimeout: number;
  declare sendBufferSize: number;
  declare multicastHops: number;
  declare receiveHighWaterMark: number;
  declare receiveTimeout: number;
  declare receiveBufferSize: number;

  constructor(type: number, options: SocketOptions = {}) {
    if (typeof type !== "number") throw new TypeError("Socket type must be a number");
    if (typeof options !== "object" || options === null) {
      throw new TypeError("Options must be an object");
    }
    const context = options.context ?? defaultContext;
    const core = createCoreSocket(type, context);
    Object.assign(core.options, initialOptions(context));
    const state: SocketState = {
      core,
      context,
      type,
      sending: undefined,
      receiving: undefined,
      blocked: false,
      events: undefined,
      closed: false,
      inert: new Map(),
      syncOperations: 0,
      closeRequested: false,
    };
    this.#state = state;
    core.onReadable = () => retryReceive(state);
    core.onWritable = () => retrySend(state);
    unreachable?.register(this, state, state);
    Object.seal(this);
    const { context: _ignored, ...rest } = options;
    Object.assign(this, rest);
  }

  get context(): Context {
    return stateOf(this).context;
  }

  get closed(): boolean {
    return stateOf(this).closed;
  }

  get readable(): boolean {
    const state = stateOf(this);
    return !state.closed && state.core.readable;
  }

  get writable(): boolean {
    const state = stateOf(this);
    return !state.closed && state.core.writable;
  }

  /** Monitor events of this socket (created on first use; the same object each time). */
  get events(): Observer {
    const state = stateOf(this);
    // As zeromq.js: a closed socket cannot start being monitored.
    if (state.closed && state.events === undefined) throw new ZmqError("ENOTSOCK");
    state.events ??= new Observer((listener) => {
      state.core.monitor = listener;
    });
    return state.events;
  }

  private check(state: SocketState): void {
    if (state.closed) throw closedError();
    if (state.blocked) throw busyBinding();
  }

  /**
   * Binds to an endpoint. Like zeromq.js, a closed or blocked socket throws at once (EBADF,
   * EBUSY); errors of the bind itself (EADDRINUSE, ...) reject the promise. Other operations
   * are blocked (EBUSY) until it settles, and a close() meanwhile waits for it.
   */
  bind(address: string): Promise<void> {
    if (typeof address !== "string") throw new TypeError("Address must be a string");
    const state = stateOf(this);
    this.check(state);
    return this.blockWhile(state, state.core.bind(address));
  }

  /** Unbinds from an endpoint (ENOENT if it was not bound); see bind() for the errors. */
  unbind(address: string): Promise<void> {
    if (typeof address !== "string") throw new TypeError("Address must be a string");
    const state = stateOf(this);
    this.check(state);
    return this.blockWhile(state, state.core.unbind(address));
  }

  private async blockWhile(state: SocketState, operation: Promise<void>): Promise<void> {
    state.blocked = true;
    try {
      await operation;
    } finally {
      state.blocked = false;
      if (state.closeRequested) this.close();
    }
  }

  connect(address: string, options: { routingId?: string | Uint8Array } = {}): void {
    const state = stateOf(this);
    this.check(state);
    if (typeof address !== "string") throw new TypeError("Address must be a string");
    const routingId =
      options.routingId === undefined
        ? undefined
        : typeof options.routingId === "string"
          ? Buffer.from(options.routingId)
          : options.routingId;
    state.core.connect(address, routingId === undefined ? {} : { routingId });
  }

  disconnect(address: string): void {
    const state = stateOf(this);
    this.check(state);
    state.core.disconnect(address);
  }

  /**
   * Sends a message (one part or an array of parts). Resolves once the message is queued; waits
   * while the socket type says so (high-water mark, no peer) for up to `sendTimeout` ms, then
   * rejects with EAGAIN. Only one send may be pending (EBUSY otherwise).
   */
  send(message: MessageLike | MessageLike[]): Promise<void> {
    const state = this.#state;
    if (state.closed) throw closedError();
    if (state.blocked) throw busyBinding();
    if (state.sending !== undefined) throw busyWriting();
    let frames: Uint8Array[];
    const timeout = state.core.options.sendTimeout;
    const overdue = state.syncOperations >= MAX_SYNC_OPERATIONS;
    // With sendTimeout 0 nothing may wait: the send is tried now, but the promise still resolves
    // on the next turn, or a loop of such sends (a PUB never blocks) would starve all I/O.
    const yielding = overdue && timeout !== 0;
    try {
      frames = toFrames(message);
      if (!yielding && state.core.sendBorrowed(frames, ownPart)) {
        if (overdue) {
          state.syncOperations = 0;
          return new Promise<void>((resolve) => nextTurn(resolve));
        }
        state.syncOperations++;
        return RESOLVED;
      }
    } catch (error) {
      if (timeout === 0 || !waitsForWritable(state, error)) return Promise.reject(error);
      frames ??= toFrames(message);
    }
    if (timeout === 0) return Promise.reject(timeoutError());
    state.syncOperations = 0;
    // Kept for a later attempt: the caller may change its buffers once this returns.
    ownFrames(frames);
    const promise = new Promise<void>(capture);
    const pending = new Pending(this, frames, undefined);
    if (yielding) nextTurn(() => retrySend(state));
    if (timeout > 0) {
      pending.timer = setTimeout(() => {
        if (state.sending !== pending) return;
        state.sending = undefined;
        // zeromq.js makes one last attempt when the timeout expires and reports its error:
        // a mandatory ROUTER that waited for a peer then fails with EHOSTUNREACH.
        try {
          if (state.core.send(frames)) pending.resolve();
          else pending.reject(timeoutError());
        } catch (error) {
          pending.reject(error as Error);
        }
      }, timeout);
    }
    state.sending = pending;
    return promise;
  }

  /**
   * Receives a message as an array of Buffers. Waits for up to `receiveTimeout` ms, then rejects
   * with EAGAIN. Only one receive may be pending (EBUSY otherwise).
   */
  receive(): Promise<Message[]> {
    return this.#receive(AS_MESSAGE);
  }

  #receive<T>(into: ReceiveInto<T>): Promise<T> {
    const state = this.#state;
    if (state.closed) throw closedError();
    if (state.blocked) throw busyBinding();
    if (state.receiving !== undefined) throw busyReading();
    const timeout = state.core.options.receiveTimeout;
    const overdue = state.syncOperations >= MAX_SYNC_OPERATIONS;
    // As for send: with receiveTimeout 0, try now but resolve on the next turn when overdue.
    const yielding = overdue && timeout !== 0;
    if (!yielding) {
      try {
        const frames = state.core.receive();
        if (frames !== undefined) {
          if (overdue) {
            state.syncOperations = 0;
            if (state.sending !== undefined) retrySend(state);
            const result = into.wrap(toBuffers(frames));
            return new Promise<T>((resolve) => nextTurn(() => resolve(result)));
          }
          state.syncOperations++;
          // Reading may make the socket writable (a REQ that got its reply): retry a waiting send.
          if (state.sending !== undefined) retrySend(state);
          return Promise.resolve(into.wrap(toBuffers(frames)));
        }
      } catch (error) {
        return rejected(into, error as Error);
      }
    }
    if (timeout === 0) return rejected(into, timeoutError());
    state.syncOperations = 0;
    const promise = new Promise<T>(capture);
    const pending = new Pending(this, undefined, into);
    if (yielding) nextTurn(() => retryReceive(state));
    if (timeout > 0) {
      pending.timer = setTimeout(() => {
        if (state.receiving !== pending) return;
        state.receiving = undefined;
        pending.reject(timeoutError());
      }, timeout);
    }
    state.receiving = pending;
    return promise;
  }

  /**
   * Closes the socket. A pending send or receive rejects with EAGAIN; queued messages are
   * delivered for up to `linger` ms in the background.
   */
  close(): void {
    const state = stateOf(this);
    if (state.closed) return;
    if (state.blocked) {
      state.closeRequested = true;
      return;
    }
    unreachable?.unregister(state);
    closeState(state);
  }

  /**
   * Async iteration over received messages (`for await (const message of socket)`), until the
   * socket closes. A plain object rather than an async generator: a generator costs two more
   * promise turns per message, a third of the throughput of a tight receive loop.
   */
  [Symbol.asyncIterator](): AsyncGenerator<Message[], void, undefined> {
    return new MessageIterator(this, this.#state);
  }
}

function retrySend(state: SocketState): void {
  const pending = state.sending;
  if (pending === undefined) return;
  if (state.closed) return;
  let sent: boolean;
  try {
    sent = state.core.send(pending.frames!);
  } catch (error) {
    if (waitsForWritable(state, error)) return;
    state.sending = undefined;
    clearTimeout(pending.timer);
    pending.reject(error as Error);
    return;
  }
  if (!sent) return;
  state.sending = undefined;
  if (pending.timer !== undefined) clearTimeout(pending.timer);
  pending.resolve();
}

function retryReceive(state: SocketState): void {
  const pending = state.receiving;
  if (pending === undefined || state.closed) return;
  let frames: Uint8Array[] | undefined;
  try {
    frames = state.core.receive();
  } catch (error) {
    state.receiving = undefined;
    clearTimeout(pending.timer);
    pending.reject(error as Error);
    return;
  }
  if (frames === undefined) return;
  state.receiving = undefined;
  if (pending.timer !== undefined) clearTimeout(pending.timer);
  if (state.sending !== undefined) retrySend(state);
  pending.deliver(toBuffers(frames));
}

/** close() once nothing is blocking it: pending operations reject with EAGAIN, linger applies. */
function closeState(state: SocketState): void {
  if (state.closed) return;
  state.closed = true;
  const { sending, receiving } = state;
  state.sending = undefined;
  state.receiving = undefined;
  if (sending) {
    clearTimeout(sending.timer);
    sending.reject(timeoutError());
  }
  if (receiving) {
    clearTimeout(receiving.timer);
    receiving.reject(timeoutError());
  }
  state.core.close().catch(() => {});
}

/**
 * As in zeromq.js, a socket the program can no longer reach is closed (with its linger). Nothing
 * inside keeps the socket object itself: the core's callbacks hold only its state, and a pending
 * send or receive holds the socket (`Pending.owner`), so one is never collected while an
 * operation waits.
 */
const unreachable =
  typeof FinalizationRegistry === "function"
    ? new FinalizationRegistry<SocketState>((state) => closeState(state))
    : undefined;

/**
 * zeromq.js waits for POLLOUT before it sends when the socket is not writable, and only then
 * tries: a mandatory ROUTER with no peer (or none with room) is not writable, so its send
 * waits for a peer instead of failing at once with EHOSTUNREACH; a REQ awaiting its reply (or
 * a REP with no request) is not writable either, so a send waits for that instead of EFSM.
 */
function waitsForWritable(state: SocketState, error: unknown): boolean {
  return (
    isZmqError(error) &&
    (error.code === "EHOSTUNREACH" || error.code === "EFSM") &&
    !state.core.writable
  );
}

/** Option properties (defined on the prototype, see options.ts). */

const DONE: IteratorReturnResult<void> = { done: true, value: undefined };

/**
 * A socket's message iterator, with an async generator's behaviour: it ends when the socket
 * closes (a receive rejected with EAGAIN or EBADF because of the close), any other error rejects
 * once and ends it, and a `next()` called while one waits queues behind it.
 */
class MessageIterator
  implements
    AsyncGenerator<Message[], void, undefined>,
    ReceiveInto<IteratorResult<Message[], void>>
{
  #finished = false;
  /** The `next()` waiting for a message, if one is. */
  #waiting: Promise<IteratorResult<Message[], void>> | undefined;

  constructor(
    private readonly socket: Socket,
    private readonly state: SocketState,
  ) {}

  next(): Promise<IteratorResult<Message[], void>> {
    if (this.#waiting !== undefined) {
      const after = () => this.next();
      return this.#waiting.then(after, after);
    }
    if (this.#finished || this.state.closed) {
      this.#finished = true;
      return Promise.resolve(DONE);
    }
    let result: Promise<IteratorResult<Message[], void>>;
    try {
      result = receiveInto(this.socket, this);
    } catch (error) {
      return rejected(this, error as Error);
    }
    // Still waiting (a pending receive exists): later calls queue behind this one.
    if (this.state.receiving !== undefined) this.#waiting = result;
    return result;
  }

  return(): Promise<IteratorResult<Message[], void>> {
    this.#finished = true;
    return Promise.resolve(DONE);
  }

  throw(error: unknown): Promise<IteratorResult<Message[], void>> {
    this.#finished = true;
    return Promise.reject(error);
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  wrap(message: Message[]): IteratorResult<Message[], void> {
    this.#waiting = undefined;
    return { value: message, done: false };
  }

  failed(error: Error): IteratorResult<Message[], void> | undefined {
    this.#waiting = undefined;
    this.#finished = true;
    const closing =
      this.state.closed && isZmqError(error) && (error.code === "EAGAIN" || error.code === "EBADF");
    return closing ? DONE : undefined;
  }
}
