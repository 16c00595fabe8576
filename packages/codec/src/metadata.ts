/**
 * Metadata properties (RFC 23 §3.5 "Connection Metadata"), carried by READY, INITIATE and ZAP
 * replies: repeated `u8 name-length, name, u32-BE value-length, value`. Names are 1-255 bytes of
 * `A-Za-z0-9-_.+` and case-insensitive; values are 0 to 2^31-1 bytes.
 */
import { ZmqError } from "@zmtp/spec";
import { utf8Encode } from "./text";

/** Largest value length a property may announce (RFC 23 §3.5). */
const MAX_VALUE = 0x7fff_ffff;
const MAX_NAME = 255;

/** True for the bytes RFC 23 allows in a property name: A-Z a-z 0-9 - _ . + */
function isNameByte(byte: number): boolean {
  return (
    (byte >= 0x41 && byte <= 0x5a) ||
    (byte >= 0x61 && byte <= 0x7a) ||
    (byte >= 0x30 && byte <= 0x39) ||
    byte === 0x2d ||
    byte === 0x5f ||
    byte === 0x2e ||
    byte === 0x2b
  );
}

/**
 * Encodes properties in order. name: 1-255 bytes of [A-Za-z0-9-_.+] (EINVAL otherwise); value
 * length u32 BE. Strings are UTF-8 encoded.
 */
export function encodeMetadata(
  properties: Iterable<readonly [string, Uint8Array | string]>,
): Uint8Array {
  const encoded: Array<readonly [Uint8Array, Uint8Array]> = [];
  let size = 0;
  for (const [name, value] of properties) {
    const nameBytes = utf8Encode(name);
    if (nameBytes.length === 0 || nameBytes.length > MAX_NAME || !nameBytes.every(isNameByte)) {
      throw new ZmqError("EINVAL", `Invalid metadata property name: "${name}"`);
    }
    const valueBytes = typeof value === "string" ? utf8Encode(value) : value;
    if (valueBytes.length > MAX_VALUE) {
      throw new ZmqError("EINVAL", `Metadata value of "${name}" is over 2^31-1 bytes`);
    }
    encoded.push([nameBytes, valueBytes]);
    size += 1 + nameBytes.length + 4 + valueBytes.length;
  }
  const data = new Uint8Array(size);
  const view = new DataView(data.buffer);
  let offset = 0;
  for (const [name, value] of encoded) {
    data[offset] = name.length;
    data.set(name, offset + 1);
    offset += 1 + name.length;
    view.setUint32(offset, value.length);
    data.set(value, offset + 4);
    offset += 4 + value.length;
  }
  return data;
}

/**
 * Returns a Map with LOWER-CASED names and copied values. EPROTO on a name length 0, bad name
 * characters, a value length past the end, or a value length >= 2^31. Never allocates more than
 * the input size. When a name repeats, the first occurrence wins (as libzmq's property map does).
 */
export function decodeMetadata(data: Uint8Array): Map<string, Uint8Array> {
  const properties = new Map<string, Uint8Array>();
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  let offset = 0;
  while (offset < data.length) {
    const nameLength = data[offset]!;
    if (nameLength === 0) throw new ZmqError("EPROTO", "Metadata property name of length 0");
    const nameEnd = offset + 1 + nameLength;
    if (nameEnd > data.length) {
      throw new ZmqError("EPROTO", "Metadata property name runs past the end");
    }
    let name = "";
    for (let index = offset + 1; index < nameEnd; index++) {
      const byte = data[index]!;
      if (!isNameByte(byte)) {
        throw new ZmqError("EPROTO", `Invalid byte 0x${byte.toString(16)} in a property name`);
      }
      // ASCII lower-casing: names are case-insensitive (RFC 23 §3.5).
      name += String.fromCharCode(byte >= 0x41 && byte <= 0x5a ? byte + 0x20 : byte);
    }
    if (nameEnd + 4 > data.length) {
      throw new ZmqError("EPROTO", `Metadata property "${name}" has no value length`);
    }
    const valueLength = view.getUint32(nameEnd);
    if (valueLength > MAX_VALUE) {
      throw new ZmqError("EPROTO", `Metadata value length of "${name}" is 2^31 or more`);
    }
    const valueStart = nameEnd + 4;
    if (valueStart + valueLength > data.length) {
      throw new ZmqError("EPROTO", `Metadata value of "${name}" runs past the end`);
    }
    if (!properties.has(name)) {
      // A copy: values live as long as the connection (a routing id, ZAP's metadata), and a view
      // would keep the whole received chunk alive and share memory with it. (Not `slice`: on a
      // Node Buffer that is a view too.)
      properties.set(name, new Uint8Array(data.subarray(valueStart, valueStart + valueLength)));
    }
    offset = valueStart + valueLength;
  }
  return properties;
}
