/**
 * The transport contract. A transport moves bytes between two ends and knows nothing of ZMTP:
 * the engine in @zmtp/core does greeting, handshake and framing on top of any `Connection`.
 * A transport package imports nothing but @zmtp/spec, and is handed to a Context, so new
 * transports are added without touching the engine (see docs/add-a-transport.md).
 */
import type { Endpoint } from "./endpoint";
import type { ZmqError } from "./errors";

/** What a connection tells its owner. Set once with `Connection.start`. */
export interface ConnectionHandler {
  /**
   * Bytes from the peer. The chunk is the consumer's from then on: the engine keeps views into
   * it (message bodies the application may hold on to) and queues it while paused, so the
   * transport must never write into its memory again. A transport reading into a reused
   * buffer hands over a copy (tcp copies each read out of its scratch buffer).
   */
  data(chunk: Uint8Array): void;
  /** The transport's write buffer drained after `write` returned false. */
  drain(): void;
  /**
   * The connection is gone, by the peer or locally. Called exactly once; `error` is undefined
   * for an orderly close. No call follows it.
   */
  closed(error: ZmqError | undefined): void;
}

export interface Connection {
  /** The local endpoint, e.g. `tcp://127.0.0.1:5555`. */
  readonly localAddress: string;
  /** The remote endpoint, e.g. `tcp://127.0.0.1:40312`; for ZAP the bare IP is `peerHost`. */
  readonly remoteAddress: string;
  /** The peer's IP address (ZAP's "address" frame), or "" where there is none (ipc, inproc). */
  readonly peerHost: string;
  /**
   * Starts the flow of events. Data arriving before `start` is buffered by the transport, so an
   * owner can set itself up first.
   */
  start(handler: ConnectionHandler): void;
  /**
   * Queues chunks for writing, in order, as one batch (one system write where the transport can).
   * Returns false when the transport's buffer is above its mark: keep the data (it is queued), but
   * write more only after `drain`. Writing after close is ignored.
   */
  write(chunks: readonly Uint8Array[]): boolean;
  /** Stops reading from the peer (backpressure toward it). */
  pause(): void;
  /** Starts reading again after `pause`. */
  resume(): void;
  /** Flushes what is queued, then closes. `closed` follows. Idempotent. */
  end(): void;
  /** Closes at once, dropping what is queued. `closed` follows. Idempotent. */
  destroy(error?: ZmqError): void;
  /**
   * Optional, for runtimes with an event loop that a handle keeps alive (Node): `unref` lets the
   * process exit while this connection is open and idle, `ref` keeps it alive again (while
   * queued messages wait to be written). Transports without such handles leave them out.
   */
  ref?(): void;
  unref?(): void;
  /**
   * Optional: a buffer of exactly `size` bytes whose contents may be anything, for the engine to
   * encode outgoing frames into, to gather a received frame that straddles chunks and for the
   * bodies a mechanism decodes (CURVE's plaintexts); every byte is written before use. Node
   * transports return a Buffer without the zero-fill a `new Uint8Array` pays: from Node's shared
   * pool below 4 KiB (`Buffer.allocUnsafe`), its own memory above (`Buffer.allocUnsafeSlow`).
   * Without it the engine uses `new Uint8Array`.
   */
  allocateBuffer?(size: number): Uint8Array;
  /**
   * Optional, called without `this`: a view of `length` bytes of `memory` from `byteOffset`, of
   * the kind the chunks this connection hands to its handler are (Node: `Buffer.from`, for
   * Buffer chunks). The engine cuts a chunk's second and later frame bodies with it (see the
   * codec's `FrameDecoder` option `view`): cheaper than `subarray` of a Node Buffer.
   */
  readonly viewBuffer?: (memory: ArrayBufferLike, byteOffset: number, length: number) => Uint8Array;
  /**
   * Optional: true when every chunk passed to `write` so far has left this process's hands (Node:
   * the kernel took the bytes, nothing is queued in the socket), so the engine may write into
   * that memory again instead of allocating. Leave it out where a written chunk stays referenced
   * (inproc hands chunks to the peer): the engine then never reuses one.
   */
  written?(): boolean;
  /**
   * The other end, for transports whose two ends live in one process (inproc). When set, the
   * engine may pass messages by reference once both handshakes are done, skipping the codec.
   */
  readonly peer?: Connection;
}

export interface Listener {
  /** The resolved endpoint: the real port for `tcp://*:*`, the real path for `ipc://*`. */
  readonly endpoint: string;
  /** Stops accepting and releases the address (an ipc file is removed). Idempotent. */
  close(): Promise<void>;
  /** Optional: let the process exit while listening (see `Connection.unref`). */
  unref?(): void;
}

/** Options a transport may honour (zeromq.js / zmq_setsockopt names). Unknown ones are ignored. */
export interface TransportOptions {
  /** Listen backlog (ZMQ_BACKLOG). */
  readonly backlog?: number;
  /** Allow IPv6 (ZMQ_IPV6). */
  readonly ipv6?: boolean;
  /** TCP keepalive: -1 system default, 0 off, 1 on (ZMQ_TCP_KEEPALIVE). */
  readonly tcpKeepalive?: number;
  /** Seconds before the first keepalive probe (ZMQ_TCP_KEEPALIVE_IDLE). */
  readonly tcpKeepaliveIdle?: number;
  /** Connect timeout in ms, 0 for the system's (ZMQ_CONNECT_TIMEOUT). */
  readonly connectTimeout?: number;
  /** Abort signal for a connect in progress. */
  readonly signal?: AbortSignal;
}

/** Called for each accepted connection. */
export type AcceptHandler = (connection: Connection) => void;

/** Errors a listener meets after it started (a failed accept). */
export type AcceptErrorHandler = (error: ZmqError) => void;

export interface Transport {
  /** The scheme it serves: "tcp", "ipc", "inproc", ... */
  readonly protocol: string;
  /**
   * Starts listening. Rejects with ZmqError: EADDRINUSE, EADDRNOTAVAIL, EACCES, EINVAL.
   */
  listen(
    endpoint: Endpoint,
    options: TransportOptions,
    onConnection: AcceptHandler,
    onAcceptError?: AcceptErrorHandler,
  ): Promise<Listener>;
  /**
   * Opens one connection. Rejects with ZmqError: ECONNREFUSED, ETIMEDOUT, EHOSTUNREACH, ENOENT,
   * EINVAL; the caller retries per its reconnect policy.
   */
  connect(endpoint: Endpoint, options: TransportOptions): Promise<Connection>;
}
