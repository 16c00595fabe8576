// Shared helpers for the conformance and interop suites: endpoints, socket lifetimes, waiting for
// conditions and events (never fixed sleeps), and probe-based synchronisation for patterns whose
// sender cannot see whether a peer is attached yet (PUB, PUSH and DEALER on the bind side).

import { randomBytes } from "node:crypto";
import { rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, expect } from "vitest";
import type { EventOfType, EventType, Observer, Socket } from "zeromq";

export type Transport = "tcp" | "ipc" | "inproc";
/** The transports between processes, which most cases run over. */
export const TRANSPORTS = ["tcp", "ipc"] as const satisfies readonly Transport[];

/** How long a helper waits for a message, an event or a condition before failing the test. */
export const WAIT_MS = 3_000;

// ---------------------------------------------------------------------------------------------
// Endpoints

let ipcCounter = 0;
const ipcPaths = new Set<string>();

/** A unique ipc endpoint under the OS temp directory (removed again after each test). */
export function ipcEndpoint(label = "sock"): string {
  ipcCounter += 1;
  const name = `zmtp-${label}-${process.pid}-${ipcCounter}-${randomBytes(4).toString("hex")}.ipc`;
  const path = join(tmpdir(), name);
  ipcPaths.add(path);
  return `ipc://${path}`;
}

let inprocCounter = 0;

/** An endpoint to bind: an ephemeral tcp port on loopback, a fresh ipc path or inproc name. */
export function bindEndpoint(transport: Transport): string {
  if (transport === "tcp") return "tcp://127.0.0.1:*";
  if (transport === "inproc") {
    inprocCounter += 1;
    return `inproc://conformance-${process.pid}-${inprocCounter}-${randomBytes(3).toString("hex")}`;
  }
  return ipcEndpoint();
}

/** Binds and returns the resolved endpoint (`lastEndpoint`), which is what peers connect to. */
export async function bindTo(socket: Socket, transport: Transport): Promise<string> {
  await socket.bind(bindEndpoint(transport));
  const endpoint = socket.lastEndpoint;
  if (endpoint === null) throw new Error("lastEndpoint is null after bind");
  return endpoint;
}

/**
 * Binds a fixed endpoint, retrying while it is still held by a socket that was just closed
 * (libzmq releases the listener on its I/O thread, shortly after `close()` returns).
 */
export async function bindWithRetry(
  socket: Socket,
  endpoint: string,
  timeoutMs = WAIT_MS,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await socket.bind(endpoint);
      return;
    } catch (error) {
      if (errorCode(error) !== "EADDRINUSE" || Date.now() > deadline) throw error;
      await delay(10);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Socket lifetimes

interface Closable {
  close(): void;
  readonly closed: boolean;
}

/**
 * Registers an afterEach hook that closes every socket handed to the returned function, then
 * removes the ipc files the test created. Call once per describe block.
 */
/**
 * Every socket a test opened. libzmq processes a socket's internal commands (a new peer's pipe
 * being attached, say) only when the application thread calls into that socket, and zeromq.js
 * calls in only while it has an operation pending. A bound libzmq SUB nobody reads from
 * therefore never attaches a connecting peer's pipe, and never sends it its subscriptions.
 * With `pokeWhileWaiting(true)`, `within` pokes every open socket while it waits, as a real
 * application using its sockets would (for zmtp sockets a no-op read). It is opt-in, per test
 * file: reading `readable` also consumes libzmq's edge-triggered notification, which can leave
 * that socket's own pending receive asleep, so no socket being waited on is ever poked, the
 * one this wait is for nor any other a concurrent wait is for (a receive left asleep that way
 * failed the XPUB/XSUB 1 MiB case about once in five runs on a loaded machine, and the XPUB to
 * three SUBs case, whose three receives wait together, about once in three).
 */
const openSockets = new Set<Closable & { readonly readable?: boolean }>();
/** Sockets some `within` is waiting on now, with how many waits each. */
const waitedOnNow = new Map<unknown, number>();
let poking = false;

export function pokeWhileWaiting(enabled: boolean): void {
  poking = enabled;
}

function pokeOpenSockets(): void {
  for (const socket of openSockets) {
    if (waitedOnNow.has(socket)) continue;
    try {
      if (!socket.closed) void socket.readable;
    } catch {
      // A socket closing under us: nothing to poke.
    }
  }
}

export function socketScope(): <T extends Closable>(socket: T) => T {
  const open: Closable[] = [];
  afterEach(() => {
    const failures: unknown[] = [];
    for (const socket of open.splice(0)) {
      openSockets.delete(socket);
      try {
        if (!socket.closed) socket.close();
      } catch (error) {
        failures.push(error);
      }
    }
    for (const path of ipcPaths) rmSync(path, { force: true });
    ipcPaths.clear();
    if (failures.length > 0) throw failures[0];
  });
  return (socket) => {
    open.push(socket);
    openSockets.add(socket);
    return socket;
  };
}

// ---------------------------------------------------------------------------------------------
// Waiting

export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

const noop = () => {};

/**
 * Resolves with the promise's value, or rejects once `ms` elapse. The original promise keeps a
 * rejection handler, so a receive left pending (and rejected later by close) is not reported as
 * an unhandled rejection.
 */
export async function within<T>(
  promise: Promise<T>,
  ms = WAIT_MS,
  what = "operation",
  waitedOn?: unknown,
): Promise<T> {
  promise.catch(noop);
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not complete within ${ms} ms`)), ms);
  });
  const poker = poking ? setInterval(pokeOpenSockets, 5) : undefined;
  if (waitedOn !== undefined) waitedOnNow.set(waitedOn, (waitedOnNow.get(waitedOn) ?? 0) + 1);
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
    clearInterval(poker);
    if (waitedOn !== undefined) {
      const waits = (waitedOnNow.get(waitedOn) ?? 1) - 1;
      if (waits === 0) waitedOnNow.delete(waitedOn);
      else waitedOnNow.set(waitedOn, waits);
    }
  }
}

/** Polls `predicate` every few milliseconds until it holds, or fails after `timeoutMs`. */
export async function waitFor(
  predicate: () => boolean | Promise<boolean>,
  timeoutMs = WAIT_MS,
  what = "condition",
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`${what} not reached within ${timeoutMs} ms`);
    await delay(5);
  }
}

interface Receivable {
  receive(): Promise<Buffer[]>;
}

/** One message, or a clear failure after `ms` instead of a hang until the test timeout. */
export function recv(socket: Receivable, ms = WAIT_MS): Promise<Buffer[]> {
  return within(socket.receive(), ms, "receive()", socket);
}

/** One message as strings, for readable assertions. */
export async function recvText(socket: Receivable, ms = WAIT_MS): Promise<string[]> {
  return text(await recv(socket, ms));
}

export function text(message: Buffer[]): string[] {
  return message.map((part) => part.toString());
}

/** Reads observer events until one of `types` arrives; returns it, typed by its `type`. */
export async function nextEvent<E extends EventType>(
  events: Observer,
  types: E | readonly E[],
  ms = WAIT_MS,
): Promise<EventOfType<E>> {
  const wanted: readonly string[] = typeof types === "string" ? [types] : types;
  const deadline = Date.now() + ms;
  for (;;) {
    const left = deadline - Date.now();
    if (left <= 0) throw new Error(`no ${wanted.join("/")} event within ${ms} ms`);
    const event = await within(events.receive(), left, `a ${wanted.join("/")} event`);
    if (wanted.includes(event.type)) return event as EventOfType<E>;
  }
}

export function errorCode(error: unknown): unknown {
  return typeof error === "object" && error !== null && "code" in error ? error.code : undefined;
}

// ---------------------------------------------------------------------------------------------
// Probe synchronisation

/**
 * The probe frame. A probe is any message with a frame equal to it (so envelopes and routing ids
 * around it do not matter); subscribers that must be synchronised subscribe to it as a topic.
 */
export const PROBE = "probe";

export function isProbe(message: readonly Buffer[]): boolean {
  return message.some((part) => part.length === PROBE.length && part.toString() === PROBE);
}

/**
 * Sends probes until every receiver has received one, so that a sender which cannot tell when a
 * peer is attached (PUB before the subscription arrives, PUSH/DEALER on the bind side) reaches
 * them all. Each receiver stops reading at its first probe; later probes may still be queued, so
 * read with {@link recvData}, which skips them.
 */
export async function syncReceivers(
  sendProbe: () => Promise<unknown>,
  receivers: readonly Receivable[],
  timeoutMs = WAIT_MS,
): Promise<void> {
  const firstProbe = async (receiver: Receivable) => {
    for (;;) {
      const message = await receiver.receive();
      if (isProbe(message)) return;
      throw new Error(`expected a probe, received ${JSON.stringify(text(message))}`);
    }
  };
  let done = false;
  const all = Promise.all(receivers.map(firstProbe)).then(() => {
    done = true;
  });
  all.catch(noop);
  const deadline = Date.now() + timeoutMs;
  while (!done) {
    if (Date.now() > deadline) {
      throw new Error(`probes did not reach all ${receivers.length} receivers in ${timeoutMs} ms`);
    }
    await within(sendProbe(), deadline - Date.now() + 1, "sending a probe");
    await Promise.race([all, delay(10)]);
  }
}

/** Waits until a PUB-SUB (or XPUB/XSUB) link delivers: probes until one arrives. */
export function connectedPair(
  publisher: { send(message: string | string[]): Promise<void> },
  subscriber: Receivable,
  timeoutMs = WAIT_MS,
): Promise<void> {
  return syncReceivers(() => publisher.send(PROBE), [subscriber], timeoutMs);
}

/** Receives the next message that is not a probe. */
export async function recvData(socket: Receivable, ms = WAIT_MS): Promise<Buffer[]> {
  const deadline = Date.now() + ms;
  for (;;) {
    const message = await recv(socket, Math.max(1, deadline - Date.now()));
    if (!isProbe(message)) return message;
  }
}

export async function recvDataText(socket: Receivable, ms = WAIT_MS): Promise<string[]> {
  return text(await recvData(socket, ms));
}

// ---------------------------------------------------------------------------------------------
// Payloads

/** `size` bytes of a non-repeating-at-256 pattern, so a shifted or truncated frame is detected. */
export function payload(size: number, seed = 0): Buffer {
  const buffer = Buffer.allocUnsafe(size);
  for (let index = 0; index < size; index += 1) buffer[index] = (index * 7 + seed) % 251;
  return buffer;
}

/** The frame sizes around ZMTP's short/long frame boundary, plus a large one. */
export const FRAME_SIZES = [0, 1, 255, 256, 1024 * 1024] as const;

/** Asserts that `received` has exactly the parts of `expected`, byte for byte. */
export function expectSameParts(received: readonly Buffer[], expected: readonly Buffer[]): void {
  expect(received.map((part) => part.length)).toEqual(expected.map((part) => part.length));
  const differing = received.flatMap((part, index) =>
    part.equals(expected[index]!) ? [] : [index],
  );
  expect(differing, "indexes of parts whose bytes differ").toEqual([]);
}

type Frames = Array<string | Buffer>;

/**
 * Answers every request on a REP (or ROUTER/DEALER) socket with `reply(request)` until the socket
 * is closed. Runs in the background; a closed socket ends it quietly.
 */
export function serve(
  socket: Receivable & { send(message: Frames): Promise<void> },
  reply: (request: Buffer[]) => Frames,
): void {
  void (async () => {
    try {
      for (;;) await socket.send(reply(await socket.receive()));
    } catch {
      // Closed at the end of the test.
    }
  })();
}

/**
 * Sends through a ROUTER created with `mandatory: true`, retrying while the peer's routing id is
 * not known yet (EHOSTUNREACH): the connecting side learns it only after the handshake.
 */
export async function sendWhenRoutable(
  router: { send(message: Frames): Promise<void> },
  message: Frames,
  timeoutMs = WAIT_MS,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await within(router.send(message), Math.max(1, deadline - Date.now()), "router send");
      return;
    } catch (error) {
      if (errorCode(error) !== "EHOSTUNREACH" || Date.now() > deadline) throw error;
      await delay(5);
    }
  }
}
