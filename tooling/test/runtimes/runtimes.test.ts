// zmtp under Bun and Deno, against libzmq (the `zeromq` package) in the test's Node process, over
// tcp and ipc, with messages that span many reads: the stream transports' read path depends on
// how the runtime's `net` handles `onread` (Deno's follows Node's, accepted sockets included;
// Bun honours it on connect and keeps "data" events on accepted sockets).
import { spawn } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import * as zmq from "zeromq";
import { bindEndpoint, TRANSPORTS } from "../helpers";

const BIN = (name: string): string =>
  fileURLToPath(new URL(`../../node_modules/.bin/${name}`, import.meta.url));
const PEER = fileURLToPath(new URL("../fixtures/runtime-peer.mjs", import.meta.url));
/** Each runtime: how to run the peer script. */
const RUNTIMES = [
  { name: "bun", command: BIN("bun"), args: [PEER] },
  { name: "deno", command: BIN("deno"), args: ["run", "--allow-all", PEER] },
] as const;
const SIZES = [16, 5000, 70_000, 300_000];

interface PeerResult {
  runtime: string;
  received: number;
  good: number;
}

type Runtime = (typeof RUNTIMES)[number];

function runPeer(runtime: Runtime, args: string[], onReady?: (endpoint: string) => void) {
  const child = spawn(runtime.command, [...runtime.args, ...args], {
    stdio: ["ignore", "pipe", "pipe"],
  });
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
      if (code !== 0) throw new Error(`${runtime.name} exited with ${code}: ${err}`);
      const line = out.trim().split("\n").at(-1) ?? "";
      return JSON.parse(line) as PeerResult;
    }),
  };
}

describe.each(RUNTIMES)("zmtp under $name, against libzmq", (runtime) => {
  for (const transport of TRANSPORTS) {
    it(`REQ in ${runtime.name} connects to a libzmq REP over ${transport}: echoes of 16 B to 300 KB intact`, async () => {
      const rep = new zmq.Reply({ linger: 0 });
      await rep.bind(bindEndpoint(transport));
      const serving = (async () => {
        for await (const [message] of rep) await rep.send(message as Buffer);
      })();
      const rounds = 5;
      const { result } = runPeer(runtime, ["req", rep.lastEndpoint as string, String(rounds)]);
      const peer = await result;
      rep.close();
      await serving.catch(() => undefined);
      expect(peer).toEqual({
        runtime: runtime.name,
        received: rounds * SIZES.length,
        good: rounds * SIZES.length,
      });
    });

    it(`PULL in ${runtime.name} binds, a libzmq PUSH streams to it over ${transport}: every kept message intact`, async () => {
      const count = 400;
      const push = new zmq.Push({ linger: 1000 });
      const pull = ["pull", bindEndpoint(transport), String(count)];
      const { result } = runPeer(runtime, pull, (endpoint) => {
        push.connect(endpoint);
        void (async () => {
          for (let index = 0; index < count; index++) {
            await push.send(Buffer.alloc(SIZES[index % SIZES.length] as number, index % 251));
          }
        })();
      });
      const peer = await result;
      push.close();
      expect(peer).toEqual({ runtime: runtime.name, received: count, good: count });
    });
  }
});
