/**
 * Replays CURVE handshakes captured against libzmq (vectors/curve-libzmq.json, see its README):
 * our server and client, fed libzmq's bytes with the recorded randomness, must accept them and
 * produce the exact bytes libzmq accepted; each vector is also fed split at every offset.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { type Frame, FrameDecoder } from "@zmtp/codec";
import { describe, expect, it } from "vitest";
import { createCurve, defaultCrypto, nonce, PREFIX } from "../src/curve/index";
import { curveKeyBytes } from "../src/index";
import { hex, replayingCrypto, setupFor, unhex } from "./helpers";

interface Vectors {
  serverKeys: { publicKey: string; secretKey: string };
  clientKeys: { publicKey: string; secretKey: string };
  libzmqClient: { serverRandom: string[]; fromLibzmq: string[]; toLibzmq: string[] };
  libzmqServer: {
    clientRandom: string[];
    fromLibzmq: string[];
    toLibzmq: string[];
    question: string;
    reply: string[];
  };
}

const vectors = JSON.parse(
  readFileSync(join(__dirname, "vectors/curve-libzmq.json"), "utf8"),
) as Vectors;

function stream(chunks: string[]): Uint8Array {
  return unhex(chunks.join(""));
}

/** The frames after the 64-byte greeting, decoded from `bytes` pushed in pieces of `step`. */
function frames(bytes: Uint8Array, split?: number): Frame[] {
  const decoder = new FrameDecoder({ maxMessageSize: -1 });
  const body = bytes.subarray(64);
  if (split === undefined) decoder.push(body);
  else {
    decoder.push(body.subarray(0, split));
    decoder.push(body.subarray(split));
  }
  const out: Frame[] = [];
  for (let frame = decoder.next(); frame; frame = decoder.next()) {
    out.push({ ...frame, body: frame.body.slice() });
  }
  return out;
}

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
const server = {
  secret: curveKeyBytes(vectors.serverKeys.secretKey),
  public: curveKeyBytes(vectors.serverKeys.publicKey),
};
const client = {
  secret: curveKeyBytes(vectors.clientKeys.secretKey),
  public: curveKeyBytes(vectors.clientKeys.publicKey),
};

describe("CURVE vectors captured from libzmq 4.3.5", () => {
  const fromClient = stream(vectors.libzmqClient.fromLibzmq);
  const toClient = frames(stream(vectors.libzmqClient.toLibzmq));

  it("libzmq's greeting announces CURVE with as-server 0", () => {
    expect(text(fromClient.subarray(12, 17))).toBe("CURVE");
    expect(fromClient[32]).toBe(0);
  });

  it("libzmq's HELLO is 200 bytes and opens with the server's secret key", () => {
    const [hello] = frames(fromClient);
    expect(hello!.command).toBe(true);
    expect(hello!.body.length).toBe(200);
    const clientTransient = hello!.body.subarray(80, 112);
    const key = defaultCrypto.sharedKey(clientTransient, server.secret);
    const opened = defaultCrypto.open(
      hello!.body.subarray(120),
      nonce(PREFIX.HELLO, hello!.body.subarray(112, 120)),
      key,
    );
    expect(opened).toEqual(new Uint8Array(64));
    // libzmq's first short nonce is 1.
    expect(hex(hello!.body.subarray(112, 120))).toBe("0000000000000001");
  });

  for (const split of [undefined, 1, 64, 199, 200, 201, 300]) {
    it(`our server replays libzmq's client byte for byte (split ${split ?? "none"})`, () => {
      const mechanism = createCurve({
        crypto: replayingCrypto(vectors.libzmqClient.serverRandom),
      }).create(setupFor(true, { curveSecretKey: server.secret }));
      const [hello, initiate, ...messages] = frames(fromClient, split);
      mechanism.receiveCommand(hello!.body);
      expect(hex(mechanism.nextCommand()!)).toBe(hex(toClient[0]!.body));
      mechanism.receiveCommand(initiate!.body);
      expect(mechanism.status).toBe("ready");
      expect(hex(mechanism.nextCommand()!)).toBe(hex(toClient[1]!.body));
      expect(text(mechanism.peerProperties.get("socket-type")!)).toBe("REQ");
      // libzmq's MESSAGE frames: outer flags 0; MORE inside the box.
      const parts = messages.map((frame) => {
        expect(frame.more || frame.command).toBe(false);
        return mechanism.decode!(frame);
      });
      expect(parts.map((part) => [part.more, text(part.body)])).toEqual([
        [true, ""],
        [false, "Hello from libzmq"],
      ]);
      const reply = [
        mechanism.encode!({ more: true, command: false, body: new Uint8Array(0) }),
        mechanism.encode!({
          more: false,
          command: false,
          body: new TextEncoder().encode("Hello from zmtp"),
        }),
      ];
      expect(reply.map((frame) => hex(frame.body))).toEqual(
        toClient.slice(2).map((frame) => hex(frame.body)),
      );
    });
  }

  it("our client replays its handshake with libzmq's server byte for byte", () => {
    const fromServer = frames(stream(vectors.libzmqServer.fromLibzmq));
    const toServer = frames(stream(vectors.libzmqServer.toLibzmq));
    const mechanism = createCurve({
      crypto: replayingCrypto(vectors.libzmqServer.clientRandom),
    }).create(
      setupFor(false, {
        curveServerKey: server.public,
        curvePublicKey: client.public,
        curveSecretKey: client.secret,
      }),
    );
    expect(hex(mechanism.nextCommand()!)).toBe(hex(toServer[0]!.body));
    const [welcome, ready, ...messages] = fromServer;
    expect(welcome!.body.length).toBe(168);
    mechanism.receiveCommand(welcome!.body);
    expect(hex(mechanism.nextCommand()!)).toBe(hex(toServer[1]!.body));
    mechanism.receiveCommand(ready!.body);
    expect(mechanism.status).toBe("ready");
    expect(text(mechanism.peerProperties.get("socket-type")!)).toBe("REP");
    const parts = messages.map((frame) => text(mechanism.decode!(frame).body));
    expect(parts).toEqual(vectors.libzmqServer.reply);
  });

  it("a replayed libzmq MESSAGE is refused (nonce not above the last)", () => {
    const mechanism = createCurve({
      crypto: replayingCrypto(vectors.libzmqClient.serverRandom),
    }).create(setupFor(true, { curveSecretKey: server.secret }));
    const [hello, initiate, first] = frames(fromClient);
    mechanism.receiveCommand(hello!.body);
    mechanism.receiveCommand(initiate!.body);
    mechanism.decode!(first!);
    expect(() => mechanism.decode!(first!)).toThrow(/replayed/);
  });
});
