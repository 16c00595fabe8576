/**
 * `ZapHandler`: the ready ZAP handler (czmq zauth style) bound in a zmtp Context. It binds a
 * Router at inproc://zeromq.zap.01, answers each request with @zmtp/security's
 * ZapAuthenticator policy and reports each decision. Change the policy any time with
 * `configure()`: open sockets keep running, the next handshake sees the new rules.
 *
 *   const auth = new ZapHandler({ allow: ["127.0.0.1"], passwords: { admin: "secret" } })
 *   await auth.start()
 *   auth.onDecision((decision) => log(decision))
 */
import { ZAP_ENDPOINT, ZapAuthenticator, type ZapPolicy } from "@zmtp/security";
import type { Context } from "./context";
import { Router } from "./sockets";

export interface ZapHandlerOptions extends ZapPolicy {
  /** The context whose sockets it authenticates (the default context otherwise). */
  readonly context?: Context;
}

export class ZapHandler extends ZapAuthenticator {
  private readonly context: Context | undefined;
  private router: Router | undefined;

  constructor(options: ZapHandlerOptions = {}) {
    const { context, ...policy } = options;
    super(policy);
    this.context = context;
  }

  /** Binds at inproc://zeromq.zap.01 and starts answering (EADDRINUSE if a handler is bound). */
  async start(): Promise<void> {
    if (this.router !== undefined) return;
    const router = new Router(this.context === undefined ? {} : { context: this.context });
    router.linger = 0;
    router.sendHighWaterMark = 0;
    router.receiveHighWaterMark = 0;
    try {
      await router.bind(ZAP_ENDPOINT);
    } catch (error) {
      router.close();
      throw error;
    }
    this.router = router;
    void this.serve(router);
  }

  private async serve(router: Router): Promise<void> {
    for await (const frames of router) {
      // [routing id..., empty delimiter, request...]: answer with the same envelope.
      const delimiter = frames.findIndex((frame) => frame.length === 0);
      if (delimiter < 0) continue;
      const reply = this.handle(frames.slice(delimiter));
      if (reply === undefined) continue;
      try {
        await router.send([...frames.slice(0, delimiter), ...reply]);
      } catch {
        if (router.closed) return;
      }
    }
  }

  /** Stops answering; sockets then see no handler (libzmq's rules for that case apply). */
  close(): void {
    this.router?.close();
    this.router = undefined;
  }
}
