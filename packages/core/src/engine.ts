/**
 * The ZMTP engine: one per connection. It sends and reads the greeting (RFC 23 §3.2), runs the
 * security handshake through a Mechanism, checks the peer's socket type, then moves messages
 * between the connection and a pipe, answers PING with PONG and sends heartbeats (RFC 37).
 *
 * Outbound messages queued in one event-loop turn are encoded into one batch and written with
 * one `Connection.write`. Inbound frames are views into the received chunk; reading stops while
 * the pipe is at its receive mark and resumes when the socket drains it.
 */
import {
  decodeCommand,
  decodePing,
  encodeCancel,
  encodeError,
  encodeGreeting,
  encodePing,
  encodePong,
  encodeSubscribe,
  FLAG_COMMAND,
  FLAG_MORE,
  type Frame,
  FrameDecoder,
  FrameEncoder,
  GreetingDecoder,
} from "@zmtp/codec";
import {
  type Connection,
  type HandshakeFailure,
  isCompatible,
  isZmqError,
  type Mechanism,
  type MechanismFactory,
  type SocketTypeName,
  type ZapClient,
  ZmqError,
} from "@zmtp/spec";
import { EMPTY_FRAME, type Message } from "./message";
import type { SocketOptions } from "./options";
import { ownBorrowed, type Pipe, type PipeEngine } from "./pipe";
import { scheduleMacrotask, unrefTimer } from "./schedule";

/** What an engine needs from its socket. */
export interface EngineHost {
  readonly socketType: SocketTypeName;
  readonly options: SocketOptions;
  readonly mechanism: MechanismFactory;
  readonly zap: ZapClient | undefined;
  /** The handshake succeeded: the socket hands back the pipe to use, or undefined to refuse. */
  engineReady(engine: ZmtpEngine): Pipe | undefined;
  /** The engine stopped; `failure` is set when the handshake failed. Called once. */
  engineStopped(
    engine: ZmtpEngine,
    error: ZmqError | undefined,
    failure: HandshakeFailure | undefined,
  ): void;
}

type State = "greeting" | "handshake" | "active" | "closed";

/**
 * In-process answers are delivered inside their send (write-through), so an in-process
 * request-reply runs as a chain of promise continuations within one event-loop turn. After this
 * many such deliveries the next message waits for the next macrotask, as every message did
 * before, so a ping-pong that never ends still lets I/O and timers run (about every 50 µs).
 */
const DIRECT_CHAIN_LIMIT = 128;
/** Write-through in-process deliveries since a scheduled flush last ran (any engine's). */
let directChain = 0;
/**
 * Inside a write-through delivery: a send that it sets off at once (a waiting send the receiving
 * socket retries) is flushed on the next macrotask, so no delivery reaches back into a socket
 * that is still in its own send.
 */
let delivering = false;

/** The engine of each connection, so an in-process peer can find the engine at the other end. */
const enginesByConnection = new WeakMap<Connection, ZmtpEngine>();

/** Stop batching and write once this many bytes are encoded. */
const BATCH_BYTES = 64 * 1024;
/** No parts from the third on yet (shared, never written to). */
const NO_PARTS = Object.freeze([]) as unknown as Uint8Array[];
/** Received parts up to this size are copied out of the transport's chunk (zeromq.js: 128). */
const COPY_RECEIVED_MAX = 128;
/** The size of the engines' write buffers. */
const WRITE_BUFFER_SIZE = 64 * 1024;

/**
 * Write buffers that engines gave back once everything they wrote had left (their connection
 * said `written()` and nothing was batched): the next engine to encode takes one instead of
 * allocating. An engine thus holds write memory only while it has bytes batched or in flight; a
 * quiet connection holds none, and connections that each send a burst in turn share a few
 * buffers instead of keeping up to two each for life. At most SPARE_BUFFERS_MAX wait here.
 */
const spareBuffers: Uint8Array[] = [];
const SPARE_BUFFERS_MAX = 16;
/**
 * Buffers up to this size are kept too: a frame larger than a write buffer (a CURVE MESSAGE of
 * 64 KiB, sealed in place) gets a buffer of its own size, and the next such frame reuses it.
 */
const SPARE_BUFFER_MAX_SIZE = 4 * WRITE_BUFFER_SIZE;

function recycleWriteBuffer(buffer: Uint8Array): void {
  if (
    buffer.length >= WRITE_BUFFER_SIZE &&
    buffer.length <= SPARE_BUFFER_MAX_SIZE &&
    spareBuffers.length < SPARE_BUFFERS_MAX
  ) {
    spareBuffers.push(buffer);
  }
}

/** The most recently given back buffer, if it holds `size` bytes (the encoder asks >= 64 KiB). */
function takeWriteBuffer(size: number): Uint8Array | undefined {
  const last = spareBuffers.at(-1);
  return last !== undefined && last.length >= size ? spareBuffers.pop() : undefined;
}

/** @internal How many write buffers wait to be taken (tests). */
export function spareWriteBuffers(): number {
  return spareBuffers.length;
}

export class ZmtpEngine implements PipeEngine {
  pipe: Pipe | undefined;
  /** Peer properties from the handshake. */
  peerProperties: ReadonlyMap<string, Uint8Array> = new Map();
  peerMinor = 1;
  userId = "";
  handshakeDone = false;

  private state: State = "greeting";
  private readonly greeting = new GreetingDecoder();
  private readonly decoder: FrameDecoder;
  /**
   * 64 KiB coalescing buffers: a batch of 4 KiB messages leaves in few, large chunks. From the
   * transport when it offers them (Node: no zero-fill).
   */
  private readonly encoder: FrameEncoder;
  private mechanism: Mechanism | undefined;
  /** The first part of a message being received, then its parts from the third on. */
  private firstPart: Uint8Array | undefined;
  private parts: Uint8Array[] = NO_PARTS;
  private chunks: Uint8Array[] = [];
  private readPaused = false;
  private waitingDrain = false;
  private flushScheduled = false;
  /** Messages encoded since the last write (they wait in the encoder for the scheduled one). */
  private encodedSinceWrite = 0;
  /**
   * The next message may be written at once, inside the send, instead of on the next macrotask.
   * Request-reply traffic (a send, then data from the peer, then a send) writes each message
   * straight away, which takes the event-loop hop off every round trip; a second send before the
   * peer said anything is a burst, and the rest of it is batched as before. Set again by data
   * from the peer and by a scheduled flush that found a single message.
   */
  private writeThrough = true;
  /** Inside `flush`: a send it wakes (a sender waiting at the mark) is batched, not re-entered. */
  private flushing = false;
  private closing = false;
  private stopped = false;
  /** Whether the connection keeps the process alive (transports start referenced). */
  private held = true;
  /** The peer closed while received data was still being delivered. */
  private peerGone = false;
  /** This side ended the connection (close, destroy, a failure it detected). */
  private selfClosed = false;
  private finished = false;
  private handshakeTimer: ReturnType<typeof setTimeout> | undefined;
  private heartbeatTimer: ReturnType<typeof setInterval> | undefined;
  private heartbeatDeadline: ReturnType<typeof setTimeout> | undefined;
  private ttlDeadline: ReturnType<typeof setTimeout> | undefined;
  private lingerTimer: ReturnType<typeof setTimeout> | undefined;
  private receivedSincePing = false;
  private ttlMs = 0;
  private readonly subscriptionCommands: boolean;
  /** The engine at the other end of an in-process connection, once messages go by reference. */
  private directPeer: ZmtpEngine | undefined;
  private directDecided = false;
  /** An in-process peer waiting for our pipe to make room. */
  private directWaiter: ZmtpEngine | undefined;
  /** The connection's allocator, for the decoder, the encoder and the mechanism's bodies. */
  private readonly allocate: ((size: number) => Uint8Array) | undefined;

  constructor(
    readonly connection: Connection,
    private readonly host: EngineHost,
    readonly endpoint: string,
  ) {
    // ZMQ_MAXMSGSIZE: any negative value means no limit.
    const { maxMessageSize } = host.options;
    const allocate = connection.allocateBuffer?.bind(connection);
    this.allocate = allocate;
    const view = connection.viewBuffer;
    this.decoder = new FrameDecoder({
      maxMessageSize: maxMessageSize < 0 ? -1 : maxMessageSize,
      ...(allocate === undefined ? {} : { allocate }),
      ...(view === undefined ? {} : { view }),
    });
    this.encoder = new FrameEncoder({
      bufferSize: WRITE_BUFFER_SIZE,
      allocate: (size) =>
        takeWriteBuffer(size) ?? (allocate === undefined ? new Uint8Array(size) : allocate(size)),
      // Only a connection that says when its writes left lets the encoder give buffers back.
      ...(connection.written === undefined ? {} : { recycle: recycleWriteBuffer }),
    });
    this.subscriptionCommands = host.socketType === "SUB" || host.socketType === "XSUB";
    enginesByConnection.set(connection, this);
  }

  start(): void {
    const { options } = this.host;
    if (options.handshakeInterval > 0) {
      this.handshakeTimer = setTimeout(() => {
        // libzmq reports its handshake timer as handshake:error:other with errno EAGAIN.
        this.fail(new ZmqError("EAGAIN", "Handshake timed out"), { kind: "other" });
      }, options.handshakeInterval);
    }
    this.connection.start({
      data: (chunk) => this.onData(chunk),
      drain: () => this.onDrain(),
      closed: (error) => this.onClosed(error),
    });
    this.connection.write([
      encodeGreeting({ mechanism: this.host.mechanism.name, asServer: this.host.options.asServer }),
    ]);
  }

  // ---- inbound ----------------------------------------------------------------------------

  /**
   * The connection closed. After an orderly close, what the peer sent before it is still
   * delivered: the engine stops once its queued chunks are decoded and handed to the pipe
   * (libzmq reads a stream to its end the same way before it sees the close).
   */
  private onClosed(error: ZmqError | undefined): void {
    const holding = this.readPaused || this.chunks.length > 0 || this.decoder.buffered > 0;
    if (error === undefined && this.state === "active" && holding && !this.selfClosed) {
      this.peerGone = true;
      if (!this.readPaused) {
        try {
          this.processFrames();
        } catch (failure) {
          this.failFrom(failure);
        }
      }
      return;
    }
    this.stop(error, undefined);
  }

  private onData(chunk: Uint8Array): void {
    if (this.stopped) return;
    this.receivedSincePing = true;
    this.writeThrough = true;
    if (this.ttlDeadline !== undefined) this.armTtl();
    if (this.readPaused || this.chunks.length > 0) {
      this.chunks.push(chunk);
      return;
    }
    this.consume(chunk);
  }

  private consume(chunk: Uint8Array): void {
    try {
      if (this.state === "greeting") {
        const used = this.greeting.push(chunk);
        if (!this.greeting.done) return;
        this.onGreeting();
        if (this.stopped) return;
        chunk = chunk.subarray(used);
      }
      if (chunk.length > 0) this.decoder.push(chunk);
      this.processFrames();
    } catch (error) {
      this.failFrom(error);
    }
  }

  private processFrames(): void {
    while (!this.readPaused && !this.stopped) {
      if (this.mechanism?.pending !== undefined) return;
      const body = this.decoder.nextBody();
      if (body === undefined) {
        // Everything decoded: take the next queued chunk, if any.
        if (this.chunks.length === 0) {
          if (this.peerGone) this.stop(undefined, undefined);
          return;
        }
        this.decoder.push(this.chunks.shift()!);
        continue;
      }
      if (this.state === "handshake") this.onHandshakeFrame(body, this.decoder.flags);
      else this.onFrame(body, this.decoder.flags);
    }
  }

  private onGreeting(): void {
    const greeting = this.greeting.greeting!;
    this.peerMinor = greeting.major > 3 ? 1 : Math.min(greeting.minor, 1);
    if (greeting.mechanism !== this.host.mechanism.name) {
      this.fail(new ZmqError("EPROTO", `Mechanism mismatch: peer uses ${greeting.mechanism}`), {
        kind: "protocol",
        protocolError: "ERR_ZMTP_MECHANISM_MISMATCH",
      });
      return;
    }
    const { options } = this.host;
    const properties = new Map<string, Uint8Array>([
      ["Socket-Type", new TextEncoder().encode(this.host.socketType)],
    ]);
    if (
      options.routingId !== undefined &&
      (this.host.socketType === "REQ" ||
        this.host.socketType === "DEALER" ||
        this.host.socketType === "ROUTER")
    ) {
      properties.set("Identity", options.routingId);
    }
    this.mechanism = this.host.mechanism.create({
      socketType: this.host.socketType,
      asServer: options.asServer,
      security: options.security,
      properties,
      peerAddress: this.connection.peerHost,
      zapDomain: options.zapDomain,
      zapEnforceDomain: options.zapEnforceDomain,
      zap: this.host.zap,
      ...(this.allocate === undefined ? {} : { allocate: this.allocate }),
    });
    this.state = "handshake";
    // A mechanism may wait on ZAP from the start (NULL with a ZAP domain, as libzmq does).
    this.afterMechanismStep();
  }

  /** Sends the mechanism's due commands; true when there were any. */
  private sendHandshakeCommands(): boolean {
    const mechanism = this.mechanism!;
    let command = mechanism.nextCommand();
    if (command === undefined) return false;
    while (command !== undefined) {
      this.encoder.writeCommand(command);
      command = mechanism.nextCommand();
    }
    this.writeBatch();
    return true;
  }

  private onHandshakeFrame(body: Uint8Array, flags: number): void {
    const mechanism = this.mechanism!;
    if ((flags & FLAG_COMMAND) === 0) {
      this.fail(new ZmqError("EPROTO", "Message before the handshake completed"), {
        kind: "protocol",
        protocolError: "ERR_ZMTP_UNEXPECTED_COMMAND",
      });
      return;
    }
    mechanism.receiveCommand(body);
    this.afterMechanismStep();
  }

  private afterMechanismStep(): void {
    const mechanism = this.mechanism!;
    if (mechanism.status === "error") {
      // A refusing server still owes the client its ERROR (RFC 27: the ZAP status as reason):
      // send it and flush it (end) before the connection is closed.
      const flush = this.sendHandshakeCommands();
      this.fail(
        new ZmqError("EPROTO", "Handshake failed"),
        mechanism.failure ?? { kind: "other" },
        flush,
      );
      return;
    }
    this.sendHandshakeCommands();
    if (mechanism.pending !== undefined) {
      mechanism.pending.then(() => {
        if (this.stopped) return;
        this.afterMechanismStep();
        this.processFrames();
      });
      return;
    }
    if (mechanism.status === "ready") this.onHandshakeDone();
  }

  private onHandshakeDone(): void {
    const mechanism = this.mechanism!;
    this.peerProperties = mechanism.peerProperties;
    this.userId = mechanism.userId;
    const peerType = new TextDecoder().decode(
      this.peerProperties.get("socket-type") ?? EMPTY_FRAME,
    );
    if (!isCompatible(this.host.socketType, peerType)) {
      this.encoder.writeCommand(encodeError("Invalid socket type"));
      this.fail(
        new ZmqError(
          "EPROTO",
          `Socket type ${this.host.socketType} cannot talk to ${peerType || "an unnamed peer"}`,
        ),
        { kind: "protocol", protocolError: "ERR_ZMTP_INVALID_METADATA" },
        true,
      );
      return;
    }
    clearTimeout(this.handshakeTimer);
    this.handshakeTimer = undefined;
    this.state = "active";
    this.handshakeDone = true;
    // Small message parts get memory of their own (Node's pool, through the transport): a kept
    // 16-byte message would otherwise keep its whole received chunk, often 64 KiB, alive, and
    // the copy costs what the view did. Not for frames a mechanism opens (it copies them anyway).
    if (mechanism.decode === undefined && this.allocate !== undefined) {
      this.decoder.copyMax = COPY_RECEIVED_MAX;
    }
    const pipe = this.host.engineReady(this);
    if (pipe === undefined) {
      this.destroy();
      return;
    }
    this.pipe = pipe;
    this.startHeartbeats();
    // Closing with messages queued before the connection was made: send them now, then end.
    if (this.closing) this.flush();
    else this.updateHold();
  }

  /**
   * An idle connection does not keep the process alive (zeromq.js sockets don't); one with
   * messages to write, or closing with linger, does. Transports without handles ignore this.
   */
  private updateHold(): void {
    const busy = this.closing || this.waitingDrain || (this.pipe?.outboundLength ?? 0) > 0;
    if (busy === this.held) return;
    this.held = busy;
    if (busy) this.connection.ref?.();
    else this.connection.unref?.();
  }

  /** One decoded frame (a Frame object only when the mechanism transforms frames). */
  private onFrame(body: Uint8Array, flags: number): void {
    if (this.mechanism?.decode !== undefined) {
      const input: Frame = {
        more: (flags & FLAG_MORE) !== 0,
        command: (flags & FLAG_COMMAND) !== 0,
        body,
      };
      const frame = this.mechanism.decode(input);
      body = frame.body;
      flags = (frame.more ? FLAG_MORE : 0) | (frame.command ? FLAG_COMMAND : 0);
    }
    if ((flags & FLAG_COMMAND) !== 0) {
      this.onCommand(body);
      return;
    }
    // The message's array is made at its size for one or two parts (a REQ's request is two),
    // and grown only from the third part on.
    const first = this.firstPart;
    if ((flags & FLAG_MORE) !== 0) {
      if (first === undefined) this.firstPart = body;
      else if (this.parts.length === 0) this.parts = [first, body];
      else this.parts.push(body);
      return;
    }
    if (first === undefined) {
      this.deliver([body]);
      return;
    }
    this.firstPart = undefined;
    const parts = this.parts;
    if (parts.length === 0) {
      this.deliver([first, body]);
      return;
    }
    parts.push(body);
    this.parts = NO_PARTS;
    this.deliver(parts);
  }

  private deliver(message: Message): void {
    const pipe = this.pipe;
    if (pipe === undefined) return;
    pipe.deliver(message);
    if (pipe.inboundFull) {
      this.readPaused = true;
      this.connection.pause();
      pipe.awaitDrain();
    }
  }

  private onCommand(body: Uint8Array): void {
    const command = decodeCommand(body);
    switch (command.name) {
      case "PING": {
        const { ttl, context } = decodePing(command.data);
        this.sendCommand(encodePong(context));
        if (ttl > 0) {
          this.ttlMs = ttl * 100;
          this.armTtl();
        }
        return;
      }
      case "PONG":
        return;
      case "SUBSCRIBE":
      case "CANCEL": {
        // Delivered in the 3.0 message form (\x01topic / \x00topic) that XPUB understands.
        const message = new Uint8Array(command.data.length + 1);
        message[0] = command.name === "SUBSCRIBE" ? 1 : 0;
        message.set(command.data, 1);
        this.deliver([message]);
        return;
      }
      case "ERROR":
        this.fail(new ZmqError("EPROTO", "Peer sent ERROR"), undefined);
        return;
      default:
        // Unknown commands are ignored, as libzmq does after the handshake.
        return;
    }
  }

  inboundDrained(): void {
    const waiter = this.directWaiter;
    if (waiter !== undefined) {
      this.directWaiter = undefined;
      // On the next macrotask, not now: this runs inside a read of our pipe, and a delivery
      // into it from there would re-enter the socket mid-read.
      if (waiter.state === "active") waiter.scheduleFlush();
    }
    if (!this.readPaused || this.stopped) return;
    this.readPaused = false;
    this.connection.resume();
    try {
      this.processFrames();
    } catch (error) {
      this.failFrom(error);
    }
  }

  // ---- outbound ---------------------------------------------------------------------------

  outboundActivated(): void {
    if (this.state !== "active") return;
    const pipe = this.pipe;
    if (pipe !== undefined && !this.flushing) {
      // An answer (see writeThrough) goes inside its send.
      const answer = this.writeThrough && !this.flushScheduled;
      if (this.directPeer !== undefined) {
        if (answer && !delivering && directChain < DIRECT_CHAIN_LIMIT) {
          this.handOver(pipe);
          return;
        }
      } else if (this.directDecided && !this.waitingDrain) {
        if (answer) {
          this.writeThrough = false;
          this.flush();
          return;
        }
        // Encoded now, written with the rest of the turn's batch: the bytes of every part the
        // encoder copies (below 8 KiB) leave the caller's buffers during its send. A conflating
        // pipe keeps its newest message until the write instead.
        if (!pipe.conflate) {
          this.flushing = true;
          try {
            this.encodePipe(pipe, false);
          } finally {
            this.flushing = false;
          }
        }
      }
    }
    this.scheduleFlush();
  }

  /** An in-process answer: handed to the peer now, by reference, as a written one is written. */
  private handOver(pipe: Pipe): void {
    this.writeThrough = false;
    directChain++;
    delivering = true;
    try {
      this.flush();
    } finally {
      delivering = false;
    }
    // Still queued when the peer's pipe is at its mark (it calls back when it has room).
    if (!this.held && pipe.outboundLength > 0) this.updateHold();
  }

  /** Flushes on the next macrotask (once, however often it is asked for meanwhile). */
  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    if (!this.held) this.updateHold();
    this.flushScheduled = true;
    scheduleMacrotask(() => {
      this.flushScheduled = false;
      directChain = 0;
      // A single message since the last write is no burst: the next one may go at once.
      if (this.encodedSinceWrite + (this.pipe?.outboundLength ?? 0) <= 1) this.writeThrough = true;
      this.flush();
    });
  }

  /**
   * In-process connections pass messages by reference once both sides finished their handshake
   * and neither transforms frames (CURVE). Decided at the first flush: the peer's handshake bytes
   * were delivered by then, and no message went through the byte path yet, so order is kept.
   */
  private decideDirect(): void {
    this.directDecided = true;
    const peerConnection = this.connection.peer;
    const peer = peerConnection === undefined ? undefined : enginesByConnection.get(peerConnection);
    if (
      peer !== undefined &&
      peer.state === "active" &&
      peer.pipe !== undefined &&
      this.mechanism?.encode === undefined &&
      peer.mechanism?.decode === undefined
    ) {
      this.directPeer = peer;
    }
  }

  private flushDirect(peer: ZmtpEngine): void {
    const pipe = this.pipe!;
    const target = peer.pipe;
    if (target === undefined || peer.stopped) return;
    while (pipe.outboundLength > 0) {
      if (target.inboundFull) {
        peer.directWaiter = this;
        target.awaitDrain();
        return;
      }
      // Its own array: a message fanned out to several pipes (PUB) is one shared array, and the
      // receiving socket owns what it receives (ROUTER prepends the routing id, zmtp's facade
      // converts the frames in place). Delivered inside its send (write-through), its parts may
      // still be the caller's: they are copied as a pipe keeping them would.
      const message = pipe.pull()!;
      ownBorrowed(message);
      target.deliver(message.slice());
    }
    peer.receivedSincePing = true;
    // Data from the peer, as for a wire connection: its answer may go at once.
    peer.writeThrough = true;
    if (this.closing && pipe.outboundLength === 0) this.finishClose();
  }

  private flush(): void {
    const pipe = this.pipe;
    if (pipe === undefined || this.stopped || this.waitingDrain) return;
    if (!this.directDecided) this.decideDirect();
    if (this.directPeer !== undefined) {
      this.flushDirect(this.directPeer);
      return;
    }
    this.flushing = true;
    try {
      this.encodePipe(pipe);
    } finally {
      this.flushing = false;
    }
  }

  /**
   * Encodes what the pipe holds and writes it in batches of up to BATCH_BYTES; with `write`
   * false, the last part-batch stays in the encoder for the next write.
   */
  private encodePipe(pipe: Pipe, write = true): void {
    const encoder = this.encoder;
    const encode = this.mechanism?.encode;
    const encodeInto = this.mechanism?.encodeInto;
    for (;;) {
      const message = pipe.pull();
      if (message === undefined) break;
      this.encodedSinceWrite++;
      if (this.subscriptionCommands && this.peerMinor >= 1 && message.length === 1) {
        const body = message[0]!;
        if (body.length > 0 && (body[0] === 1 || body[0] === 0)) {
          const topic = body.subarray(1);
          this.writeCommandFrame(body[0] === 1 ? encodeSubscribe(topic) : encodeCancel(topic));
          continue;
        }
      }
      if (encodeInto !== undefined) {
        // Written into the batch by the mechanism itself (CURVE seals in place there).
        const last = message.length - 1;
        if (last < 0) encodeInto(EMPTY_FRAME, 0, encoder);
        for (let i = 0; i <= last; i++) encodeInto(message[i]!, i < last ? FLAG_MORE : 0, encoder);
      } else if (encode === undefined) {
        encoder.writeMessage(message.length === 0 ? [EMPTY_FRAME] : message);
      } else {
        for (let i = 0; i < message.length; i++) {
          const more = i < message.length - 1;
          const wire = encode({ more, command: false, body: message[i]! });
          encoder.writeFrame(
            wire.body,
            (wire.more ? FLAG_MORE : 0) | (wire.command ? FLAG_COMMAND : 0),
          );
        }
      }
      if (encoder.pendingBytes >= BATCH_BYTES && !this.writeBatch()) {
        // The rest waits for drain; the connection keeps the process alive meanwhile.
        this.updateHold();
        return;
      }
    }
    if (!write) return;
    this.writeBatch();
    if (this.closing && pipe.outboundLength === 0 && !this.waitingDrain) this.finishClose();
    else this.updateHold();
  }

  private writeCommandFrame(body: Uint8Array): void {
    const encode = this.mechanism?.encode;
    if (encode === undefined) {
      this.encoder.writeCommand(body);
      return;
    }
    const wire = encode({ more: false, command: true, body });
    this.encoder.writeFrame(
      wire.body,
      (wire.more ? FLAG_MORE : 0) | (wire.command ? FLAG_COMMAND : 0),
    );
  }

  private sendCommand(body: Uint8Array): void {
    this.writeCommandFrame(body);
    this.writeBatch();
  }

  /** Writes what is batched; false when the connection asked us to wait for drain. */
  private writeBatch(): boolean {
    this.encodedSinceWrite = 0;
    const chunks = this.encoder.flush();
    if (chunks.length === 0 || this.stopped) return !this.waitingDrain;
    const belowMark = this.connection.write(chunks);
    if (this.connection.written?.() === true) {
      // Everything left already. Node still asks for `drain` after a write above its mark that
      // the kernel took at once; nothing is queued, so there is nothing to wait for.
      this.encoder.release();
    } else if (!belowMark) {
      this.waitingDrain = true;
    }
    return !this.waitingDrain;
  }

  private onDrain(): void {
    this.waitingDrain = false;
    if (this.connection.written?.() === true) this.encoder.release();
    if (this.state === "active") this.flush();
  }

  // ---- heartbeats (RFC 37 §3.4; libzmq's ZMQ_HEARTBEAT_IVL / TTL / TIMEOUT) -----------------

  private startHeartbeats(): void {
    const { heartbeatInterval, heartbeatTimeToLive, heartbeatTimeout } = this.host.options;
    if (heartbeatInterval <= 0) return;
    const ttl = Math.min(65535, Math.floor(Math.max(0, heartbeatTimeToLive) / 100));
    const timeout = heartbeatTimeout >= 0 ? heartbeatTimeout : heartbeatInterval;
    this.heartbeatTimer = setInterval(() => {
      if (this.heartbeatDeadline !== undefined) return;
      this.receivedSincePing = false;
      this.sendCommand(encodePing(ttl));
      this.heartbeatDeadline = setTimeout(() => {
        this.heartbeatDeadline = undefined;
        if (!this.receivedSincePing) {
          this.fail(new ZmqError("ETIMEDOUT", "Heartbeat timed out"), undefined);
        }
      }, timeout);
      unrefTimer(this.heartbeatDeadline);
    }, heartbeatInterval);
    // Heartbeats on an idle connection do not keep the process alive.
    unrefTimer(this.heartbeatTimer);
  }

  private armTtl(): void {
    clearTimeout(this.ttlDeadline);
    this.ttlDeadline = setTimeout(() => {
      this.fail(new ZmqError("ETIMEDOUT", "Peer's heartbeat TTL expired"), undefined);
    }, this.ttlMs);
    unrefTimer(this.ttlDeadline);
  }

  // ---- closing ----------------------------------------------------------------------------

  /**
   * Closes after sending what the pipe holds, for at most `linger` ms (-1 = no limit, 0 = now).
   * With `afterHandshake`, an engine still handshaking finishes first (its pipe holds messages
   * queued before the connection was made); otherwise it is closed at once.
   */
  close(linger: number, afterHandshake: boolean): void {
    if (this.stopped || this.closing) return;
    const waiting = this.state !== "active" && afterHandshake;
    if (
      linger === 0 ||
      (this.state !== "active" && !waiting) ||
      (!waiting && this.pipe === undefined)
    ) {
      this.destroy();
      return;
    }
    this.closing = true;
    if (linger > 0) this.lingerTimer = setTimeout(() => this.destroy(), linger);
    if (!waiting) this.flush();
  }

  private finishClose(): void {
    if (this.finished) return;
    this.finished = true;
    this.selfClosed = true;
    this.connection.end();
  }

  /** Closes at once. */
  destroy(): void {
    if (this.stopped) return;
    this.selfClosed = true;
    this.connection.destroy();
  }

  private failFrom(error: unknown): void {
    const failure: HandshakeFailure | undefined =
      this.state === "handshake" || this.state === "greeting"
        ? (this.mechanism?.failure ?? { kind: "protocol", protocolError: "ERR_ZMTP_UNSPECIFIED" })
        : undefined;
    const wrapped = isZmqError(error)
      ? error
      : new ZmqError("EPROTO", String(error), { cause: error });
    this.fail(wrapped, failure);
  }

  /**
   * Ends the connection for a failure. With `flush`, what is batched (an ERROR command) is
   * written and the connection ended gracefully, so the peer reads it before the close.
   */
  private fail(error: ZmqError, failure: HandshakeFailure | undefined, flush = false): void {
    if (this.stopped) return;
    this.selfClosed = true;
    if (flush) {
      this.writeBatch();
      this.connection.end();
    } else {
      this.connection.destroy(error);
    }
    this.stop(error, failure);
  }

  /** @internal Bytes of write buffers this engine holds (tests). */
  get retainedWriteBytes(): number {
    return this.encoder.retainedBytes;
  }

  private stop(error: ZmqError | undefined, failure: HandshakeFailure | undefined): void {
    if (this.stopped) return;
    this.stopped = true;
    this.state = "closed";
    clearTimeout(this.handshakeTimer);
    clearInterval(this.heartbeatTimer);
    clearTimeout(this.heartbeatDeadline);
    clearTimeout(this.ttlDeadline);
    clearTimeout(this.lingerTimer);
    this.chunks = [];
    this.firstPart = undefined;
    this.parts = NO_PARTS;
    // libzmq reports any end of a handshake it did not cause itself as a failure without detail.
    if (!this.handshakeDone && failure === undefined && (error !== undefined || !this.selfClosed)) {
      failure = { kind: "other" };
      // A peer's close is a read of 0 bytes, which libzmq reports as EPIPE.
      error ??= new ZmqError("EPIPE");
    }
    this.host.engineStopped(this, error, this.handshakeDone ? undefined : failure);
  }
}
