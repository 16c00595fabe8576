// Runs a body once per implementation: the "zeromq" rows document libzmq 4.3.5's behaviour
// through zeromq.js, and a "zmtp" row that differs from them is a defect in zmtp.

import { describe } from "vitest";
import * as zeromq from "zeromq";
import * as zmtp from "zmtp";
import { socketScope } from "../helpers.js";
import { IMPLEMENTATION_NAMES, type ImplementationName, type Zmq } from "../impl.js";

export interface Subject {
  readonly name: ImplementationName;
  /** The implementation's module. */
  readonly zmq: Zmq;
  /** The native zeromq module, for a libzmq peer whatever the subject. */
  readonly native: Zmq;
  /** Closes the socket after the test. */
  track<T extends { close(): void; readonly closed: boolean }>(socket: T): T;
}

const MODULES: Record<ImplementationName, Zmq> = {
  zeromq,
  // zmtp promises the same public surface; the cast is the claim the suites check at run time.
  zmtp: zmtp as unknown as Zmq,
};

export function describeEach(title: string, body: (subject: Subject) => void): void {
  describe.each(IMPLEMENTATION_NAMES)(`${title} (%s)`, (name) => {
    const track = socketScope();
    body({ name, zmq: MODULES[name], native: zeromq, track });
  });
}

/** Counts process warnings with `text` emitted while `action` runs (and one turn after). */
export async function warningsDuring(text: string, action: () => void): Promise<number> {
  let count = 0;
  const listener = (warning: Error) => {
    if (warning.message === text) count += 1;
  };
  process.on("warning", listener);
  try {
    action();
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
  } finally {
    process.off("warning", listener);
  }
  return count;
}

/** The error thrown by `action` (fails when none is). */
export function thrown(action: () => unknown): { name: string; code: unknown; message: string } {
  try {
    action();
  } catch (error) {
    const e = error as Error & { code?: unknown };
    return { name: e.constructor.name, code: e.code, message: e.message };
  }
  throw new Error("expected an error");
}
