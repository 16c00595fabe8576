// @ts-check
// zguide "divide and conquer": a ventilator PUSHes tasks to workers, workers PUSH results to a
// sink that PULLs them all in.
import { Pull, Push } from "zmtp";

/** @param {{ tasks?: number, workers?: number, log?: (line: string) => void }} [options] */
export async function pipeline({ tasks = 30, workers = 3, log = console.log } = {}) {
  const ventilator = new Push();
  await ventilator.bind("tcp://127.0.0.1:*");
  // Start sending once every worker is connected, so the round robin spreads the work.
  let handshakes = 0;
  const allConnected = new Promise((resolve) => {
    ventilator.events.on("handshake", () => {
      if (++handshakes === workers) resolve(undefined);
    });
  });
  const sink = new Pull();
  await sink.bind("tcp://127.0.0.1:*");

  /** @type {Map<string, number>} */
  const perWorker = new Map();
  const running = [];
  const sockets = [];
  for (let w = 0; w < workers; w++) {
    const receiver = new Pull();
    receiver.connect(/** @type {string} */ (ventilator.lastEndpoint));
    const sender = new Push();
    sender.connect(/** @type {string} */ (sink.lastEndpoint));
    sockets.push(receiver, sender);
    running.push(
      (async () => {
        for await (const [task] of receiver) {
          await sender.send([`worker-${w}`, task ?? null]);
        }
      })(),
    );
  }

  await allConnected;
  for (let t = 0; t < tasks; t++) await ventilator.send(String(t));

  let sum = 0;
  for (let t = 0; t < tasks; t++) {
    const [worker, task] = await sink.receive();
    perWorker.set(String(worker), (perWorker.get(String(worker)) ?? 0) + 1);
    sum += Number(task);
  }
  for (const [worker, count] of [...perWorker].sort()) log(`sink: ${worker} did ${count} tasks`);
  for (const socket of sockets) socket.close();
  ventilator.close();
  sink.close();
  await Promise.all(running);
  return { sum, perWorker };
}

if (import.meta.url === `file://${process.argv[1]}`) await pipeline();
