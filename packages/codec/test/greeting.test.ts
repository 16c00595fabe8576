/** Greeting encoding and parsing (RFC 23 §3.2, RFC 37). */
import { isZmqError } from "@zmtp/spec";
import { describe, expect, it } from "vitest";
import { encodeGreeting, GREETING_SIZE, GreetingDecoder, SIGNATURE_SIZE } from "../src";
import { toHex } from "./helpers/hex";

const NULL_GREETING =
  "ff00000000000000017f0301" + // signature, major 3, minor 1
  "4e554c4c" +
  "00".repeat(16) + // "NULL" padded to 20
  "00" + // as-server
  "00".repeat(31); // filler

describe("encodeGreeting", () => {
  it("is the 64-byte greeting libzmq 4.3 sends", () => {
    expect(SIGNATURE_SIZE).toBe(10);
    expect(GREETING_SIZE).toBe(64);
    const greeting = encodeGreeting({ mechanism: "NULL", asServer: false });
    expect(greeting).toHaveLength(64);
    expect(toHex(greeting)).toBe(NULL_GREETING);
  });

  it("sets minor, mechanism and as-server", () => {
    const greeting = encodeGreeting({ mechanism: "CURVE", asServer: true, minor: 0 });
    expect(greeting[11]).toBe(0);
    expect(toHex(greeting.subarray(12, 17))).toBe(toHex(new TextEncoder().encode("CURVE")));
    expect(greeting[32]).toBe(1);
  });

  it("EINVAL for a mechanism name that is empty, longer than 20 or not ASCII, or a bad minor", () => {
    for (const options of [
      { mechanism: "", asServer: false },
      { mechanism: "X".repeat(21), asServer: false },
      { mechanism: "NÜLL", asServer: false },
      { mechanism: "NULL", asServer: false, minor: 256 },
      { mechanism: "NULL", asServer: false, minor: -1 },
    ]) {
      let thrown: unknown;
      try {
        encodeGreeting(options);
      } catch (error) {
        thrown = error;
      }
      expect(isZmqError(thrown, "EINVAL")).toBe(true);
    }
  });
});

describe("GreetingDecoder", () => {
  it("parses a 3.1 greeting, stripping trailing NULs from the mechanism", () => {
    const decoder = new GreetingDecoder();
    expect(decoder.major).toBeUndefined();
    expect(decoder.push(encodeGreeting({ mechanism: "PLAIN", asServer: true }))).toBe(64);
    expect(decoder.done).toBe(true);
    expect(decoder.greeting).toEqual({ major: 3, minor: 1, mechanism: "PLAIN", asServer: true });
    expect(decoder.push(new Uint8Array([1, 2]))).toBe(0);
  });

  it("reports 3.0 peers as minor 0", () => {
    const decoder = new GreetingDecoder();
    decoder.push(encodeGreeting({ mechanism: "NULL", asServer: false, minor: 0 }));
    expect(decoder.greeting?.minor).toBe(0);
  });

  it("accepts versions above 3.1 as 3.1, keeping the raw major", () => {
    const bytes = encodeGreeting({ mechanism: "NULL", asServer: false, minor: 7 });
    bytes[10] = 4;
    const decoder = new GreetingDecoder();
    decoder.push(bytes);
    expect(decoder.greeting).toEqual({ major: 3, minor: 1, mechanism: "NULL", asServer: false });
    expect(decoder.major).toBe(4);
  });

  it("does not validate padding or filler (RFC 23: insignificant)", () => {
    const bytes = encodeGreeting({ mechanism: "NULL", asServer: false });
    bytes.fill(0xaa, 1, 9);
    bytes.fill(0x55, 33, 64);
    const decoder = new GreetingDecoder();
    decoder.push(bytes);
    expect(decoder.greeting?.mechanism).toBe("NULL");
  });

  it("exposes the major after 11 bytes, before the rest", () => {
    const bytes = encodeGreeting({ mechanism: "NULL", asServer: false });
    const decoder = new GreetingDecoder();
    expect(decoder.push(bytes.subarray(0, 10))).toBe(10);
    expect(decoder.major).toBeUndefined();
    expect(decoder.push(bytes.subarray(10, 11))).toBe(1);
    expect(decoder.major).toBe(3);
    expect(decoder.done).toBe(false);
    expect(decoder.received).toBe(11);
  });
});
