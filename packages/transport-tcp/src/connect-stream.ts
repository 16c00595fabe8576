/**
 * Opens a Node stream socket with the contract's connect options: `connectTimeout` (ETIMEDOUT)
 * and `signal` (abort). Shared by the tcp and ipc transports.
 */
import type { NetConnectOpts, Socket } from "node:net";
import { connect as netConnect } from "node:net";
import { type TransportOptions, ZmqError } from "@zmtp/spec";
import { streamError } from "./stream-connection";

function aborted(signal: AbortSignal, address: string): ZmqError {
  const reason: unknown = signal.reason;
  if (reason instanceof ZmqError) return reason;
  return new ZmqError("EINTR", "Connect aborted", { cause: reason, address });
}

/**
 * Resolves with the connected socket, or rejects with a ZmqError naming `address`. The socket is
 * destroyed on every failure.
 */
export function connectStream(
  netOptions: NetConnectOpts,
  options: TransportOptions,
  address: string,
): Promise<Socket> {
  const { signal, connectTimeout = 0 } = options;
  if (signal?.aborted) return Promise.reject(aborted(signal, address));
  return new Promise((resolve, reject) => {
    const socket = netConnect(netOptions);
    let timer: ReturnType<typeof setTimeout> | undefined;
    const fail = (error: ZmqError): void => {
      cleanup();
      // Errors after a failure (a late lookup answer) must not become uncaught exceptions.
      socket.on("error", () => {});
      socket.destroy();
      reject(error);
    };
    const onError = (error: Error): void => fail(streamError(error, address));
    const onAbort = (): void => fail(aborted(signal as AbortSignal, address));
    const onConnect = (): void => {
      cleanup();
      resolve(socket);
    };
    function cleanup(): void {
      if (timer !== undefined) clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
      socket.off("error", onError);
      socket.off("connect", onConnect);
    }
    socket.once("error", onError);
    socket.once("connect", onConnect);
    signal?.addEventListener("abort", onAbort, { once: true });
    if (connectTimeout > 0) {
      timer = setTimeout(
        () => fail(new ZmqError("ETIMEDOUT", undefined, { address })),
        connectTimeout,
      );
    }
  });
}
