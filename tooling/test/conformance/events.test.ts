import { describe, expect, it } from "vitest";
import { bindTo, nextEvent, recv } from "../helpers.js";
import { IMPLEMENTATIONS, useImplementation } from "./setup.js";

describe.each(IMPLEMENTATIONS)("%s: socket.events", (name) => {
  const t = useImplementation(name);

  it("is one Observer per socket", () => {
    const socket = t.track(new t.zmq.Pull());
    expect(socket.events).toBe(socket.events);
    expect(socket.events).toBeInstanceOf(t.zmq.Observer);
  });

  it("reports bind, accept, handshake and disconnect on the bound side", async () => {
    const pull = t.track(new t.zmq.Pull());
    const events = pull.events;
    const endpoint = await bindTo(pull, "tcp");
    const bind = await nextEvent(events, "bind");
    expect(bind.address).toBe(endpoint);

    const push = t.track(new t.zmq.Push());
    push.connect(endpoint);
    expect((await nextEvent(events, "accept")).address).toBe(endpoint);
    expect((await nextEvent(events, "handshake")).address).toBe(endpoint);
    await push.send("x");
    await recv(pull);
    push.close();
    expect((await nextEvent(events, "disconnect")).address).toBe(endpoint);
  });

  it("reports connect and handshake on the connecting side, disconnect when the peer goes", async () => {
    const pull = t.track(new t.zmq.Pull());
    const endpoint = await bindTo(pull, "tcp");
    const push = t.track(new t.zmq.Push());
    const events = push.events;
    push.connect(endpoint);
    expect((await nextEvent(events, "connect")).address).toBe(endpoint);
    expect((await nextEvent(events, "handshake")).address).toBe(endpoint);
    pull.close();
    expect((await nextEvent(events, "disconnect")).address).toBe(endpoint);
  });

  it("is iterable with for await, and the iteration ends after the socket closes", async () => {
    const pull = t.track(new t.zmq.Pull());
    const types: string[] = [];
    const done = (async () => {
      for await (const event of pull.events) types.push(event.type);
    })();
    await pull.bind("tcp://127.0.0.1:*");
    pull.close();
    await done;
    expect(types[0]).toBe("bind");
    expect(types).toContain("close");
    expect(types.at(-1)).toBe("end");
  });
});
