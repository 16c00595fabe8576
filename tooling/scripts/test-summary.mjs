// Sums a vitest JSON report per project (package) and overall.
import { readFileSync } from "node:fs";
import { relative, sep } from "node:path";

/**
 * @param {any} report vitest's JSON reporter output, or undefined when the run crashed
 * @returns {{ lines: string[], passed: number, failed: number }}
 */
export function summarize(report) {
  if (!report || !Array.isArray(report.testResults)) return { lines: [], passed: 0, failed: 0 };
  /** @type {Map<string, { passed: number, failed: number, skipped: number }>} */
  const perPackage = new Map();
  let passed = 0;
  let failed = 0;
  for (const file of report.testResults) {
    const path = relative(process.cwd(), file.name).split(sep);
    const name = path[0] === "tooling" ? "tooling" : `${path[0]}/${path[1]}`;
    const row = perPackage.get(name) ?? { passed: 0, failed: 0, skipped: 0 };
    const assertions = file.assertionResults ?? [];
    for (const test of assertions) {
      if (test.status === "passed") row.passed++;
      else if (test.status === "failed") row.failed++;
      else row.skipped++;
    }
    // A file that failed to load has no assertions but did fail.
    if (assertions.length === 0 && file.status === "failed") row.failed++;
    perPackage.set(name, row);
  }
  const lines = ["", "tests per package:"];
  for (const [name, row] of [...perPackage].sort()) {
    passed += row.passed;
    failed += row.failed;
    const skipped = row.skipped ? `, ${row.skipped} skipped` : "";
    lines.push(`  ${name}: ${row.passed} passed, ${row.failed} failed${skipped}`);
  }
  return { lines, passed, failed };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { lines, passed, failed } = summarize(JSON.parse(readFileSync(process.argv[2], "utf8")));
  for (const line of lines) console.log(line);
  console.log(`${passed} passed, ${failed} failed`);
}
