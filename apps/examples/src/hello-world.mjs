// @ts-check
// zguide "Hello World": a REP server answers "World" to each "Hello" from a REQ client.
import { Reply, Request } from "zmtp";

/** @param {{ requests?: number, log?: (line: string) => void }} [options] */
export async function helloWorld({ requests = 3, log = console.log } = {}) {
  const server = new Reply();
  await server.bind("tcp://127.0.0.1:*");
  const endpoint = /** @type {string} */ (server.lastEndpoint);

  const serving = (async () => {
    for await (const [request] of server) {
      log(`server: received ${request}`);
      await server.send("World");
    }
  })();

  const client = new Request();
  client.connect(endpoint);
  const replies = [];
  for (let i = 0; i < requests; i++) {
    await client.send("Hello");
    const [reply] = await client.receive();
    log(`client: received ${reply} (${i + 1}/${requests})`);
    replies.push(String(reply));
  }
  client.close();
  server.close();
  await serving;
  return replies;
}

if (import.meta.url === `file://${process.argv[1]}`) await helloWorld();
