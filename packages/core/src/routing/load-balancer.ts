/**
 * Round-robin over pipes with room (libzmq lb_t): PUSH, DEALER, REQ. A message goes whole to
 * one pipe; a pipe at its mark is skipped; with no pipe able to take it the send waits.
 */
import type { Message } from "../message";
import type { Pipe } from "../pipe";

export class LoadBalancer {
  private readonly pipes: Pipe[] = [];
  private current = 0;

  attach(pipe: Pipe): void {
    this.pipes.push(pipe);
  }

  detach(pipe: Pipe): void {
    const index = this.pipes.indexOf(pipe);
    if (index < 0) return;
    this.pipes.splice(index, 1);
    if (this.current > index || this.current >= this.pipes.length) {
      this.current = this.current > index ? this.current - 1 : 0;
    }
  }

  get size(): number {
    return this.pipes.length;
  }

  /** Sends to the next pipe with room; returns that pipe, or undefined if none has room. */
  send(message: Message): Pipe | undefined {
    const count = this.pipes.length;
    for (let tried = 0; tried < count; tried++) {
      const pipe = this.pipes[this.current]!;
      this.current = (this.current + 1) % count;
      if (pipe.write(message)) return pipe;
    }
    return undefined;
  }

  hasOut(): boolean {
    return this.pipes.some((pipe) => pipe.checkWrite());
  }
}
