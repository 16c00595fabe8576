// @ts-check
// remote-thr: connects a PUSH socket and sends <message-count> messages of <message-size> bytes
// (plus N with --warmup N), awaiting each send as the API requires, then closes and lets linger
// deliver the rest.
//
// --hold: after the last send, keep the socket open until stdin ends, then close. The bench
// uses it for every subject, so what a close does to queued messages is not part of the
// measurement (zmtp drops messages queued before its handshake completes; see the README).
import { once } from "node:events";
import {
  loadImpl,
  parseArgs,
  payload,
  positiveInt,
  RECONNECT_INTERVAL,
  securityOptions,
} from "./common.mjs";

const USAGE =
  "remote-thr [--impl zmtp|zeromq] [--warmup N] [--curve] [--hold] <connect-to> <message-size> <message-count>";

/**
 * @param {import("./common.mjs").Zmq} zmq
 * @param {string} endpoint @param {number} size @param {number} count
 * @param {import("./common.mjs").RunOptions} [options]
 */
export async function remoteThr(zmq, endpoint, size, count, { warmup = 0, curve = false } = {}) {
  const push = new zmq.Push({
    reconnectInterval: RECONNECT_INTERVAL,
    ...securityOptions(curve, "client"),
  });
  push.connect(endpoint);
  const message = payload(size);
  const total = warmup + count;
  for (let i = 0; i < total; i++) await push.send(message);
  return push;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const argv = process.argv.slice(2);
  const hold = argv.includes("--hold");
  const { args, impl, warmup, curve } = parseArgs(
    argv.filter((arg) => arg !== "--hold"),
    USAGE,
    3,
  );
  const zmq = await loadImpl(impl);
  const size = positiveInt(args[1], USAGE);
  const count = positiveInt(args[2], USAGE);
  const endpoint = /** @type {string} */ (args[0]);
  const push = await remoteThr(zmq, endpoint, size, count, { warmup, curve });
  if (hold) {
    process.stdin.resume();
    await once(process.stdin, "end");
  }
  // Close lingers (-1, the default) until every queued message is written.
  push.close();
}
