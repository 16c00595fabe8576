import { describe, expect, it } from "vitest";
import { isIpv6, parseEndpoint, ZmqError } from "../src/index";

function fails(address: string, use: "bind" | "connect", code = "EINVAL"): ZmqError {
  try {
    parseEndpoint(address, use);
  } catch (error) {
    expect(error).toBeInstanceOf(ZmqError);
    expect((error as ZmqError).code).toBe(code);
    return error as ZmqError;
  }
  throw new Error(`${address} parsed`);
}

describe("parseEndpoint", () => {
  it("parses tcp with IPv4, IPv6, host names and wildcards", () => {
    expect(parseEndpoint("tcp://127.0.0.1:5555")).toMatchObject({
      transport: "tcp",
      host: "127.0.0.1",
      port: 5555,
      family: 4,
      source: undefined,
    });
    expect(parseEndpoint("tcp://[::1]:80")).toMatchObject({ host: "::1", port: 80, family: 6 });
    expect(parseEndpoint("tcp://[fe80::1%eth0]:80")).toMatchObject({ host: "fe80::1%eth0" });
    expect(parseEndpoint("tcp://localhost:1")).toMatchObject({
      host: "localhost",
      family: undefined,
    });
    expect(parseEndpoint("tcp://*:*", "bind")).toMatchObject({ host: "*", port: 0 });
    expect(parseEndpoint("tcp://*:0", "bind")).toMatchObject({ host: "*", port: 0 });
  });

  it("parses a tcp source address", () => {
    expect(parseEndpoint("tcp://127.0.0.1:0;127.0.0.1:5555")).toMatchObject({
      host: "127.0.0.1",
      port: 5555,
      source: { host: "127.0.0.1", port: 0 },
    });
  });

  it("refuses bad tcp endpoints with a message naming the problem", () => {
    expect(fails("tcp://127.0.0.1", "connect").message).toMatch(/missing port/);
    expect(fails("tcp://127.0.0.1:99999", "connect").message).toMatch(/not a port/);
    expect(fails("tcp://*:5555", "connect").message).toMatch(/wildcard/);
    expect(fails("tcp://127.0.0.1:*", "connect").message).toMatch(/port 0/);
    expect(fails("tcp://::1:5555", "connect").message).toMatch(/brackets/);
    expect(fails("tcp://[::1:5555", "connect").message).toMatch(/bracket/);
    expect(fails("tcp://[zz::1]:5", "connect").message).toMatch(/IPv6/);
    expect(fails("tcp://bad host:5", "connect").message).toMatch(/host name/);
    expect(fails("tcp://1.2.3.4:0;5.6.7.8:1", "bind").message).toMatch(/source/);
    expect(fails("tcp://:5", "connect").message).toMatch(/missing host/);
  });

  it("parses ipc paths and abstract names", () => {
    expect(parseEndpoint("ipc:///tmp/a.sock")).toMatchObject({
      transport: "ipc",
      path: "/tmp/a.sock",
      abstract: false,
    });
    expect(parseEndpoint("ipc://@name")).toMatchObject({ path: "name", abstract: true });
    expect(parseEndpoint("ipc://*", "bind")).toMatchObject({ path: "*" });
    fails("ipc://*", "connect");
    fails("ipc://@", "connect");
    fails(`ipc:///${"x".repeat(120)}`, "connect");
  });

  it("parses inproc and other transports", () => {
    expect(parseEndpoint("inproc://my-name")).toMatchObject({
      transport: "inproc",
      name: "my-name",
    });
    expect(parseEndpoint("ws://host:80/path")).toMatchObject({
      transport: "ws",
      rest: "host:80/path",
    });
  });

  it("refuses a missing or bad transport", () => {
    fails("127.0.0.1:5555", "connect");
    fails("tcp://", "connect");
    fails("TCP!://x", "connect", "EPROTONOSUPPORT");
    fails(42 as unknown as string, "connect");
  });

  it("recognises IPv6 text", () => {
    for (const text of ["::", "::1", "1:2:3:4:5:6:7:8", "::ffff:10.0.0.1", "fe80::1%lo"]) {
      expect(isIpv6(text)).toBe(true);
    }
    for (const text of ["1:2:3:4:5:6:7:8:9", "1::2::3", ":::", "12345::", "::1%", "1.2.3.4"]) {
      expect(isIpv6(text)).toBe(false);
    }
  });
});
