/**
 * libzmq's PLAIN ERROR command, which is not RFC 23's. libzmq 4.3 (src/plain_common.hpp)
 * declares the prefix as the C string "\x05ERROR": C reads "\x05E" as ONE hex escape, 0x5E,
 * so the prefix is the 5 bytes `5e 52 52 4f 52` ("^RROR"), and a PLAIN server's ERROR for a
 * ZAP 400 is `5e 52 52 4f 52 03 34 30 30`. libzmq's PLAIN client matches that same prefix and
 * takes any other ERROR, the RFC's `05 45 52 52 4f 52 ...` included, as an unexpected command.
 * (NULL and CURVE use the octal "\5ERROR" and are right.) Captured against libzmq 4.3.5.
 *
 * So, libzmq winning: the PLAIN server sends this form, the PLAIN client accepts both.
 */
import { utf8Encode } from "@zmtp/codec";

export const LIBZMQ_PLAIN_ERROR = new Uint8Array([0x5e, 0x52, 0x52, 0x4f, 0x52]);

export function isLibzmqPlainError(body: Uint8Array): boolean {
  if (body.length < LIBZMQ_PLAIN_ERROR.length + 1) return false;
  return LIBZMQ_PLAIN_ERROR.every((byte, index) => body[index] === byte);
}

/** "^RROR", u8 reason length, reason: what libzmq's PLAIN server sends and its client reads. */
export function encodeLibzmqPlainError(reason: string): Uint8Array {
  const text = utf8Encode(reason).subarray(0, 255);
  const body = new Uint8Array(LIBZMQ_PLAIN_ERROR.length + 1 + text.length);
  body.set(LIBZMQ_PLAIN_ERROR);
  body[LIBZMQ_PLAIN_ERROR.length] = text.length;
  body.set(text, LIBZMQ_PLAIN_ERROR.length + 1);
  return body;
}
