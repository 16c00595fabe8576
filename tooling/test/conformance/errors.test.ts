import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { bindTo, delay, ipcEndpoint } from "../helpers.js";
import { IMPLEMENTATIONS, rejection, thrown, useImplementation } from "./setup.js";

describe.each(IMPLEMENTATIONS)("%s: errors and lifecycle", (name) => {
  const t = useImplementation(name);

  // zeromq.js throws EBUSY and EBADF synchronously from receive()/send()/bind(), rather than
  // returning a rejected promise; `await` sees the same error either way, `.catch()` does not.
  it("throws EBUSY for a second concurrent receive", async () => {
    const pull = t.track(new t.zmq.Pull());
    await bindTo(pull, "tcp");
    const first = pull.receive();
    first.catch(() => {});
    const error = thrown(() => pull.receive());
    expect(error.code).toBe("EBUSY");
    expect(error.message).toBe(
      "Socket is busy reading; only one receive operation may be in progress at any time",
    );
    pull.close();
    expect((await rejection(first)).code).toBe("EAGAIN");
  });

  it("throws EBUSY for a second concurrent send", async () => {
    const push = t.track(new t.zmq.Push());
    await bindTo(push, "tcp");
    // No peer: the first send waits for one.
    const first = push.send("waiting");
    first.catch(() => {});
    const error = thrown(() => push.send("second"));
    expect(error.code).toBe("EBUSY");
    expect(error.message).toBe(
      "Socket is busy writing; only one send operation may be in progress at any time",
    );
    push.close();
    expect((await rejection(first)).code).toBe("EAGAIN");
  });

  it("gives EAGAIN when receiveTimeout expires", async () => {
    const pull = t.track(new t.zmq.Pull({ receiveTimeout: 30 }));
    await bindTo(pull, "tcp");
    const started = Date.now();
    const error = await rejection(pull.receive());
    expect(error.code).toBe("EAGAIN");
    expect(error.message).toBe("Operation was not possible or timed out");
    expect(Date.now() - started).toBeGreaterThanOrEqual(25);
  });

  it("gives EAGAIN when sendTimeout expires, and at once with sendTimeout 0", async () => {
    const push = t.track(new t.zmq.Push({ sendTimeout: 30 }));
    await bindTo(push, "tcp");
    expect((await rejection(push.send("x"))).code).toBe("EAGAIN");
    push.sendTimeout = 0;
    expect(push.sendTimeout).toBe(0);
    expect((await rejection(push.send("x"))).code).toBe("EAGAIN");
  });

  it("close() rejects a pending receive with EAGAIN", async () => {
    const pull = t.track(new t.zmq.Pull());
    await bindTo(pull, "tcp");
    const pending = pull.receive();
    pending.catch(() => {});
    await delay(1);
    pull.close();
    expect(pull.closed).toBe(true);
    const error = await rejection(pending);
    expect(error.code).toBe("EAGAIN");
  });

  it("close() ends a pending async iteration without an error", async () => {
    const pull = t.track(new t.zmq.Pull());
    await bindTo(pull, "tcp");
    const iterating = (async () => {
      let count = 0;
      for await (const _ of pull) count += 1;
      return count;
    })();
    await delay(1);
    pull.close();
    expect(await iterating).toBe(0);
  });

  it("throws EBADF for operations on a closed socket; close() twice is harmless", () => {
    const push = t.track(new t.zmq.Push());
    const pull = t.track(new t.zmq.Pull());
    push.close();
    pull.close();
    pull.close();
    expect(push.closed).toBe(true);
    const errors = [
      thrown(() => push.send("x")),
      thrown(() => pull.receive()),
      thrown(() => pull.bind("tcp://127.0.0.1:*")),
      thrown(() => pull.connect("tcp://127.0.0.1:5555")),
    ];
    expect(errors.map((error) => error.code)).toEqual(["EBADF", "EBADF", "EBADF", "EBADF"]);
    expect(errors[0]!.message).toBe("Socket is closed");
  });

  it("rejects bind to an address in use with EADDRINUSE and the address", async () => {
    const first = t.track(new t.zmq.Pull());
    const endpoint = await bindTo(first, "tcp");
    const second = t.track(new t.zmq.Pull());
    const error = await rejection(second.bind(endpoint));
    expect(error.code).toBe("EADDRINUSE");
    expect(error.message).toBe("Address already in use");
    expect(error.address).toBe(endpoint);
  });

  it("rejects invalid endpoints with EINVAL and unknown transports with EPROTONOSUPPORT", async () => {
    const socket = t.track(new t.zmq.Dealer());
    for (const endpoint of ["nonsense", "tcp://", "tcp://127.0.0.1"]) {
      const error = thrown(() => socket.connect(endpoint));
      expect([endpoint, error.code, error.address]).toEqual([endpoint, "EINVAL", endpoint]);
    }
    expect((await rejection(socket.bind("tcp://127.0.0.1"))).code).toBe("EINVAL");
    expect(thrown(() => socket.connect("foo://bar")).code).toBe("EPROTONOSUPPORT");
    expect((await rejection(socket.bind("foo://bar"))).code).toBe("EPROTONOSUPPORT");
  });

  it("reports lastEndpoint: null before bind, the resolved port after tcp://127.0.0.1:*", async () => {
    const socket = t.track(new t.zmq.Router());
    expect(socket.lastEndpoint).toBeNull();
    await socket.bind("tcp://127.0.0.1:*");
    const endpoint = socket.lastEndpoint!;
    expect(endpoint).toMatch(/^tcp:\/\/127\.0\.0\.1:\d+$/);
    expect(Number(endpoint.split(":").pop())).toBeGreaterThan(0);
    const ipc = ipcEndpoint();
    await socket.bind(ipc);
    expect(socket.lastEndpoint).toBe(ipc);
    expect(ipc.startsWith(`ipc://${join(tmpdir(), "")}`)).toBe(true);
  });

  it("applies constructor options and rejects unknown ones with a TypeError (sealed)", () => {
    const socket = t.track(new t.zmq.Dealer({ receiveTimeout: 123, routingId: "me", linger: 0 }));
    expect([socket.receiveTimeout, socket.routingId, socket.linger]).toEqual([123, "me", 0]);
    const unknown = thrown(() => new t.zmq.Dealer({ notAnOption: 1 } as never));
    expect(unknown).toBeInstanceOf(TypeError);
    expect(unknown.message).toBe("Cannot add property notAnOption, object is not extensible");
    const later = thrown(() => {
      (socket as unknown as Record<string, unknown>).alsoNotAnOption = 1;
    });
    expect(later).toBeInstanceOf(TypeError);
    const wrongType = thrown(() => {
      (socket as unknown as Record<string, unknown>).receiveTimeout = "soon";
    });
    expect(wrongType).toBeInstanceOf(TypeError);
    expect(wrongType.message).toBe("Option value must be a number");
  });
});
