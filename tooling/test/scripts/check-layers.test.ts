/**
 * The layer check CI runs: it must fail on an upward import, on a transport importing another
 * workspace package, and on Node-only code in a portable package, and pass a clean tree.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
// @ts-expect-error: a plain .mjs script without declarations
import { checkLayers } from "../../scripts/check-layers.mjs";

const roots: string[] = [];
afterEach(() => {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
});

/** Builds a packages/ tree from { "core/src/a.ts": "source" }. */
function tree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), "zmtp-layers-"));
  roots.push(root);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

const check = (files: Record<string, string>): string[] => checkLayers(tree(files));

describe("check-layers", () => {
  it("passes imports that point down", () => {
    expect(
      check({
        "core/src/a.ts": 'import { x } from "@zmtp/codec";\nimport type { Y } from "@zmtp/spec";\n',
        "zmtp/src/index.ts": 'export * from "@zmtp/patterns";\nimport net from "node:net";\n',
        "transport-tcp/src/index.ts": 'import { createServer } from "node:net";\n',
      }),
    ).toEqual([]);
  });

  it("fails an upward import", () => {
    const problems = check({ "core/src/a.ts": 'import { PushSocket } from "@zmtp/patterns";\n' });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/core may not import @zmtp\/patterns/);
  });

  it("fails a transport importing anything but spec", () => {
    const problems = check({
      "transport-inproc/src/a.ts": 'import { Context } from "@zmtp/core";\n',
    });
    expect(problems[0]).toMatch(/transport-inproc may not import @zmtp\/core/);
  });

  it("fails node: imports and Node globals in portable packages, except under node/", () => {
    const problems = check({
      "codec/src/a.ts": 'import { Socket } from "node:net";\n',
      "core/src/b.ts": "export const b = Buffer.from([1]);\n",
      "security/src/node/files.ts": 'import { readFile } from "node:fs/promises";\n',
    });
    expect(problems).toHaveLength(2);
    expect(problems.join("\n")).toMatch(/codec must stay free of node: modules/);
    expect(problems.join("\n")).toMatch(/Node-only global/);
  });

  it("fails a package missing from the layer table", () => {
    expect(check({ "mystery/src/a.ts": "export {};\n" })[0]).toMatch(/not in the layer table/);
  });
});
