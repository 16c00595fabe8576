/**
 * ZeroMQ Device Configuration Files (ZDCF, RFC 17), JSON form: validation and running.
 *
 *     { "version": 1.0,
 *       "apps": { "<app>": {
 *         "context": { "iothreads": 1, "verbose": false },
 *         "devices": { "<device>": {
 *           "type": "zmq_queue" | "zmq_forwarder" | "zmq_streamer",
 *           "sockets": {
 *             "frontend": { "type": "router", "bind": ["tcp://*:5555"], "option": { "hwm": 1000 } },
 *             "backend":  { "type": "dealer", "connect": "tcp://workers:5556" } } } } } } }
 *
 * `{}` is an empty configuration. Validation is strict about what would silently do the wrong
 * thing (an unknown key, socket type or option, a socket with no endpoint, a version newer than
 * 1.x) and loose where RFC 17's own example is: socket types in any case, a socket type left out
 * (the device's default), device and socket types that do not match (libzmq 3+ ignores the device
 * type too). Every error is a ZmqError EINVAL whose message starts with the path of the bad field,
 * e.g. `apps.broker.devices.main.sockets.frontend.type: unknown socket type "ROUTR"`.
 *
 * Options are RFC 17's 2.x-era names (`hwm` sets both marks; `swap`, `affinity`, `rate`,
 * `recovery_ivl`, `mcast_loop`, `sndbuf` and `rcvbuf` are accepted and have no effect in zmtp)
 * plus the libzmq 4 names listed in ZDCF_OPTIONS.
 */
import type { Context, SocketOptions } from "@zmtp/core";
import { isZmqError, parseEndpoint, ZmqError } from "@zmtp/spec";
import { type Device, type DeviceKind, startDevice } from "./device";
import { DEVICE_SOCKET_TYPES, type DeviceSocketType, socketTypeOf } from "./socket-types";

/** The ZDCF major version this reader understands. */
export const ZDCF_MAJOR_VERSION = 1;

export const ZDCF_DEVICE_TYPES: Readonly<Record<string, DeviceKind>> = {
  zmq_queue: "queue",
  zmq_forwarder: "forwarder",
  zmq_streamer: "streamer",
};

export interface ZdcfSocket {
  /** Undefined when the file leaves it out: the device's default type is used. */
  readonly type: DeviceSocketType | undefined;
  readonly bind: readonly string[];
  readonly connect: readonly string[];
  readonly options: Partial<SocketOptions>;
  readonly subscribe: readonly Uint8Array[];
}

export interface ZdcfDevice {
  readonly name: string;
  readonly kind: DeviceKind;
  readonly frontend: ZdcfSocket;
  readonly backend: ZdcfSocket;
}

export interface ZdcfApp {
  readonly name: string;
  /** Accepted for compatibility; zmtp runs on the event loop, without I/O threads. */
  readonly context: { readonly iothreads: number; readonly verbose: boolean };
  readonly devices: readonly ZdcfDevice[];
}

export interface ZdcfConfig {
  readonly version: number | undefined;
  readonly apps: readonly ZdcfApp[];
}

type Json = unknown;
type Apply = (options: Partial<SocketOptions>, value: Json, path: string) => void;

const encoder = new TextEncoder();

function fail(path: string, problem: string): never {
  throw new ZmqError("EINVAL", `${path}: ${problem}`);
}

function show(value: Json): string {
  return typeof value === "string" ? JSON.stringify(value) : String(JSON.stringify(value));
}

function integer(min: number): (value: Json, path: string) => number {
  return (value, path) => {
    if (typeof value !== "number" || !Number.isInteger(value) || value < min) {
      fail(path, `expected an integer >= ${min}, got ${show(value)}`);
    }
    return value;
  };
}

function boolean(value: Json, path: string): boolean {
  if (value === true || value === 1) return true;
  if (value === false || value === 0) return false;
  return fail(path, `expected true or false, got ${show(value)}`);
}

const ignoredInteger: Apply = (_options, value, path) => void integer(0)(value, path);
const ignoredBoolean: Apply = (_options, value, path) => void boolean(value, path);

function numberOption(name: keyof SocketOptions, min: number): Apply {
  return (options, value, path) => {
    (options as Record<string, unknown>)[name] = integer(min)(value, path);
  };
}

function booleanOption(name: keyof SocketOptions): Apply {
  return (options, value, path) => {
    (options as Record<string, unknown>)[name] = boolean(value, path);
  };
}

const routingId: Apply = (options, value, path) => {
  if (typeof value !== "string" || value.length === 0) {
    fail(path, `expected a non-empty string, got ${show(value)}`);
  }
  const bytes = encoder.encode(value);
  if (bytes.length > 255) fail(path, "a routing id is at most 255 bytes");
  if (bytes[0] === 0) fail(path, "a routing id may not start with a zero byte");
  options.routingId = bytes;
};

/** Option names a ZDCF socket may use (`subscribe` is handled apart). */
export const ZDCF_OPTIONS: Readonly<Record<string, Apply>> = {
  // RFC 17 (libzmq 2.x names)
  hwm: (options, value, path) => {
    const marks = integer(0)(value, path);
    options.sendHighWaterMark = marks;
    options.receiveHighWaterMark = marks;
  },
  swap: ignoredInteger,
  affinity: ignoredInteger,
  identity: routingId,
  rate: ignoredInteger,
  recovery_ivl: ignoredInteger,
  mcast_loop: ignoredBoolean,
  sndbuf: ignoredInteger,
  rcvbuf: ignoredInteger,
  // libzmq 3 and 4 names
  sndhwm: numberOption("sendHighWaterMark", 0),
  rcvhwm: numberOption("receiveHighWaterMark", 0),
  routing_id: routingId,
  linger: numberOption("linger", -1),
  reconnect_ivl: numberOption("reconnectInterval", -1),
  reconnect_ivl_max: numberOption("reconnectMaxInterval", 0),
  backlog: numberOption("backlog", 0),
  maxmsgsize: numberOption("maxMessageSize", -1),
  immediate: booleanOption("immediate"),
  ipv6: booleanOption("ipv6"),
  handshake_ivl: numberOption("handshakeInterval", 0),
  heartbeat_ivl: numberOption("heartbeatInterval", 0),
  heartbeat_ttl: numberOption("heartbeatTimeToLive", 0),
  heartbeat_timeout: numberOption("heartbeatTimeout", -1),
  connect_timeout: numberOption("connectTimeout", 0),
};

function object(value: Json, path: string): Record<string, Json> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    fail(path, `expected an object, got ${show(value)}`);
  }
  return value as Record<string, Json>;
}

function onlyKeys(value: Record<string, Json>, path: string, allowed: readonly string[]): void {
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key)) {
      fail(`${path}.${key}`, `unknown key (expected ${allowed.join(", ")})`);
    }
  }
}

function strings(value: Json, path: string): string[] {
  if (value === undefined) return [];
  const list = Array.isArray(value) ? value : [value];
  return list.map((item, index) => {
    const where = Array.isArray(value) ? `${path}[${index}]` : path;
    if (typeof item !== "string") fail(where, `expected a string, got ${show(item)}`);
    return item;
  });
}

function endpoints(value: Json, path: string, use: "bind" | "connect"): string[] {
  const list = strings(value, path);
  list.forEach((address, index) => {
    try {
      parseEndpoint(address, use);
    } catch (error) {
      const where = Array.isArray(value) ? `${path}[${index}]` : path;
      fail(where, isZmqError(error) ? error.message : String(error));
    }
  });
  return list;
}

function socket(value: Json, path: string): ZdcfSocket {
  const entry = object(value, path);
  onlyKeys(entry, path, ["type", "bind", "connect", "option"]);
  let type: DeviceSocketType | undefined;
  if (entry.type !== undefined) {
    if (typeof entry.type !== "string") fail(`${path}.type`, `expected a string`);
    type = socketTypeOf(entry.type);
    if (type === undefined) {
      fail(
        `${path}.type`,
        `unknown socket type ${show(entry.type)} (expected one of ${DEVICE_SOCKET_TYPES.join(", ").toLowerCase()})`,
      );
    }
  }
  const bind = endpoints(entry.bind, `${path}.bind`, "bind");
  const connect = endpoints(entry.connect, `${path}.connect`, "connect");
  if (bind.length + connect.length === 0) fail(path, "needs at least one bind or connect endpoint");
  const options: Partial<SocketOptions> = {};
  let subscribe: Uint8Array[] = [];
  if (entry.option !== undefined) {
    const given = object(entry.option, `${path}.option`);
    for (const [name, optionValue] of Object.entries(given)) {
      const where = `${path}.option.${name}`;
      if (name === "subscribe") {
        if (type !== undefined && type !== "SUB" && type !== "XSUB") {
          fail(where, `only a sub or xsub socket subscribes, this one is ${type.toLowerCase()}`);
        }
        subscribe = strings(optionValue, where).map((prefix) => encoder.encode(prefix));
        continue;
      }
      const apply = Object.hasOwn(ZDCF_OPTIONS, name) ? ZDCF_OPTIONS[name] : undefined;
      if (apply === undefined) fail(where, "unknown option");
      apply(options, optionValue, where);
    }
  }
  return { type, bind, connect, options, subscribe };
}

function device(name: string, value: Json, path: string): ZdcfDevice {
  const entry = object(value, path);
  onlyKeys(entry, path, ["type", "sockets"]);
  const typeName = entry.type;
  const kind =
    typeof typeName === "string" && Object.hasOwn(ZDCF_DEVICE_TYPES, typeName)
      ? ZDCF_DEVICE_TYPES[typeName]
      : undefined;
  if (kind === undefined) {
    fail(
      `${path}.type`,
      `unknown device type ${show(typeName)} (expected ${Object.keys(ZDCF_DEVICE_TYPES).join(", ")})`,
    );
  }
  const sockets = object(entry.sockets, `${path}.sockets`);
  onlyKeys(sockets, `${path}.sockets`, ["frontend", "backend"]);
  for (const side of ["frontend", "backend"]) {
    if (sockets[side] === undefined) fail(`${path}.sockets.${side}`, "missing");
  }
  const frontend = socket(sockets.frontend, `${path}.sockets.frontend`);
  const backend = socket(sockets.backend, `${path}.sockets.backend`);
  return { name, kind, frontend, backend };
}

function app(name: string, value: Json, path: string): ZdcfApp {
  const entry = object(value, path);
  onlyKeys(entry, path, ["context", "devices"]);
  let iothreads = 1;
  let verbose = false;
  if (entry.context !== undefined) {
    const context = object(entry.context, `${path}.context`);
    onlyKeys(context, `${path}.context`, ["iothreads", "verbose"]);
    if (context.iothreads !== undefined) {
      iothreads = integer(0)(context.iothreads, `${path}.context.iothreads`);
    }
    if (context.verbose !== undefined)
      verbose = boolean(context.verbose, `${path}.context.verbose`);
  }
  const devices = Object.entries(object(entry.devices ?? {}, `${path}.devices`)).map(
    ([deviceName, deviceValue]) => device(deviceName, deviceValue, `${path}.devices.${deviceName}`),
  );
  return { name, context: { iothreads, verbose }, devices };
}

/** Validates a parsed ZDCF document; throws ZmqError EINVAL naming the first bad field. */
export function validateZdcf(document: unknown): ZdcfConfig {
  const root = object(document, "zdcf");
  if (Object.keys(root).length === 0) return { version: undefined, apps: [] };
  onlyKeys(root, "zdcf", ["version", "apps"]);
  const raw = root.version;
  const version = typeof raw === "string" && raw.trim() !== "" ? Number(raw) : raw;
  if (typeof version !== "number" || !Number.isFinite(version) || version < 0) {
    fail("version", `expected a number such as 1.0, got ${show(raw)}`);
  }
  if (Math.floor(version) > ZDCF_MAJOR_VERSION) {
    fail("version", `${version} is newer than ZDCF ${ZDCF_MAJOR_VERSION}.x, which zmtp reads`);
  }
  const apps = Object.entries(object(root.apps ?? {}, "apps")).map(([name, value]) =>
    app(name, value, `apps.${name}`),
  );
  return { version, apps };
}

/** Parses and validates a ZDCF document in JSON. */
export function parseZdcf(text: string): ZdcfConfig {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    throw new ZmqError("EINVAL", `zdcf: not valid JSON (${(error as Error).message})`, {
      cause: error,
    });
  }
  return validateZdcf(document);
}

/** Devices started from a ZDCF configuration. */
export interface ZdcfRun {
  /** Keyed `app/device`. */
  readonly devices: ReadonlyMap<string, Device>;
  /** Resolves when every device has stopped. */
  readonly done: Promise<void>;
  /** Stops every device and closes its sockets. */
  close(): Promise<void>;
}

function deviceSocket(entry: ZdcfSocket) {
  return {
    type: entry.type,
    bind: entry.bind,
    connect: entry.connect,
    options: entry.options,
    subscribe: entry.subscribe.length > 0 ? entry.subscribe : undefined,
  };
}

/**
 * Starts every device of a configuration (a ZdcfConfig, or a document still to validate) on
 * `context`, which must have the transports the endpoints name. If one fails to start, those
 * already started are closed and the error is thrown.
 */
export async function runZdcf(context: Context, config: ZdcfConfig | unknown): Promise<ZdcfRun> {
  const valid = isConfig(config) ? config : validateZdcf(config);
  const devices = new Map<string, Device>();
  const closeAll = async (): Promise<void> => {
    await Promise.all([...devices.values()].map((each) => each.close()));
  };
  try {
    for (const app of valid.apps) {
      for (const entry of app.devices) {
        const started = await startDevice(context, entry.kind, {
          frontend: deviceSocket(entry.frontend),
          backend: deviceSocket(entry.backend),
        });
        devices.set(`${app.name}/${entry.name}`, started);
      }
    }
  } catch (error) {
    await closeAll();
    throw error;
  }
  const done = Promise.all([...devices.values()].map((each) => each.done)).then(() => undefined);
  done.catch(() => {}); // reported to whoever awaits `done`, never as an unhandled rejection
  return { devices, done, close: closeAll };
}

function isConfig(value: unknown): value is ZdcfConfig {
  return (
    typeof value === "object" &&
    value !== null &&
    Array.isArray((value as ZdcfConfig).apps) &&
    "version" in value
  );
}
