/**
 * Subscriptions on the wire.
 * - ZMTP 3.1 (RFC 37 §3.4): SUBSCRIBE and CANCEL commands whose data is the topic.
 * - ZMTP 3.0 (RFC 23 §3.6, RFC 29): a message frame `01 topic` subscribes and `00 topic`
 *   unsubscribes; libzmq sends this form to peers whose greeting announces minor 0.
 */
import { COMMAND, encodeCommand } from "./command";

/** RFC 37 SUBSCRIBE command body. */
export function encodeSubscribe(topic: Uint8Array): Uint8Array {
  return encodeCommand(COMMAND.SUBSCRIBE, topic);
}

/** RFC 37 CANCEL command body. */
export function encodeCancel(topic: Uint8Array): Uint8Array {
  return encodeCommand(COMMAND.CANCEL, topic);
}

/** A ZMTP 3.0 subscription message body: 0x01 (subscribe) or 0x00 (cancel), then the topic. */
export function encodeSubscriptionMessage(topic: Uint8Array, subscribe: boolean): Uint8Array {
  const body = new Uint8Array(1 + topic.length);
  body[0] = subscribe ? 1 : 0;
  body.set(topic, 1);
  return body;
}

/**
 * Reads a ZMTP 3.0 subscription message body; undefined when the first byte is neither 0 nor 1
 * (libzmq passes such messages on to an XPUB application unchanged).
 */
export function decodeSubscriptionMessage(
  body: Uint8Array,
): { readonly subscribe: boolean; readonly topic: Uint8Array } | undefined {
  const first = body[0];
  if (first !== 0 && first !== 1) return undefined;
  return { subscribe: first === 1, topic: body.subarray(1) };
}
