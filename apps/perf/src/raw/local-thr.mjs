// @ts-check
// raw local-thr: accepts one node:net connection and counts <message-count> ZMTP-shaped frames
// of <message-size> bytes; same clock and report as ../local-thr.mjs.
import { parseArgs, positiveInt, throughputReport } from "../common.mjs";
import { acceptOne, FrameReader } from "./frames.mjs";

const USAGE = "raw/local-thr [--warmup N] <bind-to> <message-size> <message-count>";

/**
 * @param {string} endpoint @param {number} size @param {number} count
 * @param {number} [warmup] frames counted before the clock starts
 * @returns {Promise<string>}
 */
export async function rawLocalThr(endpoint, size, count, warmup = 0) {
  let received = 0;
  let started = 0;
  /** @type {(report: string) => void} */
  let done = () => {};
  /** @type {(error: Error) => void} */
  let fail = () => {};
  const reader = new FrameReader((body) => {
    if (body.length !== size) fail(new Error(`message of incorrect size: ${body.length}`));
    if (received++ === warmup) started = performance.now();
    if (received === warmup + count)
      done(throughputReport(size, count, performance.now() - started));
  });
  const socket = await acceptOne(endpoint, (chunk) => reader.push(chunk));
  return new Promise((resolve, reject) => {
    done = (report) => {
      socket.destroy();
      resolve(report);
    };
    fail = reject;
    socket.on("error", reject);
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { args, warmup, curve } = parseArgs(process.argv.slice(2), USAGE, 3);
  if (curve) throw new Error("The raw baseline has no security");
  const size = positiveInt(args[1], USAGE);
  const count = positiveInt(args[2], USAGE);
  process.stdout.write(await rawLocalThr(/** @type {string} */ (args[0]), size, count, warmup));
  process.exit(0);
}
