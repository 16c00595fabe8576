import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import * as zmq from "zeromq";
import { parseZdcf, runZdcf, validateZdcf } from "../src/index";
import { loadZdcfFile, runZdcfFile } from "../src/node/index";
import { makeContext, track } from "./helpers";

const directory = mkdtempSync(join(tmpdir(), "zmtp-zdcf-"));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

function file(name: string, document: unknown): string {
  const path = join(directory, name);
  writeFileSync(path, typeof document === "string" ? document : JSON.stringify(document, null, 2));
  return path;
}

/** A one-device document; `frontend` / `backend` replace the default sockets. */
function queueDoc(
  frontend: unknown,
  backend: unknown = { type: "dealer", bind: "tcp://127.0.0.1:*" },
) {
  return {
    version: 1.0,
    apps: {
      broker: {
        context: { iothreads: 1, verbose: false },
        devices: { main: { type: "zmq_queue", sockets: { frontend, backend } } },
      },
    },
  };
}

const SOCKETS = "apps.broker.devices.main.sockets";

function refusal(document: unknown): string {
  try {
    validateZdcf(document);
  } catch (error) {
    expect(error).toMatchObject({ code: "EINVAL" });
    return (error as Error).message;
  }
  throw new Error("the document was accepted");
}

describe("ZDCF validation", () => {
  it("refuses an unknown socket type, naming the field", () => {
    expect(refusal(queueDoc({ type: "ROUTR", bind: "tcp://127.0.0.1:*" }))).toMatch(
      new RegExp(`^${SOCKETS}\\.frontend\\.type: unknown socket type "ROUTR"`),
    );
  });

  it("refuses a socket with neither bind nor connect", () => {
    expect(
      refusal(queueDoc({ type: "router", bind: "tcp://127.0.0.1:*" }, { type: "dealer" })),
    ).toBe(`${SOCKETS}.backend: needs at least one bind or connect endpoint`);
    expect(
      refusal(
        queueDoc({ type: "router", bind: [] }, { type: "dealer", bind: "tcp://127.0.0.1:*" }),
      ),
    ).toBe(`${SOCKETS}.frontend: needs at least one bind or connect endpoint`);
  });

  it("refuses an unknown option and a bad option value", () => {
    expect(
      refusal(queueDoc({ type: "router", bind: "tcp://127.0.0.1:*", option: { hwmm: 10 } })),
    ).toBe(`${SOCKETS}.frontend.option.hwmm: unknown option`);
    expect(
      refusal(queueDoc({ type: "router", bind: "tcp://127.0.0.1:*", option: { hwm: "lots" } })),
    ).toBe(`${SOCKETS}.frontend.option.hwm: expected an integer >= 0, got "lots"`);
    expect(
      refusal(queueDoc({ type: "router", bind: "tcp://127.0.0.1:*", option: { subscribe: "a" } })),
    ).toMatch(/^apps\.broker\.devices\.main\.sockets\.frontend\.option\.subscribe: only a sub/);
  });

  it("refuses other mistakes with the path of the field", () => {
    expect(refusal(queueDoc({ type: "router", conect: "tcp://127.0.0.1:5555" }))).toMatch(
      new RegExp(`^${SOCKETS}\\.frontend\\.conect: unknown key`),
    );
    expect(refusal(queueDoc({ type: "router", connect: "tcp://127.0.0.1" }))).toMatch(
      new RegExp(`^${SOCKETS}\\.frontend\\.connect: Invalid endpoint "tcp://127.0.0.1"`),
    );
    expect(refusal(queueDoc({ type: "router", bind: ["tcp://127.0.0.1:*", 7] }))).toBe(
      `${SOCKETS}.frontend.bind[1]: expected a string, got 7`,
    );
    const wrongDevice = queueDoc({ bind: "tcp://127.0.0.1:*" });
    (wrongDevice.apps.broker.devices.main as { type: string }).type = "zmq_router";
    expect(refusal(wrongDevice)).toMatch(
      /^apps\.broker\.devices\.main\.type: unknown device type "zmq_router" \(expected zmq_queue/,
    );
    expect(refusal({ version: 2.0, apps: {} })).toBe(
      "version: 2 is newer than ZDCF 1.x, which zmtp reads",
    );
    expect(refusal({ apps: {} })).toMatch(/^version: expected a number/);
    const missing = queueDoc({ bind: "tcp://127.0.0.1:*" });
    delete (missing.apps.broker.devices.main.sockets as { backend?: unknown }).backend;
    expect(refusal(missing)).toBe(`${SOCKETS}.backend: missing`);
    expect(() => parseZdcf("{ version: 1 ")).toThrow(/^zdcf: not valid JSON/);
  });

  it("accepts {} and RFC 17's loose example (upper-case type, backend type left out)", () => {
    expect(validateZdcf({})).toEqual({ version: undefined, apps: [] });
    const config = validateZdcf({
      version: 1.001,
      apps: {
        listener: {
          context: { iothreads: 1, verbose: true },
          devices: {
            main: {
              type: "zmq_queue",
              sockets: {
                frontend: {
                  type: "SUB",
                  option: { hwm: 1000, swap: 25000000, subscribe: "#2" },
                  bind: "tcp://eth0:5555",
                },
                backend: { bind: "tcp://eth0:5556" },
              },
            },
          },
        },
      },
    });
    const device = config.apps[0]!.devices[0]!;
    expect(device.kind).toBe("queue");
    expect(device.frontend.type).toBe("SUB");
    expect(device.frontend.options).toEqual({
      sendHighWaterMark: 1000,
      receiveHighWaterMark: 1000,
    });
    expect(device.frontend.subscribe).toEqual([new TextEncoder().encode("#2")]);
    expect(device.backend.type).toBeUndefined(); // the device's default (DEALER) at run time
  });
});

describe("ZDCF files", () => {
  it("runs the QUEUE a good file describes, with libzmq clients and workers", async () => {
    const path = file("good.json", {
      version: 1.0,
      apps: {
        broker: {
          devices: {
            main: {
              type: "zmq_queue",
              sockets: {
                frontend: { type: "router", bind: ["tcp://127.0.0.1:*"], option: { hwm: 500 } },
                backend: { type: "dealer", bind: "tcp://127.0.0.1:*", option: { linger: 0 } },
              },
            },
          },
        },
      },
    });
    const run = track(await runZdcfFile(makeContext(), path));
    const device = run.devices.get("broker/main")!;
    expect(device.frontend.options.receiveHighWaterMark).toBe(500);
    expect(device.backend.options.linger).toBe(0);

    const worker = track(new zmq.Reply());
    worker.connect(device.backend.lastEndpoint!);
    const serving = (async () => {
      for await (const [request] of worker) await worker.send(`re: ${request}`);
    })();
    const client = track(new zmq.Request());
    client.connect(device.frontend.lastEndpoint!);
    await client.send("hello");
    expect(String((await client.receive())[0])).toBe("re: hello");
    await run.close();
    await run.done;
    void serving;
  });

  it("names the file and the field when a file is refused", async () => {
    const path = file("bad.json", queueDoc({ type: "ROUTR", bind: "tcp://127.0.0.1:*" }));
    await expect(loadZdcfFile(path)).rejects.toMatchObject({
      code: "EINVAL",
      message: `${path}: ${SOCKETS}.frontend.type: unknown socket type "ROUTR" (expected one of pair, pub, sub, req, rep, dealer, router, pull, push, xpub, xsub)`,
    });
    await expect(loadZdcfFile(join(directory, "absent.json"))).rejects.toMatchObject({
      code: "ENOENT",
    });
  });

  it("closes the devices it started when a later one cannot bind", async () => {
    const context = makeContext();
    const taken = track(new zmq.Pull());
    await taken.bind("tcp://127.0.0.1:*");
    const document = {
      version: 1,
      apps: {
        a: {
          devices: {
            first: {
              type: "zmq_streamer",
              sockets: {
                frontend: { bind: "tcp://127.0.0.1:*" },
                backend: { bind: "tcp://127.0.0.1:*" },
              },
            },
            second: {
              type: "zmq_streamer",
              sockets: {
                frontend: { bind: taken.lastEndpoint! },
                backend: { bind: "tcp://127.0.0.1:*" },
              },
            },
          },
        },
      },
    };
    await expect(runZdcf(context, document)).rejects.toMatchObject({ code: "EADDRINUSE" });
    expect(context.socketCount).toBe(0);
  });
});
