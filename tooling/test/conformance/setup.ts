// Shared setup for the conformance files: one describe per implementation, the module loaded
// before the tests, every socket closed after each test.

import { beforeAll } from "vitest";
import { socketScope } from "../helpers.js";
import { type ImplementationName, implementations, type Zmq } from "../impl.js";

export const IMPLEMENTATIONS = ["zeromq", "zmtp"] as const satisfies readonly ImplementationName[];

export interface Conformance {
  /** The implementation's module (valid inside tests). */
  readonly zmq: Zmq;
  /** Registers a socket to be closed after the test. */
  track<T extends { close(): void; readonly closed: boolean }>(socket: T): T;
}

export function useImplementation(name: ImplementationName): Conformance {
  const track = socketScope();
  let module: Zmq | undefined;
  beforeAll(async () => {
    module = await implementations[name]();
  });
  return {
    get zmq() {
      if (module === undefined) throw new Error(`${name} is not loaded`);
      return module;
    },
    track,
  };
}

/** The rejection of `promise`, failing if it resolves. */
export async function rejection(
  promise: Promise<unknown>,
): Promise<Error & Record<string, unknown>> {
  try {
    await promise;
  } catch (error) {
    return error as Error & Record<string, unknown>;
  }
  throw new Error("expected a rejection, but the promise resolved");
}

/** The exception thrown by `action`, failing if it returns. */
export function thrown(action: () => unknown): Error & Record<string, unknown> {
  let result: unknown;
  try {
    result = action();
  } catch (error) {
    return error as Error & Record<string, unknown>;
  }
  if (result instanceof Promise) {
    const settled = result.then(
      () => "resolved",
      (error: { code?: unknown }) => `rejected with ${String(error?.code)}`,
    );
    void settled;
    throw new Error("expected a synchronous throw, but a promise was returned instead");
  }
  throw new Error("expected an exception, but none was thrown");
}
