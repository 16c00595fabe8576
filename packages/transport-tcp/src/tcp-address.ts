/**
 * Host resolution and address formatting for tcp, following zmq_tcp(7): a bind or source host
 * may be an interface name (`eth0`), an address or a host name; without ZMQ_IPV6 only IPv4.
 */
import type { LookupFunction, Socket } from "node:net";
import { networkInterfaces } from "node:os";
import { formatTcpEndpoint, fromSystemError, type TcpAddress, ZmqError } from "@zmtp/spec";
import type { StreamAddresses } from "./stream-connection";

/** `::ffff:1.2.3.4` (an IPv4 peer of a dual-stack socket) as `1.2.3.4`. */
export function unmapIpv4(host: string): string {
  return /^::ffff:\d+\.\d+\.\d+\.\d+$/i.test(host) ? host.slice(7) : host;
}

/** The address of a network interface called `name`, if there is one. */
function interfaceAddress(name: string, ipv6: boolean): string | undefined {
  const entries = networkInterfaces()[name];
  if (entries === undefined) return undefined;
  const v4 = entries.find((entry) => entry.family === "IPv4");
  const v6 = entries.find((entry) => entry.family === "IPv6" && entry.scopeid === 0);
  return v4?.address ?? (ipv6 ? v6?.address : undefined);
}

/**
 * A literal address for `address.host`, for bind or a connect's source. `*` stays `*`.
 * Rejects with EINVAL when the name resolves to nothing.
 */
export function resolveLocalHost(
  address: TcpAddress,
  ipv6: boolean,
  lookup: LookupFunction,
  endpoint: string,
): Promise<string> {
  if (address.host === "*" || address.family !== undefined) return Promise.resolve(address.host);
  const nic = interfaceAddress(address.host, ipv6);
  if (nic !== undefined) return Promise.resolve(nic);
  return new Promise((resolve, reject) => {
    lookup(address.host, { family: ipv6 ? 0 : 4, all: false }, (error, resolved) => {
      if (error) reject(fromSystemError(error, endpoint));
      else if (typeof resolved === "string") resolve(resolved);
      else if (resolved[0] !== undefined) resolve(resolved[0].address);
      else reject(new ZmqError("EINVAL", `Cannot resolve ${address.host}`, { address: endpoint }));
    });
  });
}

/** The addresses of a connected tcp socket as the contract names them. */
export function socketAddresses(socket: Socket): StreamAddresses {
  const localHost = unmapIpv4(socket.localAddress ?? "");
  const remoteHost = unmapIpv4(socket.remoteAddress ?? "");
  return {
    localAddress: formatTcpEndpoint(localHost, socket.localPort ?? 0),
    remoteAddress: formatTcpEndpoint(remoteHost, socket.remotePort ?? 0),
    peerHost: remoteHost,
  };
}
