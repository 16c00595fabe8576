/**
 * Z85 (RFC 32): each 4-byte big-endian group becomes 5 base-85 digits, most significant first.
 * Used for CURVE keys in text form (32 bytes <-> 40 characters).
 */
import { ZmqError } from "@zmtp/spec";

const ALPHABET =
  "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#";

/** Character code -> digit value, -1 for characters outside the alphabet. */
const DIGITS = (() => {
  const table = new Int8Array(128).fill(-1);
  for (let index = 0; index < ALPHABET.length; index++) table[ALPHABET.charCodeAt(index)] = index;
  return table;
})();

/** Encodes bytes as Z85 text. EINVAL if the length is not a multiple of 4. */
export function z85Encode(data: Uint8Array): string {
  if (data.length % 4 !== 0) {
    throw new ZmqError("EINVAL", `Z85 input length must be a multiple of 4: ${data.length}`);
  }
  let text = "";
  for (let offset = 0; offset < data.length; offset += 4) {
    let value =
      ((data[offset]! << 24) |
        (data[offset + 1]! << 16) |
        (data[offset + 2]! << 8) |
        data[offset + 3]!) >>>
      0;
    const group = new Array<string>(5);
    for (let digit = 4; digit >= 0; digit--) {
      group[digit] = ALPHABET[value % 85]!;
      value = Math.floor(value / 85);
    }
    text += group.join("");
  }
  return text;
}

/**
 * Decodes Z85 text. EINVAL if the length is not a multiple of 5, a character is outside the
 * alphabet, or a group exceeds 2^32-1.
 */
export function z85Decode(text: string): Uint8Array {
  if (text.length % 5 !== 0) {
    throw new ZmqError("EINVAL", `Z85 text length must be a multiple of 5: ${text.length}`);
  }
  const data = new Uint8Array((text.length / 5) * 4);
  const view = new DataView(data.buffer);
  for (let offset = 0; offset < text.length; offset += 5) {
    let value = 0;
    for (let index = offset; index < offset + 5; index++) {
      const code = text.charCodeAt(index);
      const digit = code < 128 ? DIGITS[code]! : -1;
      if (digit < 0) {
        throw new ZmqError("EINVAL", `Invalid Z85 character at ${index}: "${text[index]}"`);
      }
      value = value * 85 + digit;
    }
    if (value > 0xffff_ffff) {
      throw new ZmqError("EINVAL", `Z85 group at ${offset} exceeds 2^32-1`);
    }
    view.setUint32((offset / 5) * 4, value);
  }
  return data;
}
