// zmtp under Bun, against libzmq (the `zeromq` package) in the test's Node process, over tcp and
// ipc: both read paths of the stream transports (Bun honours `onread` on connect; an accepted
// socket there keeps "data" events) with messages that span many reads.
import { spawn } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import * as zmq from "zeromq";
import { bindEndpoint, TRANSPORTS } from "../helpers";

const BUN = fileURLToPath(new URL("../../node_modules/.bin/bun", import.meta.url));
const PEER = fileURLToPath(new URL("../fixtures/bun-peer.mjs", import.meta.url));
const SIZES = [16, 5000, 70_000, 300_000];

interface PeerResult {
  runtime: string;
  received: number;
  good: number;
}

function runBun(args: string[], onReady?: (endpoint: string) => void) {
  const child = spawn(BUN, [PEER, ...args], { stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  let err = "";
  child.stdout.setEncoding("utf8").on("data", (text: string) => {
    out += text;
    const ready = /^ready (\S+)$/m.exec(out);
    if (ready !== null && onReady !== undefined) {
      const callback = onReady;
      onReady = undefined;
      callback(ready[1] as string);
    }
  });
  child.stderr.setEncoding("utf8").on("data", (text: string) => {
    err += text;
  });
  return {
    child,
    result: once(child, "exit").then(([code]) => {
      if (code !== 0) throw new Error(`bun exited with ${code}: ${err}`);
      const line = out.trim().split("\n").at(-1) ?? "";
      return JSON.parse(line) as PeerResult;
    }),
  };
}

describe("zmtp under Bun, against libzmq", () => {
  for (const transport of TRANSPORTS) {
    it(`REQ in Bun connects to a libzmq REP over ${transport}: echoes of 16 B to 300 KB intact`, async () => {
      const rep = new zmq.Reply({ linger: 0 });
      await rep.bind(bindEndpoint(transport));
      const serving = (async () => {
        for await (const [message] of rep) await rep.send(message as Buffer);
      })();
      const rounds = 5;
      const { result } = runBun(["req", rep.lastEndpoint as string, String(rounds)]);
      const peer = await result;
      rep.close();
      await serving.catch(() => undefined);
      expect(peer).toEqual({
        runtime: "bun",
        received: rounds * SIZES.length,
        good: rounds * SIZES.length,
      });
    });

    it(`PULL in Bun binds, a libzmq PUSH streams to it over ${transport}: every kept message intact`, async () => {
      const count = 400;
      const push = new zmq.Push({ linger: 1000 });
      const { result } = runBun(["pull", bindEndpoint(transport), String(count)], (endpoint) => {
        push.connect(endpoint);
        void (async () => {
          for (let index = 0; index < count; index++) {
            await push.send(Buffer.alloc(SIZES[index % SIZES.length] as number, index % 251));
          }
        })();
      });
      const peer = await result;
      push.close();
      expect(peer).toEqual({ runtime: "bun", received: count, good: count });
    });
  }
});
