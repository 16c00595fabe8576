/**
 * The ZMTP 3.x greeting (RFC 23 §3.2 "Greeting", RFC 37 §3.2) and detection of older peers
 * (RFC 23 "Backwards Interoperability").
 *
 * Layout (64 bytes): signature `ff <8 bytes padding> 7f` (10), major (1), minor (1), mechanism
 * NUL-padded (20), as-server (1), filler (31 zero bytes).
 *
 * zmtp speaks ZMTP 3.x only. A ZMTP 1.0 or 2.0 peer is detected from the first 11 bytes and refused
 * with `ZmqError("ENOCOMPATPROTO")`; `legacyRevision` tells the caller which version it was.
 */
import { ZmqError } from "@zmtp/spec";
import { isAscii } from "./text";

export const SIGNATURE_SIZE = 10;
export const GREETING_SIZE = 64;
/** Offset of the major version byte ("revision" in ZMTP 2.0 terms). */
const MAJOR_OFFSET = 10;
const MINOR_OFFSET = 11;
const MECHANISM_OFFSET = 12;
/** The mechanism field is 20 bytes, NUL-padded (RFC 23 §3.2). */
export const MECHANISM_SIZE = 20;
const AS_SERVER_OFFSET = 32;

export interface Greeting {
  readonly major: number;
  readonly minor: number;
  readonly mechanism: string;
  readonly asServer: boolean;
}

export interface EncodeGreetingOptions {
  /** Mechanism name, ASCII, 1-20 characters (`NULL`, `PLAIN`, `CURVE`). */
  mechanism: string;
  /**
   * The as-server byte (RFC 23 §3.2); false for NULL. libzmq 4.3 always sends 0 here, even as a
   * PLAIN or CURVE server, so a peer's role must not be inferred from it.
   */
  asServer: boolean;
  /** Minor version: 1 for ZMTP 3.1 (default), 0 to announce 3.0. */
  minor?: number;
}

/**
 * The full 64-byte ZMTP 3.x greeting as libzmq sends it: ff 00 00 00 00 00 00 00 01 7f, major 3,
 * minor (default 1), mechanism NUL-padded to 20, as-server byte, 31 zero bytes.
 *
 * The padding is insignificant (RFC 23 §3.2); libzmq puts identity length + 1 there for ZMTP 1.0
 * peers, which is `01` for the empty identity, so zmtp sends the same bytes.
 */
export function encodeGreeting(options: EncodeGreetingOptions): Uint8Array {
  const { mechanism, asServer } = options;
  const minor = options.minor ?? 1;
  if (mechanism.length === 0 || mechanism.length > MECHANISM_SIZE || !isAscii(mechanism)) {
    throw new ZmqError("EINVAL", `Mechanism name must be 1-20 ASCII characters: "${mechanism}"`);
  }
  if (!Number.isInteger(minor) || minor < 0 || minor > 255) {
    throw new ZmqError("EINVAL", `Greeting minor version must be 0-255: ${minor}`);
  }
  const greeting = new Uint8Array(GREETING_SIZE);
  greeting[0] = 0xff;
  greeting[8] = 0x01;
  greeting[9] = 0x7f;
  greeting[MAJOR_OFFSET] = 3;
  greeting[MINOR_OFFSET] = minor;
  for (let index = 0; index < mechanism.length; index++) {
    greeting[MECHANISM_OFFSET + index] = mechanism.charCodeAt(index);
  }
  greeting[AS_SERVER_OFFSET] = asServer ? 1 : 0;
  return greeting;
}

/**
 * Incremental greeting parser: feed arbitrary chunks.
 *
 * Checks happen as soon as the byte they need arrives, so a caller following the RFC 23
 * "send signature, read signature" dance learns early:
 * - byte 0 not 0xff: EPROTO (not a ZMTP peer zmtp can talk to);
 * - byte 9 with its low bit clear: a ZMTP 1.0 peer (RFC 23 backwards interoperability);
 * - byte 10 (revision) 0, 1 or 2: a ZMTP 1.0 (0, as libzmq numbers it) or ZMTP 2.0 (1, 2) peer.
 * Legacy peers are refused with ENOCOMPATPROTO after `legacyRevision` is set.
 *
 * Versions above 3 are accepted as 3.x (RFC 23 §3.2). As libzmq does, a non-zero minor means 3.1
 * and a zero minor 3.0, whatever the major; `greeting.major` is therefore always 3 and
 * `greeting.minor` 0 or 1, while `major` keeps the raw byte.
 *
 * After a throw the decoder stays failed and throws the same error again.
 */
export class GreetingDecoder {
  readonly #bytes = new Uint8Array(GREETING_SIZE);
  #received = 0;
  #greeting: Greeting | undefined;
  #legacyRevision: number | undefined;
  #error: ZmqError | undefined;

  /**
   * Consumes bytes from chunk (at most what the greeting needs) and returns how many it
   * consumed. Throws EPROTO on a bad signature and ENOCOMPATPROTO for ZMTP 1.0 / 2.0 peers.
   */
  push(chunk: Uint8Array): number {
    if (this.#error !== undefined) throw this.#error;
    const count = Math.min(chunk.length, GREETING_SIZE - this.#received);
    if (count === 0) return 0;
    const before = this.#received;
    this.#bytes.set(chunk.subarray(0, count), before);
    this.#received += count;
    try {
      this.#check(before);
    } catch (error) {
      this.#error = error as ZmqError;
      throw error;
    }
    return count;
  }

  /** True once the whole 64-byte 3.x greeting was read. */
  get done(): boolean {
    return this.#greeting !== undefined;
  }

  /** The parsed greeting once done. */
  get greeting(): Greeting | undefined {
    return this.#greeting;
  }

  /** The peer's major version once byte 10 has arrived (undefined before). */
  get major(): number | undefined {
    return this.#received > MAJOR_OFFSET ? this.#bytes[MAJOR_OFFSET] : undefined;
  }

  /**
   * Set when the peer was detected as pre-3.0, just before push throws ENOCOMPATPROTO:
   * 0 for ZMTP 1.0 (no revision, or revision 0), 1 or 2 for ZMTP 2.0.
   */
  get legacyRevision(): number | undefined {
    return this.#legacyRevision;
  }

  /** Bytes of the greeting received so far. */
  get received(): number {
    return this.#received;
  }

  #check(before: number): void {
    const bytes = this.#bytes;
    const received = this.#received;
    // RFC 23 §3.2: the signature starts with 0xff.
    if (before === 0 && bytes[0] !== 0xff) {
      throw new ZmqError(
        "EPROTO",
        `Bad ZMTP signature: first byte 0x${hex(bytes[0])}, expected 0xff`,
      );
    }
    // RFC 23 backwards interoperability: byte 9 with the low bit clear is a ZMTP 1.0 long length.
    if (before < SIGNATURE_SIZE && received >= SIGNATURE_SIZE && ((bytes[9] ?? 0) & 0x01) === 0) {
      this.#legacyRevision = 0;
      throw new ZmqError(
        "ENOCOMPATPROTO",
        "Peer speaks ZMTP 1.0 (RFC 13); zmtp supports ZMTP 3.x only",
      );
    }
    if (before <= MAJOR_OFFSET && received > MAJOR_OFFSET) {
      const revision = bytes[MAJOR_OFFSET] ?? 0;
      if (revision < 3) {
        this.#legacyRevision = revision;
        const version = revision === 0 ? "ZMTP 1.0 (RFC 13)" : "ZMTP 2.0 (RFC 15)";
        throw new ZmqError(
          "ENOCOMPATPROTO",
          `Peer speaks ${version}, revision ${revision}; zmtp supports ZMTP 3.x only`,
        );
      }
    }
    if (received === GREETING_SIZE) this.#greeting = parse(bytes);
  }
}

function parse(bytes: Uint8Array): Greeting {
  let end = MECHANISM_OFFSET + MECHANISM_SIZE;
  while (end > MECHANISM_OFFSET && bytes[end - 1] === 0) end--;
  let mechanism = "";
  for (let index = MECHANISM_OFFSET; index < end; index++) {
    mechanism += String.fromCharCode(bytes[index] ?? 0);
  }
  return {
    major: 3,
    minor: bytes[MINOR_OFFSET] === 0 ? 0 : 1,
    mechanism,
    asServer: bytes[AS_SERVER_OFFSET] !== 0,
  };
}

function hex(byte: number | undefined): string {
  return (byte ?? 0).toString(16).padStart(2, "0");
}
