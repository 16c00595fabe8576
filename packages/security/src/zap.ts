/**
 * ZAP, the ZeroMQ Authentication Protocol (RFC 27): the request a server-side mechanism sends to
 * the handler bound at `inproc://zeromq.zap.01`, the reply it gets back, and the checks libzmq
 * applies to that reply (zap_client.cpp: exactly 7 frames, version "1.0", the same request id,
 * a status of 200, 300, 400 or 500, valid metadata).
 */
import { decodeMetadata, encodeMetadata, utf8Decode, utf8Encode } from "@zmtp/codec";
import {
  type MechanismSetup,
  type ProtocolErrorName,
  type ZapReply,
  type ZapRequest,
  ZmqError,
} from "@zmtp/spec";

/** Where the ZAP handler binds (RFC 27 §"Overall Design"). */
export const ZAP_ENDPOINT = "inproc://zeromq.zap.01";
/** The only ZAP version (RFC 27 §"Request"). */
export const ZAP_VERSION = "1.0";

const EMPTY = new Uint8Array(0);
const REPLY_FRAMES = 7;

/** A malformed ZAP message, with the libzmq protocol error a handshake reports for it. */
export class ZapProtocolError extends ZmqError {
  constructor(
    readonly protocolError: ProtocolErrorName,
    message: string,
  ) {
    super("EPROTO", message);
  }
}

/** The protocol error carried by an error, when it is a ZapProtocolError from any copy. */
export function zapProtocolError(error: unknown): ProtocolErrorName {
  const name = (error as { protocolError?: unknown } | null)?.protocolError;
  return typeof name === "string" && name.startsWith("ERR_")
    ? (name as ProtocolErrorName)
    : "ERR_ZAP_UNSPECIFIED";
}

/**
 * Request frames (RFC 27 §"Request"): empty delimiter, version, request id, domain, address,
 * identity, mechanism, then the mechanism's credentials (none for NULL, username and password
 * for PLAIN, the client's 32-byte permanent key for CURVE).
 */
export function encodeZapRequest(requestId: Uint8Array, request: ZapRequest): Uint8Array[] {
  return [
    EMPTY,
    utf8Encode(ZAP_VERSION),
    requestId,
    utf8Encode(request.domain),
    utf8Encode(request.address),
    request.routingId,
    utf8Encode(request.mechanism),
    ...request.credentials,
  ];
}

/** A request as a handler reads it (after any routing envelope). */
export interface DecodedZapRequest {
  readonly requestId: Uint8Array;
  readonly request: ZapRequest;
}

/** Parses request frames that start at the empty delimiter. ZapProtocolError when malformed. */
export function decodeZapRequest(frames: readonly Uint8Array[]): DecodedZapRequest {
  if (frames.length < 7 || frames[0]!.length !== 0) {
    throw new ZapProtocolError("ERR_ZAP_MALFORMED_REPLY", "Malformed ZAP request");
  }
  if (utf8Decode(frames[1]!) !== ZAP_VERSION) {
    throw new ZapProtocolError("ERR_ZAP_BAD_VERSION", "Unsupported ZAP version");
  }
  return {
    requestId: frames[2]!,
    request: {
      domain: utf8Decode(frames[3]!),
      address: utf8Decode(frames[4]!),
      routingId: frames[5]!,
      mechanism: utf8Decode(frames[6]!),
      credentials: frames.slice(7),
    },
  };
}

/** Reply frames (RFC 27 §"Reply"): delimiter, version, request id, status, text, user id, metadata. */
export function encodeZapReply(requestId: Uint8Array, reply: ZapReply): Uint8Array[] {
  return [
    EMPTY,
    utf8Encode(ZAP_VERSION),
    requestId,
    utf8Encode(reply.statusCode),
    utf8Encode(reply.statusText),
    utf8Encode(reply.userId),
    encodeMetadata(reply.metadata),
  ];
}

/** A reply as the ZAP client reads it, with the request id to match it by. */
export interface DecodedZapReply {
  readonly requestId: Uint8Array;
  readonly reply: ZapReply;
}

/** Parses reply frames with libzmq's checks; ZapProtocolError names what is wrong. */
export function decodeZapReply(frames: readonly Uint8Array[]): DecodedZapReply {
  if (frames.length !== REPLY_FRAMES) {
    throw new ZapProtocolError(
      "ERR_ZAP_MALFORMED_REPLY",
      `A ZAP reply has 7 frames, not ${frames.length}`,
    );
  }
  if (frames[0]!.length !== 0) {
    throw new ZapProtocolError("ERR_ZAP_UNSPECIFIED", "ZAP reply without an empty delimiter");
  }
  if (utf8Decode(frames[1]!) !== ZAP_VERSION) {
    throw new ZapProtocolError("ERR_ZAP_BAD_VERSION", "ZAP reply version is not 1.0");
  }
  const statusCode = utf8Decode(frames[3]!);
  if (!isZapStatus(statusCode)) {
    throw new ZapProtocolError("ERR_ZAP_INVALID_STATUS_CODE", `Invalid ZAP status "${statusCode}"`);
  }
  let metadata: Map<string, Uint8Array>;
  try {
    metadata = decodeMetadata(frames[6]!);
  } catch (error) {
    throw new ZapProtocolError("ERR_ZAP_INVALID_METADATA", `Invalid ZAP metadata: ${error}`);
  }
  return {
    requestId: frames[2]!,
    reply: {
      statusCode,
      statusText: utf8Decode(frames[4]!),
      userId: utf8Decode(frames[5]!),
      metadata,
    },
  };
}

/** 200, 300, 400 or 500, exactly three characters (RFC 27 §"Reply", as libzmq checks it). */
export function isZapStatus(code: string): boolean {
  return code.length === 3 && code[0]! >= "2" && code[0]! <= "5" && code.endsWith("00");
}

/** What a server-side mechanism makes of the ZAP handler's answer. */
export type ZapOutcome =
  | {
      readonly kind: "ok";
      readonly userId: string;
      readonly metadata: ReadonlyMap<string, Uint8Array>;
    }
  | { readonly kind: "denied"; readonly status: number }
  | { readonly kind: "invalid"; readonly protocolError: ProtocolErrorName };

/**
 * Sends a ZAP request through `setup.zap`. Returns undefined when no handler is bound (the
 * caller applies libzmq's rule for its mechanism), otherwise a promise that never rejects and
 * calls `done` with the outcome first.
 */
export function askZap(
  setup: MechanismSetup,
  mechanism: string,
  credentials: readonly Uint8Array[],
  done: (outcome: ZapOutcome) => void,
): Promise<void> | undefined {
  const reply = setup.zap?.({
    domain: setup.zapDomain,
    address: setup.peerAddress,
    // libzmq sends its own socket's routing id here (zap_client.cpp).
    routingId: setup.properties.get("Identity") ?? EMPTY,
    mechanism,
    credentials,
  });
  if (reply === undefined) return undefined;
  return reply.then(
    (answer) => done(zapOutcome(answer)),
    (error: unknown) => done({ kind: "invalid", protocolError: zapProtocolError(error) }),
  );
}

/** Checks a reply a ZapClient returned (it may come from an application's own client). */
export function zapOutcome(reply: ZapReply): ZapOutcome {
  if (!isZapStatus(reply.statusCode)) {
    return { kind: "invalid", protocolError: "ERR_ZAP_INVALID_STATUS_CODE" };
  }
  if (reply.statusCode === "200") {
    return { kind: "ok", userId: reply.userId, metadata: reply.metadata };
  }
  return { kind: "denied", status: Number(reply.statusCode) };
}
