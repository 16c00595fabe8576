// @ts-check
// Shared by the perf tools: argument parsing, loading an implementation, the libzmq-shaped
// report lines and a parser for them (used by the bench runner and the smoke test).

/** @typedef {"zmtp" | "zeromq"} Impl */
/** @typedef {typeof import("zmtp")} Zmq */

/**
 * @typedef {object} RunOptions
 * @property {number} [warmup] messages (throughput) or round trips (latency) exchanged before
 *   the clock starts, so a JIT-compiled subject is measured warm; 0 by default, as in libzmq's
 *   tools
 * @property {boolean} [curve] CURVE security between the two sides (zmq subjects only)
 */

/**
 * Splits argv into positional arguments, `--impl`, `--warmup N` and `--curve`. Exits with a
 * usage line when the count of positional arguments is wrong, as libzmq's tools do.
 * @param {string[]} argv process.argv.slice(2)
 * @param {string} usage
 * @param {number | [number, number]} positional how many positional arguments the tool takes
 *   (or the least and the most)
 * @returns {{ args: string[], impl: Impl, warmup: number, curve: boolean }}
 */
export function parseArgs(argv, usage, positional) {
  /** @type {string[]} */
  const args = [];
  /** @type {Impl} */
  let impl = "zmtp";
  let warmup = 0;
  let curve = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = /** @type {string} */ (argv[i]);
    if (arg === "--impl" || arg.startsWith("--impl=")) {
      const value = arg === "--impl" ? argv[++i] : arg.slice("--impl=".length);
      if (value !== "zmtp" && value !== "zeromq") fail(usage);
      impl = value;
    } else if (arg === "--warmup" || arg.startsWith("--warmup=")) {
      const value = Number(arg === "--warmup" ? argv[++i] : arg.slice("--warmup=".length));
      if (!Number.isSafeInteger(value) || value < 0) fail(usage);
      warmup = value;
    } else if (arg === "--curve") {
      curve = true;
    } else {
      args.push(arg);
    }
  }
  const [least, most] = typeof positional === "number" ? [positional, positional] : positional;
  if (args.length < least || args.length > most) fail(usage);
  return { args, impl, warmup, curve };
}

/**
 * Fixed CURVE key pairs for the perf tools (both sides of a run are separate processes, so the
 * keys are known in advance; never use published keys for anything else). The bound side is
 * the server.
 */
export const CURVE_KEYS = {
  server: {
    publicKey: "nx>.X}wwcZdg+?J&1#jaB0cVdZ71T(}0qmI]*GYL",
    secretKey: "HIXE-EJd+O(23q*4X<ke9%iKr]MbV3>>aFGON?X)",
  },
  client: {
    publicKey: "ooQgPI:tUCPyM(w/qsrek!p2#7JGH[nJ!OhW%ec/",
    secretKey: "T7z1(VktL.g%M@3@8Ap5}2hnUa77Gz@xZJ./#!@R",
  },
};

/**
 * Socket options for one side: CURVE server options on the bound side, client options on the
 * connecting side, nothing without CURVE.
 * @param {boolean} curve @param {"server" | "client"} role
 * @returns {Record<string, unknown>}
 */
export function securityOptions(curve, role) {
  if (!curve) return {};
  if (role === "server") {
    return {
      curveServer: true,
      curvePublicKey: CURVE_KEYS.server.publicKey,
      curveSecretKey: CURVE_KEYS.server.secretKey,
    };
  }
  return {
    curveServerKey: CURVE_KEYS.server.publicKey,
    curvePublicKey: CURVE_KEYS.client.publicKey,
    curveSecretKey: CURVE_KEYS.client.secretKey,
  };
}

/** @param {string} usage @returns {never} */
function fail(usage) {
  process.stderr.write(`usage: ${usage}\n`);
  process.exit(1);
}

/**
 * A positive integer argument, or exit with the usage line.
 * @param {string | undefined} text @param {string} usage
 */
export function positiveInt(text, usage) {
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value <= 0) fail(usage);
  return value;
}

/**
 * The zmq module for `impl`. Both have the zeromq.js v6 API, so the tools type it as zmtp's.
 * @param {Impl} impl
 * @returns {Promise<Zmq>}
 */
export async function loadImpl(impl) {
  const name = impl === "zmtp" ? "zmtp" : "zeromq";
  return /** @type {Zmq} */ (await import(name));
}

/** Milliseconds between reconnect attempts on connecting sides: the same for both impls. */
export const RECONNECT_INTERVAL = 10;

/**
 * The throughput report, in the shape of libzmq's local_thr.
 * @param {number} size @param {number} count @param {number} elapsedMs
 */
export function throughputReport(size, count, elapsedMs) {
  const elapsed = Math.max(elapsedMs, 1e-3);
  const messagesPerSecond = (count * 1000) / elapsed;
  const megabits = (messagesPerSecond * size * 8) / 1_000_000;
  return [
    `message size: ${size} [B]`,
    `message count: ${count}`,
    `mean throughput: ${Math.round(messagesPerSecond)} [msg/s]`,
    `mean throughput: ${megabits.toFixed(3)} [Mb/s]`,
    "",
  ].join("\n");
}

/**
 * The latency report, in the shape of libzmq's remote_lat: half the mean round trip.
 * @param {number} size @param {number} roundtrips @param {number} elapsedMs
 */
export function latencyReport(size, roundtrips, elapsedMs) {
  const latency = (elapsedMs * 1000) / (roundtrips * 2);
  return [
    `message size: ${size} [B]`,
    `roundtrip count: ${roundtrips}`,
    `average latency: ${latency.toFixed(3)} [us]`,
    "",
  ].join("\n");
}

/**
 * @typedef {object} Report
 * @property {number} size
 * @property {number} [count] throughput reports
 * @property {number} [messagesPerSecond]
 * @property {number} [megabitsPerSecond]
 * @property {number} [roundtrips] latency reports
 * @property {number} [latencyUs]
 */

/**
 * Parses a report printed by any tool here (or by libzmq's own tools). Throws when a needed
 * line is missing.
 * @param {string} text
 * @returns {Report}
 */
export function parseReport(text) {
  const size = match(text, /^message size: (\d+) \[B\]$/m);
  if (size === undefined) throw new Error(`No "message size" line in:\n${text}`);
  const count = match(text, /^message count: (\d+)$/m);
  if (count !== undefined) {
    const messagesPerSecond = match(text, /^mean throughput: ([\d.]+) \[msg\/s\]$/m);
    const megabitsPerSecond = match(text, /^mean throughput: ([\d.]+) \[Mb\/s\]$/m);
    if (messagesPerSecond === undefined || megabitsPerSecond === undefined) {
      throw new Error(`Incomplete throughput report:\n${text}`);
    }
    return { size, count, messagesPerSecond, megabitsPerSecond };
  }
  const roundtrips = match(text, /^roundtrip count: (\d+)$/m);
  const latencyUs = match(text, /^average latency: ([\d.]+) \[us\]$/m);
  if (roundtrips === undefined || latencyUs === undefined) {
    throw new Error(`Neither a throughput nor a latency report:\n${text}`);
  }
  return { size, roundtrips, latencyUs };
}

/** @param {string} text @param {RegExp} pattern */
function match(text, pattern) {
  const found = pattern.exec(text);
  return found === null ? undefined : Number(found[1]);
}

/** A payload of `size` bytes, not all zero. @param {number} size */
export function payload(size) {
  const buffer = Buffer.allocUnsafe(size);
  for (let i = 0; i < size; i++) buffer[i] = i & 0xff;
  return buffer;
}
