/**
 * The CURVE server (RFC 25; RFC 26 §"The CurveZMQ Handshake"). Hostile input is refused in the
 * cheapest order: command sizes first, then keys of small order (no crypto), then the cookie
 * (symmetric crypto only), and only then the scalar multiplications. Between HELLO and INITIATE
 * the server keeps C' and the HELLO nonce; its transient secret s' travels in the cookie.
 *
 * ZAP (RFC 27) follows libzmq: asked with the client's permanent key when a handler is bound;
 * with none, the client is accepted ("Stonehouse") unless `zapEnforceDomain` is set.
 */
import { COMMAND, decodeCommand, decodeMetadata, encodeCommand } from "@zmtp/codec";
import type { FrameSink, Mechanism, MechanismSetup, WireFrame } from "@zmtp/spec";
import { ZmqError } from "@zmtp/spec";
import { isWeakCurveKey, KEY_SIZE } from "../keys";
import { MechanismBase } from "../mechanism-base";
import { encodeProperties } from "../properties";
import { askZap, type ZapOutcome } from "../zap";
import { COOKIE_SIZE, type CookieJar } from "./cookie";
import type { CurveCrypto } from "./crypto";
import { MessageBox } from "./message-box";
import { LONG_NONCE_SIZE, nonce, PeerNonce, PREFIX, SHORT_NONCE_SIZE, ShortNonce } from "./nonce";

/** HELLO is exactly 200 bytes with its name (libzmq; RFC 26's prose says 70 padding bytes). */
const HELLO_SIZE = 200;
/** Smallest INITIATE: name (9) + cookie (96) + short nonce (8) + box of C + vouch (144). */
const INITIATE_MIN = 257;

type State = "hello" | "initiate" | "zap" | "done";

/** Server-wide state shared by the connections of one CURVE factory. */
export interface CurveServerShared {
  readonly crypto: CurveCrypto;
  readonly cookies: CookieJar;
  /** The public key of a secret key (cached: a scalar multiplication per secret key, once). */
  publicKeyOf(secretKey: Uint8Array): Uint8Array;
}

function equal(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let difference = 0;
  for (let index = 0; index < a.length; index++) difference |= a[index]! ^ b[index]!;
  return difference === 0;
}

export class CurveServer extends MechanismBase implements Mechanism {
  readonly name = "CURVE";
  private state: State = "hello";
  private readonly secretKey: Uint8Array;
  private readonly ourNonce = new ShortNonce(1);
  private readonly peerNonce = new PeerNonce();
  private clientTransient: Uint8Array | undefined;
  private key: Uint8Array | undefined;
  private box: MessageBox | undefined;
  private zapMetadata: ReadonlyMap<string, Uint8Array> | undefined;
  private properties: ReadonlyMap<string, Uint8Array> = new Map();

  constructor(
    setup: MechanismSetup,
    private readonly shared: CurveServerShared,
  ) {
    super(setup);
    const key = setup.security.curveSecretKey;
    if (key === undefined || key.length !== KEY_SIZE) {
      throw new ZmqError("EINVAL", "CURVE server needs curveSecretKey (32 bytes)");
    }
    this.secretKey = key;
  }

  receiveCommand(body: Uint8Array): void {
    const command = decodeCommand(body);
    if (this.state === "hello" && command.name === COMMAND.HELLO) {
      this.onHello(body.length, command.data);
      return;
    }
    if (this.state === "initiate" && command.name === COMMAND.INITIATE) {
      this.onInitiate(body.length, command.data);
      return;
    }
    this.violation("ERR_ZMTP_UNEXPECTED_COMMAND", `Unexpected ${command.name} in CURVE`);
  }

  private onHello(size: number, data: Uint8Array): void {
    if (size !== HELLO_SIZE) {
      this.violation("ERR_ZMTP_MALFORMED_COMMAND_HELLO", `HELLO of ${size} bytes, not 200`);
    }
    if (data[0] !== 1 || data[1] !== 0) {
      this.violation("ERR_ZMTP_MALFORMED_COMMAND_HELLO", "Unknown CurveZMQ version");
    }
    const clientTransient = data.slice(74, 106);
    const short = data.subarray(106, 114);
    // Before any scalar multiplication: a small-order C' would give a known shared secret.
    if (isWeakCurveKey(clientTransient)) {
      this.violation("ERR_ZMTP_CRYPTOGRAPHIC", "Client transient key of small order");
    }
    if (!this.peerNonce.accept(short)) {
      this.violation("ERR_ZMTP_INVALID_SEQUENCE", "HELLO nonce of zero");
    }
    const crypto = this.shared.crypto;
    const helloKey = crypto.sharedKey(clientTransient, this.secretKey);
    if (crypto.open(data.subarray(114), nonce(PREFIX.HELLO, short), helloKey) === undefined) {
      this.violation("ERR_ZMTP_CRYPTOGRAPHIC", "HELLO does not open: wrong server key?");
    }
    this.clientTransient = clientTransient;
    // WELCOME: long nonce + Box[S' + cookie](S->C'); s' leaves in the cookie.
    const transientSecret = crypto.randomBytes(32);
    const transientPublic = crypto.publicKey(transientSecret);
    const cookie = this.shared.cookies.seal(clientTransient, transientSecret);
    transientSecret.fill(0);
    const plain = new Uint8Array(32 + COOKIE_SIZE);
    plain.set(transientPublic);
    plain.set(cookie, 32);
    const tail = crypto.randomBytes(LONG_NONCE_SIZE);
    const box = crypto.seal(plain, nonce(PREFIX.WELCOME, tail), helloKey);
    const welcome = new Uint8Array(LONG_NONCE_SIZE + box.length);
    welcome.set(tail);
    welcome.set(box, LONG_NONCE_SIZE);
    this.send(encodeCommand(COMMAND.WELCOME, welcome));
    this.state = "initiate";
  }

  private onInitiate(size: number, data: Uint8Array): void {
    if (size < INITIATE_MIN) {
      this.violation("ERR_ZMTP_MALFORMED_COMMAND_INITIATE", `INITIATE of ${size} bytes`);
    }
    const crypto = this.shared.crypto;
    // The cookie first: symmetric crypto, and it gives back s'.
    const contents = this.shared.cookies.open(data.subarray(0, COOKIE_SIZE));
    if (contents === undefined) {
      this.violation("ERR_ZMTP_CRYPTOGRAPHIC", "INITIATE cookie is forged, stale or reused");
    }
    if (!equal(contents.clientTransientKey, this.clientTransient!)) {
      this.violation("ERR_ZMTP_CRYPTOGRAPHIC", "INITIATE cookie is for another client");
    }
    const short = data.subarray(COOKIE_SIZE, COOKIE_SIZE + SHORT_NONCE_SIZE);
    if (!this.peerNonce.accept(short)) {
      this.violation("ERR_ZMTP_INVALID_SEQUENCE", "INITIATE nonce not above HELLO's");
    }
    const key = crypto.sharedKey(this.clientTransient!, contents.serverTransientSecret);
    const plain = crypto.open(
      data.subarray(COOKIE_SIZE + SHORT_NONCE_SIZE),
      nonce(PREFIX.INITIATE, short),
      key,
    );
    if (plain === undefined) this.violation("ERR_ZMTP_CRYPTOGRAPHIC", "INITIATE does not open");
    const clientKey = plain.slice(0, 32);
    // The vouch opens with C: refuse a small-order C before that scalar multiplication.
    if (isWeakCurveKey(clientKey)) {
      this.violation("ERR_ZMTP_CRYPTOGRAPHIC", "Client permanent key of small order");
    }
    const vouchKey = crypto.sharedKey(clientKey, contents.serverTransientSecret);
    contents.serverTransientSecret.fill(0);
    const vouch = crypto.open(
      plain.subarray(48, 128),
      nonce(PREFIX.VOUCH, plain.subarray(32, 48)),
      vouchKey,
    );
    if (vouch === undefined) this.violation("ERR_ZMTP_CRYPTOGRAPHIC", "Vouch does not open");
    // The vouch must name this connection's C' and this server's S (RFC 26 §"INITIATE").
    if (
      !equal(vouch.subarray(0, 32), this.clientTransient!) ||
      !equal(vouch.subarray(32, 64), this.shared.publicKeyOf(this.secretKey))
    ) {
      this.violation("ERR_ZMTP_KEY_EXCHANGE", "Vouch does not match the handshake");
    }
    try {
      this.properties = decodeMetadata(plain.subarray(128));
    } catch {
      this.violation("ERR_ZMTP_INVALID_METADATA", "Malformed metadata in INITIATE");
    }
    this.key = key;
    this.authenticate(clientKey);
  }

  private authenticate(clientKey: Uint8Array): void {
    const { zapDomain, zapEnforceDomain } = this.setup;
    // libzmq: no domain with enforcement on means no ZAP at all.
    if (zapDomain === "" && zapEnforceDomain) {
      this.accept();
      return;
    }
    this.state = "zap";
    const pending = askZap(this.setup, "CURVE", [clientKey], (outcome) => this.onZap(outcome));
    if (pending === undefined) {
      if (zapEnforceDomain) {
        this.refuse({ kind: "other" }, "No ZAP handler and zapEnforceDomain is set");
      }
      this.accept();
      return;
    }
    this.pending = pending;
  }

  private onZap(outcome: ZapOutcome): void {
    this.pending = undefined;
    switch (outcome.kind) {
      case "ok":
        this.userId = outcome.userId;
        this.zapMetadata = outcome.metadata;
        this.accept();
        return;
      case "denied":
        this.deny(outcome.status);
        return;
      case "invalid":
        this.markFailed({ kind: "protocol", protocolError: outcome.protocolError });
        return;
    }
  }

  /** READY: short nonce + Box[metadata](S'->C'). */
  private accept(): void {
    const key = this.key!;
    const short = this.ourNonce.next();
    const box = this.shared.crypto.seal(
      encodeProperties(this.setup),
      nonce(PREFIX.READY, short),
      key,
    );
    const data = new Uint8Array(SHORT_NONCE_SIZE + box.length);
    data.set(short);
    data.set(box, SHORT_NONCE_SIZE);
    this.send(encodeCommand(COMMAND.READY, data));
    this.setPeerProperties(this.properties, this.zapMetadata);
    this.box = new MessageBox(
      this.shared.crypto,
      key,
      PREFIX.MESSAGE_S,
      PREFIX.MESSAGE_C,
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
