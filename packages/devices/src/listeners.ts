/**
 * Several listeners on one socket's readiness. A core socket has one `onReadable` and one
 * `onWritable` slot (the zmtp facade uses them for its pending send / receive); a proxy, a poller
 * and the facade may all need to hear the same socket. `listenReadable` / `listenWritable` put a
 * small dispatcher in the slot that calls whatever was there before and then every listener, and
 * give the slot back when the last listener leaves.
 */
import type { SocketBase } from "@zmtp/core";

type Slot = "onReadable" | "onWritable";
type Listener = () => void;

interface Dispatcher {
  readonly run: Listener;
  readonly previous: Listener | undefined;
  readonly listeners: Set<Listener>;
}

const dispatchers: Record<Slot, WeakMap<SocketBase, Dispatcher>> = {
  onReadable: new WeakMap(),
  onWritable: new WeakMap(),
};

function listen(socket: SocketBase, slot: Slot, listener: Listener): () => void {
  const table = dispatchers[slot];
  let dispatcher = table.get(socket);
  // Someone replaced our dispatcher since: start a new one that chains theirs.
  if (dispatcher !== undefined && socket[slot] !== dispatcher.run) dispatcher = undefined;
  if (dispatcher === undefined) {
    const listeners = new Set<Listener>();
    const previous = socket[slot];
    const run = (): void => {
      previous?.();
      // A listener may remove itself (or others) while we call them: iterate over a copy.
      for (const each of [...listeners]) if (listeners.has(each)) each();
    };
    dispatcher = { run, previous, listeners };
    table.set(socket, dispatcher);
    socket[slot] = run;
  }
  const current = dispatcher;
  // Each registration is its own entry, so the same function may be added twice safely.
  const entry: Listener = () => listener();
  current.listeners.add(entry);
  return () => {
    if (!current.listeners.delete(entry) || current.listeners.size > 0) return;
    if (socket[slot] === current.run) socket[slot] = current.previous;
    if (table.get(socket) === current) table.delete(socket);
  };
}

/** Calls `listener` whenever `socket` may have become readable; returns the remover. */
export function listenReadable(socket: SocketBase, listener: () => void): () => void {
  return listen(socket, "onReadable", listener);
}

/** Calls `listener` whenever a send on `socket` may succeed; returns the remover. */
export function listenWritable(socket: SocketBase, listener: () => void): () => void {
  return listen(socket, "onWritable", listener);
}
