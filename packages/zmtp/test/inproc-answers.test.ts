/**
 * In-process request-reply: an answer is handed to the peer inside its send (by reference, its
 * small parts copied), so round trips run as promise continuations instead of one event-loop
 * turn per message; a bounded number of them per turn, so timers and I/O still run.
 */
import { describe, expect, it } from "vitest";
import * as zmq from "../src/index";
import { track } from "./track";

let count = 0;

/**
 * `bound` and `connected` over a fresh inproc name, past a first exchange (connected speaks
 * first): from then on messages go by reference.
 */
async function settled<B extends zmq.Socket, C extends zmq.Socket>(
  bound: B,
  connected: C,
): Promise<[B, C]> {
  const endpoint = `inproc://inproc-answers-${count++}`;
  await track(bound).bind(endpoint);
  track(connected).connect(endpoint);
  await connected.send("hello");
  await bound.receive();
  await bound.send("hello");
  await connected.receive();
  return [bound, connected];
}

const pair = async () => {
  const [rep, req] = await settled(new zmq.Reply(), new zmq.Request());
  return { req, rep };
};

/** A macrotask counter: how many event-loop turns (setImmediate) passed while it ran. */
function countTurns(): { readonly turns: number; stop(): void } {
  let turns = 0;
  let running = true;
  const tick = () => {
    if (!running) return;
    turns++;
    setImmediate(tick);
  };
  setImmediate(tick);
  return {
    get turns() {
      return turns;
    },
    stop() {
      running = false;
    },
  };
}

/** `rounds` round trips: REP echoes, REQ sends and waits for each answer. */
async function pingPong(req: zmq.Request, rep: zmq.Reply, rounds: number) {
  const echo = (async () => {
    for (let round = 0; round < rounds; round++) {
      const [message] = await rep.receive();
      await rep.send(message!);
    }
  })();
  for (let round = 0; round < rounds; round++) {
    await req.send(`ping ${round}`);
    const [answer] = await req.receive();
    if (answer!.toString() !== `ping ${round}`) throw new Error(`wrong answer: ${answer}`);
  }
  await echo;
}

describe("in-process request-reply", () => {
  it("runs many round trips per event-loop turn", async () => {
    const { req, rep } = await pair();
    const counter = countTurns();
    await pingPong(req, rep, 2000);
    counter.stop();
    // One turn per message (4000) before; 128 messages per turn now, so about 32.
    expect(counter.turns).toBeLessThan(200);
  });

  it("still lets timers run during a ping-pong that never waits for the event loop", async () => {
    // Each side asks for its next message before it answers, so no receive resolves at once
    // and the socket's own bound on operations resolved at once never applies: only the bound
    // on in-process answers per turn breaks the chain.
    const [a, b] = await settled(new zmq.Dealer(), new zmq.Dealer());
    const rounds = 20_000;
    let done = 0;
    let doneWhenTimerFired: number | undefined;
    setTimeout(() => {
      doneWhenTimerFired = done;
    }, 1);
    const echo = (async () => {
      let next = b.receive();
      for (let round = 0; round < rounds; round++) {
        const [message] = await next;
        if (round + 1 < rounds) next = b.receive();
        await b.send(message!);
      }
    })();
    for (; done < rounds; done++) {
      const answer = a.receive();
      await a.send(`ping ${done}`);
      const [message] = await answer;
      if (message!.toString() !== `ping ${done}`) throw new Error(`wrong answer: ${message}`);
    }
    await echo;
    // Without a bound the whole ping-pong ran before the timer: it fired at 20,000.
    expect(doneWhenTimerFired).toBeDefined();
    expect(doneWhenTimerFired!).toBeLessThan(rounds);
  });

  it("an answer delivered inside its send keeps what was sent", async () => {
    const { req, rep } = await pair();
    await req.send("question");
    await rep.receive();
    const reused = Buffer.from("first");
    await rep.send(reused);
    reused.write("later");
    const [answer] = await req.receive();
    expect(answer!.toString()).toBe("first");
  });
});
