// @ts-check
// zguide "weather update" server and client: PUB sends "zipcode temperature humidity" updates;
// a SUB subscribed to one zip code averages the temperatures it gets.
import { Publisher, Subscriber } from "zmtp";

/** @param {{ updates?: number, zip?: string, log?: (line: string) => void }} [options] */
export async function weather({ updates = 5, zip = "10001", log = console.log } = {}) {
  const publisher = new Publisher();
  await publisher.bind("tcp://127.0.0.1:*");
  const subscriber = new Subscriber();
  subscriber.connect(/** @type {string} */ (publisher.lastEndpoint));
  subscriber.subscribe(`${zip} `);

  // Publish until the subscriber has what it wants: PUB drops what it sends before the
  // subscription arrives (the "slow joiner"), so it keeps sending.
  let running = true;
  const publishing = (async () => {
    let seed = 1;
    const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
    while (running) {
      const zipcode = random() < 0.3 ? zip : String(10000 + Math.floor(random() * 90000));
      const temperature = Math.floor(random() * 215) - 80;
      const humidity = Math.floor(random() * 50) + 10;
      await publisher.send(`${zipcode} ${temperature} ${humidity}`);
      await new Promise((resolve) => setImmediate(resolve));
    }
  })();

  let total = 0;
  for (let i = 0; i < updates; i++) {
    const [update] = await subscriber.receive();
    const [, temperature] = String(update).split(" ");
    total += Number(temperature);
    log(`subscriber: ${update}`);
  }
  running = false;
  await publishing;
  subscriber.close();
  publisher.close();
  const average = total / updates;
  log(`average temperature for zip code ${zip}: ${average.toFixed(1)}F`);
  return average;
}

if (import.meta.url === `file://${process.argv[1]}`) await weather();
