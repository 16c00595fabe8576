/**
 * Endpoint strings as zmq_bind / zmq_connect take them: `transport://address`.
 *
 * - tcp: `tcp://host:port`, host an IPv4 address, `[IPv6]`, a hostname or `*` (bind only);
 *   port a number or `*` / `0` for an ephemeral port (bind only); `tcp://source;destination`
 *   gives the source address of a connect (zmq_tcp(7)).
 * - ipc: `ipc://path`, `ipc://@name` for a Linux abstract socket, `ipc://*` for a generated path
 *   (bind only).
 * - inproc: `inproc://name`, any non-empty name.
 * - anything else: parsed as `{ transport, address }` for a registered transport to interpret.
 */
import { ZmqError } from "./errors";

export interface TcpAddress {
  /** Host name or address, without IPv6 brackets; `*` means every interface. */
  readonly host: string;
  /** 0 means an ephemeral port, chosen by the system at bind. */
  readonly port: number;
  /** 4 or 6 for a literal address, undefined for a host name or `*`. */
  readonly family: 4 | 6 | undefined;
}

export interface TcpEndpoint extends TcpAddress {
  readonly transport: "tcp";
  /** Source address for a connect (`tcp://source;destination`). */
  readonly source: TcpAddress | undefined;
  readonly address: string;
}

export interface IpcEndpoint {
  readonly transport: "ipc";
  /** File system path, or the name (without `@`) of a Linux abstract socket; `*` to generate one. */
  readonly path: string;
  readonly abstract: boolean;
  readonly address: string;
}

export interface InprocEndpoint {
  readonly transport: "inproc";
  readonly name: string;
  readonly address: string;
}

export interface OtherEndpoint {
  readonly transport: string;
  /** Everything after `transport://`. */
  readonly rest: string;
  readonly address: string;
}

export type Endpoint = TcpEndpoint | IpcEndpoint | InprocEndpoint | OtherEndpoint;

/** Whether the endpoint is for bind (wildcards allowed) or connect. */
export type EndpointUse = "bind" | "connect";

function invalid(address: string, why: string): ZmqError {
  return new ZmqError("EINVAL", `Invalid endpoint ${JSON.stringify(address)}: ${why}`, {
    address,
  });
}

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const HOSTNAME =
  /^(?=.{1,253}$)[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,62})(?:\.[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,62}))*\.?$/;

/** True for a textual IPv6 address (with an optional `%zone`). */
export function isIpv6(host: string): boolean {
  const [address, zone, extra] = host.split("%");
  if (address === undefined || extra !== undefined || zone === "") return false;
  if (!/^[0-9A-Fa-f:.]+$/.test(address)) return false;
  let groups = address;
  const lastColon = address.lastIndexOf(":");
  const tail = address.slice(lastColon + 1);
  if (tail.includes(".")) {
    if (!IPV4.test(tail)) return false;
    groups = `${address.slice(0, lastColon + 1)}0:0`;
  }
  const halves = groups.split("::");
  if (halves.length > 2) return false;
  const parts = halves.map((half) => (half === "" ? [] : half.split(":")));
  if (parts.some((list) => list.some((group) => !/^[0-9A-Fa-f]{1,4}$/.test(group)))) return false;
  const count = parts.reduce((sum, list) => sum + list.length, 0);
  return halves.length === 2 ? count <= 7 : count === 8;
}

export function isIpv4(host: string): boolean {
  return IPV4.test(host);
}

function parseTcpAddress(
  text: string,
  address: string,
  use: EndpointUse,
  role: string,
): TcpAddress {
  let host: string;
  let portText: string;
  if (text.startsWith("[")) {
    const close = text.indexOf("]");
    if (close < 0) throw invalid(address, `unterminated IPv6 bracket in the ${role}`);
    host = text.slice(1, close);
    if (text[close + 1] !== ":") throw invalid(address, `missing port after the ${role} host`);
    portText = text.slice(close + 2);
    if (!isIpv6(host)) throw invalid(address, `${JSON.stringify(host)} is not an IPv6 address`);
  } else {
    const colon = text.lastIndexOf(":");
    if (colon < 0) throw invalid(address, `missing port in the ${role}`);
    host = text.slice(0, colon);
    portText = text.slice(colon + 1);
    if (host.includes(":")) throw invalid(address, "an IPv6 host must be in brackets");
  }
  if (host === "") throw invalid(address, `missing host in the ${role}`);
  let port: number;
  if (portText === "*") port = 0;
  else if (/^\d{1,5}$/.test(portText) && Number(portText) <= 65535) port = Number(portText);
  else throw invalid(address, `${JSON.stringify(portText)} is not a port (0-65535 or *)`);
  if (use === "connect" && role === "destination") {
    if (host === "*") throw invalid(address, "cannot connect to the wildcard host *");
    if (port === 0) throw invalid(address, "cannot connect to port 0 or *");
  }
  let family: 4 | 6 | undefined;
  if (isIpv4(host)) family = 4;
  else if (isIpv6(host)) family = 6;
  else if (host !== "*" && !HOSTNAME.test(host)) {
    throw invalid(address, `${JSON.stringify(host)} is not a host name or address`);
  }
  return { host, port, family };
}

/**
 * Parses an endpoint. Throws `ZmqError` EINVAL with a message naming the problem, and
 * EPROTONOSUPPORT for a missing or malformed transport name.
 */
export function parseEndpoint(address: string, use: EndpointUse = "connect"): Endpoint {
  if (typeof address !== "string") {
    throw new ZmqError("EINVAL", "Endpoint must be a string");
  }
  const separator = address.indexOf("://");
  if (separator <= 0) throw invalid(address, "expected transport://address");
  const transport = address.slice(0, separator);
  if (!/^[a-z][a-z0-9+.-]*$/.test(transport)) {
    throw new ZmqError("EPROTONOSUPPORT", `Unknown transport ${JSON.stringify(transport)}`, {
      address,
    });
  }
  const rest = address.slice(separator + 3);
  if (rest === "") throw invalid(address, "empty address");
  switch (transport) {
    case "tcp": {
      const parts = rest.split(";");
      if (parts.length > 2) throw invalid(address, "more than one ';'");
      const destinationText = parts.length === 2 ? parts[1]! : parts[0]!;
      const destination = parseTcpAddress(destinationText, address, use, "destination");
      let source: TcpAddress | undefined;
      if (parts.length === 2) {
        if (use === "bind") throw invalid(address, "a source address is only for connect");
        source = parseTcpAddress(parts[0]!, address, use, "source");
      }
      return { transport, ...destination, source, address };
    }
    case "ipc": {
      const abstract = rest.startsWith("@");
      const path = abstract ? rest.slice(1) : rest;
      if (path === "") throw invalid(address, "empty abstract socket name");
      if (path === "*" && use === "connect") throw invalid(address, "cannot connect to ipc://*");
      if (path.includes("\0")) throw invalid(address, "a path may not contain NUL");
      // sockaddr_un.sun_path is 108 bytes on Linux, including the terminating NUL.
      if (new TextEncoder().encode(path).length > 107) {
        throw invalid(address, "path longer than 107 bytes");
      }
      return { transport, path, abstract, address };
    }
    case "inproc":
      return { transport, name: rest, address };
    default:
      return { transport, rest, address };
  }
}

/** Builds `tcp://host:port`, bracketing IPv6 hosts. */
export function formatTcpEndpoint(host: string, port: number): string {
  return `tcp://${host.includes(":") ? `[${host}]` : host}:${port}`;
}
