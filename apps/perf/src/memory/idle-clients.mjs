// @ts-check
// idle-clients: opens <connections> node:net connections to <endpoint>, each speaking ZMTP as a
// DEALER (greeting and READY, then, once the peer's READY arrived, one "hello" message), then
// holds them open, idle, until stdin ends.
// Prints "connected <n>" when all are open. Runs in its own process so that its memory is not
// counted on the ROUTER side.
import { once } from "node:events";
import { connect } from "node:net";
import { positiveInt } from "../common.mjs";
import { netAddress } from "../raw/frames.mjs";
import { DEALER_OPENING, HELLO, openingLength } from "./zmtp-peer.mjs";

const USAGE = "memory/idle-clients <connect-to> <connections>";
/** Connections in flight at once: below the listen backlog (100 in zmtp and libzmq). */
const CONCURRENCY = 64;

/** @param {string} endpoint @param {number} connections */
export async function idleClients(endpoint, connections) {
  const address = netAddress(endpoint);
  /** @type {import("node:net").Socket[]} */
  const sockets = [];
  let next = 0;
  const open = async () => {
    while (next < connections) {
      next++;
      for (let attempt = 0; ; attempt++) {
        try {
          sockets.push(await openOne(address));
          break;
        } catch (error) {
          if (attempt >= 50) throw error;
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
      }
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, open));
  return sockets;
}

/**
 * One peer, resolved once its "hello" is written.
 * @param {ReturnType<typeof netAddress>} address
 * @returns {Promise<import("node:net").Socket>}
 */
function openOne(address) {
  return new Promise((resolve, reject) => {
    const socket = connect(address);
    let received = Buffer.alloc(0);
    const onData = (/** @type {Buffer} */ chunk) => {
      received = Buffer.concat([received, chunk]);
      if (openingLength(received) === 0) return;
      // The ROUTER's greeting and READY are in: the session is open. Drop anything later.
      socket.off("data", onData);
      socket.on("data", () => {});
      socket.write(HELLO);
      resolve(socket);
    };
    socket.once("error", reject);
    socket.once("close", () => reject(new Error("closed during the handshake")));
    socket.once("connect", () => {
      socket.on("data", onData);
      socket.write(DEALER_OPENING);
    });
  }).then((socket) => {
    const opened = /** @type {import("node:net").Socket} */ (socket);
    opened.removeAllListeners("error");
    opened.removeAllListeners("close");
    opened.on("error", () => {});
    return opened;
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [endpoint, count] = process.argv.slice(2);
  if (endpoint === undefined) {
    process.stderr.write(`usage: ${USAGE}\n`);
    process.exit(1);
  }
  const sockets = await idleClients(endpoint, positiveInt(count, USAGE));
  process.stdout.write(`connected ${sockets.length}\n`);
  process.stdin.resume();
  await once(process.stdin, "end");
  for (const socket of sockets) socket.destroy();
  process.exit(0);
}
