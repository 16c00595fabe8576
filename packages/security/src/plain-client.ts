/**
 * The PLAIN client (RFC 24 §"The PLAIN Mechanism"): HELLO with the username and password, then
 * on WELCOME an INITIATE with our properties, then the server's READY.
 */
import { COMMAND, decodeCommand, decodeMetadata, encodeCommand, utf8Encode } from "@zmtp/codec";
import { type Mechanism, type MechanismSetup, ZmqError } from "@zmtp/spec";
import { MechanismBase } from "./mechanism-base";
import { isLibzmqPlainError, LIBZMQ_PLAIN_ERROR } from "./plain-error";
import { encodeProperties } from "./properties";

type State = "welcome" | "ready" | "done";

/** HELLO = "HELLO" u8 username-length username u8 password-length password (RFC 24). */
export function encodePlainHello(username: string, password: string): Uint8Array {
  const user = utf8Encode(username);
  const pass = utf8Encode(password);
  if (user.length > 255 || pass.length > 255) {
    throw new ZmqError("EINVAL", "PLAIN username and password are at most 255 bytes");
  }
  const data = new Uint8Array(2 + user.length + pass.length);
  data[0] = user.length;
  data.set(user, 1);
  data[1 + user.length] = pass.length;
  data.set(pass, 2 + user.length);
  return encodeCommand(COMMAND.HELLO, data);
}

export class PlainClient extends MechanismBase implements Mechanism {
  readonly name = "PLAIN";
  private state: State = "welcome";

  constructor(setup: MechanismSetup) {
    super(setup);
    const { plainUsername = "", plainPassword = "" } = setup.security;
    this.send(encodePlainHello(plainUsername, plainPassword));
  }

  receiveCommand(body: Uint8Array): void {
    if (this.state !== "done" && isLibzmqPlainError(body)) {
      this.peerError(body.subarray(LIBZMQ_PLAIN_ERROR.length));
    }
    const command = decodeCommand(body);
    if (command.name === COMMAND.ERROR && this.state !== "done") this.peerError(command.data);
    if (this.state === "welcome" && command.name === COMMAND.WELCOME) {
      // WELCOME has no body (RFC 24).
      if (command.data.length !== 0) {
        this.violation("ERR_ZMTP_MALFORMED_COMMAND_WELCOME", "WELCOME with a body");
      }
      this.state = "ready";
      this.send(encodeCommand(COMMAND.INITIATE, encodeProperties(this.setup)));
      return;
    }
    if (this.state === "ready" && command.name === COMMAND.READY) {
      let properties: Map<string, Uint8Array>;
      try {
        properties = decodeMetadata(command.data);
      } catch {
        this.violation("ERR_ZMTP_INVALID_METADATA", "Malformed metadata in READY");
      }
      this.setPeerProperties(properties);
      this.state = "done";
      this.status = "ready";
      return;
    }
    this.violation("ERR_ZMTP_UNEXPECTED_COMMAND", `Unexpected ${command.name} in PLAIN`);
  }
}
