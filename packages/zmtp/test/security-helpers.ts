/** Shared pieces of the security interop tests: keys, options, ZAP handlers on both sides. */
import { randomBytes } from "node:crypto";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ZAP_ENDPOINT, ZapAuthenticator, type ZapPolicy } from "@zmtp/security";
import * as native from "zeromq";
import * as zmq from "../src/index";

export const serverKeys = zmq.curveKeyPair();
export const clientKeys = zmq.curveKeyPair();
export const USER = { name: "admin", password: "secret" };

export type Mechanism = "PLAIN" | "CURVE";
export type Side = "zmtp" | "libzmq";

export function serverOptions(mechanism: Mechanism): Record<string, unknown> {
  return mechanism === "PLAIN"
    ? { plainServer: true, zapDomain: "test" }
    : { curveServer: true, curveSecretKey: serverKeys.secretKey, zapDomain: "test" };
}

export function clientOptions(
  mechanism: Mechanism,
  overrides: Record<string, unknown> = {},
): Record<string, unknown> {
  return mechanism === "PLAIN"
    ? { plainUsername: USER.name, plainPassword: USER.password, ...overrides }
    : {
        curveServerKey: serverKeys.publicKey,
        curvePublicKey: clientKeys.publicKey,
        curveSecretKey: clientKeys.secretKey,
        ...overrides,
      };
}

export const POLICY: ZapPolicy = {
  passwords: { [USER.name]: USER.password },
  curve: [{ publicKey: clientKeys.publicKey, metadata: { name: "test-client" } }],
};

export function endpoint(transport: "tcp" | "ipc"): string {
  return transport === "tcp"
    ? "tcp://127.0.0.1:*"
    : `ipc://${join(tmpdir(), `zmtp-sec-${randomBytes(6).toString("hex")}.ipc`)}`;
}

/** A ZAP handler bound in a native (libzmq) context, answering with our policy. */
export async function nativeZapHandler(
  context: native.Context,
  policy: ZapPolicy = POLICY,
): Promise<{ close(): void; decisions: string[] }> {
  const auth = new ZapAuthenticator(policy);
  const decisions: string[] = [];
  auth.onDecision((decision) => decisions.push(`${decision.mechanism} ${decision.statusCode}`));
  const router = new native.Router({ context, linger: 0 });
  await router.bind(ZAP_ENDPOINT);
  void (async () => {
    try {
      for await (const frames of router) {
        const delimiter = frames.findIndex((frame) => frame.length === 0);
        const reply = auth.handle(frames.slice(delimiter).map((frame) => new Uint8Array(frame)));
        if (reply !== undefined) await router.send([...frames.slice(0, delimiter), ...reply]);
      }
    } catch {
      // closed
    }
  })();
  return { close: () => router.close(), decisions };
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Resolves with the first event of `type` (emitter mode on either library's Observer). */
export function nextEvent(
  socket: { events: { on(type: string, listener: (event: EventLike) => void): unknown } },
  type: string,
): Promise<EventLike> {
  return new Promise((resolve) => socket.events.on(type, resolve));
}

export interface EventLike {
  type: string;
  address?: string;
  error?: { code?: string; status?: number };
}
