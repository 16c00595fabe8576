/**
 * CURVE against hostile input: sizes, small-order keys, stale / forged / reused cookies and bad
 * vouches are refused with libzmq's protocol errors, and before the crypto they make unneeded
 * (a counting spy on the primitives proves the order). Tampered and replayed MESSAGE boxes throw.
 */
import { encodeCommand } from "@zmtp/codec";
import { isZmqError, type Mechanism } from "@zmtp/spec";
import { describe, expect, it } from "vitest";
import { createCurve, curveKeyPair, defaultCrypto, MessageBoxError } from "../src/curve/index";
import { curveKeyBytes, isWeakCurveKey } from "../src/index";
import { type CryptoSpy, setupFor, spyCrypto } from "./helpers";

const serverKeys = curveKeyPair();
const clientKeys = curveKeyPair();

function client(spy: CryptoSpy = spyCrypto(), serverKey = serverKeys.publicKey): Mechanism {
  return createCurve({ crypto: spy }).create(
    setupFor(false, {
      curveServerKey: curveKeyBytes(serverKey),
      curvePublicKey: curveKeyBytes(clientKeys.publicKey),
      curveSecretKey: curveKeyBytes(clientKeys.secretKey),
    }),
  );
}

function serverFactory(spy: CryptoSpy, now = () => 0) {
  const factory = createCurve({ crypto: spy, cookie: { now } });
  return () =>
    factory.create(setupFor(true, { curveSecretKey: curveKeyBytes(serverKeys.secretKey) }));
}

/** Runs the handshake to the end; returns both sides and the commands exchanged. */
function handshake(server: Mechanism, peer: Mechanism = client()) {
  const hello = peer.nextCommand()!;
  server.receiveCommand(hello);
  const welcome = server.nextCommand()!;
  peer.receiveCommand(welcome);
  const initiate = peer.nextCommand()!;
  server.receiveCommand(initiate);
  const ready = server.nextCommand()!;
  peer.receiveCommand(ready);
  return { client: peer, server, hello, welcome, initiate, ready };
}

function refusal(run: () => void): { code: string; failure: unknown } {
  try {
    run();
  } catch (error) {
    if (!isZmqError(error)) throw error;
    return { code: error.code, failure: undefined };
  }
  throw new Error("not refused");
}

describe("CURVE handshake", () => {
  it("completes and carries messages both ways, with MORE and COMMAND in the box", () => {
    const { client: c, server: s } = handshake(serverFactory(spyCrypto())());
    expect(c.status).toBe("ready");
    expect(s.status).toBe("ready");
    const boxed = c.encode!({ more: true, command: false, body: new Uint8Array([1, 2, 3]) });
    expect(boxed.more).toBe(false);
    expect(s.decode!(boxed)).toEqual({
      more: true,
      command: false,
      body: new Uint8Array([1, 2, 3]),
    });
    const ping = s.encode!({ more: false, command: true, body: new Uint8Array([4]) });
    expect(c.decode!(ping)).toEqual({ more: false, command: true, body: new Uint8Array([4]) });
  });

  it("fails with ERR_ZMTP_CRYPTOGRAPHIC on the server when the client has the wrong server key", () => {
    const server = serverFactory(spyCrypto())();
    const wrong = client(spyCrypto(), curveKeyPair().publicKey);
    expect(refusal(() => server.receiveCommand(wrong.nextCommand()!)).code).toBe("EPROTO");
    expect(server.status).toBe("error");
    expect(server.failure).toEqual({ kind: "protocol", protocolError: "ERR_ZMTP_CRYPTOGRAPHIC" });
  });
});

describe("hostile HELLO", () => {
  const spy = spyCrypto();
  const newServer = serverFactory(spy);
  const hello = () => client().nextCommand()!;

  function expectRefused(body: Uint8Array, protocolError: string, sharedKeys = 0) {
    const server = newServer();
    spy.reset();
    expect(refusal(() => server.receiveCommand(body)).code).toBe("EPROTO");
    expect(server.failure).toEqual({ kind: "protocol", protocolError });
    expect(spy.calls.sharedKey).toBe(sharedKeys);
    expect(server.nextCommand()).toBeUndefined();
  }

  it("of the wrong size, before any crypto", () => {
    const good = hello();
    expectRefused(good.subarray(0, 199), "ERR_ZMTP_MALFORMED_COMMAND_HELLO");
    const long = new Uint8Array(201);
    long.set(good);
    expectRefused(long, "ERR_ZMTP_MALFORMED_COMMAND_HELLO");
    expectRefused(encodeCommand("HELLO"), "ERR_ZMTP_MALFORMED_COMMAND_HELLO");
  });

  it("with an unknown version, before any crypto", () => {
    const body = hello();
    body[6] = 2;
    expectRefused(body, "ERR_ZMTP_MALFORMED_COMMAND_HELLO");
  });

  it("with an all-zero or small-order C', before the scalar multiplication", () => {
    for (const point of [
      new Uint8Array(32),
      Uint8Array.from([1, ...new Array(31).fill(0)]),
      Uint8Array.from(
        Buffer.from("e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800", "hex"),
      ),
      Uint8Array.from(
        Buffer.from("ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", "hex"),
      ),
      // p - 1 with the top bit set: X25519 ignores that bit.
      Uint8Array.from(
        Buffer.from("ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff", "hex"),
      ),
    ]) {
      expect(isWeakCurveKey(point)).toBe(true);
      const body = hello();
      body.set(point, 80);
      expectRefused(body, "ERR_ZMTP_CRYPTOGRAPHIC");
    }
    expect(isWeakCurveKey(curveKeyBytes(clientKeys.publicKey))).toBe(false);
  });

  it("with a zero short nonce, before the scalar multiplication", () => {
    const body = hello();
    body.fill(0, 112, 120);
    expectRefused(body, "ERR_ZMTP_INVALID_SEQUENCE");
  });

  it("with a box that does not open: one scalar multiplication, no WELCOME", () => {
    const body = hello();
    body[150]! ^= 1;
    expectRefused(body, "ERR_ZMTP_CRYPTOGRAPHIC", 1);
  });

  it("is not a command the server expects", () => {
    expectRefused(encodeCommand("READY"), "ERR_ZMTP_UNEXPECTED_COMMAND");
  });
});

describe("hostile INITIATE", () => {
  function start(now = () => 0) {
    const spy = spyCrypto();
    const newServer = serverFactory(spy, now);
    const server = newServer();
    const peer = client();
    server.receiveCommand(peer.nextCommand()!);
    peer.receiveCommand(server.nextCommand()!);
    const initiate = peer.nextCommand()!;
    spy.reset();
    return { spy, server, peer, initiate, newServer };
  }

  function expectRefused(
    server: Mechanism,
    body: Uint8Array,
    protocolError: string,
    spy: CryptoSpy,
    sharedKeys: number,
  ) {
    spy.reset();
    expect(refusal(() => server.receiveCommand(body)).code).toBe("EPROTO");
    expect(server.failure).toEqual({ kind: "protocol", protocolError });
    expect(spy.calls.sharedKey).toBe(sharedKeys);
    expect(server.nextCommand()).toBeUndefined();
  }

  it("too short, before any crypto", () => {
    const { server, initiate, spy } = start();
    expectRefused(server, initiate.subarray(0, 256), "ERR_ZMTP_MALFORMED_COMMAND_INITIATE", spy, 0);
    expect(spy.calls.open).toBe(0);
  });

  it("with a forged cookie: refused by the cookie's secretbox, no scalar multiplication", () => {
    const { server, initiate, spy } = start();
    initiate[40]! ^= 0xff;
    expectRefused(server, initiate, "ERR_ZMTP_CRYPTOGRAPHIC", spy, 0);
  });

  it("with a stale cookie (key rotated twice): no scalar multiplication", () => {
    let clock = 0;
    const { server, initiate, spy } = start(() => clock);
    clock = 120_001;
    expectRefused(server, initiate, "ERR_ZMTP_CRYPTOGRAPHIC", spy, 0);
  });

  it("with a cookie one rotation old: still accepted", () => {
    let clock = 0;
    const { server, initiate } = start(() => clock);
    clock = 61_000;
    server.receiveCommand(initiate);
    expect(server.status).toBe("ready");
  });

  it("replayed on another connection: the cookie is used, refused without scalar multiplication", () => {
    const spy = spyCrypto();
    const newServer = serverFactory(spy);
    const { hello, initiate } = handshake(newServer());
    // An attacker replays the captured HELLO and INITIATE on a fresh connection.
    const other = newServer();
    other.receiveCommand(hello);
    other.nextCommand();
    spy.reset();
    expect(refusal(() => other.receiveCommand(initiate)).code).toBe("EPROTO");
    expect(other.failure).toEqual({ kind: "protocol", protocolError: "ERR_ZMTP_CRYPTOGRAPHIC" });
    expect(spy.calls.sharedKey).toBe(0);
  });

  it("with a small-order permanent key C: refused before the vouch's scalar multiplication", () => {
    const weakSpy = spyCrypto();
    // A client that sends C = 0 (its vouch cannot be right either).
    const server = serverFactory(weakSpy)();
    const peer = createCurve({ crypto: spyCrypto() }).create(
      setupFor(false, {
        curveServerKey: curveKeyBytes(serverKeys.publicKey),
        curvePublicKey: new Uint8Array(32),
        curveSecretKey: curveKeyBytes(clientKeys.secretKey),
      }),
    );
    server.receiveCommand(peer.nextCommand()!);
    peer.receiveCommand(server.nextCommand()!);
    // One scalar multiplication to open INITIATE (C' and s'), none for the vouch.
    expectRefused(server, peer.nextCommand()!, "ERR_ZMTP_CRYPTOGRAPHIC", weakSpy, 1);
  });

  it("with a vouch made by another key: ERR_ZMTP_CRYPTOGRAPHIC after the vouch", () => {
    const spy = spyCrypto();
    const server = serverFactory(spy)();
    const impostor = curveKeyPair();
    const peer = createCurve({ crypto: spyCrypto() }).create(
      setupFor(false, {
        curveServerKey: curveKeyBytes(serverKeys.publicKey),
        // Claims clientKeys' public key but signs the vouch with another secret.
        curvePublicKey: curveKeyBytes(clientKeys.publicKey),
        curveSecretKey: curveKeyBytes(impostor.secretKey),
      }),
    );
    server.receiveCommand(peer.nextCommand()!);
    peer.receiveCommand(server.nextCommand()!);
    expectRefused(server, peer.nextCommand()!, "ERR_ZMTP_CRYPTOGRAPHIC", spy, 2);
  });

  it("with a vouch for another server: ERR_ZMTP_KEY_EXCHANGE", () => {
    // The server's public key in the vouch must be this server's.
    const spy = spyCrypto();
    const otherServer = curveKeyPair();
    const server = createCurve({ crypto: spy }).create(
      setupFor(true, { curveSecretKey: curveKeyBytes(serverKeys.secretKey) }),
    );
    // Build a client whose HELLO targets serverKeys but whose vouch names otherServer: a
    // client normally cannot; forge by swapping the server key after HELLO.
    const security = {
      curveServerKey: curveKeyBytes(serverKeys.publicKey),
      curvePublicKey: curveKeyBytes(clientKeys.publicKey),
      curveSecretKey: curveKeyBytes(clientKeys.secretKey),
    };
    const peer = createCurve({ crypto: spyCrypto() }).create(setupFor(false, security));
    server.receiveCommand(peer.nextCommand()!);
    (peer as unknown as { serverKey: Uint8Array }).serverKey = curveKeyBytes(otherServer.publicKey);
    peer.receiveCommand(server.nextCommand()!);
    expectRefused(server, peer.nextCommand()!, "ERR_ZMTP_KEY_EXCHANGE", spy, 2);
  });
});

describe("MESSAGE boxes", () => {
  function ready() {
    return handshake(serverFactory(spyCrypto())());
  }

  it("tampered: EPROTO with ERR_ZMTP_CRYPTOGRAPHIC", () => {
    const { client: c, server: s } = ready();
    const frame = c.encode!({ more: false, command: false, body: new Uint8Array(10) });
    frame.body[frame.body.length - 1]! ^= 1;
    expect(() => s.decode!(frame)).toThrow(MessageBoxError);
  });

  it("replayed: ERR_ZMTP_INVALID_SEQUENCE, even with a valid box", () => {
    const { client: c, server: s } = ready();
    const frame = c.encode!({ more: false, command: false, body: new Uint8Array(4) });
    s.decode!(frame);
    let error: unknown;
    try {
      s.decode!(frame);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(MessageBoxError);
    expect((error as MessageBoxError).protocolError).toBe("ERR_ZMTP_INVALID_SEQUENCE");
  });

  it("reordered (older nonce after a newer one): refused", () => {
    const { client: c, server: s } = ready();
    const first = c.encode!({ more: false, command: false, body: new Uint8Array(1) });
    const second = c.encode!({ more: false, command: false, body: new Uint8Array(1) });
    s.decode!(second);
    expect(() => s.decode!(first)).toThrow(/replayed/);
  });

  it("too short or not a MESSAGE", () => {
    const { server: s } = ready();
    expect(() =>
      s.decode!({
        more: false,
        command: false,
        body: encodeCommand("MESSAGE", new Uint8Array(24)),
      }),
    ).toThrow(/too short/);
    expect(() => s.decode!({ more: false, command: false, body: encodeCommand("PING") })).toThrow(
      /Expected a MESSAGE/,
    );
  });

  it("the X25519 shared key equals NaCl's crypto_box_beforenm", async () => {
    const nacl = (await import("tweetnacl")).default;
    const a = curveKeyPair();
    const b = curveKeyPair();
    expect(defaultCrypto.sharedKey(curveKeyBytes(b.publicKey), curveKeyBytes(a.secretKey))).toEqual(
      nacl.box.before(curveKeyBytes(b.publicKey), curveKeyBytes(a.secretKey)),
    );
  });
});
