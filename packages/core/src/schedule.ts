/**
 * Runs a callback on the next macrotask: after the promise continuations of the current turn, so
 * every message queued in one turn goes out in one transport write. Uses `setImmediate` where the
 * runtime has it (Node, Bun), a MessageChannel in browsers and Deno, `setTimeout` otherwise.
 */
type Task = () => void;

const globals = globalThis as unknown as {
  setImmediate?: (callback: Task) => unknown;
  MessageChannel?: new () => {
    port1: { onmessage: (() => void) | null };
    port2: { postMessage(value: unknown): void };
  };
};

function makeScheduler(): (task: Task) => void {
  const immediate = globals.setImmediate;
  if (typeof immediate === "function") return (task) => void immediate(task);
  const Channel = globals.MessageChannel;
  if (typeof Channel === "function") {
    const tasks: Task[] = [];
    const channel = new Channel();
    channel.port1.onmessage = () => tasks.shift()?.();
    return (task) => {
      tasks.push(task);
      channel.port2.postMessage(undefined);
    };
  }
  return (task) => void setTimeout(task, 0);
}

export const scheduleMacrotask: (task: Task) => void = makeScheduler();

/**
 * Lets the process exit while only this timer is pending, where the runtime's timers support it
 * (Node, Bun, Deno); a no-op elsewhere.
 */
export function unrefTimer(timer: unknown): void {
  (timer as { unref?: () => void } | undefined)?.unref?.();
}
