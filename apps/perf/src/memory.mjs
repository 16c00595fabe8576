// @ts-check
// Memory, zmtp beside the native zeromq package:
//  (a) resident memory of N idle tcp connections (default 10,000) on one ROUTER: the ROUTER
//      process alone is measured; the peers are raw node:net clients in another process that
//      speak ZMTP by hand (greeting, READY as DEALER, one "hello"), the same for both
//      implementations, so only the ROUTER side's cost is counted; then again after the ROUTER
//      sent every peer a burst of BURST_REPLIES replies of BURST_SIZE bytes and it went quiet;
//  (b) peak resident memory under a stalled consumer: PUSH sends as fast as it can to a PULL that
//      stopped reading, default high-water marks (1000 each way), for each side.
// Writes the tables to results/memory.md (unless --quick) and prints them.
//
//   node src/memory.mjs [--quick] [--connections N] [--sizes 16,4096,65536] [--out FILE]
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { machine } from "./bench.mjs";
import { endpointFor, fdLimit, SRC, startNode } from "./harness.mjs";

/** @typedef {"zmtp" | "zeromq"} Impl */
/** @typedef {{ rss: number, heapUsed: number, external: number, arrayBuffers: number }} Memory */

const IMPLS = /** @type {const} */ (["zmtp", "zeromq"]);
/** The burst every peer gets after the first reading: 64 replies of 1 KiB (64 KiB each). */
const BURST_REPLIES = 64;
const BURST_SIZE = 1024;
const MiB = 1024 * 1024;

/** @param {string[]} argv */
function parseOptions(argv) {
  const options = {
    quick: false,
    connections: 10_000,
    sizes: [16, 4096, 65536],
    out: /** @type {string | undefined} */ (undefined),
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      const next = argv[++i];
      if (next === undefined) throw new Error(`${arg} needs a value`);
      return next;
    };
    if (arg === "--quick") options.quick = true;
    else if (arg === "--connections") options.connections = Number(value());
    else if (arg === "--sizes") options.sizes = value().split(",").map(Number);
    else if (arg === "--out") options.out = value();
    else throw new Error(`Unknown option ${arg}`);
  }
  if (options.quick && !argv.includes("--connections")) options.connections = 200;
  if (options.quick && !argv.includes("--sizes")) options.sizes = [16];
  return options;
}

/**
 * One ROUTER with `connections` idle peers, then the same after a burst to each.
 * @param {Impl} impl @param {number} connections
 * @returns {Promise<{ before: Memory, after: Memory, replied: Memory }>}
 */
export async function idleConnections(impl, connections) {
  const endpoint = await endpointFor("tcp");
  const router = startNode(
    "memory/idle-router.mjs",
    ["--impl", impl, endpoint, String(connections), String(BURST_REPLIES), String(BURST_SIZE)],
    {
      nodeArgs: ["--expose-gc"],
      raiseFdLimit: true,
    },
  );
  /** @type {ReturnType<typeof startNode> | undefined} */
  let clients;
  try {
    const bound = await router.nextLine();
    if (!bound.startsWith("bound ")) throw new Error(`unexpected: ${bound}`);
    clients = startNode("memory/idle-clients.mjs", [endpoint, String(connections)], {
      raiseFdLimit: true,
    });
    const result = JSON.parse(await router.nextLine());
    return { before: result.before, after: result.after, replied: result.replied };
  } finally {
    router.endInput();
    clients?.endInput();
    const timer = setTimeout(() => {
      router.kill();
      clients?.kill();
    }, 10_000);
    await Promise.all([router.done, clients?.done]);
    clearTimeout(timer);
  }
}

/**
 * A PUSH sending to a PULL that stopped reading.
 * @param {Impl} impl @param {number} size @param {number} stallMs
 */
export async function stalledConsumer(impl, size, stallMs) {
  const endpoint = await endpointFor("tcp");
  const pull = startNode("memory/stall-pull.mjs", ["--impl", impl, endpoint], {
    nodeArgs: ["--expose-gc"],
  });
  /** @type {ReturnType<typeof startNode> | undefined} */
  let push;
  try {
    await pull.nextLine();
    push = startNode(
      "memory/stall-push.mjs",
      ["--impl", impl, endpoint, String(size), String(stallMs)],
      { nodeArgs: ["--expose-gc"] },
    );
    const sender = JSON.parse(await push.nextLine());
    pull.endInput();
    const receiver = JSON.parse(await pull.nextLine());
    return {
      sent: /** @type {number} */ (sender.sent),
      stalled: /** @type {boolean} */ (sender.stalled),
      senderBefore: /** @type {number} */ (sender.before.rss),
      senderPeak: /** @type {number} */ (sender.peak),
      receiverBefore: /** @type {number} */ (receiver.before.rss),
      receiverPeak: /** @type {number} */ (receiver.peak),
    };
  } finally {
    pull.endInput();
    const timer = setTimeout(() => {
      pull.kill();
      push?.kill();
    }, 10_000);
    await Promise.all([pull.done, push?.done]);
    clearTimeout(timer);
  }
}

/** @param {number} bytes */
const mib = (bytes) => `${(bytes / MiB).toFixed(1)} MiB`;

/** @param {number} size */
function sizeLabel(size) {
  return size >= 1024 && size % 1024 === 0 ? `${size / 1024} KiB` : `${size} B`;
}

async function main() {
  const options = parseOptions(process.argv.slice(2));
  const limit = await fdLimit();
  let connections = options.connections;
  /** @type {string[]} */
  const notes = [];
  // Each side holds one descriptor per connection, plus some for Node and libzmq themselves.
  if (limit < connections + 256) {
    connections = Math.max(1, limit - 256);
    notes.push(
      `The open-files limit is ${limit} (hard limit; raise it with \`ulimit -n\` as root or in /etc/security/limits.conf): measured ${connections} connections instead of ${options.connections}.`,
    );
  }
  process.stderr.write(`open-files limit for the tools: ${limit}\n`);
  /** @type {Record<Impl, { before: Memory, after: Memory, replied: Memory } | string>} */
  const idle = { zmtp: "", zeromq: "" };
  for (const impl of IMPLS) {
    process.stderr.write(`idle: ${connections} connections on a ${impl} ROUTER...\n`);
    try {
      idle[impl] = await idleConnections(impl, connections);
    } catch (error) {
      idle[impl] = `error: ${String(/** @type {Error} */ (error).message).split("\n")[0]}`;
    }
  }
  /** @type {{ size: number, impl: Impl, result: Awaited<ReturnType<typeof stalledConsumer>> | string }[]} */
  const stalls = [];
  for (const size of options.sizes) {
    for (const impl of IMPLS) {
      process.stderr.write(`stall: ${impl} ${sizeLabel(size)}...\n`);
      try {
        stalls.push({
          size,
          impl,
          result: await stalledConsumer(impl, size, options.quick ? 300 : 1000),
        });
      } catch (error) {
        const message = String(/** @type {Error} */ (error).message).split("\n")[0];
        stalls.push({ size, impl, result: `error: ${message}` });
      }
    }
  }
  const host = machine();
  const lines = [
    "# zmtp memory",
    "",
    `Generated by \`pnpm --filter @zmtp/perf memory\`${options.quick ? " --quick (smoke run)" : ""} on ${new Date().toISOString().slice(0, 10)}. Machine: ${host.cpu}, ${host.cores} cores, ${host.memory}; ${host.os}; Node ${host.node}; native: zeromq 6.8.0 (libzmq 4.3.5).`,
    "",
    `## ${connections.toLocaleString("en-US")} idle tcp connections on one ROUTER`,
    "",
    "Resident memory of the ROUTER process after a full GC, before the first peer and after every",
    'peer finished its handshake and sent one "hello", then sat idle for a second. The peers are',
    "raw node:net clients in another process, the same for both, so only the ROUTER side counts.",
    `"After a burst": the ROUTER then sent every peer ${BURST_REPLIES} replies of ${sizeLabel(BURST_SIZE)} (awaiting each`,
    "send), and the connections sat idle for a second again.",
    "",
    "| | zmtp | native |",
    "| --- | ---: | ---: |",
  ];
  const cell = (
    /** @type {Impl} */ impl,
    /** @type {(r: { before: Memory, after: Memory, replied: Memory }) => string} */ show,
  ) => {
    const result = idle[impl];
    return typeof result === "string" ? result : show(result);
  };
  lines.push(
    `| rss before | ${cell("zmtp", (r) => mib(r.before.rss))} | ${cell("zeromq", (r) => mib(r.before.rss))} |`,
    `| rss after | ${cell("zmtp", (r) => mib(r.after.rss))} | ${cell("zeromq", (r) => mib(r.after.rss))} |`,
    `| rss delta | ${cell("zmtp", (r) => mib(r.after.rss - r.before.rss))} | ${cell("zeromq", (r) => mib(r.after.rss - r.before.rss))} |`,
    `| per connection | ${cell("zmtp", (r) => `${((r.after.rss - r.before.rss) / connections / 1024).toFixed(1)} KiB`)} | ${cell("zeromq", (r) => `${((r.after.rss - r.before.rss) / connections / 1024).toFixed(1)} KiB`)} |`,
    `| JS heap delta | ${cell("zmtp", (r) => mib(r.after.heapUsed - r.before.heapUsed))} | ${cell("zeromq", (r) => mib(r.after.heapUsed - r.before.heapUsed))} |`,
    `| rss after a burst | ${cell("zmtp", (r) => mib(r.replied.rss))} | ${cell("zeromq", (r) => mib(r.replied.rss))} |`,
    `| per connection after a burst | ${cell("zmtp", (r) => `${((r.replied.rss - r.before.rss) / connections / 1024).toFixed(1)} KiB`)} | ${cell("zeromq", (r) => `${((r.replied.rss - r.before.rss) / connections / 1024).toFixed(1)} KiB`)} |`,
    "",
    "## Stalled consumer: PUSH → PULL that stopped reading (tcp, default high-water marks)",
    "",
    "The PULL reads one message and stops; the PUSH sends (each send awaited) until a send has",
    "waited a second. Peak is the process's maxRSS; Δ is peak minus the resident memory after",
    "connecting, before the flood.",
    "",
    "| size | impl | sends completed | sender peak (Δ) | receiver peak (Δ) |",
    "| ---: | --- | ---: | ---: | ---: |",
  );
  for (const { size, impl, result } of stalls) {
    const name = impl === "zmtp" ? "zmtp" : "native";
    if (typeof result === "string") {
      lines.push(`| ${sizeLabel(size)} | ${name} | ${result} | | |`);
      continue;
    }
    const sent = `${result.sent.toLocaleString("en-US")}${result.stalled ? "" : " (never stalled)"}`;
    lines.push(
      `| ${sizeLabel(size)} | ${name} | ${sent} | ${mib(result.senderPeak)} (+${mib(result.senderPeak - result.senderBefore)}) | ${mib(result.receiverPeak)} (+${mib(result.receiverPeak - result.receiverBefore)}) |`,
    );
  }
  lines.push("");
  if (notes.length > 0) lines.push(...notes.map((note) => `Note: ${note}`), "");
  const markdown = lines.join("\n");
  process.stdout.write(markdown);
  if (!options.quick || options.out !== undefined) {
    const out = options.out ?? join(SRC, "..", "results", "memory.md");
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, markdown);
    process.stderr.write(`written to ${out}\n`);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
