// @ts-check
// raw remote-thr: connects with node:net and writes <message-count> ZMTP-shaped frames of
// <message-size> bytes in 64 KiB batches, waiting for `drain` when the socket asks.
import { parseArgs, payload, positiveInt } from "../common.mjs";
import { connectRetrying, drained, FrameWriter } from "./frames.mjs";

const USAGE = "raw/remote-thr [--warmup N] <connect-to> <message-size> <message-count>";
const FLUSH_BYTES = 64 * 1024;

/**
 * @param {string} endpoint @param {number} size @param {number} count
 * @param {number} [warmup] frames sent before the counted ones
 */
export async function rawRemoteThr(endpoint, size, count, warmup = 0) {
  const socket = await connectRetrying(endpoint);
  const writer = new FrameWriter(socket);
  const message = payload(size);
  for (let i = 0; i < warmup + count; i++) {
    writer.writeFrame(message, false);
    if (writer.batched >= FLUSH_BYTES && !writer.flush()) await drained(socket);
  }
  writer.flush();
  // The receiver closes when it has counted everything; wait for that.
  await new Promise((resolve) => {
    socket.on("close", resolve);
    socket.on("error", () => {});
    socket.resume();
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { args, warmup, curve } = parseArgs(process.argv.slice(2), USAGE, 3);
  if (curve) throw new Error("The raw baseline has no security");
  const size = positiveInt(args[1], USAGE);
  const count = positiveInt(args[2], USAGE);
  await rawRemoteThr(/** @type {string} */ (args[0]), size, count, warmup);
}
