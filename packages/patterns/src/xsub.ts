/**
 * XSUB and SUB (RFC 29). Incoming messages are fair-queued and kept only when their first frame
 * matches a subscription (or does not, with `invertMatching`). Subscriptions go upstream to every
 * publisher as `\x01topic` / `\x00topic` messages, which the engine sends as SUBSCRIBE / CANCEL
 * commands to ZMTP 3.1 peers; they are resent to each new or reconnected publisher. SUB
 * subscribes through subscribe() / unsubscribe(); XSUB through messages the application sends,
 * other messages going upstream as is.
 */
import {
  type Context,
  Distributor,
  FairQueue,
  type Message,
  type Pipe,
  SocketBase,
  SubscriptionTrie,
} from "@zmtp/core";
import type { SocketTypeName } from "@zmtp/spec";
import { notSupported } from "./not-supported";
import { subscription } from "./xpub";

const SELF = true;

export class XSubSocket extends SocketBase {
  private readonly fq = new FairQueue();
  private readonly dist = new Distributor();
  private readonly subscriptions = new SubscriptionTrie<true>();

  constructor(context: Context, type: SocketTypeName = "XSUB") {
    super(context, type);
  }

  protected xattachPipe(pipe: Pipe): void {
    this.fq.attach(pipe);
    this.dist.attach(pipe);
    this.sendSubscriptions(pipe);
  }

  protected override xhiccuped(pipe: Pipe): void {
    this.sendSubscriptions(pipe);
  }

  private sendSubscriptions(pipe: Pipe): void {
    this.subscriptions.each((prefix) => pipe.forceWrite(subscription(1, prefix)));
  }

  protected xpipeTerminated(pipe: Pipe): void {
    this.fq.detach(pipe);
    this.dist.detach(pipe);
  }

  protected xsend(message: Message): boolean {
    const first = message[0];
    if (message.length === 1 && first !== undefined && first.length > 0) {
      const topic = first.subarray(1);
      if (first[0] === 1) {
        this.subscriptions.add(topic, SELF);
        for (const pipe of this.dist.pipes) pipe.forceWrite(message);
        return true;
      }
      if (first[0] === 0) {
        // Only a cancel that removes the last matching subscription goes upstream.
        if (this.subscriptions.remove(topic, SELF)) {
          for (const pipe of this.dist.pipes) pipe.forceWrite(message);
        }
        return true;
      }
    }
    this.dist.send(message);
    return true;
  }

  protected xrecv(): Message | undefined {
    for (;;) {
      const message = this.fq.recv();
      if (message === undefined) return undefined;
      if (this.accepts(message)) return message;
    }
  }

  private accepts(message: Message): boolean {
    const matched = this.subscriptions.matches(message[0] ?? new Uint8Array(0));
    return this.options.invertMatching ? !matched : matched;
  }

  protected override xhasIn(): boolean {
    return this.fq.hasIn();
  }

  protected override xhasOut(): boolean {
    return true;
  }

  /** Subscribes to messages starting with `prefix` (the empty prefix: everything). */
  subscribe(prefix: Uint8Array): void {
    this.xsend(subscription(1, prefix));
  }

  /** Cancels one subscription to `prefix`. */
  unsubscribe(prefix: Uint8Array): void {
    this.xsend(subscription(0, prefix));
  }
}

export class SubSocket extends XSubSocket {
  constructor(context: Context) {
    super(context, "SUB");
  }

  protected override xsend(): boolean {
    throw notSupported("send", "SUB");
  }

  override subscribe(prefix: Uint8Array): void {
    super.xsend(subscription(1, prefix));
  }

  override unsubscribe(prefix: Uint8Array): void {
    super.xsend(subscription(0, prefix));
  }
}
