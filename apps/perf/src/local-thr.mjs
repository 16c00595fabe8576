// @ts-check
// local-thr: binds a PULL socket, receives <message-count> messages of <message-size> bytes and
// prints the mean throughput. The clock starts at the first message, so connecting and the
// handshake are not measured (as in libzmq's local_thr). With --warmup N, N messages more are
// received before that first message (the sender sends them too).
import { loadImpl, parseArgs, positiveInt, securityOptions, throughputReport } from "./common.mjs";

const USAGE =
  "local-thr [--impl zmtp|zeromq] [--warmup N] [--curve] <bind-to> <message-size> <message-count>";

/**
 * @param {import("./common.mjs").Zmq} zmq
 * @param {string} endpoint @param {number} size @param {number} count
 * @param {import("./common.mjs").RunOptions} [options]
 */
export async function localThr(zmq, endpoint, size, count, { warmup = 0, curve = false } = {}) {
  const pull = new zmq.Pull(securityOptions(curve, "server"));
  await pull.bind(endpoint);
  for (let i = 0; i < warmup; i++) {
    const [message] = await pull.receive();
    checkSize(message, size);
  }
  const [first] = await pull.receive();
  checkSize(first, size);
  const started = performance.now();
  for (let i = 1; i < count; i++) {
    const [message] = await pull.receive();
    checkSize(message, size);
  }
  const elapsed = performance.now() - started;
  pull.close();
  return throughputReport(size, count, elapsed);
}

/** @param {Buffer | undefined} message @param {number} size */
function checkSize(message, size) {
  if (message === undefined || message.length !== size) {
    throw new Error(`message of incorrect size received: ${message?.length}`);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { args, impl, warmup, curve } = parseArgs(process.argv.slice(2), USAGE, 3);
  const zmq = await loadImpl(impl);
  const size = positiveInt(args[1], USAGE);
  const count = positiveInt(args[2], USAGE);
  const endpoint = /** @type {string} */ (args[0]);
  process.stdout.write(await localThr(zmq, endpoint, size, count, { warmup, curve }));
  process.exit(0);
}
