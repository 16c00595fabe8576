// The interop matrix: every pattern file runs its tests over tcp and ipc, with zmtp on each role
// (for asymmetric pairs) and with each side binding. "libzmq" is always the native zeromq addon;
// "zmtp" is the implementation under test (see interopSubject in ../impl.ts).

import { beforeAll, describe } from "vitest";
import type { EventType, Socket } from "zeromq";
import {
  bindTo,
  bindWithRetry,
  nextEvent,
  socketScope,
  TRANSPORTS,
  type Transport,
} from "../helpers.js";
import { implementations, interopSubject, type Zmq } from "../impl.js";

export type Side = "zmtp" | "libzmq";
export type Role = "a" | "b";

export interface InteropCase {
  transport: Transport;
  /** Which side plays role A (the first socket type in the file name) and role B. */
  a: Side;
  b: Side;
  /** The role that binds; the other connects. */
  binder: Role;
  title: string;
}

/**
 * Rows for a pair of socket types: transport x (which side plays which role, for asymmetric
 * pairs) x (which role binds).
 */
export function interopCases(
  typeA: string,
  typeB: string,
  include: (row: InteropCase) => boolean = () => true,
): InteropCase[] {
  const sides: Array<[Side, Side]> =
    typeA === typeB
      ? [["zmtp", "libzmq"]]
      : [
          ["zmtp", "libzmq"],
          ["libzmq", "zmtp"],
        ];
  const rows: InteropCase[] = [];
  for (const transport of TRANSPORTS) {
    for (const [a, b] of sides) {
      for (const binder of ["a", "b"] as const) {
        const bindSide = binder === "a" ? `${a} ${typeA}` : `${b} ${typeB}`;
        const connectSide = binder === "a" ? `${b} ${typeB}` : `${a} ${typeA}`;
        rows.push({
          transport,
          a,
          b,
          binder,
          title: `${transport}: ${bindSide} binds, ${connectSide} connects`,
        });
      }
    }
  }
  return rows.filter(include);
}

export interface InteropEnv {
  readonly row: InteropCase;
  /** The role libzmq plays in this row. */
  readonly libzmqRole: Role;
  /** Creates a socket with role A's implementation; it is closed after the test. */
  a<T extends Socket>(create: (zmq: Zmq) => T): T;
  b<T extends Socket>(create: (zmq: Zmq) => T): T;
  /** Binds the binder role, connects the other to it; returns the endpoint. */
  link(socketA: Socket, socketB: Socket): Promise<string>;
  /**
   * Links one socket of `hubRole` with several of the other role: if the hub's role binds, the
   * hub binds once and the spokes connect; otherwise each spoke binds and the hub connects to all.
   */
  linkMany(hubRole: Role, hub: Socket, spokes: readonly Socket[]): Promise<string[]>;
  /**
   * Closes the libzmq socket `old` and starts a fresh one on the same endpoint (binding again when
   * libzmq is the binder, connecting again otherwise). Resolves once the new socket has reported
   * `readyEvent` (the ZMTP handshake, by default), i.e. the zmtp side `peer` is talking to it.
   *
   * When libzmq is the connecting side, libzmq tears the old connection down on its own thread,
   * possibly after the new one is up; a message the zmtp binder routes to the old pipe meanwhile
   * is lost (as with libzmq on both ends). So the restart first waits for `peer` to report the
   * old connection's `disconnect`.
   */
  restartLibzmq<T extends Socket>(
    old: T,
    create: (zmq: Zmq) => T,
    endpoint: string,
    peer: Socket,
    readyEvent?: EventType,
  ): Promise<T>;
}

/**
 * Declares `describe.each` over the matrix and hands each row an environment. Test bodies use
 * `env.a(z => new z.Push())` and never name an implementation.
 */
export function describeInterop(
  typeA: string,
  typeB: string,
  body: (env: InteropEnv) => void,
  include?: (row: InteropCase) => boolean,
): void {
  describe.each(interopCases(typeA, typeB, include))("$title", (row) => {
    const track = socketScope();
    const modules: Partial<Record<Side, Zmq>> = {};
    beforeAll(async () => {
      modules.libzmq = await implementations.zeromq();
      modules.zmtp = await implementations[interopSubject()]();
    });
    const moduleFor = (role: Role): Zmq => {
      const module = modules[row[role]];
      if (module === undefined) throw new Error("implementations not loaded");
      return module;
    };
    const libzmqRole: Role = row.a === "libzmq" ? "a" : "b";
    const env: InteropEnv = {
      row,
      libzmqRole,
      a: (create) => track(create(moduleFor("a"))),
      b: (create) => track(create(moduleFor("b"))),
      async link(socketA, socketB) {
        const [binder, connecter] = row.binder === "a" ? [socketA, socketB] : [socketB, socketA];
        const endpoint = await bindTo(binder, row.transport);
        connecter.connect(endpoint);
        return endpoint;
      },
      async linkMany(hubRole, hub, spokes) {
        if (row.binder === hubRole) {
          const endpoint = await bindTo(hub, row.transport);
          for (const spoke of spokes) spoke.connect(endpoint);
          return [endpoint];
        }
        const endpoints: string[] = [];
        for (const spoke of spokes) {
          const endpoint = await bindTo(spoke, row.transport);
          hub.connect(endpoint);
          endpoints.push(endpoint);
        }
        return endpoints;
      },
      async restartLibzmq(old, create, endpoint, peer, readyEvent: EventType = "handshake") {
        const libzmqBinds = row.binder === libzmqRole;
        const peerEvents = libzmqBinds ? undefined : peer.events;
        old.close();
        if (peerEvents !== undefined) await nextEvent(peerEvents, "disconnect");
        const fresh = track(create(moduleFor(libzmqRole)));
        const events = fresh.events;
        if (libzmqBinds) await bindWithRetry(fresh, endpoint);
        else fresh.connect(endpoint);
        await nextEvent(events, readyEvent);
        return fresh;
      },
    };
    body(env);
  });
}
