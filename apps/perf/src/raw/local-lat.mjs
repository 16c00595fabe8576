// @ts-check
// raw local-lat: accepts one node:net connection and echoes each message (a REQ-shaped envelope:
// empty delimiter frame with MORE, then the body) back at once, <roundtrip-count> + 1 times.
import { parseArgs, positiveInt } from "../common.mjs";
import { acceptOne, COPY_THRESHOLD, FrameReader, FrameWriter } from "./frames.mjs";

const USAGE = "raw/local-lat [--warmup N] <bind-to> <message-size> <roundtrip-count>";

/**
 * @param {string} endpoint @param {number} size @param {number} roundtrips
 * @param {number} [warmup] untimed round trips the other side makes first
 */
export async function rawLocalLat(endpoint, size, roundtrips, warmup = 0) {
  /** @type {FrameWriter | undefined} */
  let writer;
  let echoed = 0;
  /** @type {(error: Error) => void} */
  let fail = () => {};
  /** @type {() => void} */
  let done = () => {};
  const reader = new FrameReader((body, more, owned) => {
    const out = /** @type {FrameWriter} */ (writer);
    // A body still in the read buffer is copied before it is written by reference.
    out.writeFrame(owned || body.length < COPY_THRESHOLD ? body : Buffer.from(body), more);
    if (more) return;
    if (body.length !== size) fail(new Error(`message of incorrect size: ${body.length}`));
    out.flush();
    if (++echoed > warmup + roundtrips) done();
  });
  const socket = await acceptOne(endpoint, (chunk) => reader.push(chunk));
  writer = new FrameWriter(socket);
  await new Promise((resolve, reject) => {
    fail = reject;
    done = () => resolve(undefined);
    socket.on("error", reject);
  });
  socket.end();
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { args, warmup, curve } = parseArgs(process.argv.slice(2), USAGE, 3);
  if (curve) throw new Error("The raw baseline has no security");
  const size = positiveInt(args[1], USAGE);
  const roundtrips = positiveInt(args[2], USAGE);
  await rawLocalLat(/** @type {string} */ (args[0]), size, roundtrips, warmup);
}
