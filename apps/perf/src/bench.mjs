// @ts-check
// The benchmark matrix: throughput and latency over tcp, ipc and inproc at 16 B, 256 B, 4 KiB and
// 64 KiB, for zmtp, the native zeromq package and the raw node:net baseline (for latency also
// shaped like the API: raw/awaiting.mjs), interleaved (each
// cell's subjects run one after the other, in a rotating order, before the next cell), several
// runs each; then CURVE throughput over tcp, zmtp and native, beside zmtp without security.
// Every run first exchanges a warm-up share of messages that is not timed, so JIT-compiled code
// (zmtp, the raw baseline, zeromq.js's JavaScript side) is measured warm. Prints medians and the
// ratios zmtp/native, zmtp/raw and CURVE/NULL as markdown, and writes them to
// results/latest.md (not with --quick, the CI smoke run).
//
//   node src/bench.mjs [--quick] [--runs N] [--transports tcp,ipc,inproc]
//                      [--sizes 16,256,4096,65536] [--kinds thr,lat,curve] [--out FILE]
//                      [--scale F] [--no-pin]
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { arch, cpus, loadavg, release, totalmem, type } from "node:os";
import { dirname, join } from "node:path";
import { canPin, measure, SRC } from "./harness.mjs";

/** @typedef {import("./harness.mjs").Subject} Subject */
/** @typedef {import("./harness.mjs").TransportName} TransportName */
/** @typedef {import("./harness.mjs").Kind} Kind */
/** @typedef {Kind | "curve"} Section */

const SUBJECTS = /** @type {const} */ (["zmtp", "zeromq", "raw", "raw-await"]);

/**
 * Timed messages per throughput run and round trips per latency run, by size, and the untimed
 * warm-up before them. V8 needs about a million small messages (~0.3 s) before zmtp's receive
 * path runs optimised code; timing from the first message measured mostly that (500,000
 * messages of 256 B: 1.9M msg/s; the same run's last 250,000: 3.5-4M msg/s).
 * @type {Record<Section, Record<number, [number, number]>>}
 */
const COUNTS = {
  thr: {
    16: [2_000_000, 1_000_000],
    256: [1_000_000, 1_000_000],
    4096: [300_000, 200_000],
    65536: [30_000, 10_000],
  },
  lat: {
    16: [50_000, 20_000],
    256: [50_000, 20_000],
    4096: [50_000, 20_000],
    65536: [10_000, 4_000],
  },
  curve: {
    16: [300_000, 100_000],
    256: [300_000, 100_000],
    4096: [100_000, 30_000],
    65536: [5_000, 2_000],
  },
};
/**
 * In-process latency passes messages by reference, so a 64 KiB round trip costs what a 16 B one
 * does: every size gets the small sizes' counts. With the tcp count for 64 KiB (10,000 + 4,000)
 * zmtp's run ended before V8 had optimised its path (1.9 us one-way, 0.6 us from 50,000).
 * @type {[number, number]}
 */
const INPROC_LATENCY_COUNTS = [50_000, 20_000];
/** @type {Record<Section, Record<number, [number, number]>>} */
const QUICK_COUNTS = {
  thr: { 16: [2_000, 100], 256: [2_000, 100], 4096: [1_000, 100], 65536: [200, 10] },
  lat: { 16: [200, 10], 256: [200, 10], 4096: [200, 10], 65536: [100, 10] },
  curve: { 16: [500, 10], 256: [500, 10], 4096: [200, 10], 65536: [50, 5] },
};

/**
 * @typedef {object} Cell
 * @property {Kind} kind
 * @property {TransportName} transport
 * @property {number} size
 * @property {number} count
 * @property {number} warmup
 * @property {boolean} curve CURVE security (the "curve" section: throughput over tcp)
 */

/** @param {string[]} argv */
function parseOptions(argv) {
  const options = {
    quick: false,
    runs: 3,
    transports: /** @type {TransportName[]} */ (["tcp", "ipc", "inproc"]),
    sizes: [16, 256, 4096, 65536],
    kinds: /** @type {Section[]} */ (["thr", "lat", "curve"]),
    out: /** @type {string | undefined} */ (undefined),
    scale: 1,
    /** Pin both processes of a latency run to one CPU (where `taskset` exists). */
    pin: true,
  };
  let runsGiven = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      const next = argv[++i];
      if (next === undefined) throw new Error(`${arg} needs a value`);
      return next;
    };
    // `pnpm bench -- --runs 5` passes the separator through: skip it.
    if (arg === "--") continue;
    if (arg === "--quick") options.quick = true;
    else if (arg === "--runs") {
      options.runs = Number(value());
      runsGiven = true;
    } else if (arg === "--transports") {
      options.transports = /** @type {TransportName[]} */ (value().split(","));
    } else if (arg === "--sizes") options.sizes = value().split(",").map(Number);
    else if (arg === "--kinds") options.kinds = /** @type {Section[]} */ (value().split(","));
    else if (arg === "--out") options.out = value();
    else if (arg === "--scale") options.scale = Number(value());
    else if (arg === "--no-pin") options.pin = false;
    else throw new Error(`Unknown option ${arg}`);
  }
  if (options.quick && !runsGiven) options.runs = 1;
  if (!Number.isInteger(options.runs) || options.runs < 1) throw new Error("--runs must be >= 1");
  return options;
}

/** @param {number[]} values */
function median(values) {
  const sorted = values.filter((value) => Number.isFinite(value)).sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const middle = Math.floor(sorted.length / 2);
  const upper = sorted[middle] ?? Number.NaN;
  const lower = sorted[middle - 1] ?? Number.NaN;
  return sorted.length % 2 === 1 ? upper : (lower + upper) / 2;
}

/** @param {number} size */
function sizeLabel(size) {
  return size >= 1024 && size % 1024 === 0 ? `${size / 1024} KiB` : `${size} B`;
}

/** @param {Cell} cell */
function cellLabel(cell) {
  return `${cell.curve ? "curve " : ""}${cell.kind} ${cell.transport} ${sizeLabel(cell.size)}`;
}

/** @param {number} value @param {number} digits */
function number(value, digits = 0) {
  if (!Number.isFinite(value)) return "error";
  return value.toLocaleString("en-US", {
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  });
}

/** @param {number} value */
function ratio(value) {
  return Number.isFinite(value) ? `${value.toFixed(2)}x` : "—";
}

export function machine() {
  const cores = cpus();
  return {
    cpu: cores[0]?.model.trim() ?? "unknown",
    cores: cores.length,
    memory: `${Math.round(totalmem() / 2 ** 30)} GiB`,
    node: process.version,
    os: `${type()} ${release()} ${arch()}`,
  };
}

/**
 * The median of the per-run ratios a[i] / b[i]: each run's subjects ran back to back, so a slow
 * spell of the machine (other tenants, a busy host) weighs on both sides of a ratio alike, where
 * the ratio of two medians can pair a fast run of one subject with a slow run of the other.
 * @param {number[]} a @param {number[]} b
 */
export function pairedRatio(a, b) {
  const ratios = [];
  for (let index = 0; index < Math.min(a.length, b.length); index++) {
    const value = /** @type {number} */ (a[index]) / /** @type {number} */ (b[index]);
    if (Number.isFinite(value)) ratios.push(value);
  }
  return median(ratios);
}

/**
 * The target each cell is held to (from the issue "Performance"), or undefined.
 * @param {Kind} kind @param {TransportName} transport @param {number} size
 * @param {number} zmtp zmtp's median @param {number} vsNative zmtp/native @param {number} vsRaw
 *   zmtp/raw (paired ratios)
 * @returns {string | undefined}
 */
function target(kind, transport, size, zmtp, vsNative, vsRaw) {
  const mark = (/** @type {boolean} */ ok) => (ok ? "met" : "**missed**");
  if (kind === "thr") {
    if (transport === "inproc") {
      return size === 16 ? `≥ 3M msg/s: ${mark(zmtp >= 3_000_000)}` : undefined;
    }
    if (size <= 256) return `≥ 5x native: ${mark(vsNative >= 5)}`;
    return `≥ 0.85x raw: ${mark(vsRaw >= 0.85)}`;
  }
  if (transport !== "inproc" && size <= 4096) {
    return `≤ 1.2x raw: ${mark(vsRaw <= 1.2)}`;
  }
  return undefined;
}

async function main() {
  const options = parseOptions(process.argv.slice(2));
  const counts = options.quick ? QUICK_COUNTS : COUNTS;
  /** @type {Cell[]} */
  const cells = [];
  for (const section of options.kinds) {
    const curve = section === "curve";
    const kind = curve ? "thr" : section;
    // CURVE runs over tcp only: its cost is the cryptography, the same on every transport.
    const transports = curve
      ? options.transports.filter((name) => name === "tcp")
      : options.transports;
    for (const transport of transports) {
      for (const size of options.sizes) {
        const inprocLatency =
          !options.quick && section === "lat" && transport === "inproc"
            ? INPROC_LATENCY_COUNTS
            : undefined;
        const [count, warmup] = inprocLatency ??
          counts[section][size] ?? [Math.max(100, 1e7 / size), Math.max(10, 1e6 / size)];
        const scaled = (/** @type {number} */ value) =>
          Math.max(1, Math.round(value * options.scale));
        cells.push({ kind, transport, size, count: scaled(count), warmup: scaled(warmup), curve });
      }
    }
  }
  /** @type {Map<string, number[]>} */
  const results = new Map();
  /** @type {string[]} */
  const errors = [];
  /** @type {string[]} */
  const retried = [];
  const key = (/** @type {object} */ cell, /** @type {Subject} */ subject) =>
    `${JSON.stringify(cell)}|${subject}`;
  const subjectsFor = (/** @type {Cell} */ cell) =>
    SUBJECTS.filter((subject) => {
      if (subject === "zmtp" || subject === "zeromq") return true;
      if (cell.transport === "inproc" || cell.curve) return false;
      // The awaiting raw baseline answers a question about latency only.
      return subject === "raw" || cell.kind === "lat";
    });
  const total = options.runs * cells.reduce((sum, cell) => sum + subjectsFor(cell).length, 0);
  const pinLatency = options.pin && canPin();
  const started = performance.now();
  const loadBefore = loadavg()[0] ?? 0;
  let done = 0;
  for (let run = 0; run < options.runs; run++) {
    for (const cell of cells) {
      const subjects = subjectsFor(cell);
      // Rotate the order each run so no subject always runs first (a cold or warm machine).
      const offset = run % subjects.length;
      const ordered = [...subjects.slice(offset), ...subjects.slice(0, offset)];
      for (const subject of ordered) {
        let value = Number.NaN;
        const name = `${cellLabel(cell)} ${subject}`;
        // One retry, reported: a run can fail for reasons outside the subject (a rebuild of
        // dist/ underneath it); a real hang or crash fails twice and is listed as failed.
        for (let attempt = 0; attempt < 2 && Number.isNaN(value); attempt++) {
          try {
            const timeoutMs = options.quick ? 30_000 : 120_000;
            const cpu = cell.kind === "lat" && pinLatency ? 0 : undefined;
            const report = await measure({ ...cell, subject, cpu, timeoutMs });
            value =
              (cell.kind === "thr" ? report.messagesPerSecond : report.latencyUs) ?? Number.NaN;
          } catch (error) {
            const first = String(/** @type {Error} */ (error).message)
              .split("\n")
              .slice(0, 3);
            (attempt === 0 ? retried : errors).push(`${name}: ${first.join(" ")}`);
          }
        }
        const list = results.get(key(cell, subject)) ?? [];
        list.push(value);
        results.set(key(cell, subject), list);
        done++;
        const unit = cell.kind === "thr" ? "msg/s" : "us";
        process.stderr.write(
          `[${done}/${total}] ${cellLabel(cell)} ${subject}: ${number(value, cell.kind === "thr" ? 0 : 2)} ${unit}\n`,
        );
      }
    }
  }
  const seconds = (performance.now() - started) / 1000;
  const load = [loadBefore, loadavg()[0] ?? 0];
  const markdown = render(
    { ...options, pin: pinLatency },
    cells,
    results,
    key,
    errors,
    retried,
    seconds,
    load,
  );
  process.stdout.write(markdown);
  if (!options.quick || options.out !== undefined) {
    const out = options.out ?? join(SRC, "..", "results", "latest.md");
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, markdown);
    process.stderr.write(`written to ${out}\n`);
    if (options.out === undefined) updateReadme(markdown);
  }
  if (errors.length > 0) process.exitCode = 1;
}

/**
 * The root README's performance section is this table: everything after the title, between the
 * README's `<!-- perf:begin -->` and `<!-- perf:end -->` markers.
 * @param {string} markdown
 */
function updateReadme(markdown) {
  const readme = join(SRC, "..", "..", "..", "README.md");
  const text = readFileSync(readme, "utf8");
  const begin = "<!-- perf:begin -->";
  const end = "<!-- perf:end -->";
  const from = text.indexOf(begin);
  const to = text.indexOf(end);
  if (from < 0 || to < from) return;
  const body = markdown.replace(/^# .*\n+/, "").replace(/^## /gm, "### ");
  writeFileSync(readme, `${text.slice(0, from + begin.length)}\n${body.trim()}\n${text.slice(to)}`);
  process.stderr.write(`README performance section updated\n`);
}

/**
 * @param {ReturnType<typeof parseOptions>} options
 * @param {Cell[]} cells
 * @param {Map<string, number[]>} results
 * @param {(cell: object, subject: Subject) => string} key
 * @param {string[]} errors
 * @param {string[]} retried
 * @param {number} seconds
 * @param {number[]} load 1-minute load average before and after
 */
function render(options, cells, results, key, errors, retried, seconds, load) {
  const host = machine();
  const zeromqVersion = "6.8.0 (libzmq 4.3.5)";
  /** @param {Cell} cell @param {Subject} subject */
  const runs = (cell, subject) => results.get(key(cell, subject)) ?? [];
  /** @param {Cell} cell @returns {Record<Subject, number>} */
  const medians = (cell) => ({
    zmtp: median(runs(cell, "zmtp")),
    zeromq: median(runs(cell, "zeromq")),
    raw: median(runs(cell, "raw")),
    "raw-await": median(runs(cell, "raw-await")),
  });
  const lines = [
    "# zmtp performance",
    "",
    `Generated by \`pnpm bench\`${options.quick ? " --quick (smoke run: tiny counts, not a measurement)" : ""} on ${new Date().toISOString().slice(0, 10)}: median of ${options.runs} run${options.runs === 1 ? "" : "s"} per cell, subjects interleaved, ${Math.round(seconds)} s in all.`,
    "",
    `Machine: ${host.cpu}, ${host.cores} cores, ${host.memory}; ${host.os}; Node ${host.node}; native: zeromq ${zeromqVersion}. 1-minute load average before / after: ${load.map((value) => value.toFixed(2)).join(" / ")} (a load near the core count means other work shared the machine: absolute numbers drop, ratios between interleaved subjects hold better).`,
    "",
    "Subjects: **zmtp** (this project, the `zmtp` package), **native** (the `zeromq` package, libzmq",
    "in C++), **raw** (`node:net` with ZMTP-shaped frames, batched writes, reads through `onread`",
    "into one reused buffer and incremental parsing: the ceiling for JavaScript on this machine; no",
    "inproc, shown as —), and for latency **raw, awaiting** (the same raw code run the way the API",
    "makes a program run: a promise per receive and per send). Every zmtp and native send is",
    "awaited. Each side of tcp and ipc runs in its own process; inproc runs both in one.",
    "Figures are medians over the runs; a ratio is the median of the runs' own ratios (the subjects",
    "of a cell run back to back, so a slow spell of the machine weighs on both sides of it alike).",
    "Each run first exchanges the warm-up count untimed (every subject alike), then times the count:",
    "the figures are for warm code. A process that sends fewer messages than the warm-up sees less:",
    "zmtp's first ~250,000 small messages run at about half the rate while V8 optimises.",
    "",
  ];
  for (const section of options.kinds) {
    const curve = section === "curve";
    const sectionCells = cells.filter(
      (cell) => cell.curve === curve && (curve || cell.kind === section),
    );
    if (sectionCells.length === 0) continue;
    if (section === "thr") {
      lines.push(
        "## Throughput: PUSH → PULL, messages per second (higher is better)",
        "",
        "| transport | size | count (+ warm-up) | zmtp | native | raw | zmtp/native | zmtp/raw | target |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
      );
    } else if (section === "lat") {
      lines.push(
        "## Latency: REQ ↔ REP, one-way µs (half the mean round trip; lower is better)",
        "",
        options.pin
          ? "Both processes of a run share one CPU (`taskset -c 0`): a round trip then costs what both sides compute, with no cross-CPU wake-ups. Unpinned on this 2-vCPU machine, the same run lands at about 5 or about 12 µs from one run to the next, for every subject, which hides the differences measured here."
          : "Processes not pinned (`--no-pin`): wake-ups across CPUs vary from run to run.",
        "",
        "**raw, awaiting** is the raw baseline written the way the API makes a program run: each side awaits every receive (a promise resolved with an array of Buffers of its own) and every send, over the same wire code. zmtp/awaiting compares zmtp with it: what zmtp costs beyond the API's contract. The target still reads against **raw**; what bounds the 16 B and 256 B cells against it is in docs/architecture.md (\"Most of zmtp's latency gap to the raw baseline is the API's contract\").",
        "",
        "| transport | size | round trips (+ warm-up) | zmtp | native | raw | raw, awaiting | zmtp/native | zmtp/raw | zmtp/awaiting | target |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
      );
    } else {
      lines.push(
        "## CURVE throughput: PUSH → PULL over tcp, messages per second (higher is better)",
        "",
        "zmtp NULL is the same size's zmtp figure in the throughput table above (same run). What bounds CURVE/NULL at 256 B (the receiving core: NULL's path plus opening the box already exceed half of NULL's per-message budget) is in docs/architecture.md (\"Small CURVE messages are bound by the receiving core\").",
        "",
        "| transport | size | count (+ warm-up) | zmtp CURVE | native CURVE | zmtp NULL | zmtp/native | CURVE/NULL | target |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
      );
    }
    for (const cell of sectionCells) {
      const value = medians(cell);
      const digits = cell.kind === "thr" ? 0 : 2;
      const counted = `${number(cell.count)} (+ ${number(cell.warmup)})`;
      const aim = (/** @type {string | undefined} */ text) => (options.quick ? "" : (text ?? ""));
      if (curve) {
        const plain = cells.find(
          (other) =>
            !other.curve &&
            other.kind === "thr" &&
            other.transport === cell.transport &&
            other.size === cell.size,
        );
        const nullValue = plain === undefined ? Number.NaN : medians(plain).zmtp;
        const share =
          plain === undefined ? Number.NaN : pairedRatio(runs(cell, "zmtp"), runs(plain, "zmtp"));
        const goal =
          cell.size === 256 && Number.isFinite(share)
            ? `≥ 0.5x NULL: ${share >= 0.5 ? "met" : "**missed**"}`
            : undefined;
        lines.push(
          `| ${cell.transport} | ${sizeLabel(cell.size)} | ${counted} | ${number(value.zmtp)} | ${number(value.zeromq)} | ${Number.isFinite(nullValue) ? number(nullValue) : "—"} | ${ratio(pairedRatio(runs(cell, "zmtp"), runs(cell, "zeromq")))} | ${ratio(share)} | ${aim(goal)} |`,
        );
        continue;
      }
      const inproc = cell.transport === "inproc";
      const raw = inproc ? "—" : number(value.raw, digits);
      const vsNative = pairedRatio(runs(cell, "zmtp"), runs(cell, "zeromq"));
      const vsRaw = pairedRatio(runs(cell, "zmtp"), runs(cell, "raw"));
      const goal = target(cell.kind, cell.transport, cell.size, value.zmtp, vsNative, vsRaw);
      if (cell.kind === "lat") {
        const awaiting = inproc ? "—" : number(value["raw-await"], digits);
        const vsAwaiting = pairedRatio(runs(cell, "zmtp"), runs(cell, "raw-await"));
        lines.push(
          `| ${cell.transport} | ${sizeLabel(cell.size)} | ${counted} | ${number(value.zmtp, digits)} | ${number(value.zeromq, digits)} | ${raw} | ${awaiting} | ${ratio(vsNative)} | ${inproc ? "—" : ratio(vsRaw)} | ${inproc ? "—" : ratio(vsAwaiting)} | ${aim(goal)} |`,
        );
        continue;
      }
      lines.push(
        `| ${cell.transport} | ${sizeLabel(cell.size)} | ${counted} | ${number(value.zmtp, digits)} | ${number(value.zeromq, digits)} | ${raw} | ${ratio(vsNative)} | ${inproc ? "—" : ratio(vsRaw)} | ${aim(goal)} |`,
      );
    }
    lines.push("");
  }
  if (errors.length > 0) {
    lines.push("## Failed runs (twice)", "", ...errors.map((error) => `- ${error}`), "");
  }
  if (retried.length > 0) {
    lines.push("## Runs retried once", "", ...retried.map((error) => `- ${error}`), "");
  }
  return `${lines.join("\n")}`;
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
