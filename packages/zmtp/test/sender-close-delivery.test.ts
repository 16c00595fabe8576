/**
 * A sender that closes right after its last send loses nothing: the receiver reads every
 * message the peer wrote before its close, even when it was paused at its receive mark while
 * the close arrived (the tcp transport held the peer's FIN and Node's automatic close).
 */
import { tmpdir } from "node:os";
import { afterEach, describe, expect, it } from "vitest";
import * as native from "zeromq";
import * as zmq from "../src/index";

const open: { close(): void }[] = [];
afterEach(() => {
  for (const socket of open.splice(0)) socket.close();
});

async function drain(pull: zmq.Pull): Promise<number> {
  pull.receiveTimeout = 500;
  let count = 0;
  for (;;) {
    try {
      await pull.receive();
      count++;
    } catch (error) {
      expect((error as zmq.ZmqError).code).toBe("EAGAIN");
      return count;
    }
  }
}

describe("messages sent before a close all arrive", () => {
  for (const endpoint of ["ipc", "inproc"] as const) {
    it(`from a zmtp PUSH that closes at once, over ${endpoint}`, async () => {
      const pull = new zmq.Pull();
      open.push(pull);
      const address =
        endpoint === "ipc"
          ? `ipc://${tmpdir()}/zmtp-close-${process.pid}-${Date.now()}.sock`
          : `inproc://close-${Date.now()}`;
      await pull.bind(address);
      const push = new zmq.Push();
      push.connect(address);
      // Within both marks (1000 + 1000), so every send completes with nobody reading yet.
      for (let i = 0; i < 1500; i++) await push.send(String(i));
      push.close();
      expect(await drain(pull)).toBe(1500);
    });
  }

  const total = 30_000;
  for (const sender of ["zmtp", "zeromq"] as const) {
    it(`from a ${sender} PUSH that closes at once, over tcp`, async () => {
      const pull = new zmq.Pull();
      open.push(pull);
      await pull.bind("tcp://127.0.0.1:*");
      const push = sender === "zmtp" ? new zmq.Push() : new native.Push();
      push.connect(pull.lastEndpoint!);
      for (let i = 0; i < total; i++) await push.send("x");
      push.close();
      expect(await drain(pull)).toBe(total);
    });
  }
});
