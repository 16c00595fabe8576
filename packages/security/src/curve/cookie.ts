/**
 * The server cookie (RFC 26 §"The WELCOME Command"): Box[C' + s'](K) under a symmetric cookie
 * key K that only the server knows, so the server keeps no state between HELLO and INITIATE.
 * K rotates every `lifetime` ms (60 s by default) and the previous K is still accepted until the
 * next rotation: a cookie lives between one and two lifetimes. A cookie is accepted once (RFC 26
 * asks the server to forget K on a valid INITIATE; with a shared K it remembers the cookie).
 */

import type { CurveCrypto } from "./crypto";
import { LONG_NONCE_SIZE, nonce, PREFIX } from "./nonce";

export const COOKIE_SIZE = 96;

interface CookieKey {
  readonly key: Uint8Array;
  readonly since: number;
  /** Nonces of cookies already used with this key. */
  readonly used: Set<string>;
}

export interface CookieOptions {
  /** ms between key rotations (RFC 26: "about 60 seconds"). */
  readonly lifetime?: number;
  /** The clock, injectable for tests. */
  readonly now?: () => number;
}

export interface CookieContents {
  readonly clientTransientKey: Uint8Array;
  readonly serverTransientSecret: Uint8Array;
}

function keyOf(bytes: Uint8Array): string {
  let text = "";
  for (const byte of bytes) text += byte.toString(16).padStart(2, "0");
  return text;
}

export class CookieJar {
  private current: CookieKey | undefined;
  private previous: CookieKey | undefined;
  private readonly lifetime: number;
  private readonly now: () => number;

  constructor(
    private readonly crypto: CurveCrypto,
    options: CookieOptions = {},
  ) {
    this.lifetime = options.lifetime ?? 60_000;
    this.now = options.now ?? Date.now;
  }

  private rotate(): void {
    const now = this.now();
    if (this.current !== undefined && now - this.current.since < this.lifetime) return;
    const keep =
      this.current !== undefined && now - this.current.since < 2 * this.lifetime
        ? this.current
        : undefined;
    this.previous = keep;
    this.current = { key: this.crypto.randomBytes(32), since: now, used: new Set() };
  }

  /** cookie = 16-byte long nonce + Box[C' + s'](K), 96 bytes. */
  seal(clientTransientKey: Uint8Array, serverTransientSecret: Uint8Array): Uint8Array {
    this.rotate();
    const tail = this.crypto.randomBytes(LONG_NONCE_SIZE);
    const plain = new Uint8Array(64);
    plain.set(clientTransientKey);
    plain.set(serverTransientSecret, 32);
    const box = this.crypto.seal(plain, nonce(PREFIX.COOKIE, tail), this.current!.key);
    const cookie = new Uint8Array(COOKIE_SIZE);
    cookie.set(tail);
    cookie.set(box, LONG_NONCE_SIZE);
    return cookie;
  }

  /**
   * Opens a cookie made with the current or the previous key, once. Undefined for a forged,
   * stale (key gone) or already used cookie. Symmetric crypto only: no scalar multiplication.
   */
  open(cookie: Uint8Array): CookieContents | undefined {
    if (cookie.length !== COOKIE_SIZE) return undefined;
    this.rotate();
    const tail = cookie.subarray(0, LONG_NONCE_SIZE);
    const full = nonce(PREFIX.COOKIE, tail);
    for (const generation of [this.current, this.previous]) {
      if (generation === undefined) continue;
      const plain = this.crypto.open(cookie.subarray(LONG_NONCE_SIZE), full, generation.key);
      if (plain === undefined) continue;
      const id = keyOf(tail);
      if (generation.used.has(id)) return undefined;
      generation.used.add(id);
      return {
        clientTransientKey: plain.subarray(0, 32),
        serverTransientSecret: plain.subarray(32, 64),
      };
    }
    return undefined;
  }
}
