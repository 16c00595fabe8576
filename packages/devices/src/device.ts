/**
 * The three classic devices (libzmq zmq_device(3), zmq_proxy(3)), ready to run: each creates its
 * two sockets, binds and connects them, and runs a proxy between them.
 *
 * - QUEUE: ROUTER frontend for clients, DEALER backend for workers; a shared request-reply queue.
 * - FORWARDER: XSUB frontend towards publishers, XPUB backend for subscribers; publications go
 *   down, subscriptions go up.
 * - STREAMER: PULL frontend, PUSH backend; a pipeline stage that fans in and out.
 *
 * As in libzmq 3 and later (where zmq_device ignores its type argument), the kind only chooses
 * default socket types; a config may name others.
 */
import { type Context, defaultOptions, type SocketBase, type SocketOptions } from "@zmtp/core";
import type { SubSocket } from "@zmtp/patterns";
import { ZmqError } from "@zmtp/spec";
import { type ProxyHandle, proxy, steerableProxy } from "./proxy";
import { createSocket, type DeviceSocketType, socketTypeOf } from "./socket-types";

export type DeviceKind = "queue" | "forwarder" | "streamer";

/** Default socket types of each device. */
export const DEVICE_SOCKETS: Readonly<
  Record<DeviceKind, { readonly frontend: DeviceSocketType; readonly backend: DeviceSocketType }>
> = {
  queue: { frontend: "ROUTER", backend: "DEALER" },
  forwarder: { frontend: "XSUB", backend: "XPUB" },
  streamer: { frontend: "PULL", backend: "PUSH" },
};

export interface DeviceSocketConfig {
  /** Socket type name, any case ("router", "ROUTER"); the device's default when left out. */
  readonly type?: string;
  readonly bind?: string | readonly string[];
  readonly connect?: string | readonly string[];
  /** Core socket options (zeromq.js names: sendHighWaterMark, linger, routingId, ...). */
  readonly options?: Partial<SocketOptions>;
  /** Prefixes to subscribe to (SUB and XSUB sockets only). */
  readonly subscribe?: readonly (string | Uint8Array)[];
}

export interface DeviceConfig {
  readonly frontend: DeviceSocketConfig;
  readonly backend: DeviceSocketConfig;
  /** Gets a copy of every message (it stays the caller's: the device never closes it). */
  readonly capture?: SocketBase;
  /** Makes the proxy steerable: PAUSE, RESUME, TERMINATE, STATISTICS (the caller's socket). */
  readonly control?: SocketBase;
}

export interface Device {
  readonly kind: DeviceKind;
  readonly frontend: SocketBase;
  readonly backend: SocketBase;
  readonly proxy: ProxyHandle;
  /** Resolves when the proxy ends (terminate, TERMINATE, close). */
  readonly done: Promise<void>;
  /** Terminates the proxy and closes the device's two sockets. */
  close(): Promise<void>;
}

const OPTION_NAMES: ReadonlySet<string> = new Set(Object.keys(defaultOptions()));
const encoder = new TextEncoder();

function list(value: string | readonly string[] | undefined): readonly string[] {
  return value === undefined ? [] : typeof value === "string" ? [value] : value;
}

function invalid(path: string, problem: string): ZmqError {
  return new ZmqError("EINVAL", `${path}: ${problem}`);
}

interface PreparedSocket {
  readonly type: DeviceSocketType;
  readonly config: DeviceSocketConfig;
}

/** Checks a side's config; throws EINVAL naming the field. */
function prepare(
  side: "frontend" | "backend",
  config: DeviceSocketConfig | undefined,
  fallback: DeviceSocketType,
): PreparedSocket {
  if (config === undefined || config === null || typeof config !== "object") {
    throw invalid(side, "missing socket configuration");
  }
  const type = config.type === undefined ? fallback : socketTypeOf(String(config.type));
  if (type === undefined) throw invalid(`${side}.type`, `unknown socket type "${config.type}"`);
  if (list(config.bind).length + list(config.connect).length === 0) {
    throw invalid(side, "needs at least one bind or connect endpoint");
  }
  for (const name of Object.keys(config.options ?? {})) {
    if (!OPTION_NAMES.has(name)) throw invalid(`${side}.options.${name}`, "unknown option");
  }
  if (config.subscribe !== undefined && type !== "SUB" && type !== "XSUB") {
    throw invalid(`${side}.subscribe`, `a ${type} socket cannot subscribe`);
  }
  return { type, config };
}

async function open(context: Context, prepared: PreparedSocket): Promise<SocketBase> {
  const { type, config } = prepared;
  const socket = createSocket(context, type);
  try {
    Object.assign(socket.options, config.options);
    for (const prefix of config.subscribe ?? []) {
      (socket as SubSocket).subscribe(typeof prefix === "string" ? encoder.encode(prefix) : prefix);
    }
    for (const address of list(config.bind)) await socket.bind(address);
    for (const address of list(config.connect)) socket.connect(address);
    return socket;
  } catch (error) {
    await socket.close();
    throw error;
  }
}

/** Creates, binds and connects a device's sockets and starts its proxy. */
export async function startDevice(
  context: Context,
  kind: DeviceKind,
  config: DeviceConfig,
): Promise<Device> {
  const defaults = DEVICE_SOCKETS[kind];
  if (defaults === undefined) throw invalid("kind", `unknown device "${kind}"`);
  const front = prepare("frontend", config.frontend, defaults.frontend);
  const back = prepare("backend", config.backend, defaults.backend);
  const frontend = await open(context, front);
  let backend: SocketBase;
  try {
    backend = await open(context, back);
  } catch (error) {
    await frontend.close();
    throw error;
  }
  const handle =
    config.control === undefined
      ? proxy(frontend, backend, config.capture)
      : steerableProxy(frontend, backend, config.capture, config.control);
  return {
    kind,
    frontend,
    backend,
    proxy: handle,
    done: handle.done,
    async close() {
      handle.terminate();
      await Promise.all([frontend.close(), backend.close()]);
    },
  };
}

/** QUEUE: ROUTER frontend (clients), DEALER backend (workers). */
export function queueDevice(context: Context, config: DeviceConfig): Promise<Device> {
  return startDevice(context, "queue", config);
}

/** FORWARDER: XSUB frontend (publishers), XPUB backend (subscribers). */
export function forwarderDevice(context: Context, config: DeviceConfig): Promise<Device> {
  return startDevice(context, "forwarder", config);
}

/** STREAMER: PULL frontend (producers), PUSH backend (consumers). */
export function streamerDevice(context: Context, config: DeviceConfig): Promise<Device> {
  return startDevice(context, "streamer", config);
}
