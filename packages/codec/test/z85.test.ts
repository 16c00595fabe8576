/** Z85 (RFC 32). */
import { isZmqError } from "@zmtp/spec";
import { describe, expect, it } from "vitest";
import { z85Decode, z85Encode } from "../src";
import { fromHex, toHex } from "./helpers/hex";

function code(action: () => unknown): string | undefined {
  try {
    action();
  } catch (error) {
    return isZmqError(error) ? error.code : "not a ZmqError";
  }
  return undefined;
}

describe("Z85 (RFC 32)", () => {
  it("encodes and decodes the RFC 32 test vector", () => {
    expect(z85Encode(fromHex("864FD26FB559F75B"))).toBe("HelloWorld");
    expect(toHex(z85Decode("HelloWorld"))).toBe("864fd26fb559f75b");
  });

  it("handles the empty input and the extremes", () => {
    expect(z85Encode(new Uint8Array())).toBe("");
    expect(z85Decode("")).toEqual(new Uint8Array());
    expect(z85Encode(fromHex("00000000"))).toBe("00000");
    expect(z85Encode(fromHex("ffffffff"))).toBe("%nSc0");
    expect(toHex(z85Decode("%nSc0"))).toBe("ffffffff");
  });

  it("round-trips a 32-byte CURVE key as 40 characters", () => {
    const key = Uint8Array.from({ length: 32 }, (_, index) => index * 8);
    const text = z85Encode(key);
    expect(text).toHaveLength(40);
    expect(z85Decode(text)).toEqual(key);
  });

  it("EINVAL on a length not a multiple of 4 (encode) or 5 (decode)", () => {
    expect(code(() => z85Encode(new Uint8Array(3)))).toBe("EINVAL");
    expect(code(() => z85Decode("Hell"))).toBe("EINVAL");
  });

  it("EINVAL on a character outside the alphabet", () => {
    for (const text of ["Hell~", "Hell ", 'Hell"', "Hell'", "Hell,", "Hellé", "Hell;", "Hell\\"]) {
      expect(code(() => z85Decode(text))).toBe("EINVAL");
    }
  });

  it("EINVAL on a group above 2^32-1", () => {
    expect(code(() => z85Decode("%nSc1"))).toBe("EINVAL");
    expect(code(() => z85Decode("#####"))).toBe("EINVAL");
  });
});
