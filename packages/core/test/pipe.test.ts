import { describe, expect, it } from "vitest";
import { Pipe, type PipeEngine, type PipeOwner } from "../src/index";
import { beginBorrowing, endBorrowing } from "../src/pipe";
import { message, texts } from "./helpers";

class Owner implements PipeOwner {
  reads = 0;
  writes = 0;
  hiccups = 0;
  readActivated(): void {
    this.reads++;
  }
  writeActivated(): void {
    this.writes++;
  }
  hiccuped(): void {
    this.hiccups++;
  }
  drainedPipes = 0;
  pipeDrained(): void {
    this.drainedPipes++;
  }
}

class FakeEngine implements PipeEngine {
  outbound = 0;
  drained = 0;
  outboundActivated(): void {
    this.outbound++;
  }
  inboundDrained(): void {
    this.drained++;
  }
}

function setup(sendHighWaterMark: number, receiveHighWaterMark: number) {
  const owner = new Owner();
  const engine = new FakeEngine();
  const pipe = new Pipe(owner, sendHighWaterMark, receiveHighWaterMark, "test://pipe");
  pipe.attachEngine(engine);
  return { owner, engine, pipe };
}

describe("Pipe outbound", () => {
  it("counts whole messages against the send mark, not frames or bytes", () => {
    const { pipe } = setup(2, 0);
    expect(pipe.write(message("a", "b", "c", "d"))).toBe(true);
    expect(pipe.write([new Uint8Array(100_000)])).toBe(true);
    expect(pipe.outboundLength).toBe(2);
    expect(pipe.checkWrite()).toBe(false);
    expect(pipe.write(message("x"))).toBe(false);
    expect(pipe.outboundLength).toBe(2);
  });

  it("tells the engine only when the queue goes from empty to non-empty", () => {
    const { pipe, engine } = setup(0, 0);
    pipe.write(message("1"));
    pipe.write(message("2"));
    expect(engine.outbound).toBe(1);
    pipe.pull();
    pipe.pull();
    pipe.write(message("3"));
    expect(engine.outbound).toBe(2);
  });

  it("fires writeActivated when the engine pulls after a write hit the mark", () => {
    const { pipe, owner } = setup(1, 0);
    expect(pipe.write(message("1"))).toBe(true);
    expect(owner.writes).toBe(0);
    expect(pipe.write(message("2"))).toBe(false);
    expect(texts(pipe.pull())).toEqual(["1"]);
    expect(owner.writes).toBe(1);
    expect(pipe.write(message("3"))).toBe(true);
    expect(texts(pipe.pull())).toEqual(["3"]);
    // No write was refused since, so no further activation.
    expect(owner.writes).toBe(1);
    expect(pipe.pull()).toBeUndefined();
  });

  it("does not fire writeActivated when the mark was never reached", () => {
    const { pipe, owner } = setup(3, 0);
    pipe.write(message("1"));
    pipe.pull();
    expect(owner.writes).toBe(0);
  });

  it("0 means no limit", () => {
    const { pipe } = setup(0, 0);
    for (let index = 0; index < 10_000; index++) expect(pipe.write(message("m"))).toBe(true);
    expect(pipe.outboundLength).toBe(10_000);
    expect(pipe.checkWrite()).toBe(true);
  });

  it("forceWrite ignores the mark", () => {
    const { pipe } = setup(1, 0);
    pipe.write(message("1"));
    pipe.forceWrite(message("sub"));
    expect(pipe.outboundLength).toBe(2);
  });

  it("attaching an engine with queued messages activates it", () => {
    const owner = new Owner();
    const pipe = new Pipe(owner, 0, 0, "test://pipe");
    pipe.write(message("queued"));
    const engine = new FakeEngine();
    pipe.attachEngine(engine);
    expect(engine.outbound).toBe(1);
    expect(pipe.attached).toBe(true);
    pipe.attachEngine(undefined);
    expect(pipe.attached).toBe(false);
    // Messages stay queued without an engine.
    expect(pipe.write(message("later"))).toBe(true);
    expect(pipe.outboundLength).toBe(2);
  });

  it("a hiccup drops unsent messages and tells the owner, as libzmq's does", () => {
    const { owner, pipe } = setup(1, 0);
    pipe.write(message("lost"));
    expect(pipe.checkWrite()).toBe(false);
    pipe.hiccup();
    expect(pipe.outboundLength).toBe(0);
    expect(pipe.attached).toBe(false);
    expect(owner.hiccups).toBe(1);
    expect(owner.writes).toBe(1);
    expect(pipe.write(message("kept"))).toBe(true);
  });

  it("an ended pipe refuses writes and reports drained once its inbound was read", () => {
    const { owner, pipe } = setup(0, 0);
    pipe.deliver(message("a"));
    pipe.deliver(message("b"));
    expect(pipe.end()).toBe(false);
    expect(pipe.write(message("x"))).toBe(false);
    expect(texts(pipe.read()!)).toEqual(["a"]);
    expect(owner.drainedPipes).toBe(0);
    expect(texts(pipe.read()!)).toEqual(["b"]);
    expect(owner.drainedPipes).toBe(1);
    const empty = setup(0, 0).pipe;
    expect(empty.end()).toBe(true);
  });
});

describe("Pipe inbound", () => {
  it("fires readActivated only on empty to non-empty", () => {
    const { pipe, owner } = setup(0, 0);
    pipe.deliver(message("1"));
    pipe.deliver(message("2"));
    expect(owner.reads).toBe(1);
    expect(pipe.hasInbound).toBe(true);
    expect(texts(pipe.read())).toEqual(["1"]);
    expect(texts(pipe.read())).toEqual(["2"]);
    expect(pipe.read()).toBeUndefined();
    expect(pipe.hasInbound).toBe(false);
    pipe.deliver(message("3"));
    expect(owner.reads).toBe(2);
  });

  it("is full at the receive mark and tells the engine once the socket drained it", () => {
    const { pipe, engine } = setup(0, 2);
    pipe.deliver(message("1"));
    expect(pipe.inboundFull).toBe(false);
    pipe.deliver(message("2", "parts", "count", "once"));
    expect(pipe.inboundFull).toBe(true);
    pipe.awaitDrain();
    expect(engine.drained).toBe(0);
    pipe.read();
    expect(engine.drained).toBe(1);
    pipe.read();
    expect(engine.drained).toBe(1);
  });

  it("reading without awaitDrain does not signal the engine", () => {
    const { pipe, engine } = setup(0, 1);
    pipe.deliver(message("1"));
    pipe.read();
    expect(engine.drained).toBe(0);
  });

  it("0 means no receive limit", () => {
    const { pipe } = setup(0, 0);
    for (let index = 0; index < 5000; index++) pipe.deliver(message("m"));
    expect(pipe.inboundFull).toBe(false);
  });
});

describe("Pipe terminate", () => {
  it("drops both queues and refuses further traffic", () => {
    const { pipe, owner } = setup(0, 0);
    pipe.write(message("out"));
    pipe.deliver(message("in"));
    pipe.terminate();
    expect(pipe.terminated).toBe(true);
    expect(pipe.attached).toBe(false);
    expect(pipe.outboundLength).toBe(0);
    expect(pipe.hasInbound).toBe(false);
    expect(pipe.read()).toBeUndefined();
    expect(pipe.pull()).toBeUndefined();
    expect(pipe.write(message("x"))).toBe(false);
    expect(pipe.checkWrite()).toBe(false);
    pipe.forceWrite(message("x"));
    expect(pipe.outboundLength).toBe(0);
    const readsBefore = owner.reads;
    pipe.deliver(message("late"));
    expect(pipe.hasInbound).toBe(false);
    expect(owner.reads).toBe(readsBefore);
  });

  it("dropOutbound drops only the outbound queue", () => {
    const { pipe } = setup(0, 0);
    pipe.write(message("out"));
    pipe.deliver(message("in"));
    pipe.dropOutbound();
    expect(pipe.outboundLength).toBe(0);
    expect(texts(pipe.read())).toEqual(["in"]);
  });
});

describe("borrowed parts", () => {
  it("are made the pipe's own when the engine fails while the message is queued", () => {
    const owner = new Owner();
    const pipe = new Pipe(owner, 0, 0, "test://pipe");
    pipe.attachEngine({
      outboundActivated: () => {
        throw new Error("engine failed");
      },
      inboundDrained: () => {},
    });
    const part = new Uint8Array([1, 2, 3]);
    const outer = beginBorrowing((borrowed) => new Uint8Array(borrowed));
    try {
      expect(() => pipe.write([part])).toThrow("engine failed");
    } finally {
      endBorrowing(outer);
    }
    part.fill(9);
    expect([...pipe.pull()![0]!]).toEqual([1, 2, 3]);
  });
});
