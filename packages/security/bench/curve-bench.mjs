#!/usr/bin/env node
// CURVE vs NULL throughput, 256-byte messages, PUSH -> PULL over tcp://127.0.0.1, zmtp and
// libzmq (native `zeromq`) in the same run. Not a test. Build first (`pnpm build`), then:
//   node packages/security/bench/curve-bench.mjs [messages]
import { createRequire } from "node:module";
import { performance } from "node:perf_hooks";

const require = createRequire(import.meta.url);
const zmtp = await import(new URL("../../zmtp/dist/index.js", import.meta.url).href);
const native = require(
  require.resolve("zeromq", { paths: [new URL("../../..", import.meta.url).pathname] }),
);

const COUNT = Number(process.argv[2] ?? 50_000);
const SIZE = 256;
const payload = Buffer.alloc(SIZE, 7);

async function run(library, curve) {
  const server = library.curveKeyPair();
  const client = library.curveKeyPair();
  const pull = new library.Pull(
    curve ? { curveServer: true, curveSecretKey: server.secretKey } : {},
  );
  await pull.bind("tcp://127.0.0.1:*");
  const push = new library.Push(
    curve
      ? {
          curveServerKey: server.publicKey,
          curvePublicKey: client.publicKey,
          curveSecretKey: client.secretKey,
        }
      : {},
  );
  push.connect(pull.lastEndpoint);
  await push.send(payload);
  await pull.receive();
  const started = performance.now();
  const receiving = (async () => {
    for (let index = 0; index < COUNT; index++) await pull.receive();
  })();
  for (let index = 0; index < COUNT; index++) await push.send(payload);
  await receiving;
  const seconds = (performance.now() - started) / 1000;
  push.close();
  pull.close();
  return COUNT / seconds;
}

const rows = [];
for (const [name, library] of [
  ["zmtp", zmtp],
  ["libzmq (zeromq 6.8.0)", native],
]) {
  for (const curve of [false, true]) {
    const rate = await run(library, curve);
    rows.push({
      implementation: name,
      mechanism: curve ? "CURVE" : "NULL",
      "msg/s": Math.round(rate),
      "MB/s": ((rate * SIZE) / 1e6).toFixed(1),
    });
  }
}
console.log(`PUSH -> PULL, ${COUNT} x ${SIZE} B, tcp, node ${process.version}`);
console.table(rows);
process.exit(0);
