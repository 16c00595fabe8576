import { isZmqError } from "@zmtp/spec";
import { uniqueInprocEndpoint } from "@zmtp/testkit";
import { describe, expect, it } from "vitest";
import { DealerSocket, RepSocket, ReqSocket, RouterSocket } from "../src/index";
import {
  bytes,
  collect,
  connected,
  message,
  perTestScope,
  receiveWithin,
  TCP_ANY,
  texts,
  thrown,
  watch,
} from "./helpers";

const scope = perTestScope();

describe.each([
  ["tcp", () => TCP_ANY],
  ["inproc", () => uniqueInprocEndpoint()],
])("REQ / REP over %s", (_name, endpoint) => {
  it("runs in lockstep; out-of-turn calls are EFSM", async () => {
    const rep = scope.cleanup.add(new RepSocket(scope.context));
    await rep.bind(endpoint());
    const req = scope.cleanup.add(new ReqSocket(scope.context));
    req.connect(rep.lastEndpoint!);

    expect(
      isZmqError(
        thrown(() => req.receive()),
        "EFSM",
      ),
    ).toBe(true);
    expect(
      isZmqError(
        thrown(() => rep.send(message("too soon"))),
        "EFSM",
      ),
    ).toBe(true);
    expect(rep.writable).toBe(false);

    expect(req.send(message("hello", "there"))).toBe(true);
    expect(
      isZmqError(
        thrown(() => req.send(message("again"))),
        "EFSM",
      ),
    ).toBe(true);
    expect(req.writable).toBe(false);

    expect(texts(await receiveWithin(rep))).toEqual(["hello", "there"]);
    expect(
      isZmqError(
        thrown(() => rep.receive()),
        "EFSM",
      ),
    ).toBe(true);
    expect(rep.writable).toBe(true);
    expect(rep.send(message("world"))).toBe(true);

    expect(texts(await receiveWithin(req))).toEqual(["world"]);
    expect(
      isZmqError(
        thrown(() => req.receive()),
        "EFSM",
      ),
    ).toBe(true);
    // A second round works.
    req.send(message("2"));
    expect(texts(await receiveWithin(rep))).toEqual(["2"]);
    rep.send(message("two"));
    expect(texts(await receiveWithin(req))).toEqual(["two"]);
  });

  it("REP sends each reply back to the REQ that asked", async () => {
    const rep = scope.cleanup.add(new RepSocket(scope.context));
    await rep.bind(endpoint());
    const one = scope.cleanup.add(new ReqSocket(scope.context));
    const two = scope.cleanup.add(new ReqSocket(scope.context));
    one.connect(rep.lastEndpoint!);
    two.connect(rep.lastEndpoint!);
    one.send(message("from one"));
    two.send(message("from two"));
    for (let round = 0; round < 2; round++) {
      const [request] = texts(await receiveWithin(rep))!;
      rep.send(message(`reply to ${request}`));
    }
    expect(texts(await receiveWithin(one))).toEqual(["reply to from one"]);
    expect(texts(await receiveWithin(two))).toEqual(["reply to from two"]);
  });
});

describe("REQ", () => {
  it("load-balances requests across REPs", async () => {
    const reps = [new RepSocket(scope.context), new RepSocket(scope.context)].map((rep) =>
      scope.cleanup.add(rep),
    );
    for (const rep of reps) await rep.bind(TCP_ANY);
    const req = scope.cleanup.add(new ReqSocket(scope.context));
    for (const rep of reps) await connected(req, rep.lastEndpoint!);
    const served: number[] = [];
    for (let round = 0; round < 4; round++) {
      req.send(message(`q${round}`));
      const index = await Promise.race(
        reps.map((rep, position) => receiveWithin(rep).then(() => position)),
      );
      for (const rep of reps) rep.onReadable = undefined;
      served.push(index);
      reps[index]!.send(message("a"));
      await receiveWithin(req);
    }
    expect(served).toEqual([0, 1, 0, 1]);
  });

  it("drops replies from peers other than the one asked, and replies without a delimiter", async () => {
    const asked = scope.cleanup.add(new RouterSocket(scope.context));
    const other = scope.cleanup.add(new RouterSocket(scope.context));
    await asked.bind(TCP_ANY);
    await other.bind(TCP_ANY);
    const req = scope.cleanup.add(new ReqSocket(scope.context));
    req.options.routingId = bytes("req");
    await connected(req, asked.lastEndpoint!);
    await connected(req, other.lastEndpoint!);

    req.send(message("question"));
    expect(texts(await receiveWithin(asked))).toEqual(["req", "", "question"]);
    other.send(message("req", "", "not from the one asked"));
    asked.send(message("req", "no delimiter"));
    asked.send(message("req", "", "answer"));
    expect(texts(await receiveWithin(req))).toEqual(["answer"]);
  });

  it("with correlate, requests carry an id and only the matching reply is taken", async () => {
    const router = scope.cleanup.add(new RouterSocket(scope.context));
    await router.bind(TCP_ANY);
    const req = scope.cleanup.add(new ReqSocket(scope.context));
    req.options.correlate = true;
    req.options.relaxed = true;
    await connected(req, router.lastEndpoint!);

    req.send(message("q1"));
    const first = await receiveWithin(router);
    expect(first).toHaveLength(4);
    expect(first[1]).toHaveLength(4);
    expect(texts(first.slice(2))).toEqual(["", "q1"]);

    // relaxed: a new request while waiting abandons the old one.
    req.send(message("q2"));
    const second = await receiveWithin(router);
    const id1 = new DataView(first[1]!.buffer, first[1]!.byteOffset, 4).getUint32(0);
    const id2 = new DataView(second[1]!.buffer, second[1]!.byteOffset, 4).getUint32(0);
    expect(id2).toBe((id1 + 1) >>> 0);

    router.send([first[0]!, first[1]!, new Uint8Array(0), bytes("stale answer")]);
    router.send([second[0]!, second[1]!, new Uint8Array(0), bytes("fresh answer")]);
    expect(texts(await receiveWithin(req))).toEqual(["fresh answer"]);
  });

  it("without relaxed, a second request is EFSM even with correlate", async () => {
    const router = scope.cleanup.add(new RouterSocket(scope.context));
    await router.bind(TCP_ANY);
    const req = scope.cleanup.add(new ReqSocket(scope.context));
    req.options.correlate = true;
    await connected(req, router.lastEndpoint!);
    req.send(message("q1"));
    expect(
      isZmqError(
        thrown(() => req.send(message("q2"))),
        "EFSM",
      ),
    ).toBe(true);
  });

  it("relaxed without correlate accepts the reply of either request", async () => {
    const router = scope.cleanup.add(new RouterSocket(scope.context));
    await router.bind(TCP_ANY);
    const req = scope.cleanup.add(new ReqSocket(scope.context));
    req.options.relaxed = true;
    await connected(req, router.lastEndpoint!);
    req.send(message("q1"));
    req.send(message("q2"));
    const [q1, q2] = [await receiveWithin(router), await receiveWithin(router)];
    expect(texts(q1)!.slice(1)).toEqual(["", "q1"]);
    expect(texts(q2)!.slice(1)).toEqual(["", "q2"]);
    router.send([q1[0]!, new Uint8Array(0), bytes("a1")]);
    expect(texts(await receiveWithin(req))).toEqual(["a1"]);
  });

  it("send waits (returns false) with no peer", () => {
    const req = scope.cleanup.add(new ReqSocket(scope.context));
    expect(req.writable).toBe(false);
    expect(req.send(message("nobody"))).toBe(false);
    // A failed send leaves REQ ready to send, not waiting for a reply.
    expect(
      isZmqError(
        thrown(() => req.receive()),
        "EFSM",
      ),
    ).toBe(true);
  });
});

describe("REP", () => {
  it("restores a multi-hop envelope on the reply", async () => {
    const rep = scope.cleanup.add(new RepSocket(scope.context));
    await rep.bind(TCP_ANY);
    const dealer = scope.cleanup.add(new DealerSocket(scope.context));
    await connected(dealer, rep.lastEndpoint!);
    // What a ROUTER → DEALER → REP chain delivers: two routing ids, the delimiter, the body.
    dealer.send(message("hop-2", "hop-1", "", "request", "part 2"));
    expect(texts(await receiveWithin(rep))).toEqual(["request", "part 2"]);
    rep.send(message("reply"));
    expect(texts(await receiveWithin(dealer))).toEqual(["hop-2", "hop-1", "", "reply"]);
  });

  it("gives every reply its own envelope: one-part, multi-part, after a plain or a multi-hop one", async () => {
    const rep = scope.cleanup.add(new RepSocket(scope.context));
    await rep.bind(TCP_ANY);
    const dealer = scope.cleanup.add(new DealerSocket(scope.context));
    await connected(dealer, rep.lastEndpoint!);
    const exchanges: [string[], string[], string[]][] = [
      [
        ["", "q1"],
        ["a", "b", "c"],
        ["", "a", "b", "c"],
      ],
      [["", "q2"], ["d"], ["", "d"]],
      [
        ["hop", "", "q3"],
        ["e", "f"],
        ["hop", "", "e", "f"],
      ],
      [["", "q4"], ["g"], ["", "g"]],
    ];
    for (const [request, reply, expected] of exchanges) {
      dealer.send(message(...request));
      expect(texts(await receiveWithin(rep))).toEqual(request.slice(request.indexOf("") + 1));
      rep.send(message(...reply));
      expect(texts(await receiveWithin(dealer))).toEqual(expected);
    }
  });

  it("keeps empty body frames after the delimiter as body", async () => {
    const rep = scope.cleanup.add(new RepSocket(scope.context));
    await rep.bind(TCP_ANY);
    const dealer = scope.cleanup.add(new DealerSocket(scope.context));
    await connected(dealer, rep.lastEndpoint!);
    dealer.send(message("", "", "x"));
    expect(texts(await receiveWithin(rep))).toEqual(["", "x"]);
    rep.send(message("y"));
    expect(texts(await receiveWithin(dealer))).toEqual(["", "y"]);
  });

  it("drops messages without a delimiter", async () => {
    const rep = scope.cleanup.add(new RepSocket(scope.context));
    await rep.bind(TCP_ANY);
    const dealer = scope.cleanup.add(new DealerSocket(scope.context));
    await connected(dealer, rep.lastEndpoint!);
    dealer.send(message("no", "delimiter"));
    dealer.send(message("", "proper"));
    expect(texts(await receiveWithin(rep))).toEqual(["proper"]);
    rep.send(message("ok"));
    expect(texts(await receiveWithin(dealer))).toEqual(["", "ok"]);
    expect(await collect(dealer, 50)).toEqual([]);
  });

  it("a reply to a peer that went away is dropped without an error", async () => {
    const rep = scope.cleanup.add(new RepSocket(scope.context));
    const repEvents = watch(rep);
    await rep.bind(TCP_ANY);
    const dealer = new DealerSocket(scope.context);
    await connected(dealer, rep.lastEndpoint!);
    dealer.send(message("", "bye"));
    await receiveWithin(rep);
    dealer.options.linger = 0;
    await dealer.close();
    await repEvents.next("disconnect");
    expect(rep.send(message("into the void"))).toBe(true);
    // REP is ready for the next request.
    expect(rep.receive()).toBeUndefined();
  });
});
