#!/usr/bin/env node
// Runs every package's tests in one vitest run and ends with one line, `N passed, M failed`,
// summed over all packages (CI reads that line, not vitest's own summary).
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { summarize } from "./test-summary.mjs";

const reportDir = ".reports";
const reportFile = join(reportDir, "vitest.json");
mkdirSync(reportDir, { recursive: true });
rmSync(reportFile, { force: true });

const args = [
  "vitest",
  "run",
  "--reporter=default",
  "--reporter=json",
  `--outputFile.json=${reportFile}`,
  ...process.argv.slice(2),
];
const result = spawnSync("pnpm", ["exec", ...args], { stdio: "inherit" });

let report;
try {
  report = JSON.parse(readFileSync(reportFile, "utf8"));
} catch {
  report = undefined;
}
const { lines, passed, failed } = summarize(report);
for (const line of lines) console.log(line);
// A run that crashed before writing its report counts as one failure, never as green.
const crashed = report === undefined;
console.log(`${passed} passed, ${failed + (crashed ? 1 : 0)} failed`);
process.exit(result.status === 0 && !crashed && failed === 0 ? 0 : 1);
