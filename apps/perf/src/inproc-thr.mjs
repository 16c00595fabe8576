// @ts-check
// inproc-thr: local-thr and remote-thr in one process over inproc (both sides share the default
// context, which inproc requires: in zeromq.js one libzmq context, in zmtp one transport
// namespace). Same clock as local-thr: first message to last.
import { loadImpl, parseArgs, positiveInt } from "./common.mjs";
import { localThr } from "./local-thr.mjs";
import { remoteThr } from "./remote-thr.mjs";

const USAGE =
  "inproc-thr [--impl zmtp|zeromq] [--warmup N] [--curve] <message-size> <message-count>";

/**
 * @param {import("./common.mjs").Zmq} zmq
 * @param {number} size @param {number} count
 * @param {import("./common.mjs").RunOptions} [options]
 */
export async function inprocThr(zmq, size, count, options = {}) {
  const endpoint = `inproc://perf-thr-${process.pid}-${Date.now()}`;
  const receiving = localThr(zmq, endpoint, size, count, options);
  // Connect after the bind has started; zmtp and libzmq >= 4 also accept the reverse order.
  await new Promise((resolve) => setImmediate(resolve));
  const sending = remoteThr(zmq, endpoint, size, count, options);
  const [report, push] = await Promise.all([receiving, sending]);
  // The sender closes after the receiver has everything: zmtp's bound side drops messages still
  // unread in its pipe when the peer's connection ends (a core bug, reported with the bench).
  push.close();
  return report;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { args, impl, warmup, curve } = parseArgs(process.argv.slice(2), USAGE, 2);
  const zmq = await loadImpl(impl);
  const size = positiveInt(args[0], USAGE);
  const count = positiveInt(args[1], USAGE);
  process.stdout.write(await inprocThr(zmq, size, count, { warmup, curve }));
  process.exit(0);
}
