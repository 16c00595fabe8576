/**
 * REQ (RFC 28): a DEALER in lockstep. Each request gets an empty delimiter frame and goes to one
 * peer; only a reply from that peer, with the delimiter, is accepted; others are dropped. Sending
 * twice, or receiving before sending, is EFSM, unless `relaxed` (a new request abandons the old
 * one). With `correlate`, a request id frame precedes the delimiter and replies must echo it.
 */
import { type Context, EMPTY_FRAME, type Message, type Pipe } from "@zmtp/core";
import { ZmqError } from "@zmtp/spec";
import { DealerSocket } from "./dealer";

export class ReqSocket extends DealerSocket {
  private receivingReply = false;
  private replyPipe: Pipe | undefined;
  private requestId = Math.floor(Math.random() * 0xffffffff) >>> 0;

  constructor(context: Context) {
    super(context, "REQ");
  }

  protected override xsend(message: Message): boolean {
    if (this.receivingReply && !this.options.relaxed) {
      throw new ZmqError("EFSM");
    }
    // The envelope, then the parts, in one new array (Array.prototype.concat costs more); a
    // one-part request in an array made at its size.
    let request: Message;
    if (this.options.correlate) {
      this.requestId = (this.requestId + 1) >>> 0;
      request = [encodeId(this.requestId), EMPTY_FRAME];
      for (let index = 0; index < message.length; index++) request.push(message[index]!);
    } else if (message.length === 1) {
      request = [EMPTY_FRAME, message[0]!];
    } else {
      request = [EMPTY_FRAME];
      for (let index = 0; index < message.length; index++) request.push(message[index]!);
    }
    const pipe = this.lb.send(request);
    if (pipe === undefined) return false;
    this.replyPipe = pipe;
    this.receivingReply = true;
    return true;
  }

  protected override xrecv(): Message | undefined {
    if (!this.receivingReply) {
      throw new ZmqError("EFSM");
    }
    for (;;) {
      const message = this.fq.recv();
      if (message === undefined) return undefined;
      // Replies from other peers, or without a proper envelope, are dropped (libzmq req_t).
      if (this.fq.lastPipe !== this.replyPipe) continue;
      let index = 0;
      if (this.options.correlate) {
        const id = message[0];
        if (id === undefined || id.length !== 4 || decodeId(id) !== this.requestId) continue;
        index = 1;
      }
      if (message[index]?.length !== 0) continue;
      this.receivingReply = false;
      this.replyPipe = undefined;
      // The socket owns the received array: drop the envelope in place.
      if (index === 0) message.shift();
      else message.splice(0, index + 1);
      return message;
    }
  }

  protected override xhasOut(): boolean {
    return (!this.receivingReply || this.options.relaxed) && super.xhasOut();
  }

  protected override xhasIn(): boolean {
    return this.receivingReply && super.xhasIn();
  }

  protected override xpipeTerminated(pipe: Pipe): void {
    super.xpipeTerminated(pipe);
    if (pipe === this.replyPipe && this.options.relaxed) {
      this.receivingReply = false;
      this.replyPipe = undefined;
    }
  }
}

function encodeId(id: number): Uint8Array {
  const bytes = new Uint8Array(4);
  new DataView(bytes.buffer).setUint32(0, id);
  return bytes;
}

function decodeId(bytes: Uint8Array): number {
  return new DataView(bytes.buffer, bytes.byteOffset, 4).getUint32(0);
}
