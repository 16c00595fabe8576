/**
 * The socket base: endpoints (bind, unbind, connect, disconnect), reconnect with backoff, one
 * engine per connection, one pipe per peer, linger on close and monitor events. A socket type
 * (in @zmtp/patterns) states only its routing policy through the x* hooks, as libzmq's
 * socket_base_t subclasses do.
 *
 * send / receive here are synchronous attempts; the promise-based API with timeouts and EBUSY
 * lives in the `zmtp` package on top of `onReadable` / `onWritable`.
 */
import {
  type Connection,
  type Endpoint,
  fromSystemError,
  type HandshakeFailure,
  isZmqError,
  type Listener,
  type MechanismFactory,
  parseEndpoint,
  type SocketTypeName,
  type TcpEndpoint,
  type Transport,
  type TransportOptions,
  type ZapClient,
  ZmqError,
} from "@zmtp/spec";
import type { Context } from "./context";
import { type EngineHost, ZmtpEngine } from "./engine";
import type { Message } from "./message";
import type { MonitorEvent, MonitorListener } from "./monitor";
import { defaultOptions, type SocketOptions } from "./options";
import { beginBorrowing, endBorrowing, Pipe, type PipeOwner } from "./pipe";
import { RawEngine } from "./raw-engine";
import { unrefTimer } from "./schedule";

/** The types whose pipes are reset at a lost connection (libzmq session_base_t::reconnect). */
const HICCUPING_TYPES = new Set(["SUB", "XSUB"]);

/** The types ZMQ_CONFLATE applies to (zmq_setsockopt(3)). */
const CONFLATING_TYPES = new Set(["DEALER", "PULL", "PUSH", "PUB", "SUB"]);

/** A connection's engine: ZMTP for every type but STREAM, which speaks raw bytes. */
export type Engine = ZmtpEngine | RawEngine;

interface Bound {
  readonly address: string;
  readonly listener: Listener;
  readonly engines: Set<Engine>;
}

export interface ConnectOptions {
  /** ZMQ_CONNECT_ROUTING_ID: the routing id a ROUTER / STREAM gives this peer. */
  routingId?: Uint8Array;
}

export abstract class SocketBase implements PipeOwner, EngineHost {
  readonly options: SocketOptions = defaultOptions();
  lastEndpoint: string | undefined;
  /** Called when a message may be readable; the facade retries its pending receive. */
  onReadable: (() => void) | undefined;
  /** Called when a send may succeed; the facade retries its pending send. */
  onWritable: (() => void) | undefined;
  /** Receives monitor events. */
  monitor: MonitorListener | undefined;
  /** The pipe the last message `receive()` returned came from (its peer's User-Id, metadata). */
  lastPipe: Pipe | undefined;

  private readonly bound = new Map<string, Bound>();
  private readonly connecters = new Map<string, Set<Connecter>>();
  private readonly engines = new Map<Engine, Connecter | Bound>();
  protected readonly pipes = new Set<Pipe>();
  private closing = false;
  private closedFlag = false;

  /** Whether connect() creates the pipe at once (messages queue while connecting). */
  protected attachOnConnect = true;

  constructor(
    readonly context: Context,
    readonly socketType: SocketTypeName,
  ) {
    context.add(this);
  }

  // ---- hooks for socket types ---------------------------------------------------------------

  protected abstract xattachPipe(pipe: Pipe, locallyInitiated: boolean): void;
  protected abstract xpipeTerminated(pipe: Pipe): void;
  protected abstract xsend(message: Message): boolean;
  protected abstract xrecv(): Message | undefined;
  protected xhasIn(): boolean {
    return false;
  }
  protected xhasOut(): boolean {
    return false;
  }
  protected xreadActivated(_pipe: Pipe): void {}
  protected xwriteActivated(_pipe: Pipe): void {}
  protected xhiccuped(_pipe: Pipe): void {}

  // ---- PipeOwner --------------------------------------------------------------------------

  readActivated(pipe: Pipe): void {
    this.xreadActivated(pipe);
    this.onReadable?.();
  }

  writeActivated(pipe: Pipe): void {
    this.xwriteActivated(pipe);
    this.onWritable?.();
  }

  hiccuped(pipe: Pipe): void {
    this.xhiccuped(pipe);
  }

  pipeDrained(pipe: Pipe): void {
    this.terminatePipe(pipe);
  }

  /** Stops routing to a pipe whose peer is gone; it terminates once its messages were read. */
  private endPipe(pipe: Pipe): void {
    if (pipe.end() || this.closedFlag) this.terminatePipe(pipe);
    else this.onWritable?.();
  }

  // ---- EngineHost -------------------------------------------------------------------------

  get mechanism(): MechanismFactory {
    const factory = this.context.mechanism(this.options.mechanism);
    if (factory === undefined) {
      throw new ZmqError("EINVAL", `Security mechanism ${this.options.mechanism} is not available`);
    }
    return factory;
  }

  get zap(): ZapClient | undefined {
    return this.context.zap;
  }

  engineReady(engine: ZmtpEngine | RawEngine): Pipe | undefined {
    const owner = this.engines.get(engine);
    // While closing, only a lingering connect (queued messages to deliver) may finish.
    if (this.closing && !(owner instanceof Connecter && owner.lingering)) return undefined;
    let pipe = owner instanceof Connecter ? owner.pipe : undefined;
    const fresh = pipe === undefined;
    if (pipe === undefined) {
      pipe = this.newPipe(engine.endpoint);
      if (owner instanceof Connecter) owner.pipe = pipe;
    }
    pipe.peerProperties = engine.peerProperties;
    pipe.peerMinor = engine.peerMinor;
    pipe.userId = engine.userId;
    const type = engine.peerProperties.get("socket-type");
    pipe.peerSocketType = type === undefined ? "" : new TextDecoder().decode(type);
    if (owner instanceof Connecter && owner.routingId !== undefined) {
      pipe.connectRoutingId = owner.routingId;
    }
    if (fresh) {
      this.pipes.add(pipe);
      this.xattachPipe(pipe, owner instanceof Connecter);
      if (pipe.terminated) return undefined;
    }
    pipe.attachEngine(engine);
    this.emit({ type: "handshake", address: engine.endpoint });
    this.onWritable?.();
    return pipe;
  }

  engineStopped(
    engine: Engine,
    error: ZmqError | undefined,
    failure: HandshakeFailure | undefined,
  ): void {
    const owner = this.engines.get(engine);
    this.engines.delete(engine);
    const address = engine.endpoint;
    if (failure !== undefined) {
      const type =
        failure.kind === "protocol"
          ? "handshake:error:protocol"
          : failure.kind === "auth"
            ? "handshake:error:auth"
            : "handshake:error:other";
      this.emit({
        type,
        address,
        error,
        protocolError: failure.protocolError,
        status: failure.status,
      });
    }
    if (!this.closing) this.emit({ type: "disconnect", address });
    if (owner instanceof Connecter) {
      owner.engine = undefined;
      if (owner.lingering) {
        // One attempt at delivering what was queued at close; then the endpoint is done.
        owner.lingering = false;
        this.lingering.delete(owner);
        clearTimeout(owner.lingerTimer);
        owner.stop();
      }
      const pipe = owner.pipe;
      if (pipe !== undefined) {
        // Only a pipe made at connect time outlives its connection, and only while the
        // endpoint stays connected; a pipe made at handshake (ROUTER, STREAM, immediate) ends.
        if (!owner.keepsPipe || owner.stopped || this.closing) {
          owner.pipe = undefined;
          this.endPipe(pipe);
        } else if (engine.handshakeDone && HICCUPING_TYPES.has(this.socketType)) {
          // libzmq's session hiccups the pipes of subscriber types only: their unsent
          // subscriptions are dropped and the socket queues the whole set again. Other types
          // keep what they queued for the next connection.
          pipe.hiccup();
        } else {
          pipe.attachEngine(undefined);
        }
      }
      if (!this.closing && !owner.stopped) owner.retry();
    } else {
      owner?.engines.delete(engine);
      const pipe = engine.pipe;
      if (pipe !== undefined) this.endPipe(pipe);
    }
    this.maybeFinishClose();
  }

  // ---- endpoints --------------------------------------------------------------------------

  private transportFor(endpoint: Endpoint): Transport {
    const transport = this.context.transport(endpoint.transport);
    if (transport === undefined) {
      throw new ZmqError("EPROTONOSUPPORT", undefined, { address: endpoint.address });
    }
    return transport;
  }

  private transportOptions(): TransportOptions {
    const o = this.options;
    return {
      backlog: o.backlog,
      ipv6: o.ipv6,
      tcpKeepalive: o.tcpKeepalive,
      tcpKeepaliveIdle: o.tcpKeepaliveIdle,
      connectTimeout: o.connectTimeout,
    };
  }

  private checkOpen(): void {
    if (this.closedFlag || this.closing) throw new ZmqError("EBADF");
  }

  async bind(address: string): Promise<void> {
    this.checkOpen();
    let endpoint: Endpoint;
    let transport: Transport;
    try {
      endpoint = parseEndpoint(address, "bind");
      transport = this.transportFor(endpoint);
      if (refusesIpv6(endpoint, this.options.ipv6))
        throw new ZmqError("ENODEV", undefined, { address });
    } catch (error) {
      this.emit({ type: "bind:error", address, error: asZmqError(error, address) });
      throw error;
    }
    let listener: Listener;
    const engines = new Set<Engine>();
    let bound: Bound | undefined;
    try {
      listener = await transport.listen(
        endpoint,
        this.transportOptions(),
        (connection) => {
          if (bound !== undefined) this.accept(connection, bound);
          else connection.destroy();
        },
        (error) => this.emit({ type: "accept:error", address: listener.endpoint, error }),
      );
    } catch (error) {
      const wrapped = asZmqError(error, address);
      this.emit({ type: "bind:error", address, error: wrapped });
      throw wrapped;
    }
    if (this.closing || this.closedFlag) {
      await listener.close();
      throw new ZmqError("EBADF");
    }
    // Listening alone does not keep the process alive (as with zeromq.js); pending operations,
    // queued messages and lingering closes do.
    listener.unref?.();
    bound = { address: listener.endpoint, listener, engines };
    this.bound.set(listener.endpoint, bound);
    if (listener.endpoint !== address) this.bound.set(address, bound);
    this.lastEndpoint = listener.endpoint;
    this.emit({ type: "bind", address: listener.endpoint });
  }

  async unbind(address: string): Promise<void> {
    this.checkOpen();
    const bound = this.bound.get(address);
    if (bound === undefined) throw new ZmqError("ENOENT", undefined, { address });
    for (const [key, value] of this.bound) if (value === bound) this.bound.delete(key);
    for (const engine of bound.engines) engine.destroy();
    await bound.listener.close();
    this.emit({ type: "close", address: bound.address });
  }

  private accept(connection: Connection, bound: Bound): void {
    if (this.closing) {
      connection.destroy();
      return;
    }
    this.emit({ type: "accept", address: bound.address });
    const engine = this.createEngine(connection, bound.address);
    bound.engines.add(engine);
    this.engines.set(engine, bound);
    engine.start();
  }

  protected createEngine(connection: Connection, address: string): Engine {
    return this.socketType === "STREAM"
      ? new RawEngine(connection, this, address)
      : new ZmtpEngine(connection, this, address);
  }

  connect(address: string, options: ConnectOptions = {}): void {
    this.checkOpen();
    const endpoint = parseEndpoint(address, "connect");
    const transport = this.transportFor(endpoint);
    const keepsPipe = this.attachOnConnect && !this.options.immediate;
    const connecter = new Connecter(this, transport, endpoint, keepsPipe, options.routingId);
    let set = this.connecters.get(address);
    if (set === undefined) this.connecters.set(address, (set = new Set()));
    set.add(connecter);
    if (keepsPipe) {
      const pipe = this.newPipe(address);
      if (options.routingId !== undefined) pipe.connectRoutingId = options.routingId;
      connecter.pipe = pipe;
      this.pipes.add(pipe);
      this.xattachPipe(pipe, true);
    }
    connecter.start();
  }

  disconnect(address: string): void {
    this.checkOpen();
    const set = this.connecters.get(address);
    if (set === undefined) throw new ZmqError("ENOENT", undefined, { address });
    this.connecters.delete(address);
    for (const connecter of set) this.stopConnecter(connecter, 0);
  }

  /**
   * Ends a connect endpoint. With queued messages and a linger other than 0, it goes on
   * connecting and handshaking until they are sent or `linger` ms pass (libzmq's linger also
   * covers messages queued before the connection was made).
   */
  private stopConnecter(connecter: Connecter, linger: number): void {
    const { engine, pipe } = connecter;
    const queued = pipe !== undefined && pipe.outboundLength > 0;
    if (queued && linger !== 0 && (engine === undefined || !engine.handshakeDone)) {
      connecter.lingering = true;
      this.lingering.add(connecter);
      if (linger > 0) connecter.lingerTimer = setTimeout(() => this.abandon(connecter), linger);
      engine?.close(linger, true);
      return;
    }
    connecter.stop();
    if (engine !== undefined) engine.close(linger, false);
    else if (pipe !== undefined) {
      connecter.pipe = undefined;
      this.endPipe(pipe);
    }
  }

  /** A lingering connect whose time ran out: drop what it still holds. */
  private abandon(connecter: Connecter): void {
    this.lingering.delete(connecter);
    connecter.stop();
    const { engine, pipe } = connecter;
    if (engine !== undefined) {
      engine.destroy();
      return;
    }
    if (pipe !== undefined) {
      connecter.pipe = undefined;
      this.terminatePipe(pipe);
    }
    this.maybeFinishClose();
  }

  /** @internal Used by Connecter. */
  connected(connecter: Connecter, connection: Connection): void {
    if ((this.closing && !connecter.lingering) || connecter.stopped) {
      connection.destroy();
      return;
    }
    this.emit({ type: "connect", address: connecter.address });
    const engine = this.createEngine(connection, connecter.address);
    connecter.engine = engine;
    this.engines.set(engine, connecter);
    engine.start();
    if (connecter.lingering) engine.close(this.options.linger, true);
  }

  // ---- pipes ------------------------------------------------------------------------------

  private newPipe(address: string): Pipe {
    const { sendHighWaterMark, receiveHighWaterMark, conflate } = this.options;
    const pipe = new Pipe(this, sendHighWaterMark, receiveHighWaterMark, address);
    pipe.conflate = conflate && CONFLATING_TYPES.has(this.socketType);
    return pipe;
  }

  /** Applies changed high-water marks to existing pipes too (libzmq >= 4.2 does). */
  applyHighWaterMarks(): void {
    for (const pipe of this.pipes) {
      pipe.sendHighWaterMark = this.options.sendHighWaterMark;
      pipe.receiveHighWaterMark = this.options.receiveHighWaterMark;
    }
    this.onWritable?.();
  }

  protected terminatePipe(pipe: Pipe): void {
    if (pipe.terminated) return;
    pipe.terminate();
    if (this.pipes.delete(pipe)) this.xpipeTerminated(pipe);
    this.onWritable?.();
  }

  // ---- messages ---------------------------------------------------------------------------

  /** Tries to send now; false when the socket type says "wait" (EAGAIN). Throws EFSM etc. */
  send(message: Message): boolean {
    this.checkOpen();
    return this.xsend(message);
  }

  /**
   * `send` of a message whose parts still belong to the caller once this returns (it may reuse
   * its buffers at once): a pipe that keeps the message queued (a peer connecting, busy or in
   * this process) first replaces each part with `own(part)`, a copy where one is needed. A
   * message the engine encodes during the call is not copied again: the encoder copies small
   * parts into its batch as it writes them.
   */
  sendBorrowed(message: Message, own: (part: Uint8Array) => Uint8Array): boolean {
    this.checkOpen();
    const outer = beginBorrowing(own);
    try {
      return this.xsend(message);
    } finally {
      endBorrowing(outer);
    }
  }

  /** Tries to receive now; undefined when nothing is ready. */
  receive(): Message | undefined {
    this.checkOpen();
    const message = this.xrecv();
    if (message !== undefined) this.lastPipe = Pipe.lastRead;
    return message;
  }

  get readable(): boolean {
    return !this.closedFlag && !this.closing && this.xhasIn();
  }

  get writable(): boolean {
    return !this.closedFlag && !this.closing && this.xhasOut();
  }

  get closed(): boolean {
    return this.closedFlag || this.closing;
  }

  /** How many endpoints are bound or connected now (zeromq.js's Proxy refuses a socket with none). */
  get endpointCount(): number {
    return new Set(this.bound.values()).size + this.connecters.size;
  }

  // ---- monitor ----------------------------------------------------------------------------

  /** @internal */
  emit(event: MonitorEvent): void {
    this.monitor?.(event);
  }

  // ---- close ------------------------------------------------------------------------------

  private closeWaiters: (() => void)[] = [];

  /**
   * Closes the socket: listeners stop at once; queued messages are sent for up to `linger` ms
   * (-1: until sent, 0: dropped). Resolves when every connection is gone.
   */
  close(): Promise<void> {
    if (this.closedFlag) return Promise.resolve();
    const done = new Promise<void>((resolve) => this.closeWaiters.push(resolve));
    if (this.closing) return done;
    this.closing = true;
    const linger = this.options.linger;
    const closings: Promise<void>[] = [];
    for (const bound of new Set(this.bound.values())) {
      closings.push(
        bound.listener.close().then(() => this.emit({ type: "close", address: bound.address })),
      );
    }
    this.bound.clear();
    for (const set of this.connecters.values()) {
      for (const connecter of set) this.stopConnecter(connecter, linger);
    }
    this.connecters.clear();
    for (const [engine, owner] of [...this.engines]) {
      if (!(owner instanceof Connecter)) engine.close(linger, false);
    }
    void Promise.all(closings).then(() => {
      this.listenersClosed = true;
      this.maybeFinishClose();
    });
    return done;
  }

  private listenersClosed = false;
  private readonly lingering = new Set<Connecter>();

  private maybeFinishClose(): void {
    if (
      !this.closing ||
      this.closedFlag ||
      !this.listenersClosed ||
      this.engines.size > 0 ||
      this.lingering.size > 0
    ) {
      return;
    }
    this.closedFlag = true;
    for (const pipe of [...this.pipes]) this.terminatePipe(pipe);
    this.context.remove(this);
    this.emit({ type: "end" });
    this.monitor = undefined;
    this.onReadable?.();
    this.onWritable?.();
    for (const resolve of this.closeWaiters.splice(0)) resolve();
  }
}

/**
 * An IPv6 literal on a socket without ZMQ_IPV6: libzmq's tcp address resolver finds no IPv4
 * address for it, so bind fails with ENODEV and connect keeps retrying.
 */
function refusesIpv6(endpoint: Endpoint, ipv6: boolean): boolean {
  if (ipv6 || endpoint.transport !== "tcp") return false;
  const tcp = endpoint as TcpEndpoint;
  return tcp.family === 6 || tcp.source?.family === 6;
}

function asZmqError(error: unknown, address: string): ZmqError {
  if (isZmqError(error)) return error;
  return fromSystemError(error, address);
}

/**
 * Keeps one connect endpoint connected: connects, and after a failure or a lost connection
 * waits `reconnectInterval` (plus jitter, doubling up to `reconnectMaxInterval`) and tries again.
 */
export class Connecter {
  pipe: Pipe | undefined;
  engine: Engine | undefined;
  stopped = false;
  /** Closing, but still connecting to deliver queued messages. */
  lingering = false;
  lingerTimer: ReturnType<typeof setTimeout> | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private interval = -1;
  private abort: AbortController | undefined;
  /** Why the last attempt failed, for diagnostics. */
  lastError: ZmqError | undefined;
  readonly address: string;

  constructor(
    private readonly socket: SocketBase,
    private readonly transport: Transport,
    private readonly endpoint: Endpoint,
    readonly keepsPipe: boolean,
    readonly routingId: Uint8Array | undefined,
  ) {
    this.address = endpoint.address;
  }

  start(): void {
    if (this.stopped) return;
    if (refusesIpv6(this.endpoint, this.socket.options.ipv6)) {
      // Nothing to connect to: libzmq reports no delay, only the retries.
      this.lastError = new ZmqError("ENODEV", undefined, { address: this.address });
      this.retry();
      return;
    }
    this.abort = new AbortController();
    // libzmq reports an asynchronous TCP connect in progress as "delayed".
    if (this.endpoint.transport === "tcp") {
      this.socket.emit({ type: "connect:delay", address: this.address });
    }
    const options = { ...this.socketTransportOptions(), signal: this.abort.signal };
    this.transport.connect(this.endpoint, options).then(
      (connection) => {
        this.abort = undefined;
        if (this.stopped) {
          connection.destroy();
          return;
        }
        this.interval = -1;
        this.socket.connected(this, connection);
      },
      (error: unknown) => {
        this.abort = undefined;
        if (this.stopped) return;
        this.lastError = isZmqError(error) ? error : fromSystemError(error, this.address);
        // libzmq closes the failed attempt's socket and reports it before the retry.
        this.socket.emit({ type: "close", address: this.address });
        this.retry();
      },
    );
  }

  private socketTransportOptions(): TransportOptions {
    const o = this.socket.options;
    return {
      ipv6: o.ipv6,
      tcpKeepalive: o.tcpKeepalive,
      tcpKeepaliveIdle: o.tcpKeepaliveIdle,
      connectTimeout: o.connectTimeout,
    };
  }

  retry(): void {
    if (this.stopped || this.timer !== undefined) return;
    const { reconnectInterval, reconnectMaxInterval } = this.socket.options;
    if (reconnectInterval < 0) return; // -1: no reconnection (libzmq)
    let wait: number;
    if (reconnectMaxInterval > 0) {
      // libzmq's backoff: the interval, doubled at each failure up to the maximum, no jitter.
      const candidate = this.interval < 0 ? reconnectInterval : this.interval * 2;
      this.interval = Math.min(candidate, reconnectMaxInterval);
      wait = this.interval;
    } else {
      // Without a maximum: the interval plus a random part of it, so peers do not retry in step.
      this.interval = reconnectInterval;
      wait =
        reconnectInterval +
        (reconnectInterval > 0 ? Math.floor(Math.random() * reconnectInterval) : 0);
    }
    this.socket.emit({ type: "connect:retry", address: this.address, interval: wait });
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.start();
    }, wait);
    // Waiting to reconnect keeps the process alive only for messages queued to this peer.
    if (this.pipe === undefined || this.pipe.outboundLength === 0) unrefTimer(this.timer);
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.lingerTimer);
    clearTimeout(this.timer);
    this.timer = undefined;
    this.abort?.abort();
  }
}
