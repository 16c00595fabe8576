/**
 * `@zmtp/security/curve`: CURVE (RFC 25 over RFC 26 CurveZMQ). A subpath of its own so that
 * PLAIN and NULL users never load the cryptography.
 */

import { z85Encode } from "@zmtp/codec";
import type { MechanismFactory } from "@zmtp/spec";
import { curveKeyBytes, curveKeyText } from "../keys";
import { CookieJar, type CookieOptions } from "./cookie";
import { type CurveCrypto, defaultCrypto } from "./crypto";
import { CurveClient } from "./curve-client";
import { CurveServer, type CurveServerShared } from "./curve-server";

export { COOKIE_SIZE, type CookieContents, CookieJar, type CookieOptions } from "./cookie";
export { type CurveCrypto, defaultCrypto } from "./crypto";
export { CurveClient } from "./curve-client";
export { CurveServer, type CurveServerShared } from "./curve-server";
export { MessageBox, MessageBoxError } from "./message-box";
export { nonce, PeerNonce, PREFIX, ShortNonce } from "./nonce";
export {
  HSALSA20_INPUT_SIZE,
  hsalsa20,
  poly1305Tag,
  SECRETBOX_KEY_SIZE,
  SECRETBOX_MAC_SIZE,
  SECRETBOX_NONCE_SIZE,
  type SecretboxImplementation,
  secretboxImplementation,
  secretboxOpen,
  secretboxOpenAt,
  secretboxOpenSplit,
  secretboxSeal,
  secretboxSealInPlace,
  secretboxSealInto,
  secretboxSealSplit,
} from "./secretbox";

export interface CurveOptions {
  /** The primitives (defaults: @noble/curves X25519 and our XSalsa20-Poly1305, `./secretbox`). */
  readonly crypto?: CurveCrypto;
  /** Cookie key rotation (RFC 26: about 60 s) and the clock. */
  readonly cookie?: CookieOptions;
}

/** A CURVE MechanismFactory; each has its own cookie key. */
export function createCurve(options: CurveOptions = {}): MechanismFactory {
  const crypto = options.crypto ?? defaultCrypto;
  const publicKeys = new Map<string, Uint8Array>();
  const shared: CurveServerShared = {
    crypto,
    cookies: new CookieJar(crypto, options.cookie),
    publicKeyOf(secretKey) {
      const id = z85Encode(secretKey);
      let key = publicKeys.get(id);
      if (key === undefined) {
        key = crypto.publicKey(secretKey);
        if (publicKeys.size > 64) publicKeys.clear();
        publicKeys.set(id, key);
      }
      return key;
    },
  };
  return {
    name: "CURVE",
    create: (setup) =>
      setup.asServer ? new CurveServer(setup, shared) : new CurveClient(setup, crypto),
  };
}

/** CURVE with the default primitives. */
export const curve: MechanismFactory = createCurve();

export interface CurveKeyPair {
  /** Z85, 40 characters. */
  readonly publicKey: string;
  /** Z85, 40 characters. */
  readonly secretKey: string;
}

/** A new permanent key pair as Z85 text (zeromq.js `curveKeyPair()`, zmq_curve_keypair). */
export function curveKeyPair(crypto: CurveCrypto = defaultCrypto): CurveKeyPair {
  const secret = crypto.randomBytes(32);
  return { publicKey: curveKeyText(crypto.publicKey(secret)), secretKey: curveKeyText(secret) };
}

/** The public key of a secret key, Z85 (zmq_curve_public). */
export function curvePublicKey(secretKey: string | Uint8Array, crypto = defaultCrypto): string {
  return curveKeyText(crypto.publicKey(curveKeyBytes(secretKey)));
}
