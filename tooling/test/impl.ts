// The implementation switch: every suite imports sockets through here, typed as the zeromq.js v6
// surface, so one test body runs against the native addon (libzmq 4.3.5) and against zmtp.

export type Zmq = typeof import("zeromq");
export type ImplementationName = "zeromq" | "zmtp";

export const implementations: Record<ImplementationName, () => Promise<Zmq>> = {
  zeromq: () => import("zeromq"),
  // zmtp promises the same public surface; the cast is the claim the suites check at run time.
  zmtp: () => import("zmtp") as unknown as Promise<Zmq>,
};

export const IMPLEMENTATION_NAMES = [
  "zeromq",
  "zmtp",
] as const satisfies readonly ImplementationName[];

/**
 * The implementation that plays "zmtp" in the interop suites. `ZMTP_INTEROP_SUBJECT=zeromq` runs
 * them libzmq against libzmq, which is how the suites themselves are validated.
 */
export function interopSubject(): ImplementationName {
  return process.env.ZMTP_INTEROP_SUBJECT === "zeromq" ? "zeromq" : "zmtp";
}
