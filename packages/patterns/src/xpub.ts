/**
 * XPUB and PUB (RFC 29). Messages fan out to the peers whose subscriptions prefix-match the
 * first frame (or do not match, with `invertMatching`); a peer at its mark misses the message,
 * unless `noDrop`, which makes the send wait instead. Subscriptions arrive as `\x01topic` /
 * `\x00topic` messages (the engine turns ZMTP 3.1 SUBSCRIBE / CANCEL commands into those).
 * XPUB passes new subscriptions (all, with `verbose`) and last cancels (all, with `verboser`)
 * to the application, and any other upstream message as is; PUB only applies them.
 */
import {
  type Context,
  Distributor,
  type Message,
  type Pipe,
  Queue,
  SocketBase,
  SubscriptionTrie,
} from "@zmtp/core";
import type { SocketTypeName } from "@zmtp/spec";
import { notSupported } from "./not-supported";

export class XPubSocket extends SocketBase {
  private readonly dist = new Distributor();
  private readonly subscriptions = new SubscriptionTrie<Pipe>();
  private readonly upstream = new Queue<Message>();
  private readonly passUp: boolean;

  constructor(context: Context, type: SocketTypeName = "XPUB") {
    super(context, type);
    this.passUp = type === "XPUB";
  }

  protected xattachPipe(pipe: Pipe): void {
    this.dist.attach(pipe);
    const welcome = this.options.welcomeMessage;
    if (this.passUp && welcome !== undefined) pipe.write([welcome]);
    this.drainSubscriptions(pipe);
  }

  protected xpipeTerminated(pipe: Pipe): void {
    this.dist.detach(pipe);
    this.subscriptions.removeSubscriber(pipe, (prefix) => {
      if (this.passUp && !this.options.manual) this.queueUp(subscription(0, prefix));
    });
  }

  protected override xreadActivated(pipe: Pipe): void {
    this.drainSubscriptions(pipe);
  }

  private drainSubscriptions(pipe: Pipe): void {
    for (let message = pipe.read(); message !== undefined; message = pipe.read()) {
      const first = message[0];
      const kind = message.length === 1 && first !== undefined && first.length > 0 ? first[0] : -1;
      if (kind !== 0 && kind !== 1) {
        // Not a subscription: XPUB hands it up as is; PUB ignores inbound messages.
        if (this.passUp) this.queueUp(message);
        continue;
      }
      const topic = first!.subarray(1);
      if (this.passUp && this.options.manual) {
        this.queueUp(message);
        continue;
      }
      if (kind === 1) {
        const first = this.subscriptions.add(topic, pipe);
        if (this.passUp && (first || this.options.verbose || this.options.verboser)) {
          this.queueUp(message);
        }
      } else {
        const last = this.subscriptions.remove(topic, pipe);
        if (this.passUp && (last || this.options.verboser)) this.queueUp(message);
      }
    }
  }

  private queueUp(message: Message): void {
    this.upstream.push(message);
    if (this.upstream.length === 1) this.onReadable?.();
  }

  protected xsend(message: Message): boolean {
    const first = message[0] ?? new Uint8Array(0);
    let targets: Pipe[];
    if (this.options.invertMatching) {
      const matched = new Set<Pipe>();
      this.subscriptions.match(first, (pipe) => matched.add(pipe));
      targets = [...this.dist.pipes].filter((pipe) => !matched.has(pipe));
    } else {
      targets = [];
      this.subscriptions.match(first, (pipe) => targets.push(pipe));
    }
    if (this.options.noDrop && !this.dist.allHaveRoom(targets)) return false;
    this.dist.send(message, targets);
    return true;
  }

  protected xrecv(): Message | undefined {
    if (!this.passUp) throw notSupported("receive", "PUB");
    return this.upstream.shift();
  }

  protected override xhasIn(): boolean {
    return this.passUp && this.upstream.length > 0;
  }

  protected override xhasOut(): boolean {
    return !this.options.noDrop || this.dist.allHaveRoom();
  }
}

export class PubSocket extends XPubSocket {
  constructor(context: Context) {
    super(context, "PUB");
  }
}

export function subscription(kind: 0 | 1, topic: Uint8Array): Message {
  const body = new Uint8Array(topic.length + 1);
  body[0] = kind;
  body.set(topic, 1);
  return [body];
}
