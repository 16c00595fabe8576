/**
 * Test helpers for @zmtp/core: a context with tcp and inproc, small socket types built on
 * SocketBase (core cannot import @zmtp/patterns), a monitor event log to await events, receive /
 * send with a deadline, and a raw ZMTP peer over node:net scripted with the codec.
 */

import { createServer, connect as netConnect, type Server, type Socket } from "node:net";
import {
  decodeCommand,
  encodeFrame,
  encodeGreeting,
  encodeReady,
  FLAG_COMMAND,
  FLAG_MORE,
  type Frame,
  FrameDecoder,
  GREETING_SIZE,
  type Greeting,
  GreetingDecoder,
} from "@zmtp/codec";
import type { MonitorEventName, SocketTypeName } from "@zmtp/spec";
import { inproc } from "@zmtp/transport-inproc";
import { tcp } from "@zmtp/transport-tcp";
import { afterEach, beforeEach } from "vitest";
import {
  SocketBase as Base,
  Context,
  FairQueue,
  LoadBalancer,
  type Message,
  type MonitorEvent,
  type Pipe,
  type SocketBase,
  SubscriptionTrie,
} from "../src/index";

export const TCP_ANY = "tcp://127.0.0.1:*";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export const bytes = (text: string): Uint8Array => encoder.encode(text);
export const text = (data: Uint8Array | undefined): string =>
  data === undefined ? "<undefined>" : decoder.decode(data);
export const texts = (message: Message | undefined): string[] | undefined =>
  message?.map((frame) => text(frame));
export const message = (...parts: string[]): Message => parts.map(bytes);

/** A context with tcp and inproc registered. */
export function makeContext(): Context {
  return new Context().registerTransport(tcp()).registerTransport(inproc());
}

/** A fresh context and cleanup list for every test, closed after it. */
export function perTestScope(): { context: Context; cleanup: Cleanup } {
  const scope = {} as { context: Context; cleanup: Cleanup };
  beforeEach(() => {
    scope.context = makeContext();
    scope.cleanup = new Cleanup();
  });
  afterEach(async () => {
    await scope.cleanup.run();
    await scope.context.close();
  });
  return scope;
}

/**
 * A minimal socket type for core tests: round-robin out, fair-queue in, with any announced
 * socket type (PUSH, PULL, DEALER, PAIR...). Enough to drive the engine and the socket base.
 */
export class TestSocket extends Base {
  readonly lb = new LoadBalancer();
  readonly fq = new FairQueue();
  readonly attached: Pipe[] = [];
  readonly terminated: Pipe[] = [];

  constructor(context: Context, type: SocketTypeName) {
    super(context, type);
  }

  get pipeList(): Pipe[] {
    return [...this.pipes];
  }

  protected xattachPipe(pipe: Pipe): void {
    this.attached.push(pipe);
    this.lb.attach(pipe);
    this.fq.attach(pipe);
  }

  protected xpipeTerminated(pipe: Pipe): void {
    this.terminated.push(pipe);
    this.lb.detach(pipe);
    this.fq.detach(pipe);
  }

  protected xsend(message: Message): boolean {
    return this.lb.send(message) !== undefined;
  }

  protected xrecv(): Message | undefined {
    return this.fq.recv();
  }

  protected override xhasIn(): boolean {
    return this.fq.hasIn();
  }

  protected override xhasOut(): boolean {
    return this.lb.hasOut();
  }
}

/** A SUB for core tests: subscriptions go upstream as \x01topic and are resent on reconnect. */
export class TestSub extends TestSocket {
  private readonly topics = new SubscriptionTrie<true>();

  constructor(context: Context) {
    super(context, "SUB");
  }

  protected override xattachPipe(pipe: Pipe): void {
    super.xattachPipe(pipe);
    this.resend(pipe);
  }

  protected override xhiccuped(pipe: Pipe): void {
    this.resend(pipe);
  }

  private resend(pipe: Pipe): void {
    this.topics.each((prefix) => pipe.forceWrite([withKind(1, prefix)]));
  }

  subscribe(topic: Uint8Array): void {
    this.topics.add(topic, true);
    for (const pipe of this.pipes) pipe.forceWrite([withKind(1, topic)]);
  }

  unsubscribe(topic: Uint8Array): void {
    if (this.topics.remove(topic, true)) {
      for (const pipe of this.pipes) pipe.forceWrite([withKind(0, topic)]);
    }
  }
}

function withKind(kind: number, topic: Uint8Array): Uint8Array {
  const body = new Uint8Array(topic.length + 1);
  body[0] = kind;
  body.set(topic, 1);
  return body;
}

// ---- monitor events ---------------------------------------------------------------------------

/**
 * Records every monitor event of a socket. `next(type)` resolves with the next event of that
 * type not yet taken (already recorded ones count), so no event is missed between awaits.
 */
export class EventLog {
  readonly events: MonitorEvent[] = [];
  private readonly taken = new Map<string, number>();
  private waiters: (() => void)[] = [];

  constructor(socket: SocketBase) {
    socket.monitor = (event) => {
      this.events.push(event);
      for (const waiter of [...this.waiters]) waiter();
    };
  }

  get types(): MonitorEventName[] {
    return this.events.map((event) => event.type);
  }

  /** The next not-yet-taken event of `type`, waiting up to `timeout` ms. */
  next(type: MonitorEventName, timeout = 5000): Promise<MonitorEvent> {
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        const index = this.taken.get(type) ?? 0;
        const matching = this.events.filter((event) => event.type === type);
        const event = matching[index];
        if (event === undefined) return false;
        this.taken.set(type, index + 1);
        resolve(event);
        return true;
      };
      if (check()) return;
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((waiter) => waiter !== onEvent);
        reject(new Error(`timed out waiting for "${type}"; saw ${this.types.join(", ")}`));
      }, timeout);
      const onEvent = (): void => {
        if (!check()) return;
        clearTimeout(timer);
        this.waiters = this.waiters.filter((waiter) => waiter !== onEvent);
      };
      this.waiters.push(onEvent);
    });
  }

  count(type: MonitorEventName): number {
    return this.events.filter((event) => event.type === type).length;
  }
}

export function watch(socket: SocketBase): EventLog {
  return new EventLog(socket);
}

/** The next event of `type` (a one-off EventLog: events before the call are not seen). */
export function nextEvent(
  socket: SocketBase,
  type: MonitorEventName,
  timeout = 5000,
): Promise<MonitorEvent> {
  return new EventLog(socket).next(type, timeout);
}

// ---- messages with deadlines ------------------------------------------------------------------

/** Receives one message, waiting on onReadable for up to `ms`. */
export function receiveWithin(socket: SocketBase, ms = 5000): Promise<Message> {
  const now = socket.receive();
  if (now !== undefined) return Promise.resolve(now);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.onReadable = undefined;
      reject(new Error(`no message within ${ms} ms`));
    }, ms);
    socket.onReadable = () => {
      if (socket.closed) return;
      const message = socket.receive();
      if (message === undefined) return;
      clearTimeout(timer);
      socket.onReadable = undefined;
      resolve(message);
    };
  });
}

/** Receives `count` messages. */
export async function receiveMany(
  socket: SocketBase,
  count: number,
  ms = 5000,
): Promise<Message[]> {
  const messages: Message[] = [];
  while (messages.length < count) messages.push(await receiveWithin(socket, ms));
  return messages;
}

/** Resolves undefined when nothing arrives within `ms` (for "nothing was delivered" checks). */
export async function receiveNothing(socket: SocketBase, ms = 100): Promise<Message | undefined> {
  try {
    return await receiveWithin(socket, ms);
  } catch {
    return undefined;
  }
}

/** Every message that arrives until none has for `quietMs`: for exact "what arrived" checks. */
export async function collect(socket: SocketBase, quietMs = 200): Promise<Message[]> {
  const messages: Message[] = [];
  for (;;) {
    const next = await receiveNothing(socket, quietMs);
    if (next === undefined) return messages;
    messages.push(next);
  }
}

/** Sends, waiting on onWritable for up to `ms` when the socket says "wait". */
export function sendWithin(socket: SocketBase, message: Message, ms = 5000): Promise<void> {
  if (socket.send(message)) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.onWritable = undefined;
      reject(new Error(`could not send within ${ms} ms`));
    }, ms);
    socket.onWritable = () => {
      if (socket.closed || !socket.send(message)) return;
      clearTimeout(timer);
      socket.onWritable = undefined;
      resolve();
    };
  });
}

/** Resolves after `turns` event-loop turns. */
export async function turns(count = 1): Promise<void> {
  for (let index = 0; index < count; index++) {
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}

/** Polls `predicate` each turn until it holds, for state that has no event. */
export async function until(predicate: () => boolean, what: string, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise<void>((resolve) => setTimeout(resolve, 2));
  }
}

/** Closes sockets and contexts registered with it, in afterEach. */
export class Cleanup {
  private readonly items: { close(): Promise<void> | void }[] = [];

  add<T extends { close(): Promise<void> | void }>(item: T): T {
    this.items.push(item);
    return item;
  }

  async run(): Promise<void> {
    for (const item of this.items.splice(0).reverse()) {
      const socket = item as Partial<SocketBase>;
      if (socket.options !== undefined) socket.options.linger = 0;
      await item.close();
    }
  }
}

/** A port on 127.0.0.1 that nobody listens on (bound then released). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("no port");
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return address.port;
}

// ---- raw ZMTP peer ----------------------------------------------------------------------------

export interface RecordedFrame extends Frame {
  readonly name: string | undefined;
}

/**
 * One raw TCP peer speaking ZMTP by hand: records the greeting and every frame the socket
 * sends, and writes whatever bytes a test scripts.
 */
export class RawPeer {
  readonly frames: RecordedFrame[] = [];
  greeting: Greeting | undefined;
  greetingError: unknown;
  /** Bytes received before a greeting completed, or all bytes when not decoding. */
  readonly raw: Uint8Array[] = [];
  readonly closed: Promise<void>;
  isClosed = false;
  private readonly greetingDecoder = new GreetingDecoder();
  private readonly frameDecoder = new FrameDecoder();
  private waiters: (() => void)[] = [];
  private taken = 0;

  constructor(readonly socket: Socket) {
    socket.on("error", () => {});
    this.closed = new Promise((resolve) => {
      socket.on("close", () => {
        this.isClosed = true;
        resolve();
        this.wake();
      });
    });
    socket.on("data", (chunk: Buffer) => this.onData(new Uint8Array(chunk)));
  }

  /** Connects to a bound zmtp socket. */
  static connect(endpoint: string): Promise<RawPeer> {
    const { host, port } = hostPort(endpoint);
    return new Promise((resolve, reject) => {
      const socket = netConnect({ host, port }, () => resolve(new RawPeer(socket)));
      socket.once("error", reject);
    });
  }

  private onData(chunk: Uint8Array): void {
    this.raw.push(chunk);
    try {
      let rest = chunk;
      if (!this.greetingDecoder.done) {
        const used = this.greetingDecoder.push(rest);
        rest = rest.subarray(used);
        if (this.greetingDecoder.done) this.greeting = this.greetingDecoder.greeting;
      }
      if (this.greetingDecoder.done && rest.length > 0) {
        this.frameDecoder.push(rest);
        for (let frame = this.frameDecoder.next(); frame; frame = this.frameDecoder.next()) {
          this.frames.push({
            ...frame,
            body: frame.body.slice(),
            name: frame.command ? decodeCommand(frame.body).name : undefined,
          });
        }
      }
    } catch (error) {
      this.greetingError = error;
    }
    this.wake();
  }

  private wake(): void {
    for (const waiter of [...this.waiters]) waiter();
  }

  /** Waits until `predicate` holds (checked on every arrival and on close). */
  waitFor(predicate: () => boolean, what: string, ms = 5000): Promise<void> {
    if (predicate()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((waiter) => waiter !== check);
        reject(new Error(`raw peer: timed out waiting for ${what}`));
      }, ms);
      const check = (): void => {
        if (!predicate()) return;
        clearTimeout(timer);
        this.waiters = this.waiters.filter((waiter) => waiter !== check);
        resolve();
      };
      this.waiters.push(check);
    });
  }

  /** The next frame not yet taken that matches `predicate` (earlier non-matching ones are skipped). */
  async nextFrame(
    predicate: (frame: RecordedFrame) => boolean = () => true,
    what = "a frame",
    ms = 5000,
  ): Promise<RecordedFrame> {
    let found: RecordedFrame | undefined;
    await this.waitFor(
      () => {
        for (let index = this.taken; index < this.frames.length; index++) {
          const frame = this.frames[index]!;
          if (predicate(frame)) {
            this.taken = index + 1;
            found = frame;
            return true;
          }
        }
        return false;
      },
      what,
      ms,
    );
    return found!;
  }

  nextCommand(name: string, ms = 5000): Promise<RecordedFrame> {
    return this.nextFrame((frame) => frame.name === name, `command ${name}`, ms);
  }

  /** The next whole message (frames up to one without MORE), skipping commands. */
  async nextMessage(ms = 5000): Promise<Uint8Array[]> {
    const parts: Uint8Array[] = [];
    for (;;) {
      const frame = await this.nextFrame((candidate) => !candidate.command, "a message", ms);
      parts.push(frame.body);
      if (!frame.more) return parts;
    }
  }

  waitClosed(ms = 5000): Promise<void> {
    return this.waitFor(() => this.isClosed, "the connection to close", ms);
  }

  write(...chunks: Uint8Array[]): void {
    for (const chunk of chunks) this.socket.write(chunk);
  }

  sendGreeting(options: { mechanism?: string; minor?: number } = {}): void {
    this.write(
      encodeGreeting({ mechanism: options.mechanism ?? "NULL", asServer: false, ...options }),
    );
  }

  sendReady(socketType: string, extra: [string, Uint8Array | string][] = []): void {
    this.write(encodeFrame(encodeReady([["Socket-Type", socketType], ...extra]), FLAG_COMMAND));
  }

  /** Greeting plus READY: a complete NULL handshake from this side. */
  handshake(socketType: string, options: { minor?: number } = {}): void {
    this.sendGreeting(options);
    this.sendReady(socketType);
  }

  sendCommand(body: Uint8Array): void {
    this.write(encodeFrame(body, FLAG_COMMAND));
  }

  sendMessage(parts: Uint8Array[]): void {
    this.write(encodedMessage(parts));
  }

  destroy(): void {
    this.socket.destroy();
  }

  close(): void {
    this.socket.destroy();
  }
}

/** A message's frames as wire bytes. */
export function encodedMessage(parts: Uint8Array[]): Uint8Array {
  const frames = parts.map((part, index) =>
    encodeFrame(part, index < parts.length - 1 ? FLAG_MORE : 0),
  );
  const total = frames.reduce((sum, frame) => sum + frame.length, 0);
  const out = new Uint8Array(total);
  let offset = 0;
  for (const frame of frames) {
    out.set(frame, offset);
    offset += frame.length;
  }
  return out;
}

/** A raw TCP server the socket connects to; each accepted connection becomes a RawPeer. */
export class RawServer {
  readonly peers: RawPeer[] = [];
  private waiters: (() => void)[] = [];
  private taken = 0;

  private constructor(
    private readonly server: Server,
    readonly endpoint: string,
  ) {}

  static async listen(port = 0): Promise<RawServer> {
    let instance: RawServer | undefined;
    const pending: Socket[] = [];
    const server = createServer((socket) => {
      if (instance === undefined) pending.push(socket);
      else instance.accept(socket);
    });
    await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
    const address = server.address();
    if (address === null || typeof address === "string") throw new Error("no port");
    instance = new RawServer(server, `tcp://127.0.0.1:${address.port}`);
    for (const socket of pending) instance.accept(socket);
    return instance;
  }

  private accept(socket: Socket): void {
    this.peers.push(new RawPeer(socket));
    for (const waiter of [...this.waiters]) waiter();
  }

  /** The next accepted connection not yet taken. */
  accepted(ms = 5000): Promise<RawPeer> {
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        const peer = this.peers[this.taken];
        if (peer === undefined) return false;
        this.taken++;
        resolve(peer);
        return true;
      };
      if (check()) return;
      const timer = setTimeout(() => reject(new Error("raw server: no connection")), ms);
      const waiter = (): void => {
        if (!check()) return;
        clearTimeout(timer);
        this.waiters = this.waiters.filter((other) => other !== waiter);
      };
      this.waiters.push(waiter);
    });
  }

  async close(): Promise<void> {
    for (const peer of this.peers) peer.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

export function hostPort(endpoint: string): { host: string; port: number } {
  const match = /^tcp:\/\/(.+):(\d+)$/.exec(endpoint);
  if (match === null) throw new Error(`not a tcp endpoint: ${endpoint}`);
  return { host: match[1]!, port: Number(match[2]) };
}

export { GREETING_SIZE };
