/**
 * `socket.events`: monitor events with zeromq.js's names and payloads. Read them with
 * `receive()` / `for await`, or switch to emitter mode with `on(type, listener)`.
 */
import type { MonitorEvent } from "@zmtp/core";
import { PROTOCOL_ERRORS, type ProtocolErrorName, ZmqError } from "@zmtp/spec";

export type EventType =
  | "accept"
  | "accept:error"
  | "bind"
  | "bind:error"
  | "connect"
  | "connect:delay"
  | "connect:retry"
  | "close"
  | "close:error"
  | "disconnect"
  | "end"
  | "handshake"
  | "handshake:error:protocol"
  | "handshake:error:auth"
  | "handshake:error:other"
  | "unknown";

/** An error carried by an event: a ZmqError, or for protocol / auth failures a coded Error. */
export interface EventError extends Error {
  code?: string;
  errno?: number;
  status?: number;
}

export interface Event {
  type: EventType;
  address?: string;
  interval?: number;
  error?: EventError;
}

export type EventListener = (event: Event) => void;

/** At most this many unread events are kept; older ones are dropped. */
const MAX_QUEUED = 10_000;

export class Observer {
  private readonly queue: Event[] = [];
  private waiting: { resolve: (event: Event) => void; reject: (error: Error) => void } | undefined;
  private listeners: Map<EventType, Set<EventListener>> | undefined;
  private isClosed = false;

  /** @internal Created by `socket.events`. */
  constructor(attach: (listener: (event: MonitorEvent) => void) => void) {
    attach((event) => this.push(toEvent(event)));
  }

  get closed(): boolean {
    return this.isClosed;
  }

  private push(event: Event): void {
    if (this.isClosed) return;
    if (this.listeners !== undefined) {
      for (const listener of this.listeners.get(event.type) ?? []) listener(event);
    } else if (this.waiting !== undefined) {
      const { resolve } = this.waiting;
      this.waiting = undefined;
      resolve(event);
    } else {
      if (this.queue.length >= MAX_QUEUED) this.queue.shift();
      this.queue.push(event);
    }
    if (event.type === "end") this.close();
  }

  receive(): Promise<Event> {
    if (this.listeners !== undefined) {
      // zeromq.js throws this one synchronously.
      throw new Error(
        "Observer is in event emitter mode. After a call to events.on() it is not possible to read events with events.receive().",
      );
    }
    const event = this.queue.shift();
    if (event !== undefined) return Promise.resolve(event);
    if (this.isClosed) return Promise.reject(new ZmqError("EBADF", "Observer is closed"));
    if (this.waiting !== undefined) {
      return Promise.reject(
        new ZmqError(
          "EBUSY",
          "Observer is busy reading; only one receive operation may be in progress at any time",
        ),
      );
    }
    return new Promise((resolve, reject) => {
      this.waiting = { resolve, reject };
    });
  }

  on(type: EventType, listener: EventListener): this {
    this.listeners ??= new Map();
    let set = this.listeners.get(type);
    if (set === undefined) this.listeners.set(type, (set = new Set()));
    set.add(listener);
    return this;
  }

  off(type: EventType, listener: EventListener): this {
    this.listeners?.get(type)?.delete(listener);
    return this;
  }

  close(): void {
    if (this.isClosed) return;
    this.isClosed = true;
    const waiting = this.waiting;
    this.waiting = undefined;
    waiting?.reject(new ZmqError("EAGAIN"));
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<Event, void, undefined> {
    for (;;) {
      if (this.isClosed && this.queue.length === 0) return;
      try {
        yield await this.receive();
      } catch (error) {
        if (this.isClosed) return;
        throw error;
      }
    }
  }
}

function toEvent(event: MonitorEvent): Event {
  const result: Event = { type: event.type };
  if (event.address !== undefined) result.address = event.address;
  if (event.interval !== undefined) result.interval = event.interval;
  if (event.type === "handshake:error:protocol") {
    const name: ProtocolErrorName = event.protocolError ?? "ERR_ZMTP_UNSPECIFIED";
    result.error = Object.assign(new Error(event.error?.message ?? name), {
      code: name,
      errno: PROTOCOL_ERRORS[name],
    });
  } else if (event.type === "handshake:error:auth") {
    result.error = Object.assign(new Error("Authentication failed"), {
      status: event.status ?? 400,
    });
  } else if (event.error !== undefined) {
    result.error = event.error;
  }
  return result;
}
