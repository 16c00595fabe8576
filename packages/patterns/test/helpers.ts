/**
 * Test helpers for @zmtp/patterns: the core test helpers (context, event log, receive with a
 * deadline, raw peers) plus pattern-specific ones. Sharing the file keeps one implementation.
 */
import type { Pipe, SocketBase } from "@zmtp/core";
import { bytes, receiveNothing, turns, until, watch } from "../../core/test/helpers";
import type { XSubSocket } from "../src/index";

export * from "../../core/test/helpers";

/** The pipes of a socket (a protected field), to wait on state that has no event. */
export function pipesOf(socket: SocketBase): Pipe[] {
  return [...(socket as unknown as { pipes: Set<Pipe> }).pipes];
}

/** Waits until the socket has `count` pipes that each hold an inbound message. */
export function untilInbound(socket: SocketBase, count: number): Promise<void> {
  return until(
    () => pipesOf(socket).filter((pipe) => pipe.hasInbound).length >= count,
    `${count} pipes with messages`,
  );
}

/**
 * Publishes `topic` sentinels until the subscriber gets one: then every subscription it sent
 * before is in place at the publisher (subscriptions travel in order on one connection).
 * Returns with the sentinels drained.
 */
export async function syncSubscriptions(
  publisher: SocketBase,
  subscriber: XSubSocket,
  topic = "sync",
): Promise<void> {
  const sentinel = bytes(topic);
  for (let attempt = 0; attempt < 500; attempt++) {
    publisher.send([sentinel]);
    const received = await receiveNothing(subscriber, 10);
    if (received !== undefined) {
      while ((await receiveNothing(subscriber, 20)) !== undefined) {}
      return;
    }
    await turns(1);
  }
  throw new Error("subscriptions never reached the publisher");
}

/** The error `action` throws; fails the test when it does not throw. */
export function thrown(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  throw new Error("expected a throw");
}

/** Connects and waits for the handshake. */
export async function connected<T extends SocketBase>(socket: T, address: string): Promise<T> {
  const events = watch(socket);
  socket.connect(address);
  await events.next("handshake");
  return socket;
}
