/** PULL (RFC 30): fair-queues messages from all peers. */
import { type Context, FairQueue, type Message, type Pipe, SocketBase } from "@zmtp/core";
import { notSupported } from "./not-supported";

export class PullSocket extends SocketBase {
  private readonly fq = new FairQueue();

  constructor(context: Context) {
    super(context, "PULL");
  }

  protected xattachPipe(pipe: Pipe): void {
    this.fq.attach(pipe);
  }

  protected xpipeTerminated(pipe: Pipe): void {
    this.fq.detach(pipe);
  }

  protected xsend(): boolean {
    throw notSupported("send", "PULL");
  }

  protected xrecv(): Message | undefined {
    return this.fq.recv();
  }

  protected override xhasIn(): boolean {
    return this.fq.hasIn();
  }
}
