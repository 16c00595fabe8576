/**
 * MESSAGE boxes (RFC 26 §"The MESSAGE Command", as libzmq sends them): every frame after the
 * handshake travels as "\x07MESSAGE" + short nonce (8) + Box[flags + body](C'->S' or S'->C').
 * The flags byte carries bit 0 MORE and, in libzmq, bit 1 COMMAND (so PING, SUBSCRIBE and the
 * like are boxed too). The outer ZMTP frame carries no flags, as libzmq writes it.
 *
 * A box that fails to open, a nonce not above the last one (a replay) or a short frame throws
 * EPROTO, and the engine drops the connection; no ERROR is sent (RFC 26: "MUST NOT").
 */
import type { WireFrame } from "@zmtp/spec";
import { ZmqError } from "@zmtp/spec";
import type { CurveCrypto } from "./crypto";
import { nonce, type PeerNonce, SHORT_NONCE_SIZE, type ShortNonce } from "./nonce";

/** "\x07MESSAGE" */
const MESSAGE = new Uint8Array([7, 77, 69, 83, 83, 65, 71, 69]);
const HEADER = MESSAGE.length + SHORT_NONCE_SIZE;
const MAC = 16;
const FLAG_MORE = 1;
const FLAG_COMMAND = 2;

/** A MESSAGE box failure, with the libzmq protocol error name (curve_mechanism_base.cpp). */
export class MessageBoxError extends ZmqError {
  constructor(
    readonly protocolError:
      | "ERR_ZMTP_UNEXPECTED_COMMAND"
      | "ERR_ZMTP_MALFORMED_COMMAND_MESSAGE"
      | "ERR_ZMTP_INVALID_SEQUENCE"
      | "ERR_ZMTP_CRYPTOGRAPHIC",
    message: string,
  ) {
    super("EPROTO", message);
  }
}

export class MessageBox {
  constructor(
    private readonly crypto: CurveCrypto,
    /** crypto_box_beforenm of the two transient keys. */
    private readonly key: Uint8Array,
    private readonly encodePrefix: Uint8Array,
    private readonly decodePrefix: Uint8Array,
    private readonly ourNonce: ShortNonce,
    private readonly peerNonce: PeerNonce,
  ) {}

  encode(frame: WireFrame): WireFrame {
    const plain = new Uint8Array(1 + frame.body.length);
    plain[0] = (frame.more ? FLAG_MORE : 0) | (frame.command ? FLAG_COMMAND : 0);
    plain.set(frame.body, 1);
    const short = this.ourNonce.next();
    const box = this.crypto.seal(plain, nonce(this.encodePrefix, short), this.key);
    const body = new Uint8Array(HEADER + box.length);
    body.set(MESSAGE);
    body.set(short, MESSAGE.length);
    body.set(box, HEADER);
    return { more: false, command: false, body };
  }

  decode(frame: WireFrame): WireFrame {
    const body = frame.body;
    for (let index = 0; index < MESSAGE.length; index++) {
      if (body[index] !== MESSAGE[index]) {
        throw new MessageBoxError("ERR_ZMTP_UNEXPECTED_COMMAND", "Expected a MESSAGE command");
      }
    }
    if (body.length < HEADER + MAC + 1) {
      throw new MessageBoxError("ERR_ZMTP_MALFORMED_COMMAND_MESSAGE", "MESSAGE too short");
    }
    const short = body.subarray(MESSAGE.length, HEADER);
    if (!this.peerNonce.accept(short)) {
      throw new MessageBoxError("ERR_ZMTP_INVALID_SEQUENCE", "MESSAGE nonce replayed");
    }
    const plain = this.crypto.open(
      body.subarray(HEADER),
      nonce(this.decodePrefix, short),
      this.key,
    );
    if (plain === undefined) {
      throw new MessageBoxError("ERR_ZMTP_CRYPTOGRAPHIC", "MESSAGE box does not open");
    }
    const flags = plain[0]!;
    return {
      more: (flags & FLAG_MORE) !== 0,
      command: (flags & FLAG_COMMAND) !== 0,
      body: plain.subarray(1),
    };
  }
}
