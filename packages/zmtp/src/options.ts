/**
 * Option properties as zeromq.js v6 defines them: accessors on the prototype, type-checked
 * (TypeError "Option value must be a number" etc.), range-checked like zmq_setsockopt (EINVAL),
 * stored in the core socket's options. Options zmtp accepts for compatibility but that do nothing
 * here (multicast, VMCI, socket buffer sizes, ...) are kept and read back.
 */
import type { SocketOptions as CoreOptions } from "@zmtp/core";
import { ZmqError } from "@zmtp/spec";
import { type SocketState, stateOf } from "./socket";

type Target = object;

interface Accessor {
  get?(state: SocketState): unknown;
  set?(state: SocketState, value: unknown): void;
}

/**
 * Options that act at once. Any other option set once the socket has an endpoint applies only
 * to later connections, and zeromq.js warns about it; so does zmtp, with the same text.
 */
const IMMEDIATE = new Set([
  "linger",
  "mandatory",
  "probeRouter",
  "verbosity",
  "correlate",
  "relaxed",
  "handover",
  "sendHighWaterMark",
  "receiveHighWaterMark",
  "sendTimeout",
  "receiveTimeout",
]);

function warnIfLate(state: SocketState, name: string): void {
  if (IMMEDIATE.has(name)) return;
  if (state.core.endpointCount === 0 && !state.blocked) return;
  process.emitWarning("Socket option will not take effect until next connect/bind.");
}

/** A closed socket has no options: zeromq.js's zmq_getsockopt / zmq_setsockopt fail with ENOTSOCK. */
function openState(socket: object): SocketState {
  const state = stateOf(socket as never);
  if (state.closed) throw new ZmqError("ENOTSOCK");
  return state;
}

function define(prototype: Target, name: string, accessor: Accessor): void {
  Object.defineProperty(prototype, name, {
    configurable: true,
    enumerable: true,
    get: accessor.get
      ? function (this: object) {
          return accessor.get!(openState(this));
        }
      : undefined,
    set: accessor.set
      ? function (this: object, value: unknown) {
          const state = openState(this);
          accessor.set!(state, value);
          warnIfLate(state, name);
        }
      : undefined,
  });
}

/**
 * A number option's value as zeromq.js hands it to zmq_setsockopt: an int option is converted
 * to a 32-bit int first (fractions truncated, large values wrapped), an int64 one truncated;
 * then libzmq's range check gives EINVAL.
 */
function asNumber(
  value: unknown,
  min: number,
  int64 = false,
  max = Number.MAX_SAFE_INTEGER,
): number {
  if (typeof value !== "number" || Number.isNaN(value)) {
    throw new TypeError("Option value must be a number");
  }
  const converted = int64 ? Math.trunc(value) : value | 0;
  if (converted < min || converted > max) throw new ZmqError("EINVAL");
  return converted;
}

function asBoolean(value: unknown): boolean {
  if (typeof value !== "boolean") throw new TypeError("Option value must be a boolean");
  return value;
}

function asBytes(value: unknown): Uint8Array | undefined {
  if (value === null) return undefined;
  if (typeof value === "string") return Buffer.from(value, "utf8");
  if (value instanceof Uint8Array) return value;
  throw new TypeError("Option value must be a string or buffer");
}

type NumberKey = {
  [K in keyof CoreOptions]: CoreOptions[K] extends number ? K : never;
}[keyof CoreOptions];
type BooleanKey = {
  [K in keyof CoreOptions]: CoreOptions[K] extends boolean ? K : never;
}[keyof CoreOptions];

export function numberOption(
  prototype: Target,
  name: NumberKey,
  min: number,
  max = Number.MAX_SAFE_INTEGER,
): void {
  const marks = name === "sendHighWaterMark" || name === "receiveHighWaterMark";
  // ZMQ_MAXMSGSIZE is an int64 without a range check: any negative value means no limit.
  const int64 = name === "maxMessageSize";
  define(prototype, name, {
    get: (state) => state.core.options[name],
    set: (state, value) => {
      state.core.options[name] = asNumber(value, min, int64, max);
      if (marks) state.core.applyHighWaterMarks();
    },
  });
}

/**
 * ZMQ_HEARTBEAT_TTL: libzmq keeps it in deciseconds (the PING's TTL field is 16 bits of them),
 * so it accepts ms / 100 in 0..65535 and reads back a multiple of 100.
 */
function heartbeatTimeToLiveOption(prototype: Target): void {
  define(prototype, "heartbeatTimeToLive", {
    get: (state) => state.core.options.heartbeatTimeToLive,
    set: (state, value) => {
      const deciseconds = Math.trunc(asNumber(value, Number.MIN_SAFE_INTEGER) / 100);
      if (deciseconds < 0 || deciseconds > 0xffff) throw new ZmqError("EINVAL");
      state.core.options.heartbeatTimeToLive = deciseconds * 100;
    },
  });
}

export function booleanOption(
  prototype: Target,
  name: string,
  key: BooleanKey,
  writeOnly = false,
): void {
  define(prototype, name, {
    get: writeOnly ? undefined : (state) => state.core.options[key],
    set: (state, value) => {
      state.core.options[key] = asBoolean(value);
    },
  });
}

/** An option accepted for compatibility, with no effect in zmtp. */
export function inertOption(
  prototype: Target,
  name: string,
  kind: "number" | "string",
  initial: unknown,
): void {
  define(prototype, name, {
    get: (state) => (state.inert.has(name) ? state.inert.get(name) : initial),
    set: (state, value) => {
      if (kind === "number") asNumber(value, -1);
      else if (value !== null && typeof value !== "string" && !(value instanceof Uint8Array)) {
        throw new TypeError("Option value must be a string or buffer");
      }
      state.inert.set(name, value);
    },
  });
}

export function routingIdOption(prototype: Target): void {
  define(prototype, "routingId", {
    get: (state) => {
      const id = state.core.options.routingId;
      return id === undefined ? null : Buffer.from(id).toString("utf8");
    },
    set: (state, value) => {
      const id = asBytes(value);
      if (id !== undefined && (id.length === 0 || id.length > 255)) throw new ZmqError("EINVAL");
      state.core.options.routingId = id;
    },
  });
}

export function defineGeneralOptions(prototype: Target): void {
  numberOption(prototype, "linger", -1);
  numberOption(prototype, "reconnectInterval", -1);
  numberOption(prototype, "reconnectMaxInterval", 0);
  numberOption(prototype, "backlog", 0);
  numberOption(prototype, "maxMessageSize", Number.MIN_SAFE_INTEGER);
  // ZMQ_TCP_KEEPALIVE: -1 (system default), 0 (off) or 1 (on).
  numberOption(prototype, "tcpKeepalive", -1, 1);
  numberOption(prototype, "tcpKeepaliveCount", -1);
  numberOption(prototype, "tcpKeepaliveIdle", -1);
  numberOption(prototype, "tcpKeepaliveInterval", -1);
  numberOption(prototype, "handshakeInterval", 0);
  numberOption(prototype, "heartbeatInterval", 0);
  heartbeatTimeToLiveOption(prototype);
  numberOption(prototype, "heartbeatTimeout", -1);
  numberOption(prototype, "connectTimeout", 0);
  booleanOption(prototype, "immediate", "immediate");
  booleanOption(prototype, "ipv6", "ipv6");
  booleanOption(prototype, "zapEnforceDomain", "zapEnforceDomain");
  define(prototype, "zapDomain", {
    get: (state) => state.core.options.zapDomain,
    set: (state, value) => {
      const bytes = asBytes(value);
      state.core.options.zapDomain = bytes === undefined ? "" : Buffer.from(bytes).toString("utf8");
    },
  });
  define(prototype, "type", { get: (state) => state.type });
  define(prototype, "lastEndpoint", { get: (state) => state.core.lastEndpoint ?? null });
  define(prototype, "threadSafe", { get: () => false });
  define(prototype, "securityMechanism", {
    get: (state) => {
      const name = state.core.options.mechanism;
      return name === "NULL" ? null : name.toLowerCase();
    },
  });
  for (const name of [
    "affinity",
    "rate",
    "recoveryInterval",
    "typeOfService",
    "tcpMaxRetransmitTimeout",
    "multicastMaxTransportDataUnit",
    "vmciBufferSize",
    "vmciBufferMinSize",
    "vmciBufferMaxSize",
    "vmciConnectTimeout",
  ]) {
    inertOption(
      prototype,
      name,
      "number",
      name === "rate" ? 100 : name === "recoveryInterval" ? 10000 : 0,
    );
  }
  for (const name of ["tcpAcceptFilter", "socksProxy", "interface"]) {
    inertOption(prototype, name, "string", null);
  }
  // loopbackFastPath is a Windows-only libzmq option: accepted, no effect.
  define(prototype, "loopbackFastPath", {
    get: (state) => state.inert.get("loopbackFastPath") ?? false,
    set: (state, value) => void state.inert.set("loopbackFastPath", asBoolean(value)),
  });
}

export function defineSendOptions(prototype: Target): void {
  numberOption(prototype, "sendHighWaterMark", 0);
  numberOption(prototype, "sendTimeout", -1);
  inertOption(prototype, "sendBufferSize", "number", -1);
  inertOption(prototype, "multicastHops", "number", 1);
}

export function defineReceiveOptions(prototype: Target): void {
  numberOption(prototype, "receiveHighWaterMark", 0);
  numberOption(prototype, "receiveTimeout", -1);
  inertOption(prototype, "receiveBufferSize", "number", -1);
}

export function defineVerbosity(prototype: Target): void {
  define(prototype, "verbosity", {
    set: (state, value) => {
      if (value !== null && value !== "allSubs" && value !== "allSubsUnsubs") {
        throw new TypeError('Option value must be null, "allSubs" or "allSubsUnsubs"');
      }
      state.core.options.verbose = value === "allSubs";
      state.core.options.verboser = value === "allSubsUnsubs";
    },
  });
}

export function defineWelcomeMessage(prototype: Target): void {
  define(prototype, "welcomeMessage", {
    set: (state, value) => {
      state.core.options.welcomeMessage = asBytes(value);
    },
  });
}
