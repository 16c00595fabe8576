/**
 * The inproc transport (zmq_inproc(7)): connections inside one process, by name.
 *
 * Names live in the transport instance, and each Context makes its own, so two contexts never
 * see each other's names. As in libzmq 4.x a connect may come before the bind: it resolves at
 * once, its writes queue, and the listener receives the other end when the name is bound.
 */
import {
  type AcceptHandler,
  type Connection,
  type Endpoint,
  type Listener,
  type Transport,
  type TransportOptions,
  ZmqError,
} from "@zmtp/spec";
import { createPipe, type PipeEnd } from "./pipe-end";

function inprocName(endpoint: Endpoint): string {
  if (endpoint.transport !== "inproc" || !("name" in endpoint)) {
    throw new ZmqError("EINVAL", `Not an inproc endpoint: ${endpoint.address}`, {
      address: endpoint.address,
    });
  }
  if (endpoint.name === "") {
    throw new ZmqError("EINVAL", "An inproc name may not be empty", { address: endpoint.address });
  }
  return endpoint.name;
}

class InprocListener implements Listener {
  readonly endpoint: string;
  closed = false;
  private readonly onConnection: AcceptHandler;
  private readonly unbind: (listener: InprocListener) => void;

  constructor(endpoint: string, onConnection: AcceptHandler, unbind: (l: InprocListener) => void) {
    this.endpoint = endpoint;
    this.onConnection = onConnection;
    this.unbind = unbind;
  }

  accept(end: PipeEnd): void {
    this.onConnection(end);
  }

  close(): Promise<void> {
    if (!this.closed) {
      this.closed = true;
      this.unbind(this);
    }
    return Promise.resolve();
  }
}

export class InprocTransport implements Transport {
  readonly protocol = "inproc";
  private readonly bound = new Map<string, InprocListener>();
  /** Listener-side ends of connects that came before their bind, by name. */
  private readonly waiting = new Map<string, Set<PipeEnd>>();

  async listen(
    endpoint: Endpoint,
    _options: TransportOptions,
    onConnection: AcceptHandler,
  ): Promise<Listener> {
    const name = inprocName(endpoint);
    if (this.bound.has(name)) {
      throw new ZmqError("EADDRINUSE", undefined, { address: endpoint.address });
    }
    const listener = new InprocListener(`inproc://${name}`, onConnection, (closing) => {
      if (this.bound.get(name) === closing) this.bound.delete(name);
    });
    this.bound.set(name, listener);
    const early = this.waiting.get(name);
    if (early !== undefined) {
      this.waiting.delete(name);
      for (const end of early) {
        end.peer.onSettle = undefined;
        this.handOver(name, end);
      }
    }
    return listener;
  }

  /** Whether a listener is bound at `name` (the part after inproc://), e.g. a ZAP handler. */
  isBound(name: string): boolean {
    return this.bound.has(name);
  }

  async connect(endpoint: Endpoint, _options: TransportOptions): Promise<Connection> {
    const name = inprocName(endpoint);
    const [local, remote] = createPipe(`inproc://${name}`);
    this.handOver(name, remote);
    return local;
  }

  /** Gives `end` to the listener bound to `name` (in a microtask), or parks it until a bind. */
  private handOver(name: string, end: PipeEnd): void {
    const listener = this.bound.get(name);
    if (listener === undefined) {
      this.park(name, end);
      return;
    }
    queueMicrotask(() => {
      if (listener.closed) this.handOver(name, end);
      else listener.accept(end);
    });
  }

  private park(name: string, end: PipeEnd): void {
    let ends = this.waiting.get(name);
    if (ends === undefined) {
      ends = new Set();
      this.waiting.set(name, ends);
    }
    ends.add(end);
    // A connecting end that goes away before the bind leaves nothing behind.
    end.peer.onSettle = () => {
      const current = this.waiting.get(name);
      current?.delete(end);
      if (current?.size === 0) this.waiting.delete(name);
    };
  }
}

/** A new inproc transport, to hand to a Context (one per Context: names are scoped to it). */
export function inproc(): Transport {
  return new InprocTransport();
}
