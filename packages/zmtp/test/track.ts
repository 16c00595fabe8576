/**
 * Sockets a test opened, closed after each test of the file that imports this (the hook is
 * registered at import, once per test file).
 */
import { afterEach } from "vitest";

const open: { close(): void }[] = [];

afterEach(() => {
  for (const socket of open.splice(0)) socket.close();
});

/** Closes `socket` after the current test; returns it. */
export function track<T extends { close(): void }>(socket: T): T {
  open.push(socket);
  return socket;
}
