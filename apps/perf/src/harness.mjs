// @ts-check
// Runs the tools as child processes, each side its own process (inproc: one process), and
// parses their reports. Used by the bench runner, the memory tool and the smoke test.
import { spawn, spawnSync } from "node:child_process";
import { rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseReport } from "./common.mjs";

/**
 * `raw-await`: the raw baseline shaped like the API (raw/awaiting.mjs), latency only.
 * @typedef {"zmtp" | "zeromq" | "raw" | "raw-await"} Subject
 */
/** @typedef {"tcp" | "ipc" | "inproc"} TransportName */
/** @typedef {"thr" | "lat"} Kind */

export const SRC = fileURLToPath(new URL(".", import.meta.url));

/**
 * @typedef {object} Output
 * @property {number | null} code
 * @property {string} stdout
 * @property {string} stderr
 */

/**
 * Runs `node <script> ...args`; rejects on a non-zero exit or after `timeoutMs`. The promise
 * has `kill` to stop the process early and `endInput` to end its stdin (a pipe).
 * @param {string} script path relative to src/
 * @param {string[]} args
 * @param {{ timeoutMs?: number, nodeArgs?: string[], cpu?: number }} [options] `cpu`: run
 *   pinned to that CPU (through `taskset`)
 * @returns {Promise<Output> & { kill(): void, endInput(): void }}
 */
export function runNode(script, args, { timeoutMs = 120_000, nodeArgs = [], cpu } = {}) {
  const command = [process.execPath, ...nodeArgs, join(SRC, script), ...args];
  const pinned = cpu === undefined ? command : ["taskset", "-c", String(cpu), ...command];
  const child = spawn(/** @type {string} */ (pinned[0]), pinned.slice(1), {
    stdio: ["pipe", "pipe", "pipe"],
  });
  child.stdin.on("error", () => {});
  /** @type {Promise<Output>} */
  const done = new Promise((resolve, reject) => {
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (text) => (stdout += text));
    child.stderr.setEncoding("utf8").on("data", (text) => (stderr += text));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("error", reject);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      const output = { code, stdout, stderr };
      if (code === 0) resolve(output);
      else {
        const why = signal === "SIGKILL" ? `timed out after ${timeoutMs} ms` : `exit ${code}`;
        const error = new Error(`${script} ${args.join(" ")}: ${why}\n${stderr}`);
        reject(Object.assign(error, { output }));
      }
    });
  });
  return Object.assign(done, {
    kill: () => void child.kill("SIGKILL"),
    endInput: () => void child.stdin.end(),
  });
}

/** @type {boolean | undefined} */
let tasksetFound;

/** Whether processes can be pinned to a CPU here (`taskset`, from util-linux). */
export function canPin() {
  tasksetFound ??= spawnSync("taskset", ["-c", "0", "true"], { stdio: "ignore" }).status === 0;
  return tasksetFound;
}

/** A tcp port free right now on 127.0.0.1. */
export function freePort() {
  return /** @type {Promise<number>} */ (
    new Promise((resolve, reject) => {
      const server = createServer();
      server.on("error", reject);
      server.listen(0, "127.0.0.1", () => {
        const address = server.address();
        const port = typeof address === "object" && address !== null ? address.port : 0;
        server.close(() => resolve(port));
      });
    })
  );
}

let ipcCounter = 0;

/** A fresh endpoint for one run. @param {"tcp" | "ipc"} transport */
export async function endpointFor(transport) {
  if (transport === "tcp") return `tcp://127.0.0.1:${await freePort()}`;
  const path = join(tmpdir(), `zmtp-perf-${process.pid}-${ipcCounter++}.sock`);
  rmSync(path, { force: true });
  return `ipc://${path}`;
}

/**
 * One measurement: the local and remote tools as two processes (tcp, ipc) or the in-process
 * tool (inproc). Returns the parsed report. `warmup` messages (or round trips) go before the
 * measured ones; `curve` runs CURVE between the two sides (zmq subjects only); `cpu` pins every
 * process of the run to that CPU.
 * @param {{ kind: Kind, transport: TransportName, subject: Subject, size: number, count: number, warmup?: number, curve?: boolean, cpu?: number, timeoutMs?: number }} run
 */
export async function measure({
  kind,
  transport,
  subject,
  size,
  count,
  warmup,
  curve,
  cpu,
  timeoutMs,
}) {
  const options = { ...(timeoutMs === undefined ? {} : { timeoutMs }), cpu };
  const numbers = [String(size), String(count)];
  const flags = [
    ...(warmup === undefined || warmup === 0 ? [] : ["--warmup", String(warmup)]),
    ...(curve === true ? ["--curve"] : []),
  ];
  const raw = subject === "raw" || subject === "raw-await";
  if (curve === true && raw) throw new Error("The raw baseline has no security");
  if (subject === "raw-await" && kind !== "lat") {
    throw new Error("The awaiting raw baseline measures latency only");
  }
  if (transport === "inproc") {
    if (raw) throw new Error("The raw baseline has no inproc transport");
    const output = await runNode(
      `inproc-${kind}.mjs`,
      ["--impl", subject, ...flags, ...numbers],
      options,
    );
    return parseReport(output.stdout);
  }
  const endpoint = await endpointFor(transport);
  const dir = raw ? "raw/" : "";
  const impl =
    subject === "raw-await" ? ["--await", ...flags] : raw ? flags : ["--impl", subject, ...flags];
  // zmq senders stay open until the receiver is done (see --hold in remote-thr.mjs); the raw
  // sender waits for the receiver to close the connection, which amounts to the same.
  const hold = kind === "thr" && !raw ? ["--hold"] : [];
  const local = runNode(`${dir}local-${kind}.mjs`, [...impl, endpoint, ...numbers], options);
  const remote = runNode(
    `${dir}remote-${kind}.mjs`,
    [...impl, ...hold, endpoint, ...numbers],
    options,
  );
  try {
    const localOutput = await Promise.race([local, remote.then(() => local)]);
    remote.endInput();
    const remoteOutput = await remote;
    return parseReport(kind === "thr" ? localOutput.stdout : remoteOutput.stdout);
  } catch (error) {
    // One side failed: stop the other rather than wait for its timeout.
    local.kill();
    remote.kill();
    await Promise.allSettled([local, remote]);
    throw error;
  }
}

/** The shell prefix that raises the soft open-files limit to the hard one, where allowed. */
const RAISE_FD_LIMIT = 'ulimit -n "$(ulimit -Hn)" 2>/dev/null; exec "$@"';

/**
 * The open-files limit a child started with `raiseFdLimit` gets (the hard limit where the soft
 * one could be raised).
 * @returns {Promise<number>}
 */
export function fdLimit() {
  return new Promise((resolve, reject) => {
    const child = spawn("/bin/sh", ["-c", RAISE_FD_LIMIT, "sh", "/bin/sh", "-c", "ulimit -n"], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    let text = "";
    child.stdout.setEncoding("utf8").on("data", (chunk) => (text += chunk));
    child.on("error", reject);
    child.on("close", () => {
      const value = text.trim();
      resolve(value === "unlimited" ? Number.POSITIVE_INFINITY : Number(value));
    });
  });
}

/**
 * A long-running tool: its stdout lines can be awaited one by one.
 * @param {string} script path relative to src/
 * @param {string[]} args
 * @param {{ nodeArgs?: string[], raiseFdLimit?: boolean, timeoutMs?: number }} [options]
 */
export function startNode(
  script,
  args,
  { nodeArgs = [], raiseFdLimit = false, timeoutMs = 120_000 } = {},
) {
  const command = [process.execPath, ...nodeArgs, join(SRC, script), ...args];
  const child = raiseFdLimit
    ? spawn("/bin/sh", ["-c", RAISE_FD_LIMIT, "sh", ...command], {
        stdio: ["pipe", "pipe", "pipe"],
      })
    : spawn(/** @type {string} */ (command[0]), command.slice(1), {
        stdio: ["pipe", "pipe", "pipe"],
      });
  child.stdin.on("error", () => {});
  /** @type {string[]} */
  const lines = [];
  /** @type {(() => void)[]} */
  const waiters = [];
  let buffered = "";
  let stderr = "";
  let exited = false;
  child.stdout.setEncoding("utf8").on("data", (text) => {
    buffered += text;
    let newline = buffered.indexOf("\n");
    while (newline >= 0) {
      lines.push(buffered.slice(0, newline));
      buffered = buffered.slice(newline + 1);
      newline = buffered.indexOf("\n");
    }
    for (const wake of waiters.splice(0)) wake();
  });
  child.stderr.setEncoding("utf8").on("data", (text) => (stderr += text));
  const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
  /** @type {Promise<number | null>} */
  const done = new Promise((resolve) => {
    child.on("close", (code) => {
      exited = true;
      clearTimeout(timer);
      for (const wake of waiters.splice(0)) wake();
      resolve(code);
    });
  });
  return {
    /**
     * The next line, or rejects when the process ends first.
     * @returns {Promise<string>}
     */
    async nextLine() {
      while (lines.length === 0) {
        if (exited) throw new Error(`${script} ended early:\n${stderr}`);
        await new Promise((resolve) => waiters.push(() => resolve(undefined)));
      }
      return /** @type {string} */ (lines.shift());
    },
    endInput: () => void child.stdin.end(),
    kill: () => void child.kill("SIGKILL"),
    done,
    stderr: () => stderr,
  };
}
