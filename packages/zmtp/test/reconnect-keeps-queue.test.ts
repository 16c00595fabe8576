/**
 * A PUSH keeps the messages it had not sent yet when its peer goes away, and sends them to the
 * peer that takes the endpoint over: libzmq resets (hiccups) the pipes of SUB and XSUB only.
 */
import { afterEach, expect, it } from "vitest";
import * as zmq from "../src/index";

const open: { close(): void }[] = [];
afterEach(() => {
  for (const socket of open.splice(0)) socket.close();
});

it("messages still queued when the peer went away reach the next peer", async () => {
  const first = new zmq.Pull({ receiveHighWaterMark: 1 });
  open.push(first);
  await first.bind("tcp://127.0.0.1:*");
  const endpoint = first.lastEndpoint!;
  const push = new zmq.Push({ sendHighWaterMark: 100, reconnectInterval: 20 });
  open.push(push);
  push.connect(endpoint);
  const handshakes: string[] = [];
  let connected!: () => void;
  const firstHandshake = new Promise<void>((resolve) => (connected = resolve));
  push.events.on("handshake", (event) => {
    handshakes.push(event.type);
    connected();
  });
  await firstHandshake;
  // 30 MiB cannot fit in socket buffers: with the first PULL not reading, most stays queued.
  const body = Buffer.alloc(1 << 20, 7);
  for (let index = 0; index < 30; index++) await push.send([String(index), body]);
  const [firstIndex] = await first.receive();
  expect(String(firstIndex)).toBe("0");
  first.close();

  const second = new zmq.Pull();
  open.push(second);
  second.receiveTimeout = 5000;
  for (let attempt = 0; ; attempt++) {
    try {
      await second.bind(endpoint);
      break;
    } catch (error) {
      if (attempt > 50) throw error;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
  const seen: number[] = [];
  while (!seen.includes(29)) {
    const [index] = await second.receive();
    seen.push(Number(String(index)));
  }
  // What arrives is in order and ends with the last message sent.
  expect(seen).toEqual([...seen].sort((a, b) => a - b));
  expect(seen.at(-1)).toBe(29);
  expect(handshakes.length).toBe(2);
});
