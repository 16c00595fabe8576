// @ts-check
// The zmtp demo: REQ/REP, PUB/SUB and PUSH/PULL working together over tcp in one process,
// then a throughput figure. No native code, no external service.
import { Pull, Push, version } from "zmtp";
import { helloWorld } from "./hello-world.mjs";
import { pipeline } from "./pipeline.mjs";
import { weather } from "./weather.mjs";

/** @param {{ messages?: number, size?: number }} [options] */
export async function throughput({ messages = 200_000, size = 16 } = {}) {
  const pull = new Pull();
  await pull.bind("tcp://127.0.0.1:*");
  const push = new Push();
  push.connect(/** @type {string} */ (pull.lastEndpoint));
  const payload = Buffer.alloc(size, 7);
  const started = performance.now();
  const receiving = (async () => {
    for (let i = 0; i < messages; i++) await pull.receive();
  })();
  for (let i = 0; i < messages; i++) await push.send(payload);
  await receiving;
  const seconds = (performance.now() - started) / 1000;
  push.close();
  pull.close();
  return Math.round(messages / seconds);
}

export async function demo(log = console.log) {
  log(`zmtp demo (wire behaviour of libzmq ${version}, pure TypeScript)\n`);
  log("== REQ/REP: hello world ==");
  await helloWorld({ requests: 3, log });
  log("\n== PUB/SUB: weather updates for one zip code ==");
  await weather({ updates: 5, log });
  log("\n== PUSH/PULL: ventilator, 3 workers, sink ==");
  const { sum } = await pipeline({ tasks: 30, workers: 3, log });
  log(`sink: sum of task numbers ${sum}`);
  log("\n== throughput: PUSH -> PULL over tcp, 16-byte messages ==");
  const rate = await throughput();
  log(`${rate.toLocaleString("en-US")} messages/s`);
  return rate;
}

if (import.meta.url === `file://${process.argv[1]}`) await demo();
