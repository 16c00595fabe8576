/**
 * A socket file left by a process that died without unlinking it makes a bind fail with
 * EADDRINUSE. Such a file is replaced; a live listener's is not.
 *
 * (libzmq unlinks the path before every bind, which silently steals a live listener's address;
 * zmtp probes first and reports EADDRINUSE instead.)
 */
import { lstat, unlink } from "node:fs/promises";
import { connect } from "node:net";

/** True when `path` is a socket file nobody listens on. */
function isStale(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = connect({ path });
    probe.once("connect", () => {
      probe.destroy();
      resolve(false);
    });
    probe.once("error", (error: NodeJS.ErrnoException) => {
      probe.destroy();
      resolve(error.code === "ECONNREFUSED");
    });
  });
}

/** Removes `path` if it is a stale socket file; returns whether it did. */
export async function removeStaleSocket(path: string): Promise<boolean> {
  const stats = await lstat(path).catch(() => undefined);
  if (stats === undefined) return true; // gone meanwhile: the bind may be retried
  if (!stats.isSocket()) return false;
  if (!(await isStale(path))) return false;
  await unlink(path).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== "ENOENT") throw error;
  });
  return true;
}
