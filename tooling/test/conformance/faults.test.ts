// Faults with real peers: a libzmq peer in a child process killed with SIGKILL mid-stream and
// restarted on the same endpoint; what each socket type promises must survive it.

import { type ChildProcess, spawn } from "node:child_process";
import { createServer } from "node:net";
import { fileURLToPath } from "node:url";
import { afterEach, expect, it } from "vitest";
import { connectedPair, errorCode, nextEvent, recvText, WAIT_MS, within } from "../helpers.js";
import { describeEach } from "./each.js";

const PEER = fileURLToPath(new URL("../fixtures/libzmq-peer.mjs", import.meta.url));

interface Peer {
  readonly process: ChildProcess;
  /** Lines printed so far (messages received). */
  readonly lines: string[];
  /** Resolves with the next line. */
  next(): Promise<string>;
}

const children = new Set<ChildProcess>();
afterEach(() => {
  for (const child of children) child.kill("SIGKILL");
  children.clear();
});

async function startPeer(mode: "pull" | "rep" | "silent-rep", endpoint: string): Promise<Peer> {
  const child = spawn(process.execPath, [PEER, mode, endpoint], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  children.add(child);
  const lines: string[] = [];
  const waiters: Array<(line: string) => void> = [];
  let buffered = "";
  child.stdout!.on("data", (chunk: Buffer) => {
    buffered += chunk.toString();
    for (let index = buffered.indexOf("\n"); index >= 0; index = buffered.indexOf("\n")) {
      const line = buffered.slice(0, index);
      buffered = buffered.slice(index + 1);
      const waiter = waiters.shift();
      if (waiter) waiter(line);
      else lines.push(line);
    }
  });
  const next = () => {
    const line = lines.shift();
    if (line !== undefined) return Promise.resolve(line);
    return within(new Promise<string>((resolve) => waiters.push(resolve)), WAIT_MS, "a line");
  };
  expect(await next()).toBe("ready");
  return { process: child, lines, next };
}

async function kill(peer: Peer): Promise<void> {
  const exited = new Promise((resolve) => peer.process.once("exit", resolve));
  peer.process.kill("SIGKILL");
  await exited;
  children.delete(peer.process);
}

/** Reads until nothing arrives for 200 ms; returns how many messages were read. */
async function drain(socket: { receive(): Promise<Buffer[]>; receiveTimeout: number }) {
  socket.receiveTimeout = 200;
  let count = 0;
  while ((await socket.receive().catch(() => undefined)) !== undefined) count += 1;
  return count;
}

async function freeEndpoint(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("no port");
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `tcp://127.0.0.1:${address.port}`;
}

describeEach("faults", ({ zmq, track }) => {
  it("PUSH: the peer is killed, the socket backs off, and resumes delivering after a restart", async () => {
    const endpoint = await freeEndpoint();
    let peer = await startPeer("pull", endpoint);
    const push = track(new zmq.Push({ reconnectInterval: 30, reconnectMaxInterval: 240 }));
    const events = push.events;
    push.connect(endpoint);
    await push.send("before");
    expect(await peer.next()).toBe("before");

    await kill(peer);
    await nextEvent(events, "disconnect");
    const intervals: number[] = [];
    while (intervals.length < 3)
      intervals.push((await nextEvent(events, "connect:retry")).interval!);
    expect(intervals).toEqual([30, 60, 120]);

    peer = await startPeer("pull", endpoint);
    await nextEvent(events, "handshake", 3000);
    await push.send("after");
    expect(await peer.next()).toBe("after");
  });

  it("REQ without relaxed keeps waiting for the lost reply: a second send is EFSM", async () => {
    const endpoint = await freeEndpoint();
    const silent = await startPeer("silent-rep", endpoint);
    const req = track(new zmq.Request({ reconnectInterval: 30, sendTimeout: 100 }));
    const events = req.events;
    req.connect(endpoint);
    await req.send("lost");
    expect(await silent.next()).toBe("lost");
    await kill(silent);
    await nextEvent(events, "disconnect");
    const peer = await startPeer("rep", endpoint);
    await nextEvent(events, "handshake", 3000);
    expect(errorCode(await req.send("again").catch((e: unknown) => e))).toBe("EFSM");
    expect(peer.lines).toEqual([]);
  });

  it("REQ with relaxed sends a new request through the restarted peer", async () => {
    const endpoint = await freeEndpoint();
    const silent = await startPeer("silent-rep", endpoint);
    const req = track(new zmq.Request({ relaxed: true, reconnectInterval: 30 }));
    const events = req.events;
    req.connect(endpoint);
    await req.send("lost");
    expect(await silent.next()).toBe("lost");
    await kill(silent);
    await nextEvent(events, "disconnect");
    const peer = await startPeer("rep", endpoint);
    await nextEvent(events, "handshake", 3000);
    await req.send("again");
    expect(await peer.next()).toBe("again");
    expect(await recvText(req)).toEqual(["re:again"]);
  });

  it("PUB to a subscriber that stops reading drops: sends never wait, what arrives is bounded", async () => {
    const pub = track(new zmq.Publisher({ sendHighWaterMark: 10, sendTimeout: 0 }));
    await pub.bind("tcp://127.0.0.1:*");
    const sub = track(new zmq.Subscriber({ receiveHighWaterMark: 10 }));
    sub.connect(pub.lastEndpoint!);
    sub.subscribe();
    // Subscriptions travel after the handshake: probe until one arrives.
    await connectedPair(pub, sub);
    await drain(sub);
    const big = Buffer.alloc(128 * 1024, 9);
    for (let index = 0; index < 500; index += 1) await pub.send([String(index), big]);
    const received = await drain(sub);
    // 500 × 128 KiB were published; the marks plus socket buffers hold a small part of them.
    expect(received).toBeLessThan(150);
  });
});
