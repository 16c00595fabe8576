/**
 * Fan-out (libzmq dist_t): PUB, XPUB, XSUB. A message goes to every matching pipe that has
 * room; a pipe at its mark misses it (PUB drops, never blocks).
 */
import type { Message } from "../message";
import type { Pipe } from "../pipe";

export class Distributor {
  readonly pipes = new Set<Pipe>();

  attach(pipe: Pipe): void {
    this.pipes.add(pipe);
  }

  detach(pipe: Pipe): void {
    this.pipes.delete(pipe);
  }

  /** Sends to every pipe (or those given); returns how many took it. */
  send(message: Message, to: Iterable<Pipe> = this.pipes): number {
    let sent = 0;
    for (const pipe of to) if (pipe.write(message)) sent++;
    return sent;
  }

  /** Whether every pipe (or those given) has room: the check XPUB's noDrop makes. */
  allHaveRoom(to: Iterable<Pipe> = this.pipes): boolean {
    for (const pipe of to) if (!pipe.checkWrite()) return false;
    return true;
  }
}
