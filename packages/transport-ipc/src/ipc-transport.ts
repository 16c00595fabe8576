/**
 * The ipc transport (zmq_ipc(7)) on Unix domain sockets through `node:net`.
 */

import { createServer, type Server, type Socket } from "node:net";
import {
  type AcceptErrorHandler,
  type AcceptHandler,
  type Connection,
  type Endpoint,
  fromSystemError,
  type Listener,
  type Transport,
  type TransportOptions,
  ZmqError,
} from "@zmtp/spec";
import {
  acceptedReads,
  connectStream,
  ServerListener,
  StreamConnection,
  StreamReads,
} from "@zmtp/transport-tcp";
import { concreteEndpoint, formatIpcEndpoint, ipcEndpoint, socketPath } from "./ipc-path";
import { removeStaleSocket } from "./stale-socket";

/** libzmq's default ZMQ_BACKLOG. */
const DEFAULT_BACKLOG = 100;

function listenOn(server: Server, path: string, backlog: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen({ path, backlog }, () => {
      server.off("error", reject);
      resolve();
    });
  });
}

export class IpcTransport implements Transport {
  readonly protocol = "ipc";

  async listen(
    endpoint: Endpoint,
    options: TransportOptions,
    onConnection: AcceptHandler,
    onAcceptError?: AcceptErrorHandler,
  ): Promise<Listener> {
    const ipc = concreteEndpoint(ipcEndpoint(endpoint));
    const address = formatIpcEndpoint(ipc.path, ipc.abstract);
    const path = socketPath(ipc);
    const backlog = options.backlog ?? DEFAULT_BACKLOG;
    const open = (): Server =>
      // Paused, so the socket can still be switched to `onread` before it first reads.
      createServer({ pauseOnConnect: true }, (socket: Socket) => {
        const names = { localAddress: address, remoteAddress: address, peerHost: "" };
        onConnection(new StreamConnection(socket, names, acceptedReads(socket)));
      });
    let server = open();
    try {
      await listenOn(server, path, backlog);
    } catch (error) {
      const inUse = (error as NodeJS.ErrnoException).code === "EADDRINUSE";
      if (!inUse || ipc.abstract || !(await removeStaleSocket(path))) {
        throw fromSystemError(error, endpoint.address);
      }
      server = open();
      await listenOn(server, path, backlog).catch((retryError: unknown) => {
        throw fromSystemError(retryError, endpoint.address);
      });
    }
    server.on("error", (error) => onAcceptError?.(fromSystemError(error, address)));
    return new ServerListener(server, address);
  }

  async connect(endpoint: Endpoint, options: TransportOptions): Promise<Connection> {
    const ipc = ipcEndpoint(endpoint);
    if (ipc.path === "*") {
      throw new ZmqError("EINVAL", "Cannot connect to ipc://*", { address: ipc.address });
    }
    const address = formatIpcEndpoint(ipc.path, ipc.abstract);
    const reads = new StreamReads();
    const socket = await connectStream(
      { path: socketPath(ipc), onread: reads.onread },
      options,
      ipc.address,
    );
    return new StreamConnection(
      socket,
      { localAddress: address, remoteAddress: address, peerHost: "" },
      reads,
    );
  }
}

/** A new ipc transport, to hand to a Context. */
export function ipc(): Transport {
  return new IpcTransport();
}
