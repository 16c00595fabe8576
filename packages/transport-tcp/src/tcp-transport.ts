/**
 * The tcp transport (zmq_tcp(7)) on `node:net`.
 */

import { lookup as dnsLookup } from "node:dns";
import type { LookupFunction, Socket, TcpNetConnectOpts } from "node:net";
import { createServer } from "node:net";
import {
  type AcceptErrorHandler,
  type AcceptHandler,
  type Connection,
  type Endpoint,
  formatTcpEndpoint,
  fromSystemError,
  type Listener,
  type TcpEndpoint,
  type Transport,
  type TransportOptions,
  ZmqError,
} from "@zmtp/spec";
import { connectStream } from "./connect-stream";
import { ServerListener } from "./server-listener";
import { StreamConnection } from "./stream-connection";
import { acceptedReads, StreamReads } from "./stream-reads";
import { resolveLocalHost, socketAddresses } from "./tcp-address";

/** libzmq's default ZMQ_BACKLOG. */
const DEFAULT_BACKLOG = 100;

export interface TcpTransportOptions {
  /** Host name resolver, `dns.lookup` by default (Node's `net` `lookup` option). */
  readonly lookup?: LookupFunction;
}

function tcpEndpoint(endpoint: Endpoint): TcpEndpoint {
  if (endpoint.transport !== "tcp" || !("host" in endpoint)) {
    throw new ZmqError("EINVAL", `Not a tcp endpoint: ${endpoint.address}`, {
      address: endpoint.address,
    });
  }
  return endpoint as TcpEndpoint;
}

/** ZMQ_TCP_KEEPALIVE and ZMQ_TCP_KEEPALIVE_IDLE; -1 (the default) leaves the system's. */
function applySocketOptions(socket: Socket, options: TransportOptions): void {
  socket.setNoDelay(true);
  if (options.tcpKeepalive === 1) {
    const idle = options.tcpKeepaliveIdle ?? -1;
    socket.setKeepAlive(true, idle > 0 ? idle * 1000 : 0);
  } else if (options.tcpKeepalive === 0) {
    socket.setKeepAlive(false);
  }
}

export class TcpTransport implements Transport {
  readonly protocol = "tcp";
  private readonly lookup: LookupFunction;

  constructor(options: TcpTransportOptions = {}) {
    this.lookup =
      options.lookup ??
      ((host, lookupOptions, callback) => dnsLookup(host, lookupOptions, callback));
  }

  async listen(
    endpoint: Endpoint,
    options: TransportOptions,
    onConnection: AcceptHandler,
    onAcceptError?: AcceptErrorHandler,
  ): Promise<Listener> {
    const tcp = tcpEndpoint(endpoint);
    const ipv6 = options.ipv6 === true;
    const resolved = await resolveLocalHost(tcp, ipv6, this.lookup, tcp.address);
    // `*` is every interface: dual-stack "::" with ZMQ_IPV6, else IPv4 only, as libzmq does.
    const host = resolved === "*" ? (ipv6 ? "::" : "0.0.0.0") : resolved;
    // Paused, so the socket can still be switched to `onread` before it first reads.
    const server = createServer({ noDelay: true, pauseOnConnect: true });
    server.on("connection", (socket: Socket) => {
      applySocketOptions(socket, options);
      onConnection(new StreamConnection(socket, socketAddresses(socket), acceptedReads(socket)));
    });
    await new Promise<void>((resolve, reject) => {
      const onError = (error: Error): void => reject(fromSystemError(error, tcp.address));
      server.once("error", onError);
      server.listen({ host, port: tcp.port, backlog: options.backlog ?? DEFAULT_BACKLOG }, () => {
        server.off("error", onError);
        resolve();
      });
    });
    server.on("error", (error) => onAcceptError?.(fromSystemError(error, tcp.address)));
    const address = server.address();
    if (address === null || typeof address === "string") {
      server.close();
      throw new ZmqError("EINVAL", "Listening socket has no tcp address", { address: tcp.address });
    }
    return new ServerListener(server, formatTcpEndpoint(address.address, address.port));
  }

  async connect(endpoint: Endpoint, options: TransportOptions): Promise<Connection> {
    const tcp = tcpEndpoint(endpoint);
    if (tcp.host === "*" || tcp.port === 0) {
      throw new ZmqError("EINVAL", "Cannot connect to a wildcard address", {
        address: tcp.address,
      });
    }
    const ipv6 = options.ipv6 === true;
    const reads = new StreamReads();
    const netOptions: TcpNetConnectOpts = {
      host: tcp.host,
      port: tcp.port,
      // Without ZMQ_IPV6 a host name resolves to IPv4 only, as in libzmq.
      family: tcp.family ?? (ipv6 ? 0 : 4),
      lookup: this.lookup,
      noDelay: true,
      onread: reads.onread,
    };
    if (tcp.source !== undefined) {
      const source = await resolveLocalHost(tcp.source, ipv6, this.lookup, tcp.address);
      if (source !== "*") netOptions.localAddress = source;
      if (tcp.source.port !== 0) netOptions.localPort = tcp.source.port;
    }
    const socket = await connectStream(netOptions, options, tcp.address);
    applySocketOptions(socket, options);
    return new StreamConnection(socket, socketAddresses(socket), reads);
  }
}

/** A new tcp transport, to hand to a Context. */
export function tcp(options?: TcpTransportOptions): Transport {
  return new TcpTransport(options);
}
