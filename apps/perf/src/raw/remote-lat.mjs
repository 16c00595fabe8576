// @ts-check
// raw remote-lat: connects with node:net, sends a REQ-shaped message (empty delimiter, body) and
// awaits the echo, once untimed, then <roundtrip-count> timed; same report as ../remote-lat.mjs.
import { latencyReport, parseArgs, payload, positiveInt } from "../common.mjs";
import { connectRetrying, FrameReader, FrameWriter } from "./frames.mjs";

const USAGE = "raw/remote-lat [--warmup N] <connect-to> <message-size> <roundtrip-count>";
const DELIMITER = new Uint8Array(0);

/**
 * @param {string} endpoint @param {number} size @param {number} roundtrips
 * @param {number} [warmup] untimed round trips made first
 */
export async function rawRemoteLat(endpoint, size, roundtrips, warmup = 0) {
  /** @type {((size: number) => void) | undefined} */
  let waiting;
  const reader = new FrameReader((body, more) => {
    if (more) return;
    const resolve = waiting;
    waiting = undefined;
    resolve?.(body.length);
  });
  const socket = await connectRetrying(endpoint, (chunk) => reader.push(chunk));
  const writer = new FrameWriter(socket);
  const message = payload(size);
  /** @returns {Promise<number>} the size of the reply */
  const roundtrip = () =>
    new Promise((resolve) => {
      waiting = resolve;
      writer.writeFrame(DELIMITER, true);
      writer.writeFrame(message, false);
      writer.flush();
    });
  for (let i = 0; i <= warmup; i++) await roundtrip();
  const started = performance.now();
  for (let i = 0; i < roundtrips; i++) {
    const reply = await roundtrip();
    if (reply !== size) throw new Error(`message of incorrect size: ${reply}`);
  }
  const elapsed = performance.now() - started;
  socket.destroy();
  return latencyReport(size, roundtrips, elapsed);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { args, warmup, curve } = parseArgs(process.argv.slice(2), USAGE, 3);
  if (curve) throw new Error("The raw baseline has no security");
  const size = positiveInt(args[1], USAGE);
  const roundtrips = positiveInt(args[2], USAGE);
  process.stdout.write(
    await rawRemoteLat(/** @type {string} */ (args[0]), size, roundtrips, warmup),
  );
  process.exit(0);
}
