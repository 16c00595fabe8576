// maxMessageSize: a peer that sends a larger message is disconnected before the message is
// buffered; smaller ones pass; the limit counts the whole multipart message.

import { expect, it } from "vitest";
import { nextEvent, recvText } from "../helpers.js";
import { describeEach } from "./each.js";

describeEach("maxMessageSize", ({ zmq, native, track }) => {
  it("a larger message disconnects the sender and is never delivered", async () => {
    const pull = track(new zmq.Pull({ maxMessageSize: 64 }));
    const events = pull.events;
    await pull.bind("tcp://127.0.0.1:*");
    // The sender is libzmq whatever the subject, so the bytes on the wire are the reference's.
    const push = track(new native.Push({ reconnectInterval: 5000 }));
    push.connect(pull.lastEndpoint!);
    await push.send(Buffer.alloc(64, 1));
    expect((await pull.receive())[0]!.length).toBe(64);
    await push.send(Buffer.alloc(65, 2));
    await nextEvent(events, "disconnect");
    pull.receiveTimeout = 200;
    expect(await pull.receive().catch((error: { code?: string }) => error.code)).toBe("EAGAIN");
  });

  it("a huge declared frame is refused from its header alone", async () => {
    const pull = track(new zmq.Pull({ maxMessageSize: 1024 }));
    const events = pull.events;
    await pull.bind("tcp://127.0.0.1:*");
    const push = track(new native.Push({ reconnectInterval: 5000 }));
    push.connect(pull.lastEndpoint!);
    await push.send("small");
    expect(await recvText(pull)).toEqual(["small"]);
    // 64 MiB: refused at the header, long before it could be read.
    void push.send(Buffer.alloc(64 * 1024 * 1024));
    await nextEvent(events, "disconnect", 2000);
  });

  it("-1 (the default) has no limit", async () => {
    const pull = track(new zmq.Pull());
    await pull.bind("tcp://127.0.0.1:*");
    const push = track(new zmq.Push());
    push.connect(pull.lastEndpoint!);
    await push.send(Buffer.alloc(4 * 1024 * 1024, 3));
    expect((await pull.receive())[0]!.length).toBe(4 * 1024 * 1024);
  });
});
