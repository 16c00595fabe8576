// @ts-check
// stall-push: connects a PUSH and sends <message-size>-byte messages as fast as it can (each send
// awaited) to a PULL that stopped reading, with the default high-water marks, until a send has
// waited <stall-ms> (default 1000) or <max-messages> went out (then the mark did not hold).
// Prints, as JSON, how many sends completed, and its resident memory before sending and at its
// peak (maxRSS).
import { loadImpl, parseArgs, payload, positiveInt, RECONNECT_INTERVAL } from "../common.mjs";
import { settledMemory } from "./idle-router.mjs";

const USAGE =
  "memory/stall-push [--impl zmtp|zeromq] <connect-to> <message-size> [stall-ms] [max-messages]";

if (import.meta.url === `file://${process.argv[1]}`) {
  const { args, impl } = parseArgs(process.argv.slice(2), USAGE, [2, 4]);
  const zmq = await loadImpl(impl);
  const size = positiveInt(args[1], USAGE);
  const stallMs = args[2] === undefined ? 1000 : positiveInt(args[2], USAGE);
  const maxMessages = args[3] === undefined ? 2_000_000 : positiveInt(args[3], USAGE);
  const push = new zmq.Push({ reconnectInterval: RECONNECT_INTERVAL });
  push.connect(/** @type {string} */ (args[0]));
  const message = payload(size);
  // The first message proves the connection (the PULL reads exactly one).
  await push.send(message);
  await new Promise((resolve) => setTimeout(resolve, 100));
  const before = await settledMemory();
  let sent = 1;
  let progressAt = performance.now();
  const started = progressAt;
  const pump = async () => {
    while (sent < maxMessages) {
      await push.send(message);
      sent++;
      progressAt = performance.now();
    }
    return false;
  };
  /** @type {Promise<boolean>} */
  const watchdog = new Promise((resolve) => {
    const timer = setInterval(() => {
      if (performance.now() - progressAt < stallMs) return;
      clearInterval(timer);
      resolve(true);
    }, 20);
  });
  const stalled = await Promise.race([pump(), watchdog]);
  const seconds = (progressAt - started) / 1000;
  const peak = process.resourceUsage().maxRSS * 1024;
  const { rss } = process.memoryUsage();
  const result = { impl, size, sent, stalled, seconds, before, peak, rss };
  process.stdout.write(`${JSON.stringify(result)}\n`);
  push.linger = 0;
  push.close();
  process.exit(0);
}
