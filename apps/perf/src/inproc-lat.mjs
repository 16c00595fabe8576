// @ts-check
// inproc-lat: local-lat and remote-lat in one process over inproc (one shared context).
import { loadImpl, parseArgs, positiveInt } from "./common.mjs";
import { localLat } from "./local-lat.mjs";
import { remoteLat } from "./remote-lat.mjs";

const USAGE =
  "inproc-lat [--impl zmtp|zeromq] [--warmup N] [--curve] <message-size> <roundtrip-count>";

/**
 * @param {import("./common.mjs").Zmq} zmq
 * @param {number} size @param {number} roundtrips
 * @param {import("./common.mjs").RunOptions} [options]
 */
export async function inprocLat(zmq, size, roundtrips, options = {}) {
  const endpoint = `inproc://perf-lat-${process.pid}-${Date.now()}`;
  const echoing = localLat(zmq, endpoint, size, roundtrips, options);
  await new Promise((resolve) => setImmediate(resolve));
  const [rep, report] = await Promise.all([
    echoing,
    remoteLat(zmq, endpoint, size, roundtrips, options),
  ]);
  rep.close();
  return report;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { args, impl, warmup, curve } = parseArgs(process.argv.slice(2), USAGE, 2);
  const zmq = await loadImpl(impl);
  const size = positiveInt(args[0], USAGE);
  const roundtrips = positiveInt(args[1], USAGE);
  process.stdout.write(await inprocLat(zmq, size, roundtrips, { warmup, curve }));
  process.exit(0);
}
