// @ts-check
// local-lat: binds a REP socket and echoes <roundtrip-count> messages of <message-size> bytes
// (plus one warm-up round trip that remote-lat does not time, and N more with --warmup N).
import { loadImpl, parseArgs, positiveInt, securityOptions } from "./common.mjs";

const USAGE =
  "local-lat [--impl zmtp|zeromq] [--warmup N] [--curve] <bind-to> <message-size> <roundtrip-count>";

/**
 * @param {import("./common.mjs").Zmq} zmq
 * @param {string} endpoint @param {number} size @param {number} roundtrips
 * @param {import("./common.mjs").RunOptions} [options]
 */
export async function localLat(
  zmq,
  endpoint,
  size,
  roundtrips,
  { warmup = 0, curve = false } = {},
) {
  const rep = new zmq.Reply(securityOptions(curve, "server"));
  await rep.bind(endpoint);
  const total = warmup + roundtrips;
  for (let i = 0; i <= total; i++) {
    const [message] = await rep.receive();
    if (message === undefined || message.length !== size) {
      throw new Error(`message of incorrect size received: ${message?.length}`);
    }
    await rep.send(message);
  }
  return rep;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { args, impl, warmup, curve } = parseArgs(process.argv.slice(2), USAGE, 3);
  const zmq = await loadImpl(impl);
  const size = positiveInt(args[1], USAGE);
  const roundtrips = positiveInt(args[2], USAGE);
  const endpoint = /** @type {string} */ (args[0]);
  const rep = await localLat(zmq, endpoint, size, roundtrips, { warmup, curve });
  // The last reply must leave before the socket closes: close lingers until it is sent.
  rep.close();
}
