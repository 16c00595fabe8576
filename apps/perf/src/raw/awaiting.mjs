// @ts-check
// The raw baseline shaped like the zeromq.js API, for latency (`--await` of raw/local-lat.mjs
// and raw/remote-lat.mjs): the program takes each message through a promise (`receive`), as an
// array of Buffers it may keep, and awaits every `send`, as code written against the API must.
// The wire code, the batching and the reads stay the raw baseline's; what this adds is what the
// API's contract costs any JavaScript implementation, before any sockets, pipes or protocol.

import { FrameReader, FrameWriter } from "./frames.mjs";

const RESOLVED = Promise.resolve();

/** A copy of a body that lies in the reused read buffer (valid only during its callback). */
function kept(/** @type {Buffer} */ body) {
  const copy = Buffer.allocUnsafe(body.length);
  copy.set(body);
  return copy;
}

/** Messages as the reader completes them, handed to one waiting `receive()` or queued. */
export class Inbox {
  constructor() {
    /** @type {Buffer[]} */
    this.parts = [];
    /** @type {Buffer[][]} */
    this.queue = [];
    /** @type {((message: Buffer[]) => void) | undefined} */
    this.waiting = undefined;
    /** @type {((error: Error) => void) | undefined} */
    this.failWaiting = undefined;
    /** @type {Error | undefined} */
    this.error = undefined;
  }

  /** FrameReader's callback. @param {Buffer} body @param {boolean} more @param {boolean} owned */
  frame(body, more, owned) {
    this.parts.push(owned ? body : kept(body));
    if (more) return;
    const message = this.parts;
    this.parts = [];
    const waiting = this.waiting;
    if (waiting === undefined) {
      this.queue.push(message);
      return;
    }
    this.waiting = undefined;
    this.failWaiting = undefined;
    waiting(message);
  }

  /** @returns {Promise<Buffer[]>} */
  receive() {
    const next = this.queue.shift();
    if (next !== undefined) return Promise.resolve(next);
    if (this.error !== undefined) return Promise.reject(this.error);
    return new Promise((resolve, reject) => {
      this.waiting = resolve;
      this.failWaiting = reject;
    });
  }

  /** The connection ended or failed: a waiting and every later `receive()` reject. */
  fail(/** @type {Error} */ error) {
    this.error ??= error;
    const fail = this.failWaiting;
    this.waiting = undefined;
    this.failWaiting = undefined;
    fail?.(this.error);
  }
}

/**
 * Writes a message's frames (small bodies are copied into the batch at once, so the caller may
 * reuse them) and returns an already resolved promise, as a send that did not have to wait.
 * @param {FrameWriter} writer @param {Uint8Array[]} parts
 * @returns {Promise<void>}
 */
export function send(writer, parts) {
  const last = parts.length - 1;
  for (let index = 0; index <= last; index++) {
    writer.writeFrame(/** @type {Uint8Array} */ (parts[index]), index < last);
  }
  writer.flush();
  return RESOLVED;
}

/**
 * Opens a connection with `open` (acceptOne or connectRetrying bound to an endpoint: it takes the
 * handler of each chunk read) and returns it with its writer and an inbox fed by a FrameReader.
 * The inbox's receives reject once the connection fails or closes.
 * @param {(onChunk: (chunk: Buffer) => void) => Promise<import("node:net").Socket>} open
 */
export async function openInbox(open) {
  const inbox = new Inbox();
  const reader = new FrameReader((body, more, owned) => inbox.frame(body, more, owned));
  const socket = await open((chunk) => reader.push(chunk));
  socket.on("error", (error) => inbox.fail(error));
  socket.on("close", () => inbox.fail(new Error("connection closed")));
  return { inbox, socket, writer: new FrameWriter(socket) };
}
