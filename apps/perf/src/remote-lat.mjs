// @ts-check
// remote-lat: connects a REQ socket, does one untimed warm-up round trip (so connecting is not
// measured), then <roundtrip-count> timed round trips, and prints half the mean round trip.
import {
  latencyReport,
  loadImpl,
  parseArgs,
  payload,
  positiveInt,
  RECONNECT_INTERVAL,
} from "./common.mjs";

const USAGE = "remote-lat [--impl zmtp|zeromq] <connect-to> <message-size> <roundtrip-count>";

/**
 * @param {import("./common.mjs").Zmq} zmq
 * @param {string} endpoint @param {number} size @param {number} roundtrips
 */
export async function remoteLat(zmq, endpoint, size, roundtrips) {
  const req = new zmq.Request({ reconnectInterval: RECONNECT_INTERVAL });
  req.connect(endpoint);
  const message = payload(size);
  await req.send(message);
  await req.receive();
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
  const { args, impl } = parseArgs(process.argv.slice(2), USAGE, 3);
  const zmq = await loadImpl(impl);
  const size = positiveInt(args[1], USAGE);
  const roundtrips = positiveInt(args[2], USAGE);
  process.stdout.write(await remoteLat(zmq, /** @type {string} */ (args[0]), size, roundtrips));
  process.exit(0);
}
