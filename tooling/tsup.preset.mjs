// Shared tsup settings: every package ships ESM + CJS + .d.ts from its src entries.
// Kept to one small function so the build tool can be swapped in one change.
import { defineConfig } from "tsup";

/**
 * @param {{ entry?: Record<string, string> | string[], platform?: "node" | "neutral" }} [options]
 */
export function preset(options = {}) {
  return defineConfig({
    entry: options.entry ?? ["src/index.ts"],
    format: ["esm", "cjs"],
    // Declarations are built against the dependencies' built types, not their sources.
    dts: { compilerOptions: { customConditions: [] } },
    clean: true,
    sourcemap: true,
    target: "es2022",
    platform: options.platform ?? "neutral",
    treeshake: true,
  });
}
