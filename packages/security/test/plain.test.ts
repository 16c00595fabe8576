/** PLAIN (RFC 24) client and server state machines, with libzmq's ZAP rules (RFC 27). */
import { encodeCommand, encodeError } from "@zmtp/codec";
import { isZmqError, type Mechanism, type ZapReply, type ZapRequest } from "@zmtp/spec";
import { describe, expect, it } from "vitest";
import { decodePlainHello, encodePlainHello, plain, ZapProtocolError } from "../src/index";
import { setupFor } from "./helpers";

const NO_METADATA = new Map<string, Uint8Array>();

function zapAnswering(reply: ZapReply | Error, seen: ZapRequest[] = []) {
  return (request: ZapRequest) => {
    seen.push(request);
    return reply instanceof Error ? Promise.reject(reply) : Promise.resolve(reply);
  };
}

function run(server: Mechanism, client: Mechanism): Promise<void> {
  // Drives both sides until neither has anything to send and nothing is pending.
  return (async () => {
    for (let round = 0; round < 10; round++) {
      await server.pending;
      for (let c = client.nextCommand(); c; c = client.nextCommand()) server.receiveCommand(c);
      await server.pending;
      for (let s = server.nextCommand(); s; s = server.nextCommand()) {
        try {
          client.receiveCommand(s);
        } catch (error) {
          if (!isZmqError(error)) throw error;
        }
      }
      if (server.status !== "handshaking" && client.status !== "handshaking") return;
    }
  })();
}

const clientSetup = setupFor(false, { plainUsername: "admin", plainPassword: "secret" });

describe("PLAIN", () => {
  it("HELLO layout and libzmq's parsing rules", () => {
    const hello = encodePlainHello("admin", "secret");
    expect(Buffer.from(hello).toString("latin1")).toBe("\x05HELLO\x05admin\x06secret");
    const data = hello.subarray(6);
    expect(decodePlainHello(data)?.map((part) => Buffer.from(part).toString())).toEqual([
      "admin",
      "secret",
    ]);
    expect(decodePlainHello(data.subarray(0, data.length - 1))).toBeUndefined();
    expect(decodePlainHello(new Uint8Array([...data, 0]))).toBeUndefined();
    expect(decodePlainHello(new Uint8Array(0))).toBeUndefined();
  });

  it("authenticates through ZAP and exposes the User-Id and metadata", async () => {
    const requests: ZapRequest[] = [];
    const zap = zapAnswering(
      {
        statusCode: "200",
        statusText: "OK",
        userId: "admin-user",
        metadata: new Map([["Role", new TextEncoder().encode("ops")]]),
      },
      requests,
    );
    const server = plain.create(setupFor(true, {}, { zap, zapDomain: "global" }));
    const client = plain.create(clientSetup);
    await run(server, client);
    expect(server.status).toBe("ready");
    expect(client.status).toBe("ready");
    expect(server.userId).toBe("admin-user");
    expect(new TextDecoder().decode(server.peerProperties.get("role"))).toBe("ops");
    expect(new TextDecoder().decode(server.peerProperties.get("socket-type"))).toBe("REQ");
    expect(requests[0]).toMatchObject({
      domain: "global",
      address: "127.0.0.1",
      mechanism: "PLAIN",
    });
    expect(requests[0]!.credentials.map((part) => Buffer.from(part).toString())).toEqual([
      "admin",
      "secret",
    ]);
  });

  it("without a ZAP handler the server fails with no detail and sends nothing", () => {
    const server = plain.create(setupFor(true, {}));
    const client = plain.create(clientSetup);
    expect(() => server.receiveCommand(client.nextCommand()!)).toThrow(/ZAP handler/);
    expect(server.failure).toEqual({ kind: "other" });
    expect(server.nextCommand()).toBeUndefined();
  });

  for (const status of ["400", "500"]) {
    it(`ZAP ${status}: libzmq's PLAIN ERROR "${status}" to the client, auth failure on both sides`, async () => {
      const server = plain.create(
        setupFor(
          true,
          {},
          {
            zap: zapAnswering({
              statusCode: status,
              statusText: "No",
              userId: "",
              metadata: NO_METADATA,
            }),
          },
        ),
      );
      const client = plain.create(clientSetup);
      server.receiveCommand(client.nextCommand()!);
      await server.pending;
      expect(server.failure).toEqual({ kind: "auth", status: Number(status) });
      const error = server.nextCommand()!;
      // libzmq's PLAIN prefix is "\x05ERROR" in C, i.e. 0x5E "RROR" (see src/plain-error.ts).
      expect(Buffer.from(error).toString("latin1")).toBe(`^RROR\x03${status}`);
      expect(() => client.receiveCommand(error)).toThrow();
      expect(client.failure).toEqual({ kind: "auth", status: Number(status) });
    });
  }

  it("ZAP 300: a silent refusal (no ERROR)", async () => {
    const server = plain.create(
      setupFor(
        true,
        {},
        {
          zap: zapAnswering({
            statusCode: "300",
            statusText: "Later",
            userId: "",
            metadata: NO_METADATA,
          }),
        },
      ),
    );
    server.receiveCommand(plain.create(clientSetup).nextCommand()!);
    await server.pending;
    expect(server.failure).toEqual({ kind: "auth", status: 300 });
    expect(server.nextCommand()).toBeUndefined();
  });

  it("a malformed ZAP reply is a protocol failure with its ERR_ZAP_ code", async () => {
    for (const [reply, code] of [
      [new ZapProtocolError("ERR_ZAP_MALFORMED_REPLY", "x"), "ERR_ZAP_MALFORMED_REPLY"],
      [new Error("no code"), "ERR_ZAP_UNSPECIFIED"],
      [
        { statusCode: "201", statusText: "", userId: "", metadata: NO_METADATA },
        "ERR_ZAP_INVALID_STATUS_CODE",
      ],
    ] as const) {
      const server = plain.create(setupFor(true, {}, { zap: zapAnswering(reply) }));
      server.receiveCommand(plain.create(clientSetup).nextCommand()!);
      await server.pending;
      expect(server.failure).toEqual({ kind: "protocol", protocolError: code });
      expect(server.nextCommand()).toBeUndefined();
    }
  });

  it("a malformed HELLO: ERR_ZMTP_MALFORMED_COMMAND_HELLO, ZAP not asked", () => {
    const seen: ZapRequest[] = [];
    const server = plain.create(
      setupFor(
        true,
        {},
        {
          zap: zapAnswering(
            { statusCode: "200", statusText: "", userId: "", metadata: NO_METADATA },
            seen,
          ),
        },
      ),
    );
    expect(() =>
      server.receiveCommand(encodeCommand("HELLO", new Uint8Array([5, 1, 2]))),
    ).toThrow();
    expect(server.failure).toEqual({
      kind: "protocol",
      protocolError: "ERR_ZMTP_MALFORMED_COMMAND_HELLO",
    });
    expect(seen).toHaveLength(0);
  });

  it("client: WELCOME with a body, unexpected commands, a non-status ERROR", () => {
    const a = plain.create(clientSetup);
    expect(() => a.receiveCommand(encodeCommand("WELCOME", new Uint8Array([1])))).toThrow();
    expect(a.failure).toEqual({
      kind: "protocol",
      protocolError: "ERR_ZMTP_MALFORMED_COMMAND_WELCOME",
    });
    const b = plain.create(clientSetup);
    expect(() => b.receiveCommand(encodeCommand("READY"))).toThrow();
    expect(b.failure).toEqual({ kind: "protocol", protocolError: "ERR_ZMTP_UNEXPECTED_COMMAND" });
    const c = plain.create(clientSetup);
    expect(() => c.receiveCommand(encodeError("go away"))).toThrow(/go away/);
    expect(c.failure).toEqual({ kind: "other" });
    // RFC 23's ERROR and libzmq's PLAIN form both carry a ZAP status.
    const d = plain.create(clientSetup);
    expect(() => d.receiveCommand(encodeError("400"))).toThrow();
    expect(d.failure).toEqual({ kind: "auth", status: 400 });
    const e = plain.create(clientSetup);
    expect(() => e.receiveCommand(new Uint8Array(Buffer.from("^RROR\x03500", "latin1")))).toThrow();
    expect(e.failure).toEqual({ kind: "auth", status: 500 });
  });
});
