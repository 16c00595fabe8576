/**
 * Routing ids for peers that did not choose one: five bytes, a zero then a 32-bit counter
 * starting at a random value, as libzmq generates them (a leading zero never clashes with a
 * peer-chosen id, which RFC 37 forbids to start with zero).
 */
import { bytesKey, type Pipe } from "@zmtp/core";

export class RoutingIdTable {
  private readonly byId = new Map<string, Pipe>();
  private next = Math.floor(Math.random() * 0x100000000) >>> 0;

  generate(): Uint8Array {
    const id = new Uint8Array(5);
    new DataView(id.buffer).setUint32(1, this.next);
    this.next = (this.next + 1) >>> 0;
    return id;
  }

  get(id: Uint8Array): Pipe | undefined {
    return this.byId.get(bytesKey(id));
  }

  set(id: Uint8Array, pipe: Pipe): void {
    this.byId.set(bytesKey(id), pipe);
  }

  delete(pipe: Pipe): void {
    if (pipe.routingId === undefined) return;
    const key = bytesKey(pipe.routingId);
    if (this.byId.get(key) === pipe) this.byId.delete(key);
  }

  get size(): number {
    return this.byId.size;
  }
}
