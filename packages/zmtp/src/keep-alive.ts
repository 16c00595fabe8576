/**
 * What keeps a Node process alive, as with zeromq.js: a pending send or receive (and messages
 * queued for a peer, which the engine holds on its connection). Open sockets alone do not.
 * One long interval timer is referenced while anything is pending and unreferenced otherwise.
 */
let holds = 0;
let timer: ReturnType<typeof setInterval> | undefined;

/** Keeps the process alive until a matching `releaseHold`. */
export function acquireHold(): void {
  if (holds++ === 0) {
    timer ??= setInterval(() => {}, 2 ** 30);
    timer.ref();
  }
}

/** Ends one `acquireHold`; call it exactly once per hold. */
export function releaseHold(): void {
  if (--holds === 0) timer?.unref();
}
