import { describe, expect, it } from "vitest";
import * as native from "zeromq";
import * as zmq from "../src/index";
import { track } from "./track";

describe("zmtp sockets", () => {
  it("push/pull over tcp between zmtp sockets", async () => {
    const pull = track(new zmq.Pull());
    await pull.bind("tcp://127.0.0.1:*");
    const push = track(new zmq.Push());
    push.connect(pull.lastEndpoint!);
    await push.send(["hello", "world"]);
    const message = await pull.receive();
    expect(message.map(String)).toEqual(["hello", "world"]);
  });

  it("req/rep with libzmq (zmtp binds)", async () => {
    const rep = track(new zmq.Reply());
    await rep.bind("tcp://127.0.0.1:*");
    const req = track(new native.Request());
    req.connect(rep.lastEndpoint!);
    await req.send("ping");
    const [request] = await rep.receive();
    expect(String(request)).toBe("ping");
    await rep.send("pong");
    const [reply] = await req.receive();
    expect(String(reply)).toBe("pong");
  });

  it("req/rep with libzmq (libzmq binds)", async () => {
    const rep = track(new native.Reply());
    await rep.bind("tcp://127.0.0.1:*");
    const req = track(new zmq.Request());
    req.connect(rep.lastEndpoint!);
    await req.send("ping");
    const [request] = await rep.receive();
    expect(String(request)).toBe("ping");
    await rep.send("pong");
    const [reply] = await req.receive();
    expect(String(reply)).toBe("pong");
  });
});
