/** PUSH (RFC 30): round-robin to peers with room; waits when none has room; never drops. */
import { type Context, LoadBalancer, type Message, type Pipe, SocketBase } from "@zmtp/core";
import { notSupported } from "./not-supported";

export class PushSocket extends SocketBase {
  private readonly lb = new LoadBalancer();

  constructor(context: Context) {
    super(context, "PUSH");
  }

  protected xattachPipe(pipe: Pipe): void {
    this.lb.attach(pipe);
  }

  protected xpipeTerminated(pipe: Pipe): void {
    this.lb.detach(pipe);
  }

  protected xsend(message: Message): boolean {
    return this.lb.send(message) !== undefined;
  }

  protected xrecv(): Message | undefined {
    throw notSupported("receive", "PUSH");
  }

  protected override xhasOut(): boolean {
    return this.lb.hasOut();
  }
}
