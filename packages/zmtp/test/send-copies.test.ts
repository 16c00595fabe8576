/**
 * What a sender may do with a Buffer once `send()` returned. Up to 128 bytes it may be reused at
 * once on every transport (tooling/test/conformance, as zeromq.js). zmtp copies such a part only
 * when the message outlives the call (queued while connecting, in process, behind a busy peer,
 * or a send that waits); over a connected tcp or ipc socket the message is encoded during the
 * send, so parts below 8 KiB may be reused too.
 */
import { createServer, type Socket as NetSocket } from "node:net";
import { describe, expect, it } from "vitest";
import * as zmq from "../src/index";
import { track } from "./track";

let inprocCount = 0;

/** Waits until `check` holds (polling), for up to two seconds. */
async function until(check: () => boolean): Promise<void> {
  for (let waited = 0; !check(); waited += 5) {
    if (waited > 2000) throw new Error("timed out");
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe("reusing a small sent Buffer at once", () => {
  it("a message queued while the connection is made keeps what was sent", async () => {
    const pull = track(new zmq.Pull());
    await pull.bind("tcp://127.0.0.1:*");
    const push = track(new zmq.Push());
    push.connect(pull.lastEndpoint!);
    const reused = Buffer.from("first");
    const typed = new Uint16Array([1, 2]);
    await push.send([reused, typed]);
    reused.write("later");
    typed[0] = 9;
    const [part, view] = await pull.receive();
    expect([part!.toString(), [...view!]]).toEqual(["first", [1, 0, 2, 0]]);
  });

  it("a send that waits for a peer keeps what was sent", async () => {
    const push = track(new zmq.Push());
    await push.bind("tcp://127.0.0.1:*");
    const reused = Buffer.from("first");
    const sent = push.send(["head", reused]);
    reused.write("later");
    const pull = track(new zmq.Pull());
    pull.connect(push.lastEndpoint!);
    await sent;
    const [, part] = await pull.receive();
    expect(part!.toString()).toBe("first");
  });

  it("a message published to a tcp and an inproc subscriber reaches both unchanged", async () => {
    const pub = track(new zmq.Publisher());
    await pub.bind("tcp://127.0.0.1:*");
    const tcp = pub.lastEndpoint!;
    const inproc = `inproc://send-copies-${inprocCount++}`;
    await pub.bind(inproc);
    const overTcp = track(new zmq.Subscriber());
    const inProcess = track(new zmq.Subscriber());
    overTcp.subscribe();
    inProcess.subscribe();
    overTcp.connect(tcp);
    inProcess.connect(inproc);
    // Publish until both subscriptions arrived (a PUB drops messages nobody subscribed to).
    const ready = Promise.all([overTcp.receive(), inProcess.receive()]);
    let settled = false;
    void ready.then(() => {
      settled = true;
    });
    while (!settled) {
      await pub.send("ready");
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    await pub.send("last ready");
    const drain = async (sub: zmq.Subscriber) => {
      for (;;) if ((await sub.receive())[0]!.toString() === "last ready") return;
    };
    await Promise.all([drain(overTcp), drain(inProcess)]);
    const reused = Buffer.from("first");
    await pub.send(reused);
    reused.write("later");
    const [fromTcp] = await overTcp.receive();
    const [fromInproc] = await inProcess.receive();
    expect([fromTcp!.toString(), fromInproc!.toString()]).toEqual(["first", "first"]);
  });

  it("a conflating socket's newest kept message keeps what was sent", async () => {
    const router = track(new zmq.Router());
    await router.bind("tcp://127.0.0.1:*");
    const endpoint = router.lastEndpoint!;
    await router.unbind(endpoint);
    // Conflate keeps the newest message until it is written: the peer is not there yet.
    const dealer = track(new zmq.Dealer({ conflate: true, routingId: "d" }));
    dealer.connect(endpoint);
    const older = Buffer.from("older");
    const newest = Buffer.from("first");
    await dealer.send(older);
    await dealer.send(newest);
    older.write("later");
    newest.write("later");
    await router.bind(endpoint);
    const [, part] = await router.receive();
    expect(part!.toString()).toBe("first");
  });

  it("a subscription queued while an XSUB connects keeps what was sent", async () => {
    const xpub = track(new zmq.XPublisher());
    await xpub.bind("tcp://127.0.0.1:*");
    const endpoint = xpub.lastEndpoint!;
    await xpub.unbind(endpoint);
    const xsub = track(new zmq.XSubscriber());
    xsub.connect(endpoint);
    const subscription = Buffer.from("\x01topic");
    await xsub.send(subscription);
    subscription.write("\x01xxxxx");
    await xpub.bind(endpoint);
    const [received] = await xpub.receive();
    expect(received!.toString()).toBe("\x01topic");
  });

  it("a STREAM socket keeps what was sent for its raw connection", async () => {
    const chunks: Buffer[] = [];
    let peer: NetSocket | undefined;
    const server = createServer((socket) => {
      peer = socket;
      socket.on("data", (chunk) => chunks.push(chunk));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const stream = track(new zmq.Stream());
      const { port } = server.address() as { port: number };
      stream.connect(`tcp://127.0.0.1:${port}`);
      const [id] = await stream.receive();
      const reused = Buffer.from("first");
      await stream.send([id!, reused]);
      reused.write("later");
      await until(() => Buffer.concat(chunks).length >= 5);
      expect(Buffer.concat(chunks).toString()).toBe("first");
    } finally {
      peer?.destroy();
      server.close();
    }
  });
});

describe("reusing a sent Buffer", () => {
  it.each(["tcp://127.0.0.1:*", "ipc://*"])(
    "parts below 8 KiB leave the Buffer during send on a connected socket (%s)",
    async (address) => {
      const pull = new zmq.Pull();
      const push = new zmq.Push();
      track(pull);
      track(push);
      await pull.bind(address);
      push.connect(pull.lastEndpoint!);
      await push.send("connected");
      await pull.receive();
      // A few messages per size: well inside the kernel's socket buffers, so the peer never
      // holds the sender back (then messages would wait in the pipe, by reference).
      for (const size of [129, 200, 4096, 8191]) {
        const reused = Buffer.alloc(size);
        for (let index = 0; index < 8; index++) {
          reused.writeUInt32BE(index, 0);
          reused[size - 1] = index;
          await push.send(["head", reused]);
        }
        for (let index = 0; index < 8; index++) {
          const [, part] = await pull.receive();
          expect([part!.readUInt32BE(0), part![size - 1]]).toEqual([index, index]);
        }
      }
    },
  );
});
