#!/usr/bin/env node
// crypto_secretbox seal / open, ns per call: ours (src/curve/secretbox.ts) against tweetnacl,
// at the sizes CURVE sees (a MESSAGE box holds the flags byte + body). Not a test. Build first:
//   pnpm --filter @zmtp/security build && node packages/security/bench/secretbox.mjs [ms]
import { createRequire } from "node:module";
import { performance } from "node:perf_hooks";

const require = createRequire(import.meta.url);
const nacl = require("tweetnacl");
const ours = await import(new URL("../dist/curve.js", import.meta.url).href);

const MILLISECONDS = Number(process.argv[2] ?? 300);
const SIZES = [17, 257, 4097, 65537];

/** Runs `body` in growing batches until MILLISECONDS have passed; returns ns per call. */
function measure(body) {
  for (let index = 0; index < 200; index++) body(); // warm up
  let calls = 0;
  let batch = 16;
  const started = performance.now();
  let elapsed = 0;
  while (elapsed < MILLISECONDS) {
    for (let index = 0; index < batch; index++) body();
    calls += batch;
    batch *= 2;
    elapsed = performance.now() - started;
  }
  return (elapsed * 1e6) / calls;
}

const key = nacl.randomBytes(32);
const nonce = nacl.randomBytes(24);
const rows = [];
for (const size of SIZES) {
  const message = nacl.randomBytes(size);
  const box = nacl.secretbox(message, nonce, key);
  const frame = new Uint8Array(32 + size);
  frame.set(message, 32);
  let sink = 0;
  const results = {
    "seal ours": measure(() => {
      sink ^= ours.secretboxSeal(message, nonce, key)[0];
    }),
    "seal in place": measure(() => {
      ours.secretboxSealInPlace(frame, 16, size, nonce, key);
      sink ^= frame[16];
    }),
    "seal tweetnacl": measure(() => {
      sink ^= nacl.secretbox(message, nonce, key)[0];
    }),
    "open ours": measure(() => {
      sink ^= ours.secretboxOpen(box, nonce, key)[0];
    }),
    "open tweetnacl": measure(() => {
      sink ^= nacl.secretbox.open(box, nonce, key)[0];
    }),
  };
  if (sink === 0.5) console.log(sink);
  const row = { bytes: size };
  for (const [name, ns] of Object.entries(results)) row[`${name} (ns)`] = Math.round(ns);
  row["seal speed-up"] = `${(results["seal tweetnacl"] / results["seal ours"]).toFixed(1)}x`;
  row["open speed-up"] = `${(results["open tweetnacl"] / results["open ours"]).toFixed(1)}x`;
  row["ours MB/s"] = Math.round((size * 1e3) / results["seal in place"]);
  rows.push(row);
}
console.table(rows);
