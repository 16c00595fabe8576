import { describe, expect, it } from "vitest";
import {
  Distributor,
  FairQueue,
  LoadBalancer,
  Pipe,
  type PipeOwner,
  Queue,
  SubscriptionTrie,
} from "../src/index";
import { bytes, message, text, texts } from "./helpers";

const owner: PipeOwner = {
  readActivated: () => {},
  writeActivated: () => {},
  hiccuped: () => {},
  pipeDrained: () => {},
};

function pipe(sendHighWaterMark = 0, receiveHighWaterMark = 0): Pipe {
  return new Pipe(owner, sendHighWaterMark, receiveHighWaterMark, "test://");
}

/** The first frame of each outbound message of a pipe, as text. */
function drained(target: Pipe): string[] {
  const out: string[] = [];
  for (let next = target.pull(); next !== undefined; next = target.pull()) out.push(text(next[0]));
  return out;
}

describe("LoadBalancer", () => {
  it("sends whole messages round robin", () => {
    const lb = new LoadBalancer();
    const pipes = [pipe(), pipe(), pipe()];
    for (const p of pipes) lb.attach(p);
    for (let index = 0; index < 7; index++)
      expect(lb.send(message(`m${index}`, "x"))).toBeDefined();
    expect(drained(pipes[0]!)).toEqual(["m0", "m3", "m6"]);
    expect(drained(pipes[1]!)).toEqual(["m1", "m4"]);
    expect(drained(pipes[2]!)).toEqual(["m2", "m5"]);
  });

  it("returns the pipe that took the message", () => {
    const lb = new LoadBalancer();
    const a = pipe();
    lb.attach(a);
    expect(lb.send(message("x"))).toBe(a);
  });

  it("skips a pipe at its mark", () => {
    const lb = new LoadBalancer();
    const full = pipe(1);
    const open = pipe();
    lb.attach(full);
    lb.attach(open);
    expect(lb.send(message("a"))).toBe(full);
    expect(lb.send(message("b"))).toBe(open);
    // full now holds 1 (its mark): every later message goes to open.
    expect(lb.send(message("c"))).toBe(open);
    expect(lb.send(message("d"))).toBe(open);
    expect(drained(full)).toEqual(["a"]);
    expect(drained(open)).toEqual(["b", "c", "d"]);
  });

  it("returns undefined with no pipe, or when every pipe is full", () => {
    const lb = new LoadBalancer();
    expect(lb.send(message("x"))).toBeUndefined();
    expect(lb.hasOut()).toBe(false);
    const a = pipe(1);
    lb.attach(a);
    expect(lb.hasOut()).toBe(true);
    expect(lb.send(message("x"))).toBe(a);
    expect(lb.send(message("y"))).toBeUndefined();
    expect(lb.hasOut()).toBe(false);
    expect(a.outboundLength).toBe(1);
  });

  it("keeps the rotation right when a pipe is detached while iterating", () => {
    const lb = new LoadBalancer();
    const [a, b, c] = [pipe(), pipe(), pipe()];
    lb.attach(a);
    lb.attach(b);
    lb.attach(c);
    expect(lb.send(message("1"))).toBe(a);
    expect(lb.send(message("2"))).toBe(b);
    // current points at c; detaching a (before it) must keep c next.
    lb.detach(a);
    expect(lb.size).toBe(2);
    expect(lb.send(message("3"))).toBe(c);
    expect(lb.send(message("4"))).toBe(b);
    expect(lb.send(message("5"))).toBe(c);
    // b is current now; detaching it moves on to the next one.
    lb.detach(b);
    expect(lb.send(message("6"))).toBe(c);
    lb.detach(c);
    expect(lb.send(message("7"))).toBeUndefined();
    // Detaching an unknown pipe is harmless.
    lb.detach(a);
    expect(lb.size).toBe(0);
  });

  it("detaching the last pipe while it is current wraps to the first", () => {
    const lb = new LoadBalancer();
    const [a, b, c] = [pipe(), pipe(), pipe()];
    lb.attach(a);
    lb.attach(b);
    lb.attach(c);
    lb.send(message("1"));
    lb.send(message("2"));
    lb.detach(c);
    expect(lb.send(message("3"))).toBe(a);
    expect(lb.send(message("4"))).toBe(b);
  });
});

describe("FairQueue", () => {
  it("alternates between pipes with messages and records lastPipe", () => {
    const fq = new FairQueue();
    const a = pipe();
    const b = pipe();
    fq.attach(a);
    fq.attach(b);
    for (const name of ["a1", "a2", "a3"]) a.deliver(message(name));
    for (const name of ["b1", "b2"]) b.deliver(message(name));
    const order: string[] = [];
    const from: Pipe[] = [];
    for (let next = fq.recv(); next !== undefined; next = fq.recv()) {
      order.push(text(next[0]));
      from.push(fq.lastPipe!);
    }
    expect(order).toEqual(["a1", "b1", "a2", "b2", "a3"]);
    expect(from).toEqual([a, b, a, b, a]);
  });

  it("returns undefined with nothing queued and hasIn follows the queues", () => {
    const fq = new FairQueue();
    expect(fq.recv()).toBeUndefined();
    const a = pipe();
    fq.attach(a);
    expect(fq.hasIn()).toBe(false);
    a.deliver(message("x"));
    expect(fq.hasIn()).toBe(true);
    expect(texts(fq.recv())).toEqual(["x"]);
    expect(fq.hasIn()).toBe(false);
    expect(fq.recv()).toBeUndefined();
  });

  it("keeps multipart messages whole", () => {
    const fq = new FairQueue();
    const a = pipe();
    const b = pipe();
    fq.attach(a);
    fq.attach(b);
    a.deliver(message("a", "1", "2"));
    b.deliver(message("b", "1"));
    expect(texts(fq.recv())).toEqual(["a", "1", "2"]);
    expect(texts(fq.recv())).toEqual(["b", "1"]);
  });

  it("forgets lastPipe when that pipe is detached, and keeps the rotation", () => {
    const fq = new FairQueue();
    const [a, b, c] = [pipe(), pipe(), pipe()];
    fq.attach(a);
    fq.attach(b);
    fq.attach(c);
    for (const p of [a, b, c]) {
      p.deliver(message("1"));
      p.deliver(message("2"));
    }
    fq.recv();
    expect(fq.lastPipe).toBe(a);
    fq.detach(a);
    expect(fq.lastPipe).toBeUndefined();
    fq.recv();
    expect(fq.lastPipe).toBe(b);
    fq.recv();
    expect(fq.lastPipe).toBe(c);
    fq.recv();
    expect(fq.lastPipe).toBe(b);
  });
});

describe("Distributor", () => {
  it("sends to every pipe and counts the ones that took it", () => {
    const dist = new Distributor();
    const [a, b] = [pipe(), pipe()];
    dist.attach(a);
    dist.attach(b);
    expect(dist.send(message("x"))).toBe(2);
    expect(drained(a)).toEqual(["x"]);
    expect(drained(b)).toEqual(["x"]);
  });

  it("skips a pipe at its mark (it misses the message) and sends only to the given pipes", () => {
    const dist = new Distributor();
    const full = pipe(1);
    const open = pipe();
    dist.attach(full);
    dist.attach(open);
    expect(dist.send(message("1"))).toBe(2);
    expect(dist.allHaveRoom()).toBe(false);
    expect(dist.allHaveRoom([open])).toBe(true);
    expect(dist.send(message("2"))).toBe(1);
    expect(dist.send(message("3"), [open])).toBe(1);
    expect(drained(full)).toEqual(["1"]);
    expect(drained(open)).toEqual(["1", "2", "3"]);
    dist.detach(open);
    expect(dist.send(message("4"))).toBe(1);
    expect(drained(open)).toEqual([]);
  });
});

describe("SubscriptionTrie", () => {
  function matched<T>(trie: SubscriptionTrie<T>, data: string | Uint8Array): T[] {
    const out: T[] = [];
    trie.match(typeof data === "string" ? bytes(data) : data, (subscriber) => out.push(subscriber));
    return out;
  }

  it("counts subscriptions: two subscribes need two cancels", () => {
    const trie = new SubscriptionTrie<string>();
    expect(trie.add(bytes("A"), "s")).toBe(true);
    expect(trie.add(bytes("A"), "s")).toBe(false);
    expect(trie.remove(bytes("A"), "s")).toBe(false);
    expect(trie.matches(bytes("AB"))).toBe(true);
    expect(trie.remove(bytes("A"), "s")).toBe(true);
    expect(trie.matches(bytes("AB"))).toBe(false);
    expect(trie.empty).toBe(true);
  });

  it("reports the first subscriber of a prefix, and the last to leave it", () => {
    const trie = new SubscriptionTrie<string>();
    expect(trie.add(bytes("A"), "one")).toBe(true);
    expect(trie.add(bytes("A"), "two")).toBe(false);
    expect(trie.remove(bytes("A"), "one")).toBe(false);
    expect(trie.remove(bytes("A"), "two")).toBe(true);
  });

  it("removing what was never subscribed changes nothing", () => {
    const trie = new SubscriptionTrie<string>();
    trie.add(bytes("AB"), "s");
    expect(trie.remove(bytes("A"), "s")).toBe(false);
    expect(trie.remove(bytes("ABC"), "s")).toBe(false);
    expect(trie.remove(bytes("AB"), "other")).toBe(false);
    expect(trie.matches(bytes("ABX"))).toBe(true);
    expect(trie.empty).toBe(false);
  });

  it("the empty prefix matches everything, including empty data", () => {
    const trie = new SubscriptionTrie<string>();
    trie.add(new Uint8Array(0), "all");
    expect(trie.matches(bytes("anything"))).toBe(true);
    expect(trie.matches(new Uint8Array(0))).toBe(true);
    expect(matched(trie, "x")).toEqual(["all"]);
  });

  it("matches prefixes, not other strings", () => {
    const trie = new SubscriptionTrie<string>();
    trie.add(bytes("weather."), "s");
    expect(trie.matches(bytes("weather.paris"))).toBe(true);
    expect(trie.matches(bytes("weather."))).toBe(true);
    expect(trie.matches(bytes("weather"))).toBe(false);
    expect(trie.matches(bytes("news.weather.paris"))).toBe(false);
    expect(trie.matches(new Uint8Array(0))).toBe(false);
  });

  it("match visits each subscriber once even when several of its prefixes match", () => {
    const trie = new SubscriptionTrie<string>();
    trie.add(bytes(""), "a");
    trie.add(bytes("A"), "a");
    trie.add(bytes("AB"), "a");
    trie.add(bytes("AB"), "a");
    trie.add(bytes("AB"), "b");
    trie.add(bytes("ABC"), "c");
    expect(matched(trie, "ABCD").sort()).toEqual(["a", "b", "c"]);
    expect(matched(trie, "AB").sort()).toEqual(["a", "b"]);
    expect(matched(trie, "X")).toEqual(["a"]);
  });

  it("removeSubscriber drops all of its subscriptions and reports the prefixes left empty", () => {
    const trie = new SubscriptionTrie<string>();
    trie.add(bytes("A"), "gone");
    trie.add(bytes("A"), "gone");
    trie.add(bytes("B"), "gone");
    trie.add(bytes("B"), "stays");
    trie.add(bytes("C"), "stays");
    const emptied: string[] = [];
    trie.removeSubscriber("gone", (prefix) => emptied.push(text(prefix)));
    expect(emptied).toEqual(["A"]);
    expect(matched(trie, "A")).toEqual([]);
    expect(matched(trie, "B")).toEqual(["stays"]);
    const left: string[] = [];
    trie.each((prefix, subscribers) => left.push(`${text(prefix)}:${[...subscribers.keys()]}`));
    expect(left.sort()).toEqual(["B:stays", "C:stays"]);
    trie.removeSubscriber("stays");
    expect(trie.empty).toBe(true);
  });

  it("keeps binary topics with 0x00 bytes apart", () => {
    const trie = new SubscriptionTrie<string>();
    const zero = Uint8Array.of(0x00);
    const zeroOne = Uint8Array.of(0x00, 0x01);
    const zeroZero = Uint8Array.of(0x00, 0x00, 0xff);
    trie.add(zeroOne, "s");
    expect(trie.matches(zero)).toBe(false);
    expect(trie.matches(Uint8Array.of(0x00, 0x01, 0x00))).toBe(true);
    expect(trie.matches(zeroZero)).toBe(false);
    trie.add(zero, "t");
    expect(matched(trie, zeroZero)).toEqual(["t"]);
    const prefixes: number[][] = [];
    trie.each((prefix) => prefixes.push([...prefix]));
    expect(prefixes.sort()).toEqual([[0], [0, 1]]);
    expect(trie.remove(zero, "t")).toBe(true);
    expect(trie.matches(zeroZero)).toBe(false);
    expect(trie.matches(zeroOne)).toBe(true);
  });

  it("prunes a removed branch without touching a longer sibling", () => {
    const trie = new SubscriptionTrie<string>();
    trie.add(bytes("AB"), "s");
    trie.add(bytes("ABCD"), "s");
    trie.remove(bytes("AB"), "s");
    expect(trie.matches(bytes("ABC"))).toBe(false);
    expect(trie.matches(bytes("ABCDE"))).toBe(true);
    trie.remove(bytes("ABCD"), "s");
    expect(trie.empty).toBe(true);
    // A re-add after pruning works.
    expect(trie.add(bytes("ABCD"), "s")).toBe(true);
    expect(trie.matches(bytes("ABCD"))).toBe(true);
  });
});

describe("Queue", () => {
  it("is FIFO across compaction at more than 1024 items", () => {
    const queue = new Queue<number>();
    let pushed = 0;
    let shifted = 0;
    // Interleave so the consumed prefix crosses 1024 with items still queued.
    for (let round = 0; round < 5; round++) {
      for (let index = 0; index < 1500; index++) queue.push(pushed++);
      for (let index = 0; index < 1200; index++) {
        expect(queue.shift()).toBe(shifted++);
      }
      expect(queue.length).toBe(pushed - shifted);
    }
    expect(queue.peek()).toBe(shifted);
    while (queue.length > 0) expect(queue.shift()).toBe(shifted++);
    expect(shifted).toBe(pushed);
    expect(queue.shift()).toBeUndefined();
    expect(queue.peek()).toBeUndefined();
  });

  it("stays FIFO when it wraps around and grows while wrapped", () => {
    const queue = new Queue<number>();
    let pushed = 0;
    let shifted = 0;
    // Small steps move the head around the ring; every round leaves one more item queued, so
    // the storage grows while the items wrap past its end.
    for (let round = 1; round <= 40; round++) {
      for (let index = 0; index < round + 3; index++) queue.push(pushed++);
      for (let index = 0; index < 3; index++) expect(queue.shift()).toBe(shifted++);
      expect(queue.length).toBe(pushed - shifted);
      expect(queue.peek()).toBe(shifted);
    }
    expect(queue.clear()).toEqual(Array.from({ length: pushed - shifted }, (_, i) => shifted + i));
    expect(queue.length).toBe(0);
    expect(queue.shift()).toBeUndefined();
  });

  it("clear returns what was left, in order", () => {
    const queue = new Queue<string>();
    for (const item of ["a", "b", "c"]) queue.push(item);
    queue.shift();
    expect(queue.clear()).toEqual(["b", "c"]);
    expect(queue.length).toBe(0);
    queue.push("d");
    expect(queue.shift()).toBe("d");
  });
});
