/**
 * The steerable proxy's control protocol (libzmq zmq_proxy_steerable(3)): a control socket
 * sends one-frame commands `PAUSE`, `RESUME`, `TERMINATE` and `STATISTICS`; STATISTICS is
 * answered with eight frames of one unsigned 64-bit counter each.
 *
 * The counters and their order are libzmq 4.3.4's (src/proxy.cpp): frontend frames received,
 * frontend bytes received, frontend frames sent, frontend bytes sent, then the same four for the
 * backend. libzmq counts message parts (each a `zmq_msg_t`), so a three-frame message counts
 * three. libzmq copies each counter in host byte order; zmtp always writes little-endian, the
 * order of every host libzmq is commonly built for (x86-64, ARM64), so a zmtp proxy answers
 * byte for byte as libzmq does there.
 *
 * PAUSE and RESUME mean what their names say, as in libzmq 4.3.4 and master. libzmq 4.3.5 has
 * them swapped (its PAUSE resumes and its RESUME pauses); zmtp does not reproduce that bug.
 */
import type { Message } from "@zmtp/core";

export const CONTROL_COMMANDS = ["PAUSE", "RESUME", "TERMINATE", "STATISTICS"] as const;
export type ControlCommand = (typeof CONTROL_COMMANDS)[number];

/** What a proxy counts on one side: received or sent. */
export interface FrameCounters {
  /** Message parts, as libzmq counts them. */
  frames: number;
  bytes: number;
}

/** zmtp also keeps whole (multipart) messages, which libzmq does not report. */
export interface ProxyCounters extends FrameCounters {
  messages: number;
}

export interface SideStatistics<C extends FrameCounters = ProxyCounters> {
  /** What the proxy read from this socket. */
  readonly received: C;
  /** What the proxy wrote to this socket. */
  readonly sent: C;
}

export interface ProxyStatistics<C extends FrameCounters = ProxyCounters> {
  readonly frontend: SideStatistics<C>;
  readonly backend: SideStatistics<C>;
}

const encoder = new TextEncoder();
const COMMAND_BYTES: ReadonlyMap<ControlCommand, Uint8Array> = new Map(
  CONTROL_COMMANDS.map((name) => [name, encoder.encode(name)]),
);

/** The command a control message carries (its first frame, exactly), or undefined. */
export function parseControlCommand(message: Message): ControlCommand | undefined {
  const frame = message[0];
  if (frame === undefined) return undefined;
  for (const [name, bytes] of COMMAND_BYTES) {
    if (frame.length === bytes.length && frame.every((byte, i) => byte === bytes[i])) return name;
  }
  return undefined;
}

/** The control message for a command, to send to a steerable proxy's control socket. */
export function controlMessage(command: ControlCommand): Message {
  return [COMMAND_BYTES.get(command)!.slice()];
}

/** The eight counters in libzmq's order. */
function counters(statistics: ProxyStatistics<FrameCounters>): number[] {
  const { frontend, backend } = statistics;
  return [
    frontend.received.frames,
    frontend.received.bytes,
    frontend.sent.frames,
    frontend.sent.bytes,
    backend.received.frames,
    backend.received.bytes,
    backend.sent.frames,
    backend.sent.bytes,
  ];
}

/** The STATISTICS reply: eight 8-byte frames, little-endian u64. */
export function encodeStatistics(statistics: ProxyStatistics<FrameCounters>): Message {
  return counters(statistics).map((value) => {
    const frame = new Uint8Array(8);
    new DataView(frame.buffer).setBigUint64(0, BigInt(value), true);
    return frame;
  });
}

/** Reads a STATISTICS reply (from zmtp or libzmq). Throws RangeError on a malformed one. */
export function decodeStatistics(message: Message): ProxyStatistics<FrameCounters> {
  if (message.length !== 8 || message.some((frame) => frame.length !== 8)) {
    throw new RangeError("A STATISTICS reply has 8 frames of 8 bytes");
  }
  const values = message.map((frame) =>
    Number(new DataView(frame.buffer, frame.byteOffset, 8).getBigUint64(0, true)),
  );
  const pair = (offset: number): FrameCounters => ({
    frames: values[offset]!,
    bytes: values[offset + 1]!,
  });
  return {
    frontend: { received: pair(0), sent: pair(2) },
    backend: { received: pair(4), sent: pair(6) },
  };
}
