/**
 * What PLAIN and CURVE share (RFC 23 §3.3 "Security handshake"): the outgoing command queue, the
 * handshake status, failure reporting with libzmq's protocol error names, the peer's ERROR
 * command (RFC 23 §3.5; a 3-digit ZAP status is an authentication failure, as libzmq reports it)
 * and the merge of ZAP metadata into the peer's properties (RFC 27 §"Reply").
 */
import { decodeError, encodeError } from "@zmtp/codec";
import {
  type HandshakeFailure,
  type MechanismSetup,
  type MechanismStatus,
  type ProtocolErrorName,
  ZmqError,
} from "@zmtp/spec";

export const EMPTY = new Uint8Array(0);

/** Properties a ZAP handler may not replace: they drive routing and the socket-type check. */
const PROTECTED_PROPERTIES = new Set(["socket-type", "identity"]);

export abstract class MechanismBase {
  abstract readonly name: string;
  status: MechanismStatus = "handshaking";
  pending: Promise<void> | undefined;
  peerProperties: ReadonlyMap<string, Uint8Array> = new Map();
  userId = "";
  failure: HandshakeFailure | undefined;
  private readonly outbox: Uint8Array[] = [];

  constructor(protected readonly setup: MechanismSetup) {}

  get asServer(): boolean {
    return this.setup.asServer;
  }

  nextCommand(): Uint8Array | undefined {
    return this.outbox.shift();
  }

  protected send(command: Uint8Array): void {
    this.outbox.push(command);
  }

  /** Marks the handshake failed and throws the EPROTO the engine closes the connection on. */
  protected refuse(failure: HandshakeFailure, message: string): never {
    this.markFailed(failure);
    throw new ZmqError("EPROTO", message);
  }

  /** A protocol failure with libzmq's ERR_* name (RFC 23 §3.3, zmq_socket_monitor(3)). */
  protected violation(protocolError: ProtocolErrorName, message: string): never {
    return this.refuse({ kind: "protocol", protocolError }, message);
  }

  /** Marks the handshake failed without throwing (after an asynchronous ZAP reply). */
  protected markFailed(failure: HandshakeFailure): void {
    this.status = "error";
    this.failure = failure;
  }

  /**
   * The peer sent ERROR during the handshake (RFC 23 §3.5). A reason of exactly 3 characters
   * "300", "400" or "500" is a ZAP status: libzmq reports it as an authentication failure.
   */
  protected peerError(data: Uint8Array): never {
    let reason: string;
    try {
      reason = decodeError(data);
    } catch {
      return this.violation("ERR_ZMTP_MALFORMED_COMMAND_ERROR", "Malformed ERROR command");
    }
    const status = /^[345]00$/.test(reason) ? Number(reason) : undefined;
    return this.refuse(
      status === undefined ? { kind: "other" } : { kind: "auth", status },
      `Peer refused the handshake: ${reason}`,
    );
  }

  /** A server-side ZAP denial (RFC 27): ERROR with the status, except 300 (silent). */
  protected deny(status: number): void {
    if (status !== 300) this.send(encodeError(String(status)));
    this.markFailed({ kind: "auth", status });
  }

  /** The peer's properties, plus the ZAP handler's metadata (which wins, as in libzmq). */
  protected setPeerProperties(
    properties: ReadonlyMap<string, Uint8Array>,
    zapMetadata?: ReadonlyMap<string, Uint8Array>,
  ): void {
    if (zapMetadata === undefined || zapMetadata.size === 0) {
      this.peerProperties = properties;
      return;
    }
    const merged = new Map(properties);
    for (const [name, value] of zapMetadata) {
      const key = name.toLowerCase();
      if (!PROTECTED_PROPERTIES.has(key)) merged.set(key, value);
    }
    this.peerProperties = merged;
  }
}
