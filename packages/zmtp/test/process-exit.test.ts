/**
 * Like zeromq.js, open sockets alone do not keep a Node process alive: a pending send or receive
 * does, and so do messages still queued for a peer (the blocky context's wait at exit). These
 * run small scripts against the built package (`pnpm build` first, as `pnpm test` does).
 */
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const entry = fileURLToPath(new URL("../dist/index.js", import.meta.url));

interface Outcome {
  stdout: string;
  killed: boolean;
  code: number | null;
}

function run(script: string, timeout: number): Promise<Outcome> {
  if (!existsSync(entry)) throw new Error(`${entry} is missing: run pnpm build first`);
  const source = `import * as zmq from ${JSON.stringify(entry)};\n${script}`;
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ["--input-type=module", "-e", source],
      { timeout, killSignal: "SIGKILL" },
      (error, stdout) => {
        const failure = error as (Error & { killed?: boolean; code?: number }) | null;
        resolve({
          stdout,
          killed: failure?.killed === true,
          code: failure ? (failure.code ?? null) : 0,
        });
      },
    );
  });
}

describe("what keeps the process alive", () => {
  it("bound and connected sockets with nothing pending let it exit", async () => {
    const outcome = await run(
      `const pull = new zmq.Pull(); await pull.bind("tcp://127.0.0.1:*");
       const push = new zmq.Push(); push.connect(pull.lastEndpoint);
       await push.send("x"); console.log(String((await pull.receive())[0]));`,
      5000,
    );
    expect(outcome).toEqual({ stdout: "x\n", killed: false, code: 0 });
  });

  it("a request-reply loop lets it exit right after its last receive", async () => {
    // A hold is taken and given back for every receive; the last one lets go within
    // milliseconds (the release is checked lazily, not at every message).
    const outcome = await run(
      `const rep = new zmq.Reply(); await rep.bind("tcp://127.0.0.1:*");
       const req = new zmq.Request(); req.connect(rep.lastEndpoint);
       for (let i = 0; i < 300; i++) {
         await req.send("ping"); const [m] = await rep.receive(); await rep.send(m);
         await req.receive();
       }
       const ended = performance.now();
       process.on("exit", () => console.log(performance.now() - ended < 1000 ? "prompt" : "late"));`,
      5000,
    );
    expect(outcome).toEqual({ stdout: "prompt\n", killed: false, code: 0 });
  });

  it("a pending receive keeps it alive", async () => {
    const outcome = await run(
      `const pull = new zmq.Pull(); await pull.bind("tcp://127.0.0.1:*");
       console.log("waiting"); await pull.receive(); console.log("never");`,
      1500,
    );
    expect(outcome.stdout).toBe("waiting\n");
    expect(outcome.killed).toBe(true);
  });

  it("a message queued for a peer that is not there yet is delivered before it exits", async () => {
    const outcome = await run(
      `import net from "node:net";
       const probe = net.createServer().listen(0, "127.0.0.1");
       await new Promise((resolve) => probe.on("listening", resolve));
       const endpoint = "tcp://127.0.0.1:" + probe.address().port;
       await new Promise((resolve) => probe.close(resolve));
       const push = new zmq.Push({ reconnectInterval: 50 }); push.connect(endpoint);
       await push.send("late");
       // The receiver binds later, from a timer that alone would not keep the process alive.
       setTimeout(async () => {
         const pull = new zmq.Pull(); await pull.bind(endpoint);
         console.log(String((await pull.receive())[0]));
         push.close(); pull.close();
       }, 300).unref();`,
      5000,
    );
    expect(outcome).toEqual({ stdout: "late\n", killed: false, code: 0 });
  });
});
