/** Security options switch mechanism and role as zmq_setsockopt does (libzmq options.cpp). */
import { curveKeyText } from "@zmtp/security";
import { describe, expect, it } from "vitest";
import * as native from "zeromq";
import * as zmq from "../src/index";

describe("security options", () => {
  it("PLAIN: plainServer and plainUsername pick the role; null goes back to NULL", () => {
    const socket = new zmq.Dealer();
    expect(socket.securityMechanism).toBeNull();
    expect(socket.plainServer).toBe(false);
    socket.plainServer = true;
    expect([socket.securityMechanism, socket.plainServer]).toEqual(["plain", true]);
    socket.plainUsername = "admin";
    expect([socket.securityMechanism, socket.plainServer, socket.plainUsername]).toEqual([
      "plain",
      false,
      "admin",
    ]);
    socket.plainPassword = "secret";
    expect(socket.plainPassword).toBe("secret");
    socket.plainUsername = null;
    expect(socket.securityMechanism).toBeNull();
    socket.close();
  });

  it("CURVE: keys as Z85 or 32 bytes read back as Z85; curveServerKey makes a client", () => {
    const { publicKey, secretKey } = zmq.curveKeyPair();
    expect(publicKey).toHaveLength(40);
    const socket = new zmq.Dealer({ curveServer: true, curveSecretKey: secretKey });
    expect([socket.securityMechanism, socket.curveServer]).toEqual(["curve", true]);
    expect(socket.curveSecretKey).toBe(secretKey);
    expect(socket.curvePublicKey).toBe("0".repeat(40));
    socket.curveServerKey = Buffer.from(publicKey);
    expect(socket.curveServerKey).toBe(publicKey);
    socket.curveServerKey = Buffer.alloc(32, 7);
    expect(socket.curveServerKey).toBe(curveKeyText(Buffer.alloc(32, 7)));
    socket.curveServerKey = publicKey;
    expect([socket.curveServer, socket.curveServerKey]).toEqual([false, publicKey]);
    expect(() => {
      socket.curvePublicKey = "too short";
    }).toThrow(expect.objectContaining({ code: "EINVAL" }));
    expect(() => {
      (socket as unknown as { curveServer: number }).curveServer = 1;
    }).toThrow(TypeError);
    socket.curveServer = false;
    expect(socket.securityMechanism).toBeNull();
    socket.close();
  });

  it("capability.curve is true and keys interoperate with zeromq.js's", () => {
    expect(zmq.capability.curve).toBe(true);
    const pair = native.curveKeyPair();
    const socket = new zmq.Dealer({
      curveSecretKey: pair.secretKey,
      curvePublicKey: pair.publicKey,
    });
    expect(socket.curvePublicKey).toBe(pair.publicKey);
    socket.close();
  });
});
