// @ts-check
// stall-pull: binds a PULL, receives one message, then stops reading (a stalled consumer) with
// the default high-water marks. When stdin ends it prints, as JSON, its resident memory before
// the first message and its peak (process.resourceUsage().maxRSS, so nothing is missed between
// samples).
import { once } from "node:events";
import { loadImpl, parseArgs } from "../common.mjs";
import { settledMemory } from "./idle-router.mjs";

const USAGE = "memory/stall-pull [--impl zmtp|zeromq] <bind-to>";

if (import.meta.url === `file://${process.argv[1]}`) {
  const { args, impl } = parseArgs(process.argv.slice(2), USAGE, 1);
  const zmq = await loadImpl(impl);
  const pull = new zmq.Pull();
  await pull.bind(/** @type {string} */ (args[0]));
  const before = await settledMemory();
  process.stdout.write(`bound ${pull.lastEndpoint}\n`);
  process.stdin.resume();
  const ended = once(process.stdin, "end");
  await pull.receive();
  await ended;
  const peak = process.resourceUsage().maxRSS * 1024;
  const { rss } = process.memoryUsage();
  process.stdout.write(`${JSON.stringify({ impl, before, peak, rss })}\n`);
  process.exit(0);
}
