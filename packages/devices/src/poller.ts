/**
 * zmq_poll(3) for core sockets: wait until at least one of several sockets can receive or send,
 * or until a timeout. Readiness is the sockets' own `readable` / `writable` (ZMQ_POLLIN /
 * ZMQ_POLLOUT); waiting uses their `onReadable` / `onWritable` events through the listener
 * fan-out, so a poll never disturbs the socket's other users.
 */
import type { SocketBase } from "@zmtp/core";
import { ZmqError } from "@zmtp/spec";
import { listenReadable, listenWritable } from "./listeners";

export interface PollItem {
  readonly socket: SocketBase;
  /** Interest in ZMQ_POLLIN: a receive would return a message. */
  readonly readable?: boolean;
  /** Interest in ZMQ_POLLOUT: a send would be accepted. */
  readonly writable?: boolean;
}

export interface PollResult {
  /** The position of the item in the list given to poll(). */
  readonly index: number;
  readonly socket: SocketBase;
  /** Readable, and readability was asked for. */
  readonly readable: boolean;
  /** Writable, and writability was asked for. */
  readonly writable: boolean;
}

function ready(items: readonly PollItem[]): PollResult[] {
  const results: PollResult[] = [];
  items.forEach((item, index) => {
    const readable = item.readable === true && item.socket.readable;
    const writable = item.writable === true && item.socket.writable;
    if (readable || writable) results.push({ index, socket: item.socket, readable, writable });
  });
  return results;
}

function closedItem(items: readonly PollItem[]): PollItem | undefined {
  return items.find((item) => (item.readable || item.writable) && item.socket.closed);
}

/**
 * Resolves with the items that are ready (in their order, only those), as soon as there is at
 * least one; with `[]` after `timeoutMs` milliseconds (0: check once and return; -1: wait for
 * ever, the default). Items asking for nothing are ignored, as zmq_poll ignores `events == 0`.
 * Rejects with EBADF when a polled socket is or becomes closed, EINVAL for a bad timeout.
 */
export function poll(items: readonly PollItem[], timeoutMs = -1): Promise<PollResult[]> {
  if (!Number.isFinite(timeoutMs) || timeoutMs < -1) {
    return Promise.reject(new ZmqError("EINVAL", `poll: invalid timeout ${timeoutMs}`));
  }
  if (closedItem(items) !== undefined) return Promise.reject(new ZmqError("EBADF"));
  const now = ready(items);
  if (now.length > 0 || timeoutMs === 0) return Promise.resolve(now);
  return new Promise<PollResult[]>((resolve, reject) => {
    const removers: (() => void)[] = [];
    let timer: ReturnType<typeof setTimeout> | undefined;
    let checking = false;
    let settled = false;
    const stop = (): void => {
      settled = true;
      clearTimeout(timer);
      for (const remove of removers.splice(0)) remove();
    };
    // Socket events come from inside the socket's own work: look at the state a microtask later.
    const check = (): void => {
      if (checking || settled) return;
      checking = true;
      queueMicrotask(() => {
        checking = false;
        if (settled) return;
        if (closedItem(items) !== undefined) {
          stop();
          reject(new ZmqError("EBADF"));
          return;
        }
        const results = ready(items);
        if (results.length === 0) return;
        stop();
        resolve(results);
      });
    };
    for (const item of items) {
      if (item.readable) removers.push(listenReadable(item.socket, check));
      if (item.writable) removers.push(listenWritable(item.socket, check));
    }
    if (timeoutMs > 0) {
      timer = setTimeout(() => {
        if (settled) return;
        stop();
        resolve([]);
      }, timeoutMs);
    }
  });
}
