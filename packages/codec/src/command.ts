/**
 * Command bodies (RFC 23 §3.4 "Commands"; RFC 37 §3.4). A command body is a u8 name length, the
 * name, then command data. RFC 23's prose speaks of a null separator; its grammar and libzmq use
 * the length byte, which is what this file implements.
 */
import { ZmqError } from "@zmtp/spec";
import { encodeMetadata } from "./metadata";
import { utf8Decode, utf8Encode } from "./text";

/** Command names zmtp knows, as they appear on the wire. */
export const COMMAND = {
  READY: "READY",
  ERROR: "ERROR",
  SUBSCRIBE: "SUBSCRIBE",
  CANCEL: "CANCEL",
  PING: "PING",
  PONG: "PONG",
  HELLO: "HELLO",
  WELCOME: "WELCOME",
  INITIATE: "INITIATE",
  MESSAGE: "MESSAGE",
  JOIN: "JOIN",
  LEAVE: "LEAVE",
} as const;

export interface Command {
  readonly name: string;
  readonly data: Uint8Array;
}

const EMPTY = new Uint8Array(0);
const MAX_NAME = 255;

/** Builds a command body: u8 name length, name, data (RFC 23 §3.4). EINVAL on a bad name. */
export function encodeCommand(name: string, data: Uint8Array = EMPTY): Uint8Array {
  const nameBytes = utf8Encode(name);
  if (nameBytes.length === 0 || nameBytes.length > MAX_NAME) {
    throw new ZmqError("EINVAL", `Command name must be 1-255 bytes: "${name}"`);
  }
  const body = new Uint8Array(1 + nameBytes.length + data.length);
  body[0] = nameBytes.length;
  body.set(nameBytes, 1);
  body.set(data, 1 + nameBytes.length);
  return body;
}

/** Splits a command body into its name and data (a view). EPROTO when malformed. */
export function decodeCommand(body: Uint8Array): Command {
  if (body.length === 0) throw new ZmqError("EPROTO", "Empty command frame");
  const length = body[0]!;
  if (length === 0) throw new ZmqError("EPROTO", "Command name of length 0");
  if (1 + length > body.length) {
    throw new ZmqError("EPROTO", `Command name of ${length} bytes runs past the frame`);
  }
  return { name: utf8Decode(body.subarray(1, 1 + length)), data: body.subarray(1 + length) };
}

/** READY with metadata properties (RFC 23 §3.5 NULL handshake; RFC 37). */
export function encodeReady(
  properties: Iterable<readonly [string, Uint8Array | string]>,
): Uint8Array {
  return encodeCommand(COMMAND.READY, encodeMetadata(properties));
}

/** ERROR: "ERROR", u8 reason length, reason; the reason is cut to 255 bytes (RFC 23 §3.5). */
export function encodeError(reason: string): Uint8Array {
  let bytes = utf8Encode(reason);
  if (bytes.length > MAX_NAME) {
    // Cut on a UTF-8 character boundary: step back over continuation bytes (10xxxxxx).
    let end = MAX_NAME;
    while (end > 0 && ((bytes[end] ?? 0) & 0xc0) === 0x80) end--;
    bytes = bytes.subarray(0, end);
  }
  const data = new Uint8Array(1 + bytes.length);
  data[0] = bytes.length;
  data.set(bytes, 1);
  return encodeCommand(COMMAND.ERROR, data);
}

/** The reason of an ERROR command's data (u8 length, reason). EPROTO when malformed. */
export function decodeError(data: Uint8Array): string {
  if (data.length === 0) throw new ZmqError("EPROTO", "ERROR command without a reason length");
  const length = data[0]!;
  if (1 + length > data.length) {
    throw new ZmqError("EPROTO", `ERROR reason of ${length} bytes runs past the frame`);
  }
  return utf8Decode(data.subarray(1, 1 + length));
}
