/** Test helpers: a recording / replaying crypto, a counting spy, and setups for mechanisms. */
import type { MechanismSetup, SecurityOptions, ZapClient } from "@zmtp/spec";
import { type CurveCrypto, defaultCrypto } from "../src/curve/index";

export function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString("hex");
}

export function unhex(text: string): Uint8Array {
  return new Uint8Array(Buffer.from(text, "hex"));
}

/** The required primitives (the optional fast paths are left out, so MessageBox uses these). */
type Primitive = "sharedKey" | "publicKey" | "seal" | "open" | "randomBytes";

/** Counts calls per primitive; wraps `base`. */
export interface CryptoSpy extends CurveCrypto {
  readonly calls: Record<Primitive, number>;
  reset(): void;
}

export function spyCrypto(base: CurveCrypto = defaultCrypto): CryptoSpy {
  const calls: Record<Primitive, number> = {
    sharedKey: 0,
    publicKey: 0,
    seal: 0,
    open: 0,
    randomBytes: 0,
  };
  return {
    calls,
    reset() {
      for (const key of Object.keys(calls) as Primitive[]) calls[key] = 0;
    },
    sharedKey(publicKey, secretKey) {
      calls.sharedKey++;
      return base.sharedKey(publicKey, secretKey);
    },
    publicKey(secretKey) {
      calls.publicKey++;
      return base.publicKey(secretKey);
    },
    seal(message, nonce, key) {
      calls.seal++;
      return base.seal(message, nonce, key);
    },
    open(box, nonce, key) {
      calls.open++;
      return base.open(box, nonce, key);
    },
    randomBytes(length) {
      calls.randomBytes++;
      return base.randomBytes(length);
    },
  };
}

/** Records every random chunk it hands out (hex), for vectors. */
export function recordingCrypto(record: string[]): CurveCrypto {
  return {
    ...defaultCrypto,
    randomBytes(length) {
      const bytes = defaultCrypto.randomBytes(length);
      record.push(hex(bytes));
      return bytes;
    },
  };
}

/** Hands out recorded random chunks in order. */
export function replayingCrypto(record: readonly string[]): CurveCrypto {
  let next = 0;
  return {
    ...defaultCrypto,
    randomBytes(length) {
      const bytes = unhex(record[next++] ?? "");
      if (bytes.length !== length) throw new Error(`replay: wanted ${length} random bytes`);
      return bytes;
    },
  };
}

export function setupFor(
  asServer: boolean,
  security: SecurityOptions,
  extra: Partial<MechanismSetup> = {},
): MechanismSetup {
  return {
    socketType: asServer ? "REP" : "REQ",
    asServer,
    security,
    properties: new Map([["Socket-Type", new TextEncoder().encode(asServer ? "REP" : "REQ")]]),
    peerAddress: "127.0.0.1",
    zapDomain: "",
    zapEnforceDomain: false,
    zap: undefined as ZapClient | undefined,
    ...extra,
  };
}
