/**
 * The zeromq.js `Context`: what sockets share. Each context has its own inproc namespace and
 * registers the default transports (tcp, ipc, inproc) and mechanisms with the core context.
 */
import { Context as CoreContext } from "@zmtp/core";
import { inproc } from "@zmtp/transport-inproc";
import { ipc } from "@zmtp/transport-ipc";
import { tcp } from "@zmtp/transport-tcp";
import { installSecurity } from "./zap-client";

export interface ContextOptions {
  blocky: boolean;
  ioThreads: number;
  maxMessageSize: number;
  maxSockets: number;
  ipv6: boolean;
  threadPriority: number;
  threadSchedulingPolicy: number;
}

const core = new WeakMap<Context, CoreContext>();

/** @internal The core context behind a zeromq.js-style context. */
export function coreContext(context: Context): CoreContext {
  return core.get(context)!;
}

export class Context {
  /** Whether sockets linger by default (true) or drop queued messages at close (linger 0). */
  blocky = true;
  /** Accepted for compatibility; zmtp runs on the JavaScript event loop. */
  ioThreads = 1;
  maxMessageSize = -1;
  maxSockets = 1023;
  ipv6 = false;

  constructor(options: Partial<ContextOptions> = {}) {
    if (typeof options !== "object" || options === null) {
      throw new TypeError("Options must be an object");
    }
    const context = new CoreContext();
    context.registerTransport(tcp()).registerTransport(ipc()).registerTransport(inproc());
    installSecurity(context);
    core.set(this, context);
    Object.seal(this);
    Object.assign(this, options);
  }

  get maxSocketsLimit(): number {
    return 65535;
  }

  set threadPriority(_value: number) {}

  set threadSchedulingPolicy(_value: number) {}
}

/** The default context, shared by sockets created without a `context` option. */
export const context: Context = new Context();
