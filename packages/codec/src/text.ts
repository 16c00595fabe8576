/**
 * UTF-8 helpers shared by the codec. One encoder and one decoder instance for the whole package,
 * so hot paths do not construct them per call. The decoder is lenient (invalid sequences become
 * U+FFFD): wire text such as an ERROR reason must never make decoding throw.
 */

const encoder = new TextEncoder();
const decoder = new TextDecoder("utf-8");

/** Encodes a string as UTF-8 bytes. */
export function utf8Encode(text: string): Uint8Array {
  return encoder.encode(text);
}

/** Decodes UTF-8 bytes to a string (invalid sequences become U+FFFD). */
export function utf8Decode(bytes: Uint8Array): string {
  return decoder.decode(bytes);
}

/** True when every code unit of `text` is 7-bit ASCII, so its UTF-8 length equals `text.length`. */
export function isAscii(text: string): boolean {
  for (let index = 0; index < text.length; index++) {
    if (text.charCodeAt(index) > 0x7f) return false;
  }
  return true;
}
