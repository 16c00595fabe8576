/** PAIR (RFC 31): one peer at most; a second connection is refused. */
import { type Context, type Message, type Pipe, SocketBase } from "@zmtp/core";

export class PairSocket extends SocketBase {
  private pipe: Pipe | undefined;

  constructor(context: Context) {
    super(context, "PAIR");
  }

  protected xattachPipe(pipe: Pipe): void {
    if (this.pipe === undefined) this.pipe = pipe;
    else this.terminatePipe(pipe);
  }

  protected xpipeTerminated(pipe: Pipe): void {
    if (this.pipe === pipe) this.pipe = undefined;
  }

  protected xsend(message: Message): boolean {
    return this.pipe?.write(message) ?? false;
  }

  protected xrecv(): Message | undefined {
    return this.pipe?.read();
  }

  protected override xhasIn(): boolean {
    return this.pipe?.hasInbound ?? false;
  }

  protected override xhasOut(): boolean {
    return this.pipe?.checkWrite() ?? false;
  }
}
