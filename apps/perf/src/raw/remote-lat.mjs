// @ts-check
// raw remote-lat: connects with node:net, sends a REQ-shaped message (empty delimiter, body) and
// awaits the echo, once untimed, then <roundtrip-count> timed; same report as ../remote-lat.mjs.
// With --await, shaped like the API (awaiting.mjs): each round trip awaits a send, then a
// receive that resolves with the reply's parts.
import { latencyReport, parseArgs, payload, positiveInt } from "../common.mjs";
import { openInbox, send } from "./awaiting.mjs";
import { connectRetrying, FrameReader, FrameWriter } from "./frames.mjs";

const USAGE = "raw/remote-lat [--warmup N] [--await] <connect-to> <message-size> <roundtrip-count>";
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

/**
 * The request loop as a program written against the API would run it: await the send of the
 * request's parts, then await the reply (an array of Buffers of its own).
 * @param {string} endpoint @param {number} size @param {number} roundtrips
 * @param {number} [warmup] untimed round trips made first
 */
export async function rawRemoteLatAwaiting(endpoint, size, roundtrips, warmup = 0) {
  const { inbox, socket, writer } = await openInbox((onChunk) =>
    connectRetrying(endpoint, onChunk),
  );
  const request = [DELIMITER, payload(size)];
  for (let i = 0; i <= warmup; i++) {
    await send(writer, request);
    await inbox.receive();
  }
  const started = performance.now();
  for (let i = 0; i < roundtrips; i++) {
    await send(writer, request);
    const reply = await inbox.receive();
    const body = reply[reply.length - 1];
    if (body?.length !== size) throw new Error(`message of incorrect size: ${body?.length}`);
  }
  const elapsed = performance.now() - started;
  socket.destroy();
  return latencyReport(size, roundtrips, elapsed);
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
  const run = awaiting ? rawRemoteLatAwaiting : rawRemoteLat;
  process.stdout.write(await run(/** @type {string} */ (args[0]), size, roundtrips, warmup));
  process.exit(0);
}
