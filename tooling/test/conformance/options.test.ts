// Socket option properties: defaults, read-back, type and range checks (TypeError / EINVAL as
// zeromq.js over zmq_setsockopt), read-only and write-only options, and the process warning for
// options set after bind/connect.

import { expect, it } from "vitest";
import { describeEach, thrown, warningsDuring } from "./each.js";

const LATE = "Socket option will not take effect until next connect/bind.";

describeEach("socket options", ({ zmq, track }) => {
  it("has libzmq's defaults", () => {
    const push = track(new zmq.Push());
    expect({
      type: push.type,
      lastEndpoint: push.lastEndpoint,
      securityMechanism: push.securityMechanism,
      threadSafe: push.threadSafe,
      linger: push.linger,
      sendHighWaterMark: push.sendHighWaterMark,
      sendTimeout: push.sendTimeout,
      reconnectInterval: push.reconnectInterval,
      reconnectMaxInterval: push.reconnectMaxInterval,
      backlog: push.backlog,
      maxMessageSize: push.maxMessageSize,
      handshakeInterval: push.handshakeInterval,
      heartbeatInterval: push.heartbeatInterval,
      heartbeatTimeToLive: push.heartbeatTimeToLive,
      heartbeatTimeout: push.heartbeatTimeout,
      connectTimeout: push.connectTimeout,
      immediate: push.immediate,
      ipv6: push.ipv6,
      tcpKeepalive: push.tcpKeepalive,
      tcpKeepaliveCount: push.tcpKeepaliveCount,
      tcpKeepaliveIdle: push.tcpKeepaliveIdle,
      tcpKeepaliveInterval: push.tcpKeepaliveInterval,
    }).toEqual({
      type: 8,
      lastEndpoint: null,
      securityMechanism: null,
      threadSafe: false,
      linger: -1,
      sendHighWaterMark: 1000,
      sendTimeout: -1,
      reconnectInterval: 100,
      reconnectMaxInterval: 0,
      backlog: 100,
      maxMessageSize: -1,
      handshakeInterval: 30_000,
      heartbeatInterval: 0,
      heartbeatTimeToLive: 0,
      heartbeatTimeout: -1,
      connectTimeout: 0,
      immediate: false,
      ipv6: false,
      tcpKeepalive: -1,
      tcpKeepaliveCount: -1,
      tcpKeepaliveIdle: -1,
      tcpKeepaliveInterval: -1,
    });
    const pull = track(new zmq.Pull());
    expect([pull.receiveHighWaterMark, pull.receiveTimeout]).toEqual([1000, -1]);
  });

  it("reads back what was set, from the constructor or later", () => {
    const dealer = track(
      new zmq.Dealer({
        linger: 0,
        sendHighWaterMark: 7,
        receiveHighWaterMark: 9,
        reconnectInterval: 50,
        reconnectMaxInterval: 400,
        backlog: 10,
        maxMessageSize: 1024,
        handshakeInterval: 2000,
        heartbeatInterval: 300,
        heartbeatTimeout: 900,
        connectTimeout: 250,
        immediate: true,
        ipv6: true,
        tcpKeepalive: 1,
        tcpKeepaliveCount: 3,
        tcpKeepaliveIdle: 60,
        tcpKeepaliveInterval: 5,
        routingId: "dealer-1",
      }),
    );
    dealer.sendTimeout = 15;
    dealer.receiveTimeout = 25;
    expect({
      linger: dealer.linger,
      sendHighWaterMark: dealer.sendHighWaterMark,
      receiveHighWaterMark: dealer.receiveHighWaterMark,
      sendTimeout: dealer.sendTimeout,
      receiveTimeout: dealer.receiveTimeout,
      reconnectInterval: dealer.reconnectInterval,
      reconnectMaxInterval: dealer.reconnectMaxInterval,
      backlog: dealer.backlog,
      maxMessageSize: dealer.maxMessageSize,
      handshakeInterval: dealer.handshakeInterval,
      heartbeatInterval: dealer.heartbeatInterval,
      heartbeatTimeout: dealer.heartbeatTimeout,
      connectTimeout: dealer.connectTimeout,
      immediate: dealer.immediate,
      ipv6: dealer.ipv6,
      tcpKeepalive: dealer.tcpKeepalive,
      tcpKeepaliveCount: dealer.tcpKeepaliveCount,
      tcpKeepaliveIdle: dealer.tcpKeepaliveIdle,
      tcpKeepaliveInterval: dealer.tcpKeepaliveInterval,
      routingId: dealer.routingId,
    }).toEqual({
      linger: 0,
      sendHighWaterMark: 7,
      receiveHighWaterMark: 9,
      sendTimeout: 15,
      receiveTimeout: 25,
      reconnectInterval: 50,
      reconnectMaxInterval: 400,
      backlog: 10,
      maxMessageSize: 1024,
      handshakeInterval: 2000,
      heartbeatInterval: 300,
      heartbeatTimeout: 900,
      connectTimeout: 250,
      immediate: true,
      ipv6: true,
      tcpKeepalive: 1,
      tcpKeepaliveCount: 3,
      tcpKeepaliveIdle: 60,
      tcpKeepaliveInterval: 5,
      routingId: "dealer-1",
    });
  });

  it("keeps heartbeatTimeToLive in deciseconds (read back rounded down to 100 ms)", () => {
    const dealer = track(new zmq.Dealer());
    dealer.heartbeatTimeToLive = 1550;
    expect(dealer.heartbeatTimeToLive).toBe(1500);
    dealer.heartbeatTimeToLive = 99;
    expect(dealer.heartbeatTimeToLive).toBe(0);
    dealer.heartbeatTimeToLive = 6_553_599;
    expect(dealer.heartbeatTimeToLive).toBe(6_553_500);
    expect(thrown(() => (dealer.heartbeatTimeToLive = 6_553_600)).code).toBe("EINVAL");
  });

  it("truncates fractional numbers as zmq_setsockopt's int does", () => {
    const push = track(new zmq.Push());
    push.sendHighWaterMark = 3.9;
    push.linger = 2.5;
    expect([push.sendHighWaterMark, push.linger]).toEqual([3, 2]);
  });

  it("throws TypeError for a value of the wrong type", () => {
    const push = track(new zmq.Push());
    const router = track(new zmq.Router());
    for (const [set, message] of [
      [() => (push.sendHighWaterMark = "10" as never), "Option value must be a number"],
      [() => (push.linger = null as never), "Option value must be a number"],
      [() => (push.immediate = 1 as never), "Option value must be a boolean"],
      [() => (push.conflate = "yes" as never), "Option value must be a boolean"],
      [() => (router.routingId = 5 as never), "Option value must be a string or buffer"],
      [() => (router.mandatory = 0 as never), "Option value must be a boolean"],
    ] as const) {
      expect(thrown(set)).toMatchObject({ name: "TypeError", message });
    }
  });

  it("throws EINVAL for a value out of zmq_setsockopt's range", () => {
    const dealer = track(new zmq.Dealer());
    for (const set of [
      () => (dealer.sendHighWaterMark = -1),
      () => (dealer.receiveHighWaterMark = -1),
      () => (dealer.sendTimeout = -2),
      () => (dealer.receiveTimeout = -2),
      () => (dealer.linger = -2),
      () => (dealer.reconnectInterval = -2),
      () => (dealer.reconnectMaxInterval = -1),
      () => (dealer.backlog = -1),
      () => (dealer.handshakeInterval = -1),
      () => (dealer.heartbeatInterval = -1),
      () => (dealer.heartbeatInterval = 2 ** 31),
      () => (dealer.heartbeatTimeout = -2),
      () => (dealer.connectTimeout = -1),
      () => (dealer.tcpKeepalive = 2),
      () => (dealer.tcpKeepalive = -2),
      () => (dealer.tcpKeepaliveCount = -2),
      () => (dealer.tcpKeepaliveIdle = -2),
      () => (dealer.tcpKeepaliveInterval = -2),
      () => (dealer.routingId = ""),
      () => (dealer.routingId = "x".repeat(256)),
    ]) {
      expect([set.toString(), thrown(set)]).toMatchObject([
        set.toString(),
        { code: "EINVAL", message: "Invalid argument" },
      ]);
    }
  });

  it("accepts any int64 as maxMessageSize (negative: no limit)", () => {
    const pull = track(new zmq.Pull());
    pull.maxMessageSize = -2;
    expect(pull.maxMessageSize).toBe(-2);
    pull.maxMessageSize = 2 ** 40;
    expect(pull.maxMessageSize).toBe(2 ** 40);
  });

  it("refuses to set the read-only options (getter-only accessors)", () => {
    const push = track(new zmq.Push());
    for (const name of ["type", "lastEndpoint", "securityMechanism", "threadSafe"] as const) {
      expect(thrown(() => ((push as unknown as Record<string, unknown>)[name] = 1))).toMatchObject({
        name: "TypeError",
        message: `Cannot set property ${name} of #<Socket> which has only a getter`,
      });
    }
  });

  it("refuses unknown options (sealed object), in the constructor and later", () => {
    const push = track(new zmq.Push());
    expect(thrown(() => ((push as unknown as Record<string, unknown>).bogus = 1))).toMatchObject({
      name: "TypeError",
      message: "Cannot add property bogus, object is not extensible",
    });
    expect(thrown(() => new zmq.Push({ bogus: 1 } as never))).toMatchObject({
      name: "TypeError",
      message: "Cannot add property bogus, object is not extensible",
    });
  });

  it("a closed socket's options throw ENOTSOCK", () => {
    const dealer = new zmq.Dealer();
    dealer.close();
    for (const action of [
      () => dealer.linger,
      () => dealer.type,
      () => dealer.lastEndpoint,
      () => dealer.routingId,
      () => (dealer.linger = 0),
      () => dealer.events,
    ]) {
      expect(thrown(action)).toMatchObject({
        code: "ENOTSOCK",
        message: "Socket operation on non-socket",
      });
    }
    expect([dealer.closed, dealer.readable, dealer.writable]).toEqual([true, false, false]);
  });

  it("reads write-only options as undefined", () => {
    const xpub = track(new zmq.XPublisher());
    const req = track(new zmq.Request());
    const stream = track(new zmq.Stream());
    const pull = track(new zmq.Pull());
    xpub.noDrop = true;
    xpub.manual = true;
    xpub.welcomeMessage = "hi";
    xpub.verbosity = "allSubs";
    req.relaxed = true;
    req.correlate = true;
    req.probeRouter = true;
    stream.notify = false;
    pull.conflate = true;
    expect([
      xpub.noDrop,
      xpub.manual,
      xpub.welcomeMessage,
      xpub.verbosity,
      req.relaxed,
      req.correlate,
      req.probeRouter,
      stream.notify,
      pull.conflate,
    ]).toEqual(Array(9).fill(undefined));
    // invertMatching is readable.
    xpub.invertMatching = true;
    expect(xpub.invertMatching).toBe(true);
  });

  it("warns once an endpoint exists for options that wait for the next connect/bind", async () => {
    const dealer = track(new zmq.Dealer());
    // Before any endpoint: no warning.
    expect(await warningsDuring(LATE, () => (dealer.reconnectInterval = 20))).toBe(0);
    await dealer.bind("tcp://127.0.0.1:*");
    const late = {
      reconnectInterval: 30,
      reconnectMaxInterval: 300,
      immediate: true,
      heartbeatInterval: 100,
      heartbeatTimeout: 100,
      heartbeatTimeToLive: 100,
      maxMessageSize: 64,
      backlog: 5,
      tcpKeepalive: 1,
      handshakeInterval: 500,
      connectTimeout: 100,
      ipv6: true,
      routingId: "late",
      conflate: true,
    } as const;
    for (const [name, value] of Object.entries(late)) {
      const count = await warningsDuring(LATE, () => {
        (dealer as unknown as Record<string, unknown>)[name] = value;
      });
      expect([name, count]).toEqual([name, 1]);
    }
  });

  it("does not warn for the options that act at once", async () => {
    const dealer = track(new zmq.Dealer());
    const router = track(new zmq.Router());
    const req = track(new zmq.Request());
    const xpub = track(new zmq.XPublisher());
    for (const socket of [dealer, router, req, xpub]) await socket.bind("tcp://127.0.0.1:*");
    const count = await warningsDuring(LATE, () => {
      dealer.linger = 5;
      dealer.sendHighWaterMark = 5;
      dealer.receiveHighWaterMark = 5;
      dealer.sendTimeout = 5;
      dealer.receiveTimeout = 5;
      dealer.probeRouter = true;
      router.mandatory = true;
      router.handover = true;
      req.relaxed = true;
      req.correlate = true;
      xpub.verbosity = "allSubsUnsubs";
    });
    expect(count).toBe(0);
  });

  it("warns for a connect-only socket too", async () => {
    const push = track(new zmq.Push());
    push.connect("tcp://127.0.0.1:9");
    expect(await warningsDuring(LATE, () => (push.reconnectInterval = 5))).toBe(1);
  });
});

describeEach("ipv6", ({ zmq, track }) => {
  it("binds tcp://[::1] only with ipv6 (ENODEV otherwise)", async () => {
    const v4 = track(new zmq.Pull());
    const error = await v4.bind("tcp://[::1]:*").then(
      () => undefined,
      (e: Error & { code?: string }) => e,
    );
    expect(error?.code).toBe("ENODEV");

    const v6 = track(new zmq.Pull({ ipv6: true }));
    await v6.bind("tcp://[::1]:*");
    expect(v6.lastEndpoint).toMatch(/^tcp:\/\/\[::1\]:\d+$/);
    const push = track(new zmq.Push({ ipv6: true }));
    push.connect(v6.lastEndpoint!);
    await push.send("over v6");
    expect((await v6.receive()).map(String)).toEqual(["over v6"]);
  });

  it("with ipv6, binding the v4 loopback still works", async () => {
    const pull = track(new zmq.Pull({ ipv6: true }));
    await pull.bind("tcp://127.0.0.1:*");
    const push = track(new zmq.Push());
    push.connect(pull.lastEndpoint!);
    await push.send("v4");
    expect((await pull.receive()).map(String)).toEqual(["v4"]);
  });
});
