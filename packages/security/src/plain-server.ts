/**
 * The PLAIN server (RFC 24): reads HELLO, asks ZAP (RFC 27) with the username and password,
 * sends WELCOME on 200, reads INITIATE and answers READY. As in libzmq, PLAIN needs a ZAP
 * handler: with none bound the handshake fails with no detail ("handshake:error:other").
 */
import { COMMAND, decodeCommand, decodeMetadata, encodeCommand } from "@zmtp/codec";
import type { Mechanism, MechanismSetup } from "@zmtp/spec";
import { MechanismBase } from "./mechanism-base";
import { encodeLibzmqPlainError } from "./plain-error";
import { encodeProperties } from "./properties";
import { askZap, type ZapOutcome } from "./zap";

type State = "hello" | "zap" | "initiate" | "done";

/** Username and password from a HELLO body, with libzmq's length checks (plain_server.cpp). */
export function decodePlainHello(data: Uint8Array): [Uint8Array, Uint8Array] | undefined {
  if (data.length < 1) return undefined;
  const userLength = data[0]!;
  if (data.length < 1 + userLength + 1) return undefined;
  const passLength = data[1 + userLength]!;
  // The password must end the command exactly: no extra bytes.
  if (data.length !== 2 + userLength + passLength) return undefined;
  return [data.subarray(1, 1 + userLength), data.subarray(2 + userLength)];
}

export class PlainServer extends MechanismBase implements Mechanism {
  readonly name = "PLAIN";
  private state: State = "hello";
  private zapMetadata: ReadonlyMap<string, Uint8Array> | undefined;

  constructor(setup: MechanismSetup) {
    super(setup);
  }

  receiveCommand(body: Uint8Array): void {
    const command = decodeCommand(body);
    if (this.state === "hello" && command.name === COMMAND.HELLO) {
      this.onHello(command.data);
      return;
    }
    if (this.state === "initiate" && command.name === COMMAND.INITIATE) {
      let properties: Map<string, Uint8Array>;
      try {
        properties = decodeMetadata(command.data);
      } catch {
        this.violation("ERR_ZMTP_INVALID_METADATA", "Malformed metadata in INITIATE");
      }
      this.setPeerProperties(properties, this.zapMetadata);
      this.send(encodeCommand(COMMAND.READY, encodeProperties(this.setup)));
      this.state = "done";
      this.status = "ready";
      return;
    }
    this.violation("ERR_ZMTP_UNEXPECTED_COMMAND", `Unexpected ${command.name} in PLAIN`);
  }

  private onHello(data: Uint8Array): void {
    const credentials = decodePlainHello(data);
    if (credentials === undefined) {
      this.violation("ERR_ZMTP_MALFORMED_COMMAND_HELLO", "Malformed PLAIN HELLO");
    }
    this.state = "zap";
    const pending = askZap(this.setup, "PLAIN", credentials, (outcome) => this.onZap(outcome));
    if (pending === undefined) {
      // libzmq: zap_connect fails, handshake_failed_no_detail; no ERROR is sent.
      this.refuse({ kind: "other" }, "PLAIN needs a ZAP handler at inproc://zeromq.zap.01");
    }
    this.pending = pending;
  }

  private onZap(outcome: ZapOutcome): void {
    this.pending = undefined;
    if (this.status === "error") return;
    switch (outcome.kind) {
      case "ok":
        this.userId = outcome.userId;
        this.zapMetadata = outcome.metadata;
        this.state = "initiate";
        this.send(encodeCommand(COMMAND.WELCOME));
        return;
      case "denied":
        // libzmq's PLAIN clients only understand libzmq's PLAIN ERROR (see plain-error.ts).
        if (outcome.status !== 300) this.send(encodeLibzmqPlainError(String(outcome.status)));
        this.markFailed({ kind: "auth", status: outcome.status });
        return;
      case "invalid":
        this.markFailed({ kind: "protocol", protocolError: outcome.protocolError });
        return;
    }
  }
}
