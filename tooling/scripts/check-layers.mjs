#!/usr/bin/env node
// Enforces the layering of docs/architecture.md on package sources:
// - imports point down only (a package imports only the packages its layer may use);
// - a transport imports nothing but @zmtp/spec (and node: modules);
// - spec, codec, core, security, patterns and devices import no node: module and use no
//   Node-only global, so they run in browsers, Bun and Deno.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";

/** What each package may import from the workspace. */
export const ALLOWED = {
  spec: [],
  codec: ["spec"],
  "transport-tcp": ["spec"],
  "transport-ipc": ["spec", "transport-tcp"],
  "transport-inproc": ["spec"],
  testkit: ["spec"],
  core: ["spec", "codec"],
  security: ["spec", "codec"],
  patterns: ["spec", "codec", "core"],
  devices: ["spec", "codec", "core", "patterns"],
  czmq: ["spec", "codec", "core", "security", "patterns", "devices"],
  zmtp: [
    "spec",
    "codec",
    "core",
    "security",
    "patterns",
    "devices",
    "transport-tcp",
    "transport-ipc",
    "transport-inproc",
  ],
};
export const PORTABLE = ["spec", "codec", "core", "security", "patterns", "devices"];
const NODE_GLOBALS = /\b(Buffer|process|__dirname|__filename|require)\s*[.(]/;

function* walk(dir) {
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) yield* walk(path);
    else if (/\.(m|c)?tsx?$/.test(entry)) yield path;
  }
}

/** @returns {string[]} the violations found under `root` */
export function checkLayers(root = "packages") {
  const problems = [];
  for (const pkg of readdirSync(root)) {
    const src = join(root, pkg, "src");
    let files;
    try {
      files = [...walk(src)];
    } catch {
      continue;
    }
    const allowed = ALLOWED[pkg];
    if (!allowed) {
      problems.push(`${pkg}: not in the layer table of tooling/scripts/check-layers.mjs`);
      continue;
    }
    // Node-only code in a portable package is allowed under a `node` subpath folder.
    for (const file of files) {
      const nodeSubpath = file.split(/[\\/]/).includes("node");
      const text = readFileSync(file, "utf8");
      const specifiers = [
        ...text.matchAll(/(?:^|\n)\s*(?:import|export)[^"'`;]*?from\s*["']([^"']+)["']/g),
        ...text.matchAll(/(?:^|\n)\s*import\s*["']([^"']+)["']/g),
        ...text.matchAll(/\b(?:import|require)\(\s*["']([^"']+)["']\s*\)/g),
      ].map((m) => m[1]);
      for (const spec of specifiers) {
        if (spec.startsWith(".")) continue;
        if (spec.startsWith("node:") || isNodeBuiltin(spec)) {
          if (PORTABLE.includes(pkg) && !nodeSubpath) {
            problems.push(`${file}: imports ${spec}, but ${pkg} must stay free of node: modules`);
          }
          continue;
        }
        const match = /^(?:@zmtp\/([^/]+)|(zmtp))(?:\/|$)/.exec(spec);
        if (!match) continue; // third-party packages are checked by review, not here
        const target = match[1] ?? match[2];
        if (target === pkg) {
          problems.push(`${file}: imports its own package by name (${spec}); use a relative path`);
        } else if (!allowed.includes(target)) {
          problems.push(
            `${file}: ${pkg} may not import ${spec} (allowed: ${allowed.join(", ") || "nothing"})`,
          );
        }
      }
      if (PORTABLE.includes(pkg) && !nodeSubpath) {
        const lines = text.split("\n");
        lines.forEach((line, index) => {
          const code = line.replace(/\/\/.*$/, "");
          if (NODE_GLOBALS.test(code) && !/^\s*\*/.test(code)) {
            problems.push(`${file}:${index + 1}: uses a Node-only global in a portable package`);
          }
        });
      }
    }
  }
  return problems;
}

const BUILTINS = new Set([
  "assert",
  "buffer",
  "child_process",
  "crypto",
  "dgram",
  "diagnostics_channel",
  "dns",
  "events",
  "fs",
  "fs/promises",
  "http",
  "https",
  "net",
  "os",
  "path",
  "perf_hooks",
  "process",
  "stream",
  "timers",
  "timers/promises",
  "tls",
  "url",
  "util",
  "worker_threads",
  "zlib",
]);
function isNodeBuiltin(spec) {
  return BUILTINS.has(spec);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const problems = checkLayers(process.argv[2] ?? "packages");
  for (const problem of problems) console.error(problem);
  if (problems.length > 0) {
    console.error(`layer check: ${problems.length} problem(s)`);
    process.exit(1);
  }
  console.log("layer check: ok");
}
