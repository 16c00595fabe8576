/**
 * The NULL mechanism (RFC 23 §3.6, RFC 37): each side sends READY with its properties and reads
 * the peer's. libzmq sends READY from both sides at once, so this does too. When a ZAP domain is
 * set and a handler exists, the server side asks ZAP before it is ready (libzmq behaviour).
 */
import { decodeCommand, decodeError, decodeMetadata, encodeReady } from "@zmtp/codec";
import {
  type HandshakeFailure,
  type Mechanism,
  type MechanismFactory,
  type MechanismSetup,
  type MechanismStatus,
  ZmqError,
} from "@zmtp/spec";

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
  private zapDone: boolean;

  constructor(private readonly setup: MechanismSetup) {
    // libzmq asks ZAP for NULL only when a domain is set and a handler is bound.
    this.zapDone = setup.zapDomain === "";
  }

  nextCommand(): Uint8Array | undefined {
    if (this.readySent || this.status === "error") return undefined;
    this.readySent = true;
    return encodeReady(this.setup.properties);
  }

  receiveCommand(body: Uint8Array): void {
    const command = decodeCommand(body);
    if (command.name === "ERROR") {
      const reason = decodeError(command.data);
      this.fail({ kind: "other" });
      throw new ZmqError("EPROTO", `Peer refused the handshake: ${reason}`);
    }
    if (command.name !== "READY" || this.readyReceived) {
      this.fail({ kind: "protocol", protocolError: "ERR_ZMTP_UNEXPECTED_COMMAND" });
      throw new ZmqError("EPROTO", `Unexpected command ${command.name} during the NULL handshake`);
    }
    try {
      this.peerProperties = decodeMetadata(command.data);
    } catch (error) {
      this.fail({ kind: "protocol", protocolError: "ERR_ZMTP_MALFORMED_COMMAND_READY" });
      throw error;
    }
    this.readyReceived = true;
    if (!this.zapDone) this.askZap();
    this.update();
  }

  private askZap(): void {
    const reply = this.setup.zap?.({
      domain: this.setup.zapDomain,
      address: this.setup.peerAddress,
      routingId: this.peerProperties.get("identity") ?? new Uint8Array(0),
      mechanism: "NULL",
      credentials: [],
    });
    if (reply === undefined) {
      this.zapDone = true;
      return;
    }
    this.pending = reply.then(
      (answer) => {
        this.pending = undefined;
        if (answer.statusCode !== "200") {
          this.fail({ kind: "auth", status: Number(answer.statusCode) });
          return;
        }
        this.userId = answer.userId;
        this.zapDone = true;
        this.update();
      },
      () => {
        this.pending = undefined;
        this.fail({ kind: "protocol", protocolError: "ERR_ZAP_MALFORMED_REPLY" });
      },
    );
  }

  private update(): void {
    if (this.status === "handshaking" && this.readyReceived && this.zapDone) this.status = "ready";
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
