/**
 * What keeps a Node process alive, as with zeromq.js: a pending send or receive (and messages
 * queued for a peer, which the engine holds on its connection). Open sockets alone do not.
 * One long interval timer is referenced while anything is pending.
 *
 * Letting go is lazy: when the last hold ends, a check runs a few milliseconds later and
 * unreferences the timer only if nothing is pending by then. A request-reply loop ends and takes
 * a hold for every message; referencing and unreferencing a timer each time is a call into
 * Node's timer handle (two per round trip), while a process with nothing pending exits at most
 * RELEASE_DELAY ms later than it could.
 */
import { unrefTimer } from "@zmtp/core";

let holds = 0;
let timer: ReturnType<typeof setInterval> | undefined;
/** Whether `timer` is referenced now. */
let holding = false;
let checkScheduled = false;

/** How long after the last hold ended the process may exit, at most. */
export const RELEASE_DELAY = 10;

/** Keeps the process alive until a matching `releaseHold`. */
export function acquireHold(): void {
  holds++;
  if (holding) return;
  holding = true;
  timer ??= setInterval(() => {}, 2 ** 30);
  timer.ref();
}

/** Ends one `acquireHold`; call it exactly once per hold. */
export function releaseHold(): void {
  if (--holds !== 0 || checkScheduled) return;
  checkScheduled = true;
  // Unreferenced: the check itself never keeps the process alive.
  unrefTimer(setTimeout(check, RELEASE_DELAY));
}

function check(): void {
  checkScheduled = false;
  if (holds !== 0 || !holding) return;
  holding = false;
  timer?.unref();
}
