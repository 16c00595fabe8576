/**
 * Security options under zeromq.js names, switching the core options the way zmq_setsockopt
 * does (libzmq options.cpp):
 *   plainServer = true            -> PLAIN, server     (false -> NULL)
 *   plainUsername / plainPassword -> PLAIN, client     (null -> NULL)
 *   curveServer = true            -> CURVE, server     (false -> NULL)
 *   curvePublicKey / SecretKey    -> CURVE (role unchanged)
 *   curveServerKey                -> CURVE, client
 * Keys are 40 characters of Z85 or 32 bytes; getters return Z85, as zeromq.js does.
 *
 * Also `lastPeer()`: who sent the last message received.
 */
import type { SocketOptions as CoreOptions } from "@zmtp/core";
import { curveKeyBytes, curveKeyText } from "@zmtp/security";
import type { SecurityOptions } from "@zmtp/spec";
import { ZmqError } from "@zmtp/spec";
import { type Socket, type SocketState, stateOf } from "./socket";

const ZERO_KEY = new Uint8Array(32);

function options(state: SocketState): CoreOptions {
  return state.core.options;
}

function setSecurity(state: SocketState, change: Partial<SecurityOptions>): void {
  options(state).security = { ...options(state).security, ...change };
}

function asBoolean(value: unknown): boolean {
  if (typeof value !== "boolean") throw new TypeError("Option value must be a boolean");
  return value;
}

/** A string option (string, Buffer or null); null -> undefined. At most 255 bytes. */
function asText(value: unknown): string | undefined {
  if (value === null) return undefined;
  let text: string;
  if (typeof value === "string") text = value;
  else if (value instanceof Uint8Array) text = new TextDecoder().decode(value);
  else throw new TypeError("Option value must be a string or buffer");
  if (new TextEncoder().encode(text).length > 255) throw new ZmqError("EINVAL");
  return text === "" ? undefined : text;
}

function asKey(value: unknown): Uint8Array {
  if (typeof value !== "string" && !(value instanceof Uint8Array)) {
    throw new TypeError("Option value must be a string or buffer");
  }
  try {
    // As zmq_setsockopt: 32 raw bytes, or 40 characters of Z85 (41 with a NUL) as text.
    if (value instanceof Uint8Array && (value.length === 40 || value.length === 41)) {
      return curveKeyBytes(new TextDecoder().decode(value.subarray(0, 40)));
    }
    return curveKeyBytes(value);
  } catch {
    throw new ZmqError("EINVAL");
  }
}

function define(
  prototype: object,
  name: string,
  get: (state: SocketState) => unknown,
  set: (state: SocketState, value: unknown) => void,
): void {
  Object.defineProperty(prototype, name, {
    configurable: true,
    enumerable: true,
    get(this: Socket) {
      return get(stateOf(this));
    },
    set(this: Socket, value: unknown) {
      set(stateOf(this), value);
    },
  });
}

function switchTo(state: SocketState, mechanism: string, asServer: boolean): void {
  options(state).mechanism = mechanism;
  options(state).asServer = asServer;
}

export function defineSecurityOptions(prototype: object): void {
  define(
    prototype,
    "plainServer",
    (state) => options(state).asServer && options(state).mechanism === "PLAIN",
    (state, value) => {
      const server = asBoolean(value);
      switchTo(state, server ? "PLAIN" : "NULL", server);
    },
  );
  for (const [name, key] of [
    ["plainUsername", "plainUsername"],
    ["plainPassword", "plainPassword"],
  ] as const) {
    define(
      prototype,
      name,
      (state) => options(state).security[key] ?? null,
      (state, value) => {
        const text = asText(value);
        if (value === null) {
          options(state).mechanism = "NULL";
          return;
        }
        setSecurity(state, { [key]: text ?? "" });
        switchTo(state, "PLAIN", false);
      },
    );
  }
  define(
    prototype,
    "curveServer",
    (state) => options(state).asServer && options(state).mechanism === "CURVE",
    (state, value) => {
      const server = asBoolean(value);
      switchTo(state, server ? "CURVE" : "NULL", server);
    },
  );
  for (const [name, key] of [
    ["curvePublicKey", "curvePublicKey"],
    ["curveSecretKey", "curveSecretKey"],
    ["curveServerKey", "curveServerKey"],
  ] as const) {
    define(
      prototype,
      name,
      (state) => curveKeyText(options(state).security[key] ?? ZERO_KEY),
      (state, value) => {
        setSecurity(state, { [key]: asKey(value) });
        options(state).mechanism = "CURVE";
        if (key === "curveServerKey") options(state).asServer = false;
      },
    );
  }
}

/** Who sent a message: the peer's ZAP User-Id and its properties (with ZAP metadata). */
export interface PeerInfo {
  /** The User-Id the ZAP handler gave this peer; "" without ZAP. */
  readonly userId: string;
  /** Peer properties, names lower-cased: Socket-Type, Identity, and the ZAP handler's metadata. */
  readonly properties: ReadonlyMap<string, Buffer>;
  /** The endpoint the connection belongs to (bind or connect address). */
  readonly endpoint: string;
}

/**
 * The peer the last message `socket.receive()` returned came from (a zmtp extension: zeromq.js
 * has no message metadata). Read it right after the receive; undefined before any message.
 */
export function lastPeer(socket: Socket): PeerInfo | undefined {
  const pipe = stateOf(socket).core.lastPipe;
  if (pipe === undefined) return undefined;
  const properties = new Map<string, Buffer>();
  for (const [name, value] of pipe.peerProperties) {
    properties.set(name, Buffer.from(value.buffer, value.byteOffset, value.byteLength));
  }
  return { userId: pipe.userId, properties, endpoint: pipe.endpoint };
}

declare module "./socket" {
  interface Socket {
    /** ZMQ_PLAIN_SERVER: be the PLAIN server (credentials checked by the ZAP handler). */
    plainServer: boolean;
    /** ZMQ_PLAIN_USERNAME: be a PLAIN client with this username. */
    plainUsername: string | null;
    /** ZMQ_PLAIN_PASSWORD */
    plainPassword: string | null;
    /** ZMQ_CURVE_SERVER: be the CURVE server (needs curveSecretKey). */
    curveServer: boolean;
    /** ZMQ_CURVE_PUBLICKEY: Z85 (40 characters) or 32 bytes; reads back as Z85. */
    get curvePublicKey(): string;
    set curvePublicKey(value: string | Uint8Array);
    /** ZMQ_CURVE_SECRETKEY */
    get curveSecretKey(): string;
    set curveSecretKey(value: string | Uint8Array);
    /** ZMQ_CURVE_SERVERKEY: be a CURVE client of the server with this public key. */
    get curveServerKey(): string;
    set curveServerKey(value: string | Uint8Array);
  }
}
