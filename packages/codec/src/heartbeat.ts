/**
 * Heartbeat commands (RFC 37 §3.4 "PING and PONG"): PING carries a u16 big-endian TTL in
 * deciseconds and a context of 0-16 bytes; PONG echoes the context.
 */
import { ZmqError } from "@zmtp/spec";
import { COMMAND, encodeCommand } from "./command";

/** Longest PING context (RFC 37). */
export const PING_CONTEXT_MAX = 16;
const EMPTY = new Uint8Array(0);

/** PING command body; ttl in deciseconds (0-65535), context of 0-16 bytes (EINVAL otherwise). */
export function encodePing(ttlDeciseconds: number, context: Uint8Array = EMPTY): Uint8Array {
  if (!Number.isInteger(ttlDeciseconds) || ttlDeciseconds < 0 || ttlDeciseconds > 0xffff) {
    throw new ZmqError("EINVAL", `PING TTL must be 0-65535 deciseconds: ${ttlDeciseconds}`);
  }
  checkContext(context);
  const data = new Uint8Array(2 + context.length);
  data[0] = ttlDeciseconds >>> 8;
  data[1] = ttlDeciseconds & 0xff;
  data.set(context, 2);
  return encodeCommand(COMMAND.PING, data);
}

/** Reads PING data: ttl in deciseconds and a context view. EPROTO if < 2 bytes or context > 16. */
export function decodePing(data: Uint8Array): { ttl: number; context: Uint8Array } {
  if (data.length < 2) throw new ZmqError("EPROTO", "PING command shorter than its TTL");
  if (data.length - 2 > PING_CONTEXT_MAX) {
    throw new ZmqError("EPROTO", `PING context of ${data.length - 2} bytes (at most 16)`);
  }
  return { ttl: (data[0]! << 8) | data[1]!, context: data.subarray(2) };
}

/** PONG command body echoing a PING context (0-16 bytes, EINVAL otherwise). */
export function encodePong(context: Uint8Array): Uint8Array {
  checkContext(context);
  return encodeCommand(COMMAND.PONG, context);
}

function checkContext(context: Uint8Array): void {
  if (context.length > PING_CONTEXT_MAX) {
    throw new ZmqError("EINVAL", `PING context of ${context.length} bytes (at most 16)`);
  }
}
