// @ts-check
// The bytes a ZMTP 3.1 DEALER sends to open a NULL-mechanism session and say hello, built by hand
// (RFC 23 §3.2 greeting, §3.3 framing, RFC 23 §3.4 / RFC 37 READY metadata), so the idle
// connection clients need neither implementation under test.

const SIGNATURE_PADDING = 8;

/** The 64-byte greeting: signature, version 3.1, mechanism NULL, as-server 0, filler. */
function greeting() {
  const bytes = Buffer.alloc(64);
  bytes[0] = 0xff;
  bytes[1 + SIGNATURE_PADDING] = 0x7f;
  bytes[10] = 3;
  bytes[11] = 1;
  bytes.write("NULL", 12, "ascii");
  return bytes;
}

/** A READY command frame announcing Socket-Type=<type>. @param {string} socketType */
function ready(socketType) {
  const name = Buffer.from("READY");
  const key = Buffer.from("Socket-Type");
  const value = Buffer.from(socketType);
  const body = Buffer.alloc(1 + name.length + 1 + key.length + 4 + value.length);
  let offset = body.writeUInt8(name.length, 0);
  offset += name.copy(body, offset);
  offset = body.writeUInt8(key.length, offset);
  offset += key.copy(body, offset);
  offset = body.writeUInt32BE(value.length, offset);
  value.copy(body, offset);
  return Buffer.concat([Buffer.from([0x04, body.length]), body]);
}

/** Greeting and READY as a DEALER: what a peer sends first. */
export const DEALER_OPENING = Buffer.concat([greeting(), ready("DEALER")]);

/** One message frame, "hello": sent once the peer's READY arrived (libzmq refuses it before). */
export const HELLO = Buffer.from([0x00, 5, ...Buffer.from("hello")]);

/**
 * How many bytes of the peer's opening (greeting and first command) `received` holds in full,
 * or 0 while incomplete. A NULL peer's first command is its READY.
 * @param {Buffer} received
 */
export function openingLength(received) {
  if (received.length < 66) return 0;
  const flags = /** @type {number} */ (received[64]);
  const long = (flags & 0x02) !== 0;
  if (long && received.length < 73) return 0;
  const size = long ? Number(received.readBigUInt64BE(65)) : /** @type {number} */ (received[65]);
  const total = 64 + (long ? 9 : 2) + size;
  return received.length >= total ? total : 0;
}
