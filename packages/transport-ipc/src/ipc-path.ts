/**
 * ipc addresses (zmq_ipc(7)): a file system path, `@name` for a Linux abstract socket (Node
 * spells it with a leading NUL), `*` for a generated path in the temporary directory.
 */
import { randomUUID } from "node:crypto";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Endpoint, type IpcEndpoint, ZmqError } from "@zmtp/spec";

export function ipcEndpoint(endpoint: Endpoint): IpcEndpoint {
  if (endpoint.transport !== "ipc" || !("path" in endpoint)) {
    throw new ZmqError("EINVAL", `Not an ipc endpoint: ${endpoint.address}`, {
      address: endpoint.address,
    });
  }
  if (endpoint.abstract && process.platform !== "linux") {
    throw new ZmqError("EINVAL", "Abstract ipc names exist only on Linux", {
      address: endpoint.address,
    });
  }
  return endpoint as IpcEndpoint;
}

/** The endpoint to listen on: `*` replaced by a fresh name. */
export function concreteEndpoint(endpoint: IpcEndpoint): IpcEndpoint {
  if (endpoint.path !== "*") return endpoint;
  const name = `zmtp-${randomUUID()}`;
  const path = endpoint.abstract ? name : join(tmpdir(), `${name}.sock`);
  return { ...endpoint, path, address: formatIpcEndpoint(path, endpoint.abstract) };
}

/** The path as `node:net` takes it. */
export function socketPath(endpoint: IpcEndpoint): string {
  return endpoint.abstract ? `\0${endpoint.path}` : endpoint.path;
}

export function formatIpcEndpoint(path: string, abstract: boolean): string {
  return `ipc://${abstract ? "@" : ""}${path}`;
}
