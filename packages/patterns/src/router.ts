/**
 * ROUTER (RFC 28): each received message is prefixed with the routing id of the peer it came
 * from; each sent message is routed by its first frame. The id is the one given with
 * connect(address, { routingId }), else the peer's Identity property, else a generated one.
 * Unroutable messages are dropped, or fail with EHOSTUNREACH when `mandatory`. A peer claiming
 * an id already in use is refused, unless `handover` (it then takes the id over).
 */
import {
  type Context,
  EMPTY_FRAME,
  FairQueue,
  type Message,
  type Pipe,
  SocketBase,
} from "@zmtp/core";
import { ZmqError } from "@zmtp/spec";
import { RoutingIdTable } from "./routing-ids";

export class RouterSocket extends SocketBase {
  private readonly fq = new FairQueue();
  private readonly ids = new RoutingIdTable();

  constructor(context: Context) {
    super(context, "ROUTER");
    // Peers are routable only once their routing id is known, at the end of the handshake.
    this.attachOnConnect = false;
  }

  protected xattachPipe(pipe: Pipe): void {
    const identity = pipe.peerProperties.get("identity");
    let id =
      pipe.connectRoutingId ??
      (identity !== undefined && identity.length > 0 ? identity : undefined);
    if (id === undefined) {
      id = this.ids.generate();
    } else {
      const existing = this.ids.get(id);
      if (existing !== undefined) {
        if (!this.options.handover) {
          this.terminatePipe(pipe);
          return;
        }
        this.ids.delete(existing);
        existing.routingId = this.ids.generate();
        this.ids.set(existing.routingId, existing);
        this.terminatePipe(existing);
      }
    }
    pipe.routingId = id;
    this.ids.set(id, pipe);
    this.fq.attach(pipe);
    if (this.options.probeRouter) pipe.write([EMPTY_FRAME]);
  }

  protected xpipeTerminated(pipe: Pipe): void {
    this.ids.delete(pipe);
    this.fq.detach(pipe);
  }

  protected xrecv(): Message | undefined {
    const message = this.fq.recv();
    if (message === undefined) return undefined;
    message.unshift(this.fq.lastPipe!.routingId!);
    return message;
  }

  protected xsend(message: Message): boolean {
    const id = message[0];
    const pipe = id === undefined ? undefined : this.ids.get(id);
    if (pipe === undefined) {
      if (this.options.mandatory) {
        throw new ZmqError("EHOSTUNREACH");
      }
      return true;
    }
    const body = message.slice(1);
    // A message that is only a routing id carries nothing: libzmq drops it.
    if (body.length === 0) return true;
    if (pipe.write(body)) return true;
    // A full peer: wait (EAGAIN) when mandatory, else drop.
    return !this.options.mandatory;
  }

  protected override xhasIn(): boolean {
    return this.fq.hasIn();
  }

  protected override xhasOut(): boolean {
    // ROUTER never blocks, except when mandatory: then some peer must have room (libzmq
    // router_t::xhas_out). zeromq.js waits for this before it sends.
    return !this.options.mandatory || this.anyPeerHasRoom();
  }

  private anyPeerHasRoom(): boolean {
    for (const pipe of this.pipes)
      if (pipe.routingId !== undefined && pipe.checkWrite()) return true;
    return false;
  }
}
