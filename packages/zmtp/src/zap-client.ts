/**
 * The ZAP client (RFC 27) of each zmtp Context. Server-side mechanisms call `context.zap`;
 * when a socket of the same context is bound at inproc://zeromq.zap.01 (the application's ZAP
 * handler, a Router or Reply as with libzmq and zeromq.js), the request goes there through one
 * internal DEALER, and replies are matched to requests by request id. When nothing is bound
 * there, `zap` answers undefined: "no handler", and each mechanism applies libzmq's rule.
 */
import type { Context as CoreContext } from "@zmtp/core";
import { DealerSocket } from "@zmtp/patterns";
import {
  decodeZapReply,
  encodeZapRequest,
  plain,
  ZAP_ENDPOINT,
  ZapProtocolError,
} from "@zmtp/security";
import { curve } from "@zmtp/security/curve";
import type { ZapReply, ZapRequest } from "@zmtp/spec";
import { InprocTransport } from "@zmtp/transport-inproc";

const ZAP_NAME = ZAP_ENDPOINT.slice("inproc://".length);

interface Waiting {
  readonly resolve: (reply: ZapReply) => void;
  readonly reject: (error: Error) => void;
}

class ZapDealer {
  private readonly socket: DealerSocket;
  private readonly waiting = new Map<string, Waiting>();
  private nextId = 1;

  constructor(context: CoreContext) {
    this.socket = new DealerSocket(context);
    // libzmq disables the high-water marks of its ZAP pipe; requests are never dropped.
    this.socket.options.sendHighWaterMark = 0;
    this.socket.options.receiveHighWaterMark = 0;
    this.socket.options.linger = 0;
    this.socket.onReadable = () => this.read();
    this.socket.connect(ZAP_ENDPOINT);
  }

  ask(request: ZapRequest): Promise<ZapReply> {
    const id = String(this.nextId++);
    return new Promise<ZapReply>((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.socket.send(encodeZapRequest(new TextEncoder().encode(id), request));
    });
  }

  private read(): void {
    for (;;) {
      let frames: Uint8Array[] | undefined;
      try {
        frames = this.socket.receive();
      } catch {
        return;
      }
      if (frames === undefined) return;
      this.answer(frames);
    }
  }

  private answer(frames: Uint8Array[]): void {
    const id = frames[2] === undefined ? "" : new TextDecoder().decode(frames[2]);
    let waiting = this.waiting.get(id);
    let key = id;
    if (waiting === undefined && this.waiting.size === 1) {
      // An id we never sent, with one request open: libzmq's ERR_ZAP_BAD_REQUEST_ID for it.
      [key, waiting] = [...this.waiting][0]!;
      this.waiting.delete(key);
      waiting.reject(
        new ZapProtocolError("ERR_ZAP_BAD_REQUEST_ID", "ZAP reply for another request"),
      );
      return;
    }
    if (waiting === undefined) return;
    this.waiting.delete(key);
    try {
      waiting.resolve(decodeZapReply(frames).reply);
    } catch (error) {
      waiting.reject(error as Error);
    }
  }
}

/** Installs the ZAP client on a core context (done by every zmtp Context). */
export function installZapClient(context: CoreContext): void {
  let dealer: ZapDealer | undefined;
  context.zap = (request) => {
    const inproc = context.transport("inproc");
    if (!(inproc instanceof InprocTransport) || !inproc.isBound(ZAP_NAME)) return undefined;
    dealer ??= new ZapDealer(context);
    return dealer.ask(request);
  };
}

/** What every zmtp Context gets: the PLAIN and CURVE mechanisms and the ZAP client. */
export function installSecurity(context: CoreContext): void {
  context.registerMechanism(plain).registerMechanism(curve);
  installZapClient(context);
}
