/**
 * The socket classes of zeromq.js v6, with their type-specific options and methods.
 */
import type { SubSocket } from "@zmtp/patterns";
import {
  booleanOption,
  defineGeneralOptions,
  defineReceiveOptions,
  defineSendOptions,
  defineVerbosity,
  defineWelcomeMessage,
  routingIdOption,
} from "./options";
import { defineSecurityOptions } from "./security-options";
import { Socket, type SocketOptions, stateOf } from "./socket";

defineGeneralOptions(Socket.prototype);
defineSendOptions(Socket.prototype);
defineReceiveOptions(Socket.prototype);
defineSecurityOptions(Socket.prototype);

export const SocketType = {
  Pair: 0,
  Publisher: 1,
  Subscriber: 2,
  Request: 3,
  Reply: 4,
  Dealer: 5,
  Router: 6,
  Pull: 7,
  Push: 8,
  XPublisher: 9,
  XSubscriber: 10,
  Stream: 11,
} as const;

function bytes(value: string | Uint8Array): Uint8Array {
  return typeof value === "string" ? Buffer.from(value, "utf8") : value;
}

export class Pair extends Socket {
  constructor(options?: SocketOptions) {
    super(SocketType.Pair, options);
  }
}

export class Publisher extends Socket {
  declare noDrop: boolean;
  declare conflate: boolean;
  declare invertMatching: boolean;

  constructor(options?: SocketOptions) {
    super(SocketType.Publisher, options);
  }
}
booleanOption(Publisher.prototype, "noDrop", "noDrop", true);
booleanOption(Publisher.prototype, "conflate", "conflate", true);
booleanOption(Publisher.prototype, "invertMatching", "invertMatching");

export class Subscriber extends Socket {
  declare conflate: boolean;
  declare invertMatching: boolean;

  constructor(options?: SocketOptions) {
    super(SocketType.Subscriber, options);
  }

  /** Subscribes to messages starting with each prefix; no prefix subscribes to everything. */
  subscribe(...prefixes: (string | Uint8Array)[]): void {
    const core = stateOf(this).core as SubSocket;
    if (prefixes.length === 0) core.subscribe(new Uint8Array(0));
    for (const prefix of prefixes) core.subscribe(bytes(prefix));
  }

  /** Cancels subscriptions; no prefix cancels the subscription to everything. */
  unsubscribe(...prefixes: (string | Uint8Array)[]): void {
    const core = stateOf(this).core as SubSocket;
    if (prefixes.length === 0) core.unsubscribe(new Uint8Array(0));
    for (const prefix of prefixes) core.unsubscribe(bytes(prefix));
  }
}
booleanOption(Subscriber.prototype, "conflate", "conflate", true);
booleanOption(Subscriber.prototype, "invertMatching", "invertMatching");

export class Request extends Socket {
  declare routingId: string | null;
  declare probeRouter: boolean;
  declare correlate: boolean;
  declare relaxed: boolean;

  constructor(options?: SocketOptions) {
    super(SocketType.Request, options);
  }
}
routingIdOption(Request.prototype);
booleanOption(Request.prototype, "probeRouter", "probeRouter", true);
booleanOption(Request.prototype, "correlate", "correlate", true);
booleanOption(Request.prototype, "relaxed", "relaxed", true);

export class Reply extends Socket {
  declare routingId: string | null;

  constructor(options?: SocketOptions) {
    super(SocketType.Reply, options);
  }
}
routingIdOption(Reply.prototype);

export class Dealer extends Socket {
  declare routingId: string | null;
  declare probeRouter: boolean;
  declare conflate: boolean;

  constructor(options?: SocketOptions) {
    super(SocketType.Dealer, options);
  }
}
routingIdOption(Dealer.prototype);
booleanOption(Dealer.prototype, "probeRouter", "probeRouter", true);
booleanOption(Dealer.prototype, "conflate", "conflate", true);

export interface RouterConnectOptions {
  routingId?: string | Uint8Array;
}

export class Router extends Socket {
  declare routingId: string | null;
  declare mandatory: boolean;
  declare probeRouter: boolean;
  declare handover: boolean;

  constructor(options?: SocketOptions) {
    super(SocketType.Router, options);
  }

  override connect(address: string, options: RouterConnectOptions = {}): void {
    super.connect(address, options);
  }
}
routingIdOption(Router.prototype);
booleanOption(Router.prototype, "mandatory", "mandatory");
booleanOption(Router.prototype, "probeRouter", "probeRouter", true);
booleanOption(Router.prototype, "handover", "handover", true);

export class Pull extends Socket {
  declare conflate: boolean;

  constructor(options?: SocketOptions) {
    super(SocketType.Pull, options);
  }
}
booleanOption(Pull.prototype, "conflate", "conflate", true);

export class Push extends Socket {
  declare conflate: boolean;

  constructor(options?: SocketOptions) {
    super(SocketType.Push, options);
  }
}
booleanOption(Push.prototype, "conflate", "conflate", true);

export class XPublisher extends Socket {
  declare noDrop: boolean;
  declare manual: boolean;
  declare welcomeMessage: string | null;
  declare invertMatching: boolean;
  declare verbosity: null | "allSubs" | "allSubsUnsubs";

  constructor(options?: SocketOptions) {
    super(SocketType.XPublisher, options);
  }
}
booleanOption(XPublisher.prototype, "noDrop", "noDrop", true);
booleanOption(XPublisher.prototype, "manual", "manual", true);
booleanOption(XPublisher.prototype, "invertMatching", "invertMatching");
defineWelcomeMessage(XPublisher.prototype);
defineVerbosity(XPublisher.prototype);

export class XSubscriber extends Socket {
  constructor(options?: SocketOptions) {
    super(SocketType.XSubscriber, options);
  }
}

export class Stream extends Socket {
  declare notify: boolean;

  constructor(options?: SocketOptions) {
    super(SocketType.Stream, options);
  }

  override connect(address: string, options: RouterConnectOptions = {}): void {
    super.connect(address, options);
  }
}
booleanOption(Stream.prototype, "notify", "notify", true);
