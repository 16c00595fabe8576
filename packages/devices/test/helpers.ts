/**
 * Test helpers for @zmtp/devices: a core context with tcp and inproc, socket lifetimes closed
 * after each test, and async send / receive over core sockets built on the devices' own poller
 * (with a deadline, so a lost message fails the test instead of hanging it).
 */
import { Context, type Message, type SocketBase } from "@zmtp/core";
import { inproc } from "@zmtp/transport-inproc";
import { tcp } from "@zmtp/transport-tcp";
import { afterEach } from "vitest";
import { poll } from "../src/index";

export const TCP_ANY = "tcp://127.0.0.1:*";
export const WAIT_MS = 5_000;

const encoder = new TextEncoder();
const decoder = new TextDecoder();
export const bytes = (text: string): Uint8Array => encoder.encode(text);
export const text = (data: Uint8Array): string => decoder.decode(data);
export const texts = (message: readonly Uint8Array[]): string[] => message.map(text);
export const message = (...parts: string[]): Message => parts.map(bytes);

/** A context with tcp and inproc registered. */
export function makeContext(): Context {
  return new Context().registerTransport(tcp()).registerTransport(inproc());
}

const open: { close(): unknown }[] = [];

/** Closes the socket (core or native zeromq) after the test. */
export function track<T extends { close(): unknown }>(socket: T): T {
  open.push(socket);
  return socket;
}

afterEach(async () => {
  await Promise.all(open.splice(0).map((socket) => socket.close()));
});

/** Binds to an ephemeral endpoint and returns the resolved one. */
export async function bindAny(socket: SocketBase, address = TCP_ANY): Promise<string> {
  await socket.bind(address);
  return socket.lastEndpoint!;
}

/** Receives one message, waiting up to `timeoutMs`. */
export async function receive(socket: SocketBase, timeoutMs = WAIT_MS): Promise<Message> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const message = socket.receive();
    if (message !== undefined) return message;
    const left = deadline - Date.now();
    if (left <= 0 || (await poll([{ socket, readable: true }], left)).length === 0) {
      throw new Error(`no message within ${timeoutMs} ms`);
    }
  }
}

/** Sends one message, waiting up to `timeoutMs` for the socket to take it. */
export async function send(socket: SocketBase, message: Message, timeoutMs = WAIT_MS) {
  const deadline = Date.now() + timeoutMs;
  while (!socket.send(message)) {
    const left = deadline - Date.now();
    if (left <= 0 || (await poll([{ socket, writable: true }], left)).length === 0) {
      throw new Error(`send not accepted within ${timeoutMs} ms`);
    }
  }
}

/** Resolves when `socket` reports the monitor event `type` `count` times (from now on). */
export function monitorEvents(socket: SocketBase, type: string, count = 1): Promise<void> {
  return new Promise((resolve) => {
    let seen = 0;
    const previous = socket.monitor;
    socket.monitor = (event) => {
      previous?.(event);
      if (event.type === type && ++seen === count) resolve();
    };
  });
}
