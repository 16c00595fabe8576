/** Endpoints for tests that never collide: a fresh ipc path, a fresh inproc name. */
import { randomUUID } from "node:crypto";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** `ipc://<tmpdir>/zmtp-<uuid>.sock`, a path nobody uses yet. */
export function uniqueIpcEndpoint(): string {
  return `ipc://${join(tmpdir(), `zmtp-${randomUUID()}.sock`)}`;
}

/** `inproc://zmtp-<uuid>`. */
export function uniqueInprocEndpoint(): string {
  return `inproc://zmtp-${randomUUID()}`;
}

/** Binds every test to an ephemeral loopback port; read the real one from `Listener.endpoint`. */
export const TCP_LOOPBACK_ANY_PORT = "tcp://127.0.0.1:*";
