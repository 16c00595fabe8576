import { describe, expect, it } from "vitest";
import { compatiblePeers, isCompatible, SOCKET_TYPES, socketTypeName } from "../src/index";

describe("socket-type compatibility", () => {
  it("follows RFC 23 and libzmq for the classic types", () => {
    const pairs: [string, string][] = [
      ["REQ", "REP"],
      ["REQ", "ROUTER"],
      ["REP", "DEALER"],
      ["DEALER", "DEALER"],
      ["DEALER", "ROUTER"],
      ["ROUTER", "ROUTER"],
      ["PUB", "SUB"],
      ["PUB", "XSUB"],
      ["XPUB", "SUB"],
      ["XPUB", "XSUB"],
      ["PUSH", "PULL"],
      ["PAIR", "PAIR"],
    ];
    for (const [a, b] of pairs) {
      expect(isCompatible(a as "REQ", b)).toBe(true);
      expect(isCompatible(b as "REQ", a)).toBe(true);
    }
    expect(isCompatible("REQ", "REQ")).toBe(false);
    expect(isCompatible("PUB", "PUB")).toBe(false);
    expect(isCompatible("PUSH", "PUSH")).toBe(false);
    expect(isCompatible("PAIR", "pair")).toBe(false);
    expect(compatiblePeers("STREAM")).toEqual([]);
  });

  it("is symmetric over every type", () => {
    const names = Object.keys(SOCKET_TYPES) as (keyof typeof SOCKET_TYPES)[];
    for (const a of names)
      for (const b of names) expect(isCompatible(a, b)).toBe(isCompatible(b, a));
  });

  it("maps libzmq numbers to names", () => {
    expect(socketTypeName(5)).toBe("DEALER");
    expect(socketTypeName(99)).toBeUndefined();
  });
});
