/**
 * STREAM (zmq_socket(3), ZMQ_STREAM): raw TCP. Received messages are [routing id, data]; a
 * connect and a disconnect each show as [routing id, empty] (with `notify`, the default). Sent
 * messages are [routing id, data]; [routing id, empty] closes that connection. An unknown routing
 * id is EHOSTUNREACH.
 */
import {
  type Context,
  EMPTY_FRAME,
  FairQueue,
  type Message,
  type Pipe,
  Queue,
  SocketBase,
} from "@zmtp/core";
import { ZmqError } from "@zmtp/spec";
import { RoutingIdTable } from "./routing-ids";

export class StreamSocket extends SocketBase {
  private readonly fq = new FairQueue();
  private readonly ids = new RoutingIdTable();
  private readonly notices = new Queue<Message>();

  constructor(context: Context) {
    super(context, "STREAM");
    this.attachOnConnect = false;
  }

  protected xattachPipe(pipe: Pipe): void {
    const id = pipe.connectRoutingId ?? this.ids.generate();
    pipe.routingId = id;
    this.ids.set(id, pipe);
    this.fq.attach(pipe);
  }

  protected xpipeTerminated(pipe: Pipe): void {
    this.ids.delete(pipe);
    this.fq.detach(pipe);
    if (this.options.notify && pipe.routingId !== undefined) {
      this.notices.push([pipe.routingId, EMPTY_FRAME]);
      this.onReadable?.();
    }
  }

  protected xrecv(): Message | undefined {
    const message = this.fq.recv();
    if (message !== undefined) return [this.fq.lastPipe!.routingId!, message[0] ?? EMPTY_FRAME];
    return this.notices.shift();
  }

  protected xsend(message: Message): boolean {
    const id = message[0];
    const pipe = id === undefined ? undefined : this.ids.get(id);
    if (pipe === undefined) throw new ZmqError("EHOSTUNREACH");
    const data = message.slice(1);
    return pipe.write(data.length === 0 ? [EMPTY_FRAME] : data);
  }

  protected override xhasIn(): boolean {
    return this.fq.hasIn() || this.notices.length > 0;
  }

  protected override xhasOut(): boolean {
    return true;
  }
}
