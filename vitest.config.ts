import { existsSync, readdirSync } from "node:fs";
import { defineConfig } from "vitest/config";

// Tests run against package sources through the "@zmtp/source" export condition, so no build is
// needed first. One project per package or app keeps the per-package report readable.
const conditions = ["@zmtp/source", "node", "import", "module", "default"];

const dirs = ["packages", "apps"].flatMap((top) =>
  existsSync(top)
    ? readdirSync(top)
        .filter((name) => existsSync(`${top}/${name}/test`))
        .map((name) => `${top}/${name}`)
    : [],
);
if (existsSync("tooling/test")) dirs.push("tooling");

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: conditions } },
  test: {
    projects: dirs.map((root) => ({
      extends: true,
      test: {
        name: root.split("/").pop() ?? root,
        root,
        include: ["test/**/*.test.ts"],
        testTimeout: 20_000,
        hookTimeout: 20_000,
      },
    })),
  },
});
