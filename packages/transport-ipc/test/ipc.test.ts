import { spawn } from "node:child_process";
import { once } from "node:events";
import { existsSync, lstatSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { isZmqError, parseEndpoint, type ZmqError } from "@zmtp/spec";
import {
  concatBytes,
  record,
  sameBytes,
  seededBytes,
  TransportHarness,
  uniqueIpcEndpoint,
} from "@zmtp/testkit";
import type { StreamConnection } from "@zmtp/transport-tcp";
import { afterEach, describe, expect, it } from "vitest";
import { ipc } from "../src/index";

const isLinux = process.platform === "linux";

function pathOf(endpoint: string): string {
  return endpoint.slice("ipc://".length);
}

function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
}

/** Leaves a socket file behind: a child process listens on `path` and is killed. */
async function leaveStaleSocket(path: string): Promise<void> {
  const script = `require("node:net").createServer().listen(${JSON.stringify(path)}, () => process.stdout.write("ready"));`;
  const child = spawn(process.execPath, ["-e", script], { stdio: ["ignore", "pipe", "inherit"] });
  await once(child.stdout, "data");
  child.kill("SIGKILL");
  await once(child, "exit");
}

const harnesses: TransportHarness[] = [];
const files: string[] = [];
function setup(): TransportHarness {
  const harness = new TransportHarness(ipc());
  harnesses.push(harness);
  return harness;
}
afterEach(async () => {
  await Promise.all(harnesses.splice(0).map((harness) => harness.dispose()));
  for (const file of files.splice(0)) rmSync(file, { force: true });
});

describe("ipc listen", () => {
  it("generates a path in the temporary directory for ipc://* and removes it on close", async () => {
    const h = setup();
    const { listener, accepted } = await h.listen("ipc://*");
    const path = pathOf(listener.endpoint);
    expect(path.startsWith(tmpdir())).toBe(true);
    expect(lstatSync(path).isSocket()).toBe(true);
    const client = await h.connect(listener.endpoint);
    const server = await accepted.next();
    expect(server.peerHost).toBe("");
    expect(server.localAddress).toBe(listener.endpoint);
    expect(client.remoteAddress).toBe(listener.endpoint);
    await listener.close();
    expect(existsSync(path)).toBe(false);
  });

  it("replaces a socket file left by a dead process", async () => {
    const endpoint = uniqueIpcEndpoint();
    files.push(pathOf(endpoint));
    await leaveStaleSocket(pathOf(endpoint));
    expect(lstatSync(pathOf(endpoint)).isSocket()).toBe(true);
    const h = setup();
    const { listener, accepted } = await h.listen(endpoint);
    expect(listener.endpoint).toBe(endpoint);
    const client = await h.connect(endpoint);
    const atServer = record(await accepted.next());
    client.write([Uint8Array.of(3)]);
    expect(await atServer.untilBytes(1)).toEqual(Uint8Array.of(3));
  });

  it("does not steal the path of a live listener (EADDRINUSE)", async () => {
    const endpoint = uniqueIpcEndpoint();
    const first = setup();
    const { accepted } = await first.listen(endpoint);
    const error = await rejection(setup().listen(endpoint));
    expect(isZmqError(error, "EADDRINUSE")).toBe(true);
    expect((error as ZmqError).address).toBe(endpoint);
    await first.connect(endpoint);
    await accepted.next();
  });

  it("leaves a file that is not a socket alone (EADDRINUSE)", async () => {
    const endpoint = uniqueIpcEndpoint();
    files.push(pathOf(endpoint));
    writeFileSync(pathOf(endpoint), "keep me");
    const error = await rejection(setup().listen(endpoint));
    expect(isZmqError(error, "EADDRINUSE")).toBe(true);
    expect(readFileSync(pathOf(endpoint), "utf8")).toBe("keep me");
  });
});

describe.runIf(isLinux)("ipc abstract names (Linux)", () => {
  it("listens and connects on ipc://@name without a file", async () => {
    const name = `zmtp-test-${process.pid}-abstract`;
    const h = setup();
    const { listener, accepted } = await h.listen(`ipc://@${name}`);
    expect(listener.endpoint).toBe(`ipc://@${name}`);
    expect(existsSync(name)).toBe(false);
    const client = await h.connect(listener.endpoint);
    const atServer = record(await accepted.next());
    client.write([Uint8Array.of(1, 2)]);
    expect(await atServer.untilBytes(2)).toEqual(Uint8Array.of(1, 2));
    const error = await rejection(setup().listen(listener.endpoint));
    expect(isZmqError(error, "EADDRINUSE")).toBe(true);
  });

  it("generates an abstract name for ipc://@*", async () => {
    const h = setup();
    const { listener, accepted } = await h.listen("ipc://@*");
    expect(listener.endpoint).toMatch(/^ipc:\/\/@zmtp-[0-9a-f-]+$/);
    await h.connect(listener.endpoint);
    await accepted.next();
  });

  it("refuses a connect to an unbound abstract name", async () => {
    const error = await rejection(
      ipc().connect(parseEndpoint(`ipc://@zmtp-test-${process.pid}-nobody`), {}),
    );
    expect(isZmqError(error, "ECONNREFUSED")).toBe(true);
  });
});

describe("ipc connect", () => {
  it("rejects a missing path with ENOENT", async () => {
    const endpoint = uniqueIpcEndpoint();
    const error = await rejection(ipc().connect(parseEndpoint(endpoint), {}));
    expect(isZmqError(error, "ENOENT")).toBe(true);
    expect((error as ZmqError).address).toBe(endpoint);
  });

  it("rejects ipc://* and endpoints of other transports with EINVAL", async () => {
    const wildcard = await rejection(ipc().connect(parseEndpoint("ipc://*", "bind"), {}));
    expect(isZmqError(wildcard, "EINVAL")).toBe(true);
    const other = await rejection(ipc().connect(parseEndpoint("tcp://127.0.0.1:1"), {}));
    expect(isZmqError(other, "EINVAL")).toBe(true);
  });
});

describe("ipc reads", () => {
  it("reads through onread at both ends on this Node, chunks intact", async () => {
    const { client, server } = await setup().pair(uniqueIpcEndpoint());
    expect((client as StreamConnection).reads).toBe("onread");
    expect((server as StreamConnection).reads).toBe("onread");
    const atServer = record(server, { copy: false });
    const pieces = [10, 5000, 70_000, 300].map((size, index) => seededBytes(size, index + 1));
    for (const piece of pieces) {
      client.write([piece]);
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    const total = pieces.reduce((sum, piece) => sum + piece.length, 0);
    expect(sameBytes(await atServer.untilBytes(total), concatBytes(pieces))).toBe(true);
  });
});
