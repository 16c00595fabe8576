/** ZAP (RFC 27) frames, libzmq's reply checks, and the zauth-style policy. */
import { encodeMetadata } from "@zmtp/codec";
import type { ZapRequest } from "@zmtp/spec";
import { describe, expect, it } from "vitest";
import { curveKeyPair } from "../src/curve/index";
import {
  AddressRange,
  curveKeyBytes,
  decodeZapReply,
  decodeZapRequest,
  encodeZapReply,
  encodeZapRequest,
  ZapAuthenticator,
  type ZapDecision,
  ZapProtocolError,
} from "../src/index";

const utf8 = (text: string) => new TextEncoder().encode(text);
const str = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

function request(overrides: Partial<ZapRequest> = {}): ZapRequest {
  return {
    domain: "global",
    address: "127.0.0.1",
    routingId: new Uint8Array(0),
    mechanism: "NULL",
    credentials: [],
    ...overrides,
  };
}

function replyFrames(overrides: Record<number, Uint8Array> = {}, count = 7): Uint8Array[] {
  const frames = [
    new Uint8Array(0),
    utf8("1.0"),
    utf8("7"),
    utf8("200"),
    utf8("OK"),
    utf8("alice"),
    encodeMetadata([["Role", "admin"]]),
  ];
  for (const [index, value] of Object.entries(overrides)) frames[Number(index)] = value;
  return frames.slice(0, count);
}

function protocolError(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (error instanceof ZapProtocolError) return error.protocolError;
    throw error;
  }
  return "none";
}

describe("ZAP frames", () => {
  it("request round trip (RFC 27 layout)", () => {
    const frames = encodeZapRequest(
      utf8("42"),
      request({ mechanism: "PLAIN", credentials: [utf8("u"), utf8("p")] }),
    );
    expect(frames.map(str)).toEqual([
      "",
      "1.0",
      "42",
      "global",
      "127.0.0.1",
      "",
      "PLAIN",
      "u",
      "p",
    ]);
    const decoded = decodeZapRequest(frames);
    expect(str(decoded.requestId)).toBe("42");
    expect(decoded.request.mechanism).toBe("PLAIN");
  });

  it("reply round trip", () => {
    const { requestId, reply } = decodeZapReply(replyFrames());
    expect(str(requestId)).toBe("7");
    expect(reply).toMatchObject({ statusCode: "200", statusText: "OK", userId: "alice" });
    expect(str(reply.metadata.get("role")!)).toBe("admin");
    const again = encodeZapReply(requestId, reply);
    expect(decodeZapReply(again).reply.userId).toBe("alice");
  });

  it("libzmq's checks give its ERR_ZAP_ codes", () => {
    expect(protocolError(() => decodeZapReply(replyFrames({}, 6)))).toBe("ERR_ZAP_MALFORMED_REPLY");
    expect(protocolError(() => decodeZapReply([...replyFrames(), utf8("x")]))).toBe(
      "ERR_ZAP_MALFORMED_REPLY",
    );
    expect(protocolError(() => decodeZapReply(replyFrames({ 0: utf8("x") })))).toBe(
      "ERR_ZAP_UNSPECIFIED",
    );
    expect(protocolError(() => decodeZapReply(replyFrames({ 1: utf8("2.0") })))).toBe(
      "ERR_ZAP_BAD_VERSION",
    );
    for (const status of ["201", "20", "2000", "600", "abc"]) {
      expect(protocolError(() => decodeZapReply(replyFrames({ 3: utf8(status) })))).toBe(
        "ERR_ZAP_INVALID_STATUS_CODE",
      );
    }
    expect(protocolError(() => decodeZapReply(replyFrames({ 6: new Uint8Array([3, 65]) })))).toBe(
      "ERR_ZAP_INVALID_METADATA",
    );
  });
});

describe("address ranges", () => {
  it("IPv4, IPv6, CIDR and IPv4-mapped IPv6", () => {
    expect(AddressRange.parse("10.0.0.0/8")!.contains("10.1.2.3")).toBe(true);
    expect(AddressRange.parse("10.0.0.0/8")!.contains("11.1.2.3")).toBe(false);
    expect(AddressRange.parse("127.0.0.1")!.contains("::ffff:127.0.0.1")).toBe(true);
    expect(AddressRange.parse("192.168.1.0/25")!.contains("192.168.1.127")).toBe(true);
    expect(AddressRange.parse("192.168.1.0/25")!.contains("192.168.1.128")).toBe(false);
    expect(AddressRange.parse("2001:db8::/32")!.contains("2001:db8:1::5")).toBe(true);
    expect(AddressRange.parse("2001:db8::/32")!.contains("2001:db9::5")).toBe(false);
    expect(AddressRange.parse("::1")!.contains("::1")).toBe(true);
    expect(AddressRange.parse("::1")!.contains("127.0.0.1")).toBe(false);
    expect(AddressRange.parse("0.0.0.0/0")!.contains("8.8.8.8")).toBe(true);
    expect(AddressRange.parse("nonsense")).toBeUndefined();
    expect(AddressRange.parse("10.0.0.0/33")).toBeUndefined();
    expect(AddressRange.parse("1.2.3.256")).toBeUndefined();
  });
});

describe("ZapAuthenticator (czmq zauth rules)", () => {
  const client = curveKeyPair();

  it("NULL: allowed unless the address is denied or outside the allow list", () => {
    const auth = new ZapAuthenticator({ deny: ["10.0.0.0/8"] });
    expect(auth.authenticate(request()).statusCode).toBe("200");
    expect(auth.authenticate(request({ address: "10.2.3.4" })).statusCode).toBe("400");
    auth.configure({ allow: ["192.168.0.0/16"], deny: ["192.168.1.1"] });
    expect(auth.authenticate(request()).statusCode).toBe("400");
    // As zauth: with an allow list, the deny list is not consulted.
    expect(auth.authenticate(request({ address: "192.168.1.1" })).statusCode).toBe("200");
    auth.configure({ allowNull: false });
    expect(auth.authenticate(request()).statusCode).toBe("400");
  });

  it("PLAIN: username and password; User-Id is the username", () => {
    const auth = new ZapAuthenticator({ passwords: { admin: "secret" } });
    const ok = auth.authenticate(
      request({ mechanism: "PLAIN", credentials: [utf8("admin"), utf8("secret")] }),
    );
    expect(ok).toMatchObject({ statusCode: "200", userId: "admin" });
    const bad = auth.authenticate(
      request({ mechanism: "PLAIN", credentials: [utf8("admin"), utf8("nope")] }),
    );
    expect(bad).toMatchObject({ statusCode: "400", statusText: "No access", userId: "" });
    expect(
      new ZapAuthenticator().authenticate(
        request({ mechanism: "PLAIN", credentials: [utf8("admin"), utf8("secret")] }),
      ).statusCode,
    ).toBe("400");
  });

  it("CURVE: any, or listed keys with certificate metadata; User-Id is the Z85 key", () => {
    const key = curveKeyBytes(client.publicKey);
    const curve = request({ mechanism: "CURVE", credentials: [key] });
    expect(new ZapAuthenticator().authenticate(curve).statusCode).toBe("400");
    expect(new ZapAuthenticator({ curve: "any" }).authenticate(curve)).toMatchObject({
      statusCode: "200",
      userId: client.publicKey,
    });
    const listed = new ZapAuthenticator({
      curve: [{ publicKey: client.publicKey, metadata: { name: "client-1" } }],
    }).authenticate(curve);
    expect(listed.statusCode).toBe("200");
    expect(str(listed.metadata.get("name")!)).toBe("client-1");
    const other = new ZapAuthenticator({ curve: [curveKeyPair().publicKey] });
    expect(other.authenticate(curve).statusCode).toBe("400");
  });

  it("per-domain policy, decision events and reload", () => {
    const auth = new ZapAuthenticator({
      allowNull: false,
      domains: { open: { allowNull: true } },
    });
    const decisions: ZapDecision[] = [];
    const stop = auth.onDecision((decision) => decisions.push(decision));
    expect(auth.authenticate(request({ domain: "open" })).statusCode).toBe("200");
    expect(auth.authenticate(request({ domain: "closed" })).statusCode).toBe("400");
    expect(decisions.map((d) => [d.domain, d.allowed, d.reason])).toEqual([
      ["open", true, "allowed"],
      ["closed", false, "NULL not allowed"],
    ]);
    auth.configure({});
    expect(auth.authenticate(request({ domain: "closed" })).statusCode).toBe("200");
    stop();
    auth.authenticate(request());
    expect(decisions).toHaveLength(3);
    expect(() => auth.configure({ allow: ["not an address"] })).toThrow(/Not an address/);
    expect(auth.authenticate(request()).statusCode).toBe("200");
  });

  it("handle(): request frames in, reply frames out; 500 for a bad request", () => {
    const auth = new ZapAuthenticator();
    const reply = auth.handle(encodeZapRequest(utf8("9"), request()))!;
    expect(reply.map(str).slice(0, 5)).toEqual(["", "1.0", "9", "200", "OK"]);
    const bad = encodeZapRequest(utf8("9"), request());
    bad[1] = utf8("9.9");
    expect(auth.handle(bad)!.map(str)[3]).toBe("500");
    expect(auth.handle([utf8("x")])).toBeUndefined();
  });
});
