/**
 * DEALER (RFC 28): round-robin out to peers with room, fair-queue in; waits rather than drops.
 * With `probeRouter`, an empty message goes to each new peer.
 */
import {
  type Context,
  EMPTY_FRAME,
  FairQueue,
  LoadBalancer,
  type Message,
  type Pipe,
  SocketBase,
} from "@zmtp/core";
import type { SocketTypeName } from "@zmtp/spec";

export class DealerSocket extends SocketBase {
  protected readonly lb = new LoadBalancer();
  protected readonly fq = new FairQueue();

  constructor(context: Context, type: SocketTypeName = "DEALER") {
    super(context, type);
  }

  protected xattachPipe(pipe: Pipe): void {
    if (this.options.probeRouter) pipe.write([EMPTY_FRAME]);
    this.lb.attach(pipe);
    this.fq.attach(pipe);
  }

  protected xpipeTerminated(pipe: Pipe): void {
    this.lb.detach(pipe);
    this.fq.detach(pipe);
  }

  protected xsend(message: Message): boolean {
    return this.lb.send(message) !== undefined;
  }

  protected xrecv(): Message | undefined {
    return this.fq.recv();
  }

  protected override xhasIn(): boolean {
    return this.fq.hasIn();
  }

  protected override xhasOut(): boolean {
    return this.lb.hasOut();
  }
}
