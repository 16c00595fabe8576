/**
 * REP (RFC 28): receives a request, keeps its envelope (everything up to and including the empty
 * delimiter) and the peer it came from, and sends the reply back through them. Requests without
 * a delimiter are dropped. Receiving twice, or sending before receiving, is EFSM. A reply to a
 * peer that is gone or full is dropped; REP never blocks on send.
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

/** Between a reply and the next request there is no envelope (never written to). */
const NO_ENVELOPE: Message = Object.freeze([]) as unknown as Message;
/** The envelope of a request straight from a REQ: the empty delimiter alone (never written to). */
const DELIMITER_ONLY: Message = Object.freeze([EMPTY_FRAME]) as unknown as Message;

export class RepSocket extends SocketBase {
  private readonly fq = new FairQueue();
  private sendingReply = false;
  private envelope: Message = NO_ENVELOPE;
  private replyPipe: Pipe | undefined;

  constructor(context: Context) {
    super(context, "REP");
  }

  protected xattachPipe(pipe: Pipe): void {
    this.fq.attach(pipe);
  }

  protected xpipeTerminated(pipe: Pipe): void {
    this.fq.detach(pipe);
    if (this.replyPipe === pipe) this.replyPipe = undefined;
  }

  protected xrecv(): Message | undefined {
    if (this.sendingReply) throw new ZmqError("EFSM");
    for (;;) {
      const message = this.fq.recv();
      if (message === undefined) return undefined;
      let delimiter = 0;
      while (delimiter < message.length && message[delimiter]!.length !== 0) delimiter++;
      if (delimiter === message.length) continue;
      // The socket owns the received array: the envelope is cut off it, not copied twice. A
      // REQ's envelope is the delimiter alone, shifted off (a splice makes an array).
      if (delimiter === 0) {
        message.shift();
        this.envelope = DELIMITER_ONLY;
      } else {
        this.envelope = message.splice(0, delimiter + 1);
      }
      this.replyPipe = this.fq.lastPipe;
      this.sendingReply = true;
      return message;
    }
  }

  protected xsend(message: Message): boolean {
    if (!this.sendingReply) throw new ZmqError("EFSM");
    this.sendingReply = false;
    const pipe = this.replyPipe;
    this.replyPipe = undefined;
    const envelope = this.envelope;
    this.envelope = NO_ENVELOPE;
    let reply: Message;
    if (envelope === DELIMITER_ONLY) {
      // A new array of the right size for the common one-part reply.
      reply = message.length === 1 ? [EMPTY_FRAME, message[0]!] : [EMPTY_FRAME, ...message];
    } else {
      // The saved envelope is used once: the parts go after it, in place.
      reply = envelope;
      for (let index = 0; index < message.length; index++) reply.push(message[index]!);
    }
    pipe?.write(reply);
    return true;
  }

  protected override xhasIn(): boolean {
    return !this.sendingReply && this.fq.hasIn();
  }

  protected override xhasOut(): boolean {
    return this.sendingReply;
  }
}
