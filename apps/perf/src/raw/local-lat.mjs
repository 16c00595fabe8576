// @ts-check
// raw local-lat: accepts one node:net connection and echoes each message (a REQ-shaped envelope:
// empty delimiter frame with MORE, then the body) back at once, <roundtrip-count> + 1 times.
// With --await, shaped like the API instead (awaiting.mjs): a loop that awaits each message and
// awaits the echo's send.
import { parseArgs, positiveInt } from "../common.mjs";
import { openInbox, send } from "./awaiting.mjs";
import { acceptOne, COPY_THRESHOLD, FrameReader, FrameWriter } from "./frames.mjs";

const USAGE = "raw/local-lat [--warmup N] [--await] <bind-to> <message-size> <roundtrip-count>";

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

/**
 * The echo loop as a program written against the API would run it: await a message (an array
 * of Buffers of its own), await the send of the same parts.
 * @param {string} endpoint @param {number} size @param {number} roundtrips
 * @param {number} [warmup] untimed round trips the other side makes first
 */
export async function rawLocalLatAwaiting(endpoint, size, roundtrips, warmup = 0) {
  const { inbox, socket, writer } = await openInbox((onChunk) => acceptOne(endpoint, onChunk));
  for (let i = 0; i <= warmup + roundtrips; i++) {
    const message = await inbox.receive();
    const body = message[message.length - 1];
    if (body?.length !== size) throw new Error(`message of incorrect size: ${body?.length}`);
    await send(writer, message);
  }
  socket.end();
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const argv = process.argv.slice(2);
  const awaiting = argv.includes("--await");
  const { args, warmup, curve } = parseArgs(
    argv.filter((arg) => arg !== "--await"),
    USAGE,
    3,
  );
  if (curve) throw new Error("The raw baseline has no security");
  const size = positiveInt(args[1], USAGE);
  const roundtrips = positiveInt(args[2], USAGE);
  const run = awaiting ? rawLocalLatAwaiting : rawLocalLat;
  await run(/** @type {string} */ (args[0]), size, roundtrips, warmup);
}
