/**
 * MESSAGE boxes (RFC 26 §"The MESSAGE Command", as libzmq sends them): every frame after the
 * handshake travels as "\x07MESSAGE" + short nonce (8) + Box[flags + body](C'->S' or S'->C').
 * The flags byte carries bit 0 MORE and, in libzmq, bit 1 COMMAND (so PING, SUBSCRIBE and the
 * like are boxed too). The outer ZMTP frame carries no flags, as libzmq writes it.
 *
 * A box that fails to open, a nonce not above the last one (a replay) or a short frame throws
 * EPROTO, and the engine drops the connection; no ERROR is sent (RFC 26: "MUST NOT").
 *
 * Cost per frame: `encodeInto` (what the engine calls) reserves the frame in the engine's batch,
 * writes the header there and seals flags and body into it from where they are
 * (`CurveCrypto.sealSplit`); `encode` makes one array, the final frame, writes the header, the
 * flags and the body into it and seals it in place (`CurveCrypto.sealInPlace`). Decode opens the box where it
 * lies, taking the flags byte and writing the body into one array from `allocate`
 * (`CurveCrypto.openSplit`; the engine passes its connection's allocator, so on Node the body
 * is a Buffer from Node's pool and the socket API hands it on as it is). A CurveCrypto without
 * `openSplit` goes through `openAt` (a view past the flags), without that through `open`.
 */
import type { FrameSink, WireFrame } from "@zmtp/spec";
import { ZmqError } from "@zmtp/spec";
import type { CurveCrypto } from "./crypto";
import { NONCE_SIZE, nonce, type PeerNonce, SHORT_NONCE_SIZE, type ShortNonce } from "./nonce";
import { allocate as allocateZeroed } from "./slab";

/** "\x07MESSAGE" */
const MESSAGE = new Uint8Array([7, 77, 69, 83, 83, 65, 71, 69]);
const HEADER = MESSAGE.length + SHORT_NONCE_SIZE;
const MAC = 16;
/** Where the boxed flags byte starts in a MESSAGE frame: header, then the MAC. */
const PLAIN = HEADER + MAC;
/** The short nonce's place in the full 24-byte nonce (after the 16-byte prefix). */
const NONCE_TAIL = NONCE_SIZE - SHORT_NONCE_SIZE;
const FLAG_MORE = 1;
const FLAG_COMMAND = 2;
/** The ZMTP frame flags `encodeInto` takes (RFC 23 §3.3). */
const WIRE_MORE = 1;
const WIRE_COMMAND = 4;

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
  /** Full nonces for the fast paths: the prefix once, the short nonce copied in per frame. */
  private readonly encodeNonce = new Uint8Array(NONCE_SIZE);
  private readonly decodeNonce = new Uint8Array(NONCE_SIZE);

  constructor(
    private readonly crypto: CurveCrypto,
    /** crypto_box_beforenm of the two transient keys. */
    private readonly key: Uint8Array,
    private readonly encodePrefix: Uint8Array,
    private readonly decodePrefix: Uint8Array,
    private readonly ourNonce: ShortNonce,
    private readonly peerNonce: PeerNonce,
    /** Memory for decoded bodies; its contents may be anything (every byte is written). */
    private readonly allocate: (size: number) => Uint8Array = allocateZeroed,
  ) {
    this.encodeNonce.set(encodePrefix);
    this.decodeNonce.set(decodePrefix);
  }

  encode(frame: WireFrame): WireFrame {
    const length = frame.body.length;
    // "\x07MESSAGE" + short nonce + MAC + box[flags + body], built in place.
    const body = allocateZeroed(PLAIN + 1 + length);
    for (let index = 0; index < MESSAGE.length; index++) body[index] = MESSAGE[index]!;
    this.ourNonce.writeTo(body, MESSAGE.length);
    body[PLAIN] = (frame.more ? FLAG_MORE : 0) | (frame.command ? FLAG_COMMAND : 0);
    body.set(frame.body, PLAIN + 1);
    if (this.crypto.sealInPlace !== undefined) {
      const full = this.encodeNonce;
      for (let index = 0; index < SHORT_NONCE_SIZE; index++) {
        full[NONCE_TAIL + index] = body[MESSAGE.length + index]!;
      }
      this.crypto.sealInPlace(body, HEADER, 1 + length, full, this.key);
    } else {
      const short = body.subarray(MESSAGE.length, HEADER);
      const box = this.crypto.seal(body.subarray(PLAIN), nonce(this.encodePrefix, short), this.key);
      body.set(box, HEADER);
    }
    return { more: false, command: false, body };
  }

  /**
   * `encode` written straight into the engine's batch: the header and the short nonce go into
   * the frame `sink` reserves, and the flags byte and `body` are sealed from where they are into
   * the bytes after them (`CurveCrypto.sealSplit`), with no array of its own and no second copy.
   * `flags` are the ZMTP frame's (MORE = 1, COMMAND = 4).
   */
  encodeInto(body: Uint8Array, flags: number, sink: FrameSink): void {
    const boxed =
      ((flags & WIRE_MORE) !== 0 ? FLAG_MORE : 0) |
      ((flags & WIRE_COMMAND) !== 0 ? FLAG_COMMAND : 0);
    if (this.crypto.sealSplit === undefined) {
      const frame = this.encode({
        more: (boxed & FLAG_MORE) !== 0,
        command: (boxed & FLAG_COMMAND) !== 0,
        body,
      });
      const at = sink.reserveFrame(frame.body.length, 0);
      sink.buffer.set(frame.body, at);
      return;
    }
    const at = sink.reserveFrame(PLAIN + 1 + body.length, 0);
    const output = sink.buffer;
    for (let index = 0; index < MESSAGE.length; index++) output[at + index] = MESSAGE[index]!;
    this.ourNonce.writeTo(output, at + MESSAGE.length);
    const full = this.encodeNonce;
    for (let index = 0; index < SHORT_NONCE_SIZE; index++) {
      full[NONCE_TAIL + index] = output[at + MESSAGE.length + index]!;
    }
    this.crypto.sealSplit(boxed, body, full, this.key, output, at + HEADER);
  }

  decode(frame: WireFrame): WireFrame {
    const body = frame.body;
    for (let index = 0; index < MESSAGE.length; index++) {
      if (body[index] !== MESSAGE[index]) {
        throw new MessageBoxError("ERR_ZMTP_UNEXPECTED_COMMAND", "Expected a MESSAGE command");
      }
    }
    if (body.length < PLAIN + 1) {
      throw new MessageBoxError("ERR_ZMTP_MALFORMED_COMMAND_MESSAGE", "MESSAGE too short");
    }
    if (!this.peerNonce.accept(body, MESSAGE.length)) {
      throw new MessageBoxError("ERR_ZMTP_INVALID_SEQUENCE", "MESSAGE nonce replayed");
    }
    const full = this.decodeNonce;
    for (let index = 0; index < SHORT_NONCE_SIZE; index++) {
      full[NONCE_TAIL + index] = body[MESSAGE.length + index]!;
    }
    if (this.crypto.openSplit !== undefined) {
      const output = this.allocate(body.length - PLAIN - 1);
      const flags = this.crypto.openSplit(
        body,
        HEADER,
        body.length - HEADER,
        full,
        this.key,
        output,
      );
      if (flags < 0) {
        throw new MessageBoxError("ERR_ZMTP_CRYPTOGRAPHIC", "MESSAGE box does not open");
      }
      return {
        more: (flags & FLAG_MORE) !== 0,
        command: (flags & FLAG_COMMAND) !== 0,
        body: output,
      };
    }
    let plain: Uint8Array | undefined;
    if (this.crypto.openAt !== undefined) {
      plain = this.crypto.openAt(body, HEADER, body.length - HEADER, full, this.key);
    } else {
      const short = body.subarray(MESSAGE.length, HEADER);
      plain = this.crypto.open(body.subarray(HEADER), nonce(this.decodePrefix, short), this.key);
    }
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
