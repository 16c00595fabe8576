/**
 * Fair queueing over pipes with messages (libzmq fq_t): PULL, DEALER, SUB, ROUTER. Takes one
 * whole message from each ready pipe in turn, so a busy peer cannot starve a quiet one.
 */
import type { Message } from "../message";
import type { Pipe } from "../pipe";

export class FairQueue {
  private readonly pipes: Pipe[] = [];
  private current = 0;
  /** The pipe the last message came from. */
  lastPipe: Pipe | undefined;

  attach(pipe: Pipe): void {
    this.pipes.push(pipe);
  }

  detach(pipe: Pipe): void {
    const index = this.pipes.indexOf(pipe);
    if (index < 0) return;
    this.pipes.splice(index, 1);
    if (this.current > index) this.current--;
    if (this.current >= this.pipes.length) this.current = 0;
    if (this.lastPipe === pipe) this.lastPipe = undefined;
  }

  recv(): Message | undefined {
    const count = this.pipes.length;
    for (let tried = 0; tried < count; tried++) {
      const pipe = this.pipes[this.current]!;
      this.current = (this.current + 1) % count;
      const message = pipe.read();
      if (message !== undefined) {
        this.lastPipe = pipe;
        return message;
      }
    }
    return undefined;
  }

  hasIn(): boolean {
    return this.pipes.some((pipe) => pipe.hasInbound);
  }
}
