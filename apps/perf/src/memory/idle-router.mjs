// @ts-check
// idle-router: binds a ROUTER, takes one "hello" from each of <connections> peers (so every
// connection finished its handshake and has a routing id), lets them sit idle, and prints the
// process's resident memory before the first peer and after the last, as JSON. With <replies>
// and <reply-size>, it then sends every peer a burst of that many replies of that many bytes,
// lets them sit idle again and reads the memory a third time ("replied"): what a burst leaves
// behind per connection. Run with --expose-gc so the readings follow a full collection. Exits
// when stdin ends.
import { once } from "node:events";
import { loadImpl, parseArgs, positiveInt } from "../common.mjs";

const USAGE =
  "memory/idle-router [--impl zmtp|zeromq] <bind-to> <connections> [<replies> <reply-size>]";

/** Resident memory and the JS heap after a full collection (if exposed), in bytes. */
export async function settledMemory() {
  for (let i = 0; i < 3; i++) {
    globalThis.gc?.();
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const { rss, heapUsed, external, arrayBuffers } = process.memoryUsage();
  return { rss, heapUsed, external, arrayBuffers };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { args, impl } = parseArgs(process.argv.slice(2), USAGE, [2, 4]);
  const zmq = await loadImpl(impl);
  const connections = positiveInt(args[1], USAGE);
  const router = new zmq.Router();
  await router.bind(/** @type {string} */ (args[0]));
  const before = await settledMemory();
  process.stdout.write(`bound ${router.lastEndpoint}\n`);
  /** @type {Buffer[]} */
  const peers = [];
  for (let i = 0; i < connections; i++) {
    const [id] = await router.receive();
    if (id !== undefined) peers.push(id);
  }
  // Idle for a second: whatever the connections cost at rest, not while busy.
  await new Promise((resolve) => setTimeout(resolve, 1000));
  const after = await settledMemory();
  let replied;
  if (args[2] !== undefined) {
    const replies = positiveInt(args[2], USAGE);
    const reply = Buffer.alloc(positiveInt(args[3], USAGE), 7);
    for (const id of peers) for (let i = 0; i < replies; i++) await router.send([id, reply]);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    replied = await settledMemory();
  }
  process.stdout.write(`${JSON.stringify({ impl, connections, before, after, replied })}\n`);
  process.stdin.resume();
  await once(process.stdin, "end");
  router.linger = 0;
  router.close();
  process.exit(0);
}
