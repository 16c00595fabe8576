// @ts-check
// remote-lat: connects a REQ socket, does one untimed warm-up round trip (so connecting is not
// measured; N more with --warmup N), then <roundtrip-count> timed round trips, and prints half
// the mean round trip.
import {
  latencyReport,
  loadImpl,
  parseArgs,
  payload,
  positiveInt,
  RECONNECT_INTERVAL,
  securityOptions,
} from "./common.mjs";

const USAGE =
  "remote-lat [--impl zmtp|zeromq] [--warmup N] [--curve] <connect-to> <message-size> <roundtrip-count>";

/**
 * @param {import("./common.mjs").Zmq} zmq
 * @param {string} endpoint @param {number} size @param {number} roundtrips
 * @param {import("./common.mjs").RunOptions} [options]
 */
export async function remoteLat(
  zmq,
  endpoint,
  size,
  roundtrips,
  { warmup = 0, curve = false } = {},
) {
  const req = new zmq.Request({
    reconnectInterval: RECONNECT_INTERVAL,
    ...securityOptions(curve, "client"),
  });
  req.connect(endpoint);
  const message = payload(size);
  for (let i = 0; i <= warmup; i++) {
    await req.send(message);
    await req.receive();
  }
  const started = performance.now();
  for (let i = 0; i < roundtrips; i++) {
    await req.send(message);
    const [reply] = await req.receive();
    if (reply === undefined || reply.length !== size) {
      throw new Error(`message of incorrect size received: ${reply?.length}`);
    }
  }
  const elapsed = performance.now() - started;
  req.close();
  return latencyReport(size, roundtrips, elapsed);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { args, impl, warmup, curve } = parseArgs(process.argv.slice(2), USAGE, 3);
  const zmq = await loadImpl(impl);
  const size = positiveInt(args[1], USAGE);
  const roundtrips = positiveInt(args[2], USAGE);
  const endpoint = /** @type {string} */ (args[0]);
  process.stdout.write(await remoteLat(zmq, endpoint, size, roundtrips, { warmup, curve }));
  process.exit(0);
}
