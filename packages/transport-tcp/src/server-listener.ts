/**
 * A `Listener` over a Node `net.Server`, shared by the stream transports (tcp, ipc).
 */
import type { Server } from "node:net";
import type { Listener } from "@zmtp/spec";

export class ServerListener implements Listener {
  private closing: Promise<void> | undefined;

  constructor(
    private readonly server: Server,
    readonly endpoint: string,
  ) {}

  unref(): void {
    this.server.unref();
  }

  close(): Promise<void> {
    // server.close() releases the address at once (for a Unix socket libuv also unlinks its
    // file); its callback would wait for accepted connections, which outlive the listener
    // (their owner closes them), so it is not awaited.
    this.closing ??= Promise.resolve().then(() => {
      this.server.close();
    });
    return this.closing;
  }
}
