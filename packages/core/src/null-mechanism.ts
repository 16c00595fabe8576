/**
 * The NULL mechanism (RFC 23 §3.6, RFC 37): each side sends READY with its properties and reads
 * the peer's. libzmq sends READY from both sides at once, so this does too.
 *
 * ZAP (RFC 27), as libzmq's null_mechanism.cpp: only when ZAP_DOMAIN is set. Then the ZAP
 * request goes out first and READY waits for the reply; with no handler bound the handshake
 * goes on, unless `zapEnforceDomain` is set (then it fails with no detail). A 200 reply gives the
 * User-Id and metadata; 300 closes silently; 400 and 500 send ERROR with the status as reason.
 */
import { decodeCommand, decodeError, decodeMetadata, encodeError, encodeReady } from "@zmtp/codec";
import {
  type HandshakeFailure,
  type Mechanism,
  type MechanismFactory,
  type MechanismSetup,
  type MechanismStatus,
  type ProtocolErrorName,
  type ZapReply,
  ZmqError,
} from "@zmtp/spec";

const EMPTY = new Uint8Array(0);

/** The ERR_ZAP_* name a ZapClient attached to its error (see @zmtp/security's ZapProtocolError). */
function zapProtocolError(error: unknown): ProtocolErrorName {
  const name = (error as { protocolError?: unknown } | null)?.protocolError;
  return typeof name === "string" && name.startsWith("ERR_")
    ? (name as ProtocolErrorName)
    : "ERR_ZAP_UNSPECIFIED";
}

function isZapStatus(code: string): boolean {
  return code.length === 3 && code[0]! >= "2" && code[0]! <= "5" && code.endsWith("00");
}

class NullMechanism implements Mechanism {
  readonly name = "NULL";
  readonly asServer = false;
  status: MechanismStatus = "handshaking";
  pending: Promise<void> | undefined;
  peerProperties: ReadonlyMap<string, Uint8Array> = new Map();
  userId = "";
  failure: HandshakeFailure | undefined;
  private readySent = false;
  private readyReceived = false;
  /** READY (or ERROR) may go out: no ZAP, or its reply came. */
  private cleared = true;
  private outgoing: Uint8Array | undefined;
  private zapMetadata: ReadonlyMap<string, Uint8Array> | undefined;

  constructor(private readonly setup: MechanismSetup) {
    if (setup.zapDomain !== "") this.askZap();
  }

  nextCommand(): Uint8Array | undefined {
    if (this.outgoing !== undefined) {
      const command = this.outgoing;
      this.outgoing = undefined;
      return command;
    }
    if (this.readySent || !this.cleared || this.status === "error") return undefined;
    this.readySent = true;
    return encodeReady(this.setup.properties);
  }

  receiveCommand(body: Uint8Array): void {
    const command = decodeCommand(body);
    if (command.name === "ERROR") {
      let reason: string;
      try {
        reason = decodeError(command.data);
      } catch (error) {
        this.fail({ kind: "protocol", protocolError: "ERR_ZMTP_MALFORMED_COMMAND_ERROR" });
        throw error;
      }
      // A 3-digit ZAP status is an authentication failure (libzmq's handle_error_reason).
      const status = /^[345]00$/.test(reason) ? Number(reason) : undefined;
      this.fail(status === undefined ? { kind: "other" } : { kind: "auth", status });
      throw new ZmqError("EPROTO", `Peer refused the handshake: ${reason}`);
    }
    if (command.name !== "READY" || this.readyReceived) {
      this.fail({ kind: "protocol", protocolError: "ERR_ZMTP_UNEXPECTED_COMMAND" });
      throw new ZmqError("EPROTO", `Unexpected command ${command.name} during the NULL handshake`);
    }
    let properties: Map<string, Uint8Array>;
    try {
      properties = decodeMetadata(command.data);
    } catch (error) {
      this.fail({ kind: "protocol", protocolError: "ERR_ZMTP_MALFORMED_COMMAND_READY" });
      throw error;
    }
    this.readyReceived = true;
    this.peerProperties = properties;
    this.update();
  }

  private askZap(): void {
    const reply = this.setup.zap?.({
      domain: this.setup.zapDomain,
      address: this.setup.peerAddress,
      // libzmq sends its own socket's routing id in the request.
      routingId: this.setup.properties.get("Identity") ?? EMPTY,
      mechanism: "NULL",
      credentials: [],
    });
    if (reply === undefined) {
      // No handler bound: fail only when the domain is enforced (ZMQ_ZAP_ENFORCE_DOMAIN).
      if (this.setup.zapEnforceDomain) this.fail({ kind: "other" });
      return;
    }
    this.cleared = false;
    this.pending = reply.then(
      (answer) => this.onZap(answer),
      (error: unknown) => {
        this.pending = undefined;
        this.fail({ kind: "protocol", protocolError: zapProtocolError(error) });
      },
    );
  }

  private onZap(answer: ZapReply): void {
    this.pending = undefined;
    if (!isZapStatus(answer.statusCode)) {
      this.fail({ kind: "protocol", protocolError: "ERR_ZAP_INVALID_STATUS_CODE" });
      return;
    }
    if (answer.statusCode !== "200") {
      if (answer.statusCode !== "300") this.outgoing = encodeError(answer.statusCode);
      this.fail({ kind: "auth", status: Number(answer.statusCode) });
      return;
    }
    this.userId = answer.userId;
    this.zapMetadata = answer.metadata;
    this.cleared = true;
    this.update();
  }

  private update(): void {
    if (this.status !== "handshaking" || !this.readyReceived || !this.cleared) return;
    if (this.zapMetadata !== undefined && this.zapMetadata.size > 0) {
      const merged = new Map(this.peerProperties);
      for (const [name, value] of this.zapMetadata) {
        const key = name.toLowerCase();
        if (key !== "socket-type" && key !== "identity") merged.set(key, value);
      }
      this.peerProperties = merged;
    }
    this.status = "ready";
  }

  private fail(failure: HandshakeFailure): void {
    this.status = "error";
    this.failure = failure;
  }
}

export const nullMechanism: MechanismFactory = {
  name: "NULL",
  create: (setup) => new NullMechanism(setup),
};
