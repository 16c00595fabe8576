/**
 * The security mechanism contract (RFC 23 section "Authentication and Confidentiality").
 * A mechanism is a state machine fed command bodies; it owns no socket. The engine:
 *   1. sends the greeting with `name` and `asServer`;
 *   2. loops: sends every `nextCommand()`, feeds each received command to `receiveCommand()`,
 *      and awaits `pending` when it is set (a ZAP request in flight);
 *   3. when `status` is "ready", passes message frames through `encode` / `decode`.
 * A mechanism throws ZmqError (EPROTO, EACCES) on bad input; the engine closes the connection.
 */
import type { ProtocolErrorName } from "./monitor";
import type { SocketTypeName } from "./socket-type";

/** One frame on the wire: flags (MORE = 1, COMMAND = 4) and body. */
export interface WireFrame {
  readonly more: boolean;
  readonly command: boolean;
  readonly body: Uint8Array;
}

export type MechanismStatus = "handshaking" | "ready" | "error";

/** A ZAP request (RFC 27) as a server mechanism asks it. */
export interface ZapRequest {
  readonly domain: string;
  readonly address: string;
  readonly routingId: Uint8Array;
  readonly mechanism: string;
  readonly credentials: readonly Uint8Array[];
}

/** A ZAP reply (RFC 27). */
export interface ZapReply {
  readonly statusCode: string;
  readonly statusText: string;
  readonly userId: string;
  readonly metadata: ReadonlyMap<string, Uint8Array>;
}

/** Asks the ZAP handler; undefined when no handler is bound. */
export type ZapClient = (request: ZapRequest) => Promise<ZapReply> | undefined;

/**
 * A socket's security settings under zeromq.js option names, read by the mechanisms. Keys are
 * raw 32-byte values (Z85 text is decoded before it gets here).
 */
export interface SecurityOptions {
  readonly plainUsername?: string;
  readonly plainPassword?: string;
  readonly curvePublicKey?: Uint8Array;
  readonly curveSecretKey?: Uint8Array;
  readonly curveServerKey?: Uint8Array;
}

/** What a mechanism is created with, per connection. */
export interface MechanismSetup {
  readonly socketType: SocketTypeName;
  /** Whether this side is the server (PLAIN and CURVE are asymmetric; NULL ignores it). */
  readonly asServer: boolean;
  readonly security: SecurityOptions;
  /** Properties to send in READY / INITIATE (Socket-Type, Identity, ...). */
  readonly properties: ReadonlyMap<string, Uint8Array>;
  /** The peer's IP address for ZAP, "" where there is none. */
  readonly peerAddress: string;
  readonly zapDomain: string;
  readonly zapEnforceDomain: boolean;
  readonly zap: ZapClient | undefined;
  /**
   * Optional: memory for the message bodies a mechanism makes when it decodes (CURVE's
   * plaintexts), `size` bytes whose contents may be anything (the mechanism writes every byte).
   * The engine passes its connection's `allocateBuffer`, so on Node they are Buffers.
   */
  readonly allocate?: (size: number) => Uint8Array;
}

/** Why a handshake failed, for monitor events. */
export interface HandshakeFailure {
  readonly kind: "protocol" | "auth" | "other";
  /** For "protocol": the ERR_ZMTP_* / ERR_ZAP_* name. */
  readonly protocolError?: ProtocolErrorName;
  /** For "auth": the ZAP status code (300, 400, 500). */
  readonly status?: number;
}

/**
 * Where a mechanism may write an outgoing frame in place (the engine's frame encoder): CURVE seals
 * a MESSAGE straight into the batch the engine writes, instead of into an array of its own that
 * is then copied there.
 */
export interface FrameSink {
  /**
   * Appends the header of a frame of `size` body bytes with `flags` (MORE = 1, COMMAND = 4) and
   * returns where its body starts in `buffer`. The caller writes all `size` bytes there before
   * anything else is appended.
   */
  reserveFrame(size: number, flags: number): number;
  /** The memory the last `reserveFrame` offset points into (it may change with each call). */
  readonly buffer: Uint8Array;
}

export interface Mechanism {
  readonly name: string;
  readonly asServer: boolean;
  readonly status: MechanismStatus;
  /** The next command body to send (name length, name, data), or undefined if none is due. */
  nextCommand(): Uint8Array | undefined;
  /** A command body from the peer during the handshake. */
  receiveCommand(body: Uint8Array): void;
  /** Set while the mechanism waits on something outside (ZAP); the engine awaits it. */
  readonly pending: Promise<void> | undefined;
  /** Properties the peer sent (names lower-cased), complete once status is "ready". */
  readonly peerProperties: ReadonlyMap<string, Uint8Array>;
  /** User-Id from ZAP, or "" when none. */
  readonly userId: string;
  /** Set when status is "error". */
  readonly failure: HandshakeFailure | undefined;
  /** Wraps an outgoing frame after the handshake (CURVE boxes it); absent means as is. */
  encode?(frame: WireFrame): WireFrame;
  /**
   * Optional, faster form of `encode` for message frames: appends the wrapped frame of `body`
   * (flags MORE = 1, COMMAND = 4) to `sink` itself. Used instead of `encode` when present.
   */
  encodeInto?(body: Uint8Array, flags: number, sink: FrameSink): void;
  /** Unwraps an incoming frame after the handshake; absent means as is. */
  decode?(frame: WireFrame): WireFrame;
}

/** Creates a mechanism per connection; registered with a Context under `name`. */
export interface MechanismFactory {
  readonly name: string;
  create(setup: MechanismSetup): Mechanism;
}
