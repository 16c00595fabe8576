/**
 * A ready ZAP handler policy (RFC 27), in the style of czmq's zauth: addresses allowed or
 * denied (single IPs or CIDR ranges), PLAIN passwords, CURVE "allow any" or a list of allowed
 * client keys (with certificate metadata), optionally per ZAP domain. It decides synchronously
 * and reports every decision to listeners. `configure()` swaps the policy at once: sockets keep
 * running and the next handshake sees the new rules.
 *
 * Rules, as zauth applies them: if the allow list is non-empty, an address outside it is refused
 * and the deny list is not consulted; otherwise an address in the deny list is refused. Then NULL
 * is accepted, PLAIN needs a matching username and password, CURVE a known key (or "any").
 * The User-Id is the PLAIN username or the CURVE key in Z85, as zauth sets it.
 *
 * This file is portable (no I/O); the `zmtp` package binds it at inproc://zeromq.zap.01, and
 * `@zmtp/security/node` loads password files and certificate directories into a policy.
 */
import { utf8Decode, utf8Encode, z85Encode } from "@zmtp/codec";
import { type ZapReply, type ZapRequest, ZmqError } from "@zmtp/spec";
import { AddressRange } from "./address-range";
import { curveKeyBytes } from "./keys";
import { decodeZapRequest, encodeZapReply } from "./zap";

/** An allowed CURVE client: its public key and the metadata to hand back (from its certificate). */
export interface CurveClientEntry {
  readonly publicKey: string | Uint8Array;
  readonly metadata?: Readonly<Record<string, string>>;
}

export interface ZapDomainPolicy {
  /** Addresses or CIDR ranges allowed; when non-empty, only these may connect. */
  readonly allow?: readonly string[];
  /** Addresses or CIDR ranges refused (not consulted when `allow` is non-empty). */
  readonly deny?: readonly string[];
  /** PLAIN: username -> password. Without it, every PLAIN client is refused. */
  readonly passwords?: ReadonlyMap<string, string> | Readonly<Record<string, string>>;
  /** CURVE: "any" (encryption without client authentication) or the allowed client keys. */
  readonly curve?: "any" | readonly (string | Uint8Array | CurveClientEntry)[];
  /** NULL clients; accepted unless false. */
  readonly allowNull?: boolean;
}

export interface ZapPolicy extends ZapDomainPolicy {
  /** Policies for given ZAP domains; a domain not listed uses the top-level policy. */
  readonly domains?: Readonly<Record<string, ZapDomainPolicy>>;
}

/** One decision, as reported to `onDecision` listeners. */
export interface ZapDecision {
  readonly domain: string;
  readonly address: string;
  readonly mechanism: string;
  readonly routingId: Uint8Array;
  readonly allowed: boolean;
  readonly statusCode: string;
  readonly statusText: string;
  readonly userId: string;
  /** Why: "allowed", "address not allowed", "address denied", "bad password", ... */
  readonly reason: string;
}

export type ZapDecisionListener = (decision: ZapDecision) => void;

interface CompiledDomain {
  readonly allow: readonly AddressRange[];
  readonly deny: readonly AddressRange[];
  readonly passwords: ReadonlyMap<string, string> | undefined;
  readonly curveAny: boolean;
  readonly curveKeys: ReadonlyMap<string, ReadonlyMap<string, Uint8Array>>;
  readonly allowNull: boolean;
}

interface Compiled {
  readonly fallback: CompiledDomain;
  readonly domains: ReadonlyMap<string, CompiledDomain>;
}

function ranges(list: readonly string[] | undefined): AddressRange[] {
  return (list ?? []).map((text) => {
    const range = AddressRange.parse(text);
    if (range === undefined) throw new ZmqError("EINVAL", `Not an address or range: "${text}"`);
    return range;
  });
}

function compileDomain(policy: ZapDomainPolicy): CompiledDomain {
  const curveKeys = new Map<string, ReadonlyMap<string, Uint8Array>>();
  if (policy.curve !== undefined && policy.curve !== "any") {
    for (const entry of policy.curve) {
      const isEntry = typeof entry === "object" && !(entry instanceof Uint8Array);
      const key = curveKeyBytes(isEntry ? entry.publicKey : entry);
      const metadata = new Map<string, Uint8Array>();
      for (const [name, value] of Object.entries(isEntry ? (entry.metadata ?? {}) : {})) {
        metadata.set(name, utf8Encode(value));
      }
      curveKeys.set(z85Encode(key), metadata);
    }
  }
  const passwords =
    policy.passwords === undefined
      ? undefined
      : policy.passwords instanceof Map
        ? new Map(policy.passwords)
        : new Map(Object.entries(policy.passwords));
  return {
    allow: ranges(policy.allow),
    deny: ranges(policy.deny),
    passwords,
    curveAny: policy.curve === "any",
    curveKeys,
    allowNull: policy.allowNull !== false,
  };
}

function compile(policy: ZapPolicy): Compiled {
  const domains = new Map<string, CompiledDomain>();
  for (const [name, domain] of Object.entries(policy.domains ?? {})) {
    domains.set(name, compileDomain(domain));
  }
  return { fallback: compileDomain(policy), domains };
}

const NO_METADATA: ReadonlyMap<string, Uint8Array> = new Map();

export class ZapAuthenticator {
  private compiled: Compiled;
  private current: ZapPolicy;
  private readonly listeners = new Set<ZapDecisionListener>();

  constructor(policy: ZapPolicy = {}) {
    this.current = policy;
    this.compiled = compile(policy);
  }

  get policy(): ZapPolicy {
    return this.current;
  }

  /** Replaces the policy (EINVAL if it does not parse; the old one then stays). */
  configure(policy: ZapPolicy): void {
    this.compiled = compile(policy);
    this.current = policy;
  }

  /** Calls `listener` with every decision; returns a function that stops it. */
  onDecision(listener: ZapDecisionListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Decides one request (RFC 27 §"Reply"): 200 with a User-Id, or 400 "No access". */
  authenticate(request: ZapRequest): ZapReply {
    const policy = this.compiled.domains.get(request.domain) ?? this.compiled.fallback;
    let reason = "allowed";
    let userId = "";
    let metadata = NO_METADATA;
    const allowedHere =
      policy.allow.length > 0
        ? policy.allow.some((range) => range.contains(request.address))
        : !policy.deny.some((range) => range.contains(request.address));
    if (!allowedHere) {
      reason = policy.allow.length > 0 ? "address not allowed" : "address denied";
    } else if (request.mechanism === "NULL") {
      if (!policy.allowNull) reason = "NULL not allowed";
    } else if (request.mechanism === "PLAIN") {
      const [user, pass] = request.credentials;
      const username = user === undefined ? "" : utf8Decode(user);
      const expected = policy.passwords?.get(username);
      if (pass === undefined || expected === undefined || expected !== utf8Decode(pass)) {
        reason = policy.passwords === undefined ? "PLAIN not configured" : "bad password";
      } else {
        userId = username;
      }
    } else if (request.mechanism === "CURVE") {
      const key = request.credentials[0];
      const text = key?.length === 32 ? z85Encode(key) : undefined;
      const known = text === undefined ? undefined : policy.curveKeys.get(text);
      if (text === undefined || (!policy.curveAny && known === undefined)) {
        reason = "unknown client key";
      } else {
        userId = text;
        metadata = known ?? NO_METADATA;
      }
    } else {
      reason = `mechanism ${request.mechanism} not supported`;
    }
    const allowed = reason === "allowed";
    const reply: ZapReply = allowed
      ? { statusCode: "200", statusText: "OK", userId, metadata }
      : { statusCode: "400", statusText: "No access", userId: "", metadata: NO_METADATA };
    const decision: ZapDecision = {
      domain: request.domain,
      address: request.address,
      mechanism: request.mechanism,
      routingId: request.routingId,
      allowed,
      statusCode: reply.statusCode,
      statusText: reply.statusText,
      userId: reply.userId,
      reason,
    };
    for (const listener of this.listeners) listener(decision);
    return reply;
  }

  /**
   * Answers request frames as a ROUTER or REP handler reads them (from the empty delimiter
   * on); a request that does not parse gets 500 when it has a request id, else nothing.
   */
  handle(frames: readonly Uint8Array[]): Uint8Array[] | undefined {
    let decoded: ReturnType<typeof decodeZapRequest>;
    try {
      decoded = decodeZapRequest(frames);
    } catch (error) {
      const requestId = frames[2];
      if (requestId === undefined || frames[0]?.length !== 0) return undefined;
      return encodeZapReply(requestId, {
        statusCode: "500",
        statusText: error instanceof Error ? error.message : "Bad request",
        userId: "",
        metadata: NO_METADATA,
      });
    }
    return encodeZapReply(decoded.requestId, this.authenticate(decoded.request));
  }
}
