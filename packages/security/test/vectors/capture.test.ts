/**
 * Runs CURVE handshakes against libzmq (the native `zeromq` package) at the wire level, in both
 * roles, on every run; with ZMTP_CAPTURE=1 it also stores them as curve-libzmq.json:
 *   ZMTP_CAPTURE=1 pnpm exec vitest run --project security test/vectors/capture.test.ts
 * One side is a raw node:net peer driven by our mechanism with recorded randomness, so the test
 * in curve-vectors.test.ts can replay every byte deterministically.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect, it } from "vitest";
import * as native from "zeromq";
import { createCurve, curveKeyPair } from "../../src/curve/index";
import { curveKeyBytes } from "../../src/index";
import { recordingCrypto, setupFor } from "../helpers";
import { listen, RawPeer } from "./raw-peer";

const text = (value: string) => new TextEncoder().encode(value);

it("a raw CURVE peer handshakes with libzmq in both roles (and captures it)", async () => {
  const server = curveKeyPair();
  const client = curveKeyPair();

  // A: libzmq REQ client -> raw zmtp CURVE server.
  const serverRandom: string[] = [];
  const serverFactory = createCurve({ crypto: recordingCrypto(serverRandom) });
  const { server: listener, port } = await listen();
  const accepted = RawPeer.accept(listener, () =>
    serverFactory.create(setupFor(true, { curveSecretKey: curveKeyBytes(server.secretKey) })),
  );
  const req = new native.Request({
    curveServerKey: server.publicKey,
    curvePublicKey: client.publicKey,
    curveSecretKey: client.secretKey,
  });
  req.connect(`tcp://127.0.0.1:${port}`);
  const raw = await accepted;
  await req.send("Hello from libzmq");
  const request = await raw.receive();
  await raw.send([new Uint8Array(0), text("Hello from zmtp")]);
  await req.receive();
  req.close();
  raw.close();
  listener.close();

  // B: raw zmtp CURVE client -> libzmq REP server.
  const clientRandom: string[] = [];
  const rep = new native.Reply({ curveServer: true, curveSecretKey: server.secretKey });
  await rep.bind("tcp://127.0.0.1:*");
  const repPort = Number(rep.lastEndpoint!.split(":").pop());
  const clientMechanism = createCurve({ crypto: recordingCrypto(clientRandom) }).create(
    setupFor(false, {
      curveServerKey: curveKeyBytes(server.publicKey),
      curvePublicKey: curveKeyBytes(client.publicKey),
      curveSecretKey: curveKeyBytes(client.secretKey),
    }),
  );
  const rawClient = await RawPeer.connect(repPort, clientMechanism);
  await rawClient.send([new Uint8Array(0), text("Hello from zmtp")]);
  const [question] = await rep.receive();
  await rep.send("Hello from libzmq");
  const reply = await rawClient.receive();
  rawClient.close();
  rep.close();

  const vectors = {
    provenance:
      `Captured ${new Date().toISOString().slice(0, 10)} by test/vectors/capture.test.ts: ` +
      `libzmq ${native.version} (npm zeromq 6.8.0) on one side, a node:net peer driven by ` +
      "zmtp's mechanism with recorded randomness on the other, over tcp://127.0.0.1.",
    serverKeys: server,
    clientKeys: client,
    libzmqClient: {
      note: "libzmq REQ (CURVE client) -> zmtp CURVE server (REP)",
      serverRandom,
      fromLibzmq: raw.transcript.received,
      toLibzmq: raw.transcript.sent,
      request: request.map((part) => Buffer.from(part).toString()),
    },
    libzmqServer: {
      note: "zmtp CURVE client (REQ) -> libzmq REP (CURVE server)",
      clientRandom,
      fromLibzmq: rawClient.transcript.received,
      toLibzmq: rawClient.transcript.sent,
      question: String(question),
      reply: reply.map((part) => Buffer.from(part).toString()),
    },
  };
  expect(vectors.libzmqClient.request).toEqual(["", "Hello from libzmq"]);
  expect(vectors.libzmqServer.question).toBe("Hello from zmtp");
  expect(vectors.libzmqServer.reply).toEqual(["", "Hello from libzmq"]);
  if (process.env.ZMTP_CAPTURE === "1") {
    writeFileSync(join(__dirname, "curve-libzmq.json"), `${JSON.stringify(vectors, null, 2)}\n`);
  }
});
