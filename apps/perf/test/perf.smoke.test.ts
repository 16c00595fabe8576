// Smoke test for the perf tools: each runs with tiny counts, for zmtp, the native zeromq
// package and the raw baseline (for latency also shaped like the API), and its report parses. Not a timed assertion: numbers only have
// to be positive. The tools run as child processes on the built packages (pnpm build first).
import { describe, expect, it } from "vitest";
import { pairedRatio } from "../src/bench.mjs";
import { canPin, measure } from "../src/harness.mjs";
import { idleConnections, stalledConsumer } from "../src/memory.mjs";

const TIMEOUT = 60_000;
const subjects = ["zmtp", "zeromq", "raw"] as const;

describe.each(["tcp", "ipc"] as const)("%s", (transport) => {
  it.each(subjects)(
    "local-thr / remote-thr (%s)",
    async (subject) => {
      const report = await measure({ kind: "thr", transport, subject, size: 16, count: 1000 });
      expect(report).toMatchObject({ size: 16, count: 1000 });
      expect(report.messagesPerSecond).toBeGreaterThan(0);
      expect(report.megabitsPerSecond).toBeGreaterThan(0);
    },
    TIMEOUT,
  );

  it.each([...subjects, "raw-await"] as const)(
    "local-lat / remote-lat (%s)",
    async (subject) => {
      const report = await measure({ kind: "lat", transport, subject, size: 256, count: 100 });
      expect(report).toMatchObject({ size: 256, roundtrips: 100 });
      expect(report.latencyUs).toBeGreaterThan(0);
    },
    TIMEOUT,
  );
});

describe("warm-up and CURVE", () => {
  it.each(["zmtp", "zeromq"] as const)(
    "thr and lat over tcp with --warmup and --curve (%s)",
    async (subject) => {
      const thr = await measure({
        kind: "thr",
        transport: "tcp",
        subject,
        size: 256,
        count: 500,
        warmup: 200,
        curve: true,
      });
      // The report counts only the timed messages, not the warm-up.
      expect(thr).toMatchObject({ size: 256, count: 500 });
      expect(thr.messagesPerSecond).toBeGreaterThan(0);
      const lat = await measure({
        kind: "lat",
        transport: "tcp",
        subject,
        size: 16,
        count: 50,
        warmup: 20,
        curve: true,
      });
      expect(lat).toMatchObject({ size: 16, roundtrips: 50 });
      expect(lat.latencyUs).toBeGreaterThan(0);
    },
    TIMEOUT,
  );

  it(
    "latency pinned to one CPU (taskset, as the bench runs it)",
    async () => {
      expect(canPin()).toBe(true);
      const lat = await measure({
        kind: "lat",
        transport: "tcp",
        subject: "zmtp",
        size: 16,
        count: 50,
        warmup: 10,
        cpu: 0,
      });
      expect(lat).toMatchObject({ size: 16, roundtrips: 50 });
      expect(lat.latencyUs).toBeGreaterThan(0);
    },
    TIMEOUT,
  );

  it(
    "the raw baseline takes --warmup and refuses --curve",
    async () => {
      const thr = await measure({
        kind: "thr",
        transport: "ipc",
        subject: "raw",
        size: 16,
        count: 300,
        warmup: 100,
      });
      expect(thr).toMatchObject({ size: 16, count: 300 });
      await expect(
        measure({
          kind: "thr",
          transport: "tcp",
          subject: "raw",
          size: 16,
          count: 10,
          curve: true,
        }),
      ).rejects.toThrow(/no security/);
    },
    TIMEOUT,
  );

  it(
    "the awaiting raw baseline takes --warmup and measures latency only",
    async () => {
      const lat = await measure({
        kind: "lat",
        transport: "tcp",
        subject: "raw-await",
        size: 16,
        count: 50,
        warmup: 20,
      });
      expect(lat).toMatchObject({ size: 16, roundtrips: 50 });
      expect(lat.latencyUs).toBeGreaterThan(0);
      await expect(
        measure({ kind: "thr", transport: "tcp", subject: "raw-await", size: 16, count: 10 }),
      ).rejects.toThrow(/latency only/);
    },
    TIMEOUT,
  );
});

describe("bench ratios", () => {
  it("pair each run's subjects: a slow spell of the machine cancels out", () => {
    // Run 2 was slow for both subjects. The ratio of the medians (10 / 4) says 2.5x; the runs
    // say 2.5x, 2x and 2x.
    expect(pairedRatio([10, 2, 12], [4, 1, 6])).toBe(2);
    expect(pairedRatio([10, Number.NaN, 9], [5, 1, 3])).toBe(2.5);
    expect(pairedRatio([], [])).toBeNaN();
  });
});

describe("inproc", () => {
  it.each(["zmtp", "zeromq"] as const)(
    "inproc-thr and inproc-lat (%s)",
    async (subject) => {
      const thr = await measure({
        kind: "thr",
        transport: "inproc",
        subject,
        size: 4096,
        count: 1000,
      });
      expect(thr.messagesPerSecond).toBeGreaterThan(0);
      const lat = await measure({
        kind: "lat",
        transport: "inproc",
        subject,
        size: 16,
        count: 100,
      });
      expect(lat.latencyUs).toBeGreaterThan(0);
    },
    TIMEOUT,
  );
});

describe("memory", () => {
  it.each(["zmtp", "zeromq"] as const)(
    "idle connections on a ROUTER and a stalled consumer (%s)",
    async (impl) => {
      const idle = await idleConnections(impl, 20);
      expect(idle.after.rss).toBeGreaterThan(0);
      expect(idle.before.rss).toBeGreaterThan(0);
      // The burst to every peer was sent and read back as a third reading.
      expect(idle.replied.rss).toBeGreaterThan(0);
      const stall = await stalledConsumer(impl, 65536, 300);
      expect(stall.stalled).toBe(true);
      expect(stall.sent).toBeGreaterThan(1);
      expect(stall.senderPeak).toBeGreaterThan(0);
      expect(stall.receiverPeak).toBeGreaterThan(0);
    },
    TIMEOUT,
  );
});
