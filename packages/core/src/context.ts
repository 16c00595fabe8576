/**
 * A Context holds what sockets share: the transports and mechanisms they may use (handed in,
 * never imported here, so users load only what they need), the ZAP handler, and the sockets
 * themselves so that closing the context closes them.
 */
import type { MechanismFactory, Transport, ZapClient } from "@zmtp/spec";
import { ZmqError } from "@zmtp/spec";
import { nullMechanism } from "./null-mechanism";

/** What a socket registers with its context. */
export interface ContextMember {
  close(): Promise<void>;
}

export class Context {
  private readonly transports = new Map<string, Transport>();
  private readonly mechanisms = new Map<string, MechanismFactory>([["NULL", nullMechanism]]);
  private readonly members = new Set<ContextMember>();
  /** The ZAP handler (RFC 27) sockets of this context ask; undefined when none is bound. */
  zap: ZapClient | undefined;
  private terminated = false;

  registerTransport(transport: Transport): this {
    this.transports.set(transport.protocol, transport);
    return this;
  }

  transport(protocol: string): Transport | undefined {
    return this.transports.get(protocol);
  }

  get protocols(): string[] {
    return [...this.transports.keys()];
  }

  registerMechanism(mechanism: MechanismFactory): this {
    this.mechanisms.set(mechanism.name, mechanism);
    return this;
  }

  mechanism(name: string): MechanismFactory | undefined {
    return this.mechanisms.get(name);
  }

  get closed(): boolean {
    return this.terminated;
  }

  /** @internal Called by sockets. */
  add(member: ContextMember): void {
    if (this.terminated) throw new ZmqError("EFAULT");
    this.members.add(member);
  }

  /** @internal Called by sockets when they close. */
  remove(member: ContextMember): void {
    this.members.delete(member);
  }

  get socketCount(): number {
    return this.members.size;
  }

  /** Closes every socket (each lingers per its own option) and refuses new ones. */
  async close(): Promise<void> {
    this.terminated = true;
    await Promise.all([...this.members].map((member) => member.close()));
  }
}
