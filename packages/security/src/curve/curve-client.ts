/**
 * The CURVE client (RFC 25; RFC 26 §"The CurveZMQ Handshake"):
 *   C:HELLO    C' + short nonce + Box[64 zeros](C'->S)
 *   S:WELCOME  long nonce + Box[S' + cookie](S->C')
 *   C:INITIATE cookie + short nonce + Box[C + vouch + metadata](C'->S'),
 *              vouch = long nonce + Box[C' + S](C->S')
 *   S:READY    short nonce + Box[metadata](S'->C')
 * then MESSAGE boxes both ways. Sizes and layouts follow libzmq (HELLO is 200 bytes).
 */
import { COMMAND, decodeCommand, decodeMetadata, encodeCommand } from "@zmtp/codec";
import type { FrameSink, Mechanism, MechanismSetup, WireFrame } from "@zmtp/spec";
import { ZmqError } from "@zmtp/spec";
import { isWeakCurveKey, KEY_SIZE } from "../keys";
import { MechanismBase } from "../mechanism-base";
import { encodeProperties } from "../properties";
import type { CurveCrypto } from "./crypto";
import { MessageBox } from "./message-box";
import { LONG_NONCE_SIZE, nonce, PeerNonce, PREFIX, SHORT_NONCE_SIZE, ShortNonce } from "./nonce";

/** WELCOME body size: name (8) + long nonce (16) + box (144). */
const WELCOME_SIZE = 168;
/** Smallest READY: name (6) + short nonce (8) + MAC (16). */
const READY_MIN = 30;

type State = "welcome" | "ready" | "done";

function requireKey(key: Uint8Array | undefined, name: string): Uint8Array {
  if (key === undefined || key.length !== KEY_SIZE) {
    throw new ZmqError("EINVAL", `CURVE client needs ${name} (32 bytes)`);
  }
  return key;
}

export class CurveClient extends MechanismBase implements Mechanism {
  readonly name = "CURVE";
  private state: State = "welcome";
  private readonly serverKey: Uint8Array;
  private readonly publicKey: Uint8Array;
  private readonly secretKey: Uint8Array;
  private readonly transientSecret: Uint8Array;
  private readonly transientPublic: Uint8Array;
  private readonly ourNonce = new ShortNonce(1);
  private readonly peerNonce = new PeerNonce();
  /** Shared key for HELLO (C', S). */
  private readonly helloKey: Uint8Array;
  private key: Uint8Array | undefined;
  private box: MessageBox | undefined;

  constructor(
    setup: MechanismSetup,
    private readonly crypto: CurveCrypto,
  ) {
    super(setup);
    const { security } = setup;
    this.serverKey = requireKey(security.curveServerKey, "curveServerKey");
    this.publicKey = requireKey(security.curvePublicKey, "curvePublicKey");
    this.secretKey = requireKey(security.curveSecretKey, "curveSecretKey");
    this.transientSecret = crypto.randomBytes(32);
    this.transientPublic = crypto.publicKey(this.transientSecret);
    this.helloKey = crypto.sharedKey(this.serverKey, this.transientSecret);
    this.send(this.hello());
  }

  /** HELLO: version 1.0, 72 bytes of anti-amplification padding, C', short nonce, box. */
  private hello(): Uint8Array {
    const short = this.ourNonce.next();
    const box = this.crypto.seal(new Uint8Array(64), nonce(PREFIX.HELLO, short), this.helloKey);
    const data = new Uint8Array(2 + 72 + 32 + SHORT_NONCE_SIZE + box.length);
    data[0] = 1;
    data[1] = 0;
    data.set(this.transientPublic, 74);
    data.set(short, 106);
    data.set(box, 114);
    return encodeCommand(COMMAND.HELLO, data);
  }

  receiveCommand(body: Uint8Array): void {
    const command = decodeCommand(body);
    if (command.name === COMMAND.ERROR && this.state !== "done") this.peerError(command.data);
    if (this.state === "welcome" && command.name === COMMAND.WELCOME) {
      this.onWelcome(body.length, command.data);
      return;
    }
    if (this.state === "ready" && command.name === COMMAND.READY) {
      this.onReady(body.length, command.data);
      return;
    }
    this.violation("ERR_ZMTP_UNEXPECTED_COMMAND", `Unexpected ${command.name} in CURVE`);
  }

  private onWelcome(size: number, data: Uint8Array): void {
    // libzmq reports every WELCOME failure, size included, as a cryptographic one.
    if (size !== WELCOME_SIZE) this.violation("ERR_ZMTP_CRYPTOGRAPHIC", "WELCOME of wrong size");
    const long = data.subarray(0, LONG_NONCE_SIZE);
    const plain = this.crypto.open(
      data.subarray(LONG_NONCE_SIZE),
      nonce(PREFIX.WELCOME, long),
      this.helloKey,
    );
    if (plain === undefined) {
      this.violation("ERR_ZMTP_CRYPTOGRAPHIC", "WELCOME does not open: wrong server key?");
    }
    const serverTransient = plain.subarray(0, 32);
    const cookie = plain.subarray(32, 128);
    if (isWeakCurveKey(serverTransient)) {
      this.violation("ERR_ZMTP_KEY_EXCHANGE", "Server transient key of small order");
    }
    this.key = this.crypto.sharedKey(serverTransient, this.transientSecret);
    this.send(this.initiate(serverTransient, cookie));
    this.state = "ready";
  }

  private initiate(serverTransient: Uint8Array, cookie: Uint8Array): Uint8Array {
    const crypto = this.crypto;
    // vouch = long nonce + Box[C' + S](C->S')
    const vouchTail = crypto.randomBytes(LONG_NONCE_SIZE);
    const vouchPlain = new Uint8Array(64);
    vouchPlain.set(this.transientPublic);
    vouchPlain.set(this.serverKey, 32);
    const vouchKey = crypto.sharedKey(serverTransient, this.secretKey);
    const vouch = crypto.seal(vouchPlain, nonce(PREFIX.VOUCH, vouchTail), vouchKey);
    const metadata = encodeProperties(this.setup);
    const plain = new Uint8Array(32 + LONG_NONCE_SIZE + vouch.length + metadata.length);
    plain.set(this.publicKey);
    plain.set(vouchTail, 32);
    plain.set(vouch, 48);
    plain.set(metadata, 128);
    const short = this.ourNonce.next();
    const box = crypto.seal(plain, nonce(PREFIX.INITIATE, short), this.key!);
    const data = new Uint8Array(cookie.length + SHORT_NONCE_SIZE + box.length);
    data.set(cookie);
    data.set(short, cookie.length);
    data.set(box, cookie.length + SHORT_NONCE_SIZE);
    return encodeCommand(COMMAND.INITIATE, data);
  }

  private onReady(size: number, data: Uint8Array): void {
    if (size < READY_MIN) this.violation("ERR_ZMTP_MALFORMED_COMMAND_READY", "READY too short");
    const short = data.subarray(0, SHORT_NONCE_SIZE);
    if (!this.peerNonce.accept(short)) {
      this.violation("ERR_ZMTP_INVALID_SEQUENCE", "READY nonce out of sequence");
    }
    const plain = this.crypto.open(
      data.subarray(SHORT_NONCE_SIZE),
      nonce(PREFIX.READY, short),
      this.key!,
    );
    if (plain === undefined) this.violation("ERR_ZMTP_CRYPTOGRAPHIC", "READY does not open");
    let properties: Map<string, Uint8Array>;
    try {
      properties = decodeMetadata(plain);
    } catch {
      this.violation("ERR_ZMTP_INVALID_METADATA", "Malformed metadata in READY");
    }
    this.setPeerProperties(properties);
    this.box = new MessageBox(
      this.crypto,
      this.key!,
      PREFIX.MESSAGE_C,
      PREFIX.MESSAGE_S,
      this.ourNonce,
      this.peerNonce,
      this.setup.allocate,
    );
    this.state = "done";
    this.status = "ready";
  }

  // Arrow properties: the engine may call them detached from the object.
  readonly encode = (frame: WireFrame): WireFrame => this.box!.encode(frame);
  readonly encodeInto = (body: Uint8Array, flags: number, sink: FrameSink): void =>
    this.box!.encodeInto(body, flags, sink);
  readonly decode = (frame: WireFrame): WireFrame => this.box!.decode(frame);
}
