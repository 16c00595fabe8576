/**
 * One error family for all of zmtp. `code` is the libzmq errno name (as zeromq.js exposes it),
 * `errno` the Linux number libzmq would report, `cause` the wrapped error where there is one.
 *
 * A `Symbol.for` marker makes `instanceof ZmqError` and `isZmqError` work across two installed
 * copies of this package.
 */

/** Errno numbers as libzmq reports them on Linux (ZeroMQ's own codes start at 156384712). */
export const ERRNO = {
  ENOENT: 2,
  EINTR: 4,
  EBADF: 9,
  EAGAIN: 11,
  ENOMEM: 12,
  EACCES: 13,
  EFAULT: 14,
  EBUSY: 16,
  ENODEV: 19,
  EINVAL: 22,
  EMFILE: 24,
  EPIPE: 32,
  EPROTO: 71,
  ENOTSOCK: 88,
  EMSGSIZE: 90,
  EPROTONOSUPPORT: 93,
  ENOTSUP: 95,
  EAFNOSUPPORT: 97,
  EADDRINUSE: 98,
  EADDRNOTAVAIL: 99,
  ENETDOWN: 100,
  ENETUNREACH: 101,
  ECONNABORTED: 103,
  ECONNRESET: 104,
  ENOBUFS: 105,
  ENOTCONN: 107,
  ETIMEDOUT: 110,
  ECONNREFUSED: 111,
  EHOSTUNREACH: 113,
  EFSM: 156384763,
  ENOCOMPATPROTO: 156384764,
  ETERM: 156384765,
  EMTHREAD: 156384766,
} as const;

export type ZmqErrorCode = keyof typeof ERRNO;

/**
 * Default messages. Where zeromq.js has a fixed message it is used; otherwise the text of
 * `zmq_strerror` on Linux.
 */
export const ERROR_MESSAGES: Record<ZmqErrorCode, string> = {
  ENOENT: "No such endpoint",
  EINTR: "Interrupted system call",
  EBADF: "Socket is closed",
  EAGAIN: "Operation was not possible or timed out",
  ENOMEM: "Cannot allocate memory",
  EACCES: "Permission denied",
  EFAULT: "Context is closed",
  EBUSY: "Socket is busy",
  ENODEV: "No such device",
  EINVAL: "Invalid argument",
  EMFILE: "Too many open file descriptors",
  EPIPE: "Broken pipe",
  EPROTO: "Protocol error",
  ENOTSOCK: "Socket operation on non-socket",
  EMSGSIZE: "Message too long",
  EPROTONOSUPPORT: "Protocol not supported",
  ENOTSUP: "Operation not supported",
  EAFNOSUPPORT: "Address family not supported by protocol",
  EADDRINUSE: "Address already in use",
  EADDRNOTAVAIL: "Cannot assign requested address",
  ENETDOWN: "Network is down",
  ENETUNREACH: "Network is unreachable",
  ECONNABORTED: "Software caused connection abort",
  ECONNRESET: "Connection reset by peer",
  ENOBUFS: "No buffer space available",
  ENOTCONN: "Transport endpoint is not connected",
  ETIMEDOUT: "Connection timed out",
  ECONNREFUSED: "Connection refused",
  EHOSTUNREACH: "Host unreachable",
  EFSM: "Operation cannot be accomplished in current state",
  ENOCOMPATPROTO: "The protocol is not compatible with the socket type",
  ETERM: "Context was terminated",
  EMTHREAD: "No thread available",
};

const MARKER: unique symbol = Symbol.for("zmtp.ZmqError") as never;

export interface ZmqErrorOptions {
  /** The error this one wraps. */
  cause?: unknown;
  /** The endpoint an operation failed on (bind, connect, unbind). */
  address?: string;
}

export class ZmqError extends Error {
  readonly code: ZmqErrorCode;
  readonly errno: number;
  readonly address: string | undefined;

  constructor(code: ZmqErrorCode, message?: string, options: ZmqErrorOptions = {}) {
    super(
      message ?? ERROR_MESSAGES[code],
      options.cause === undefined ? undefined : { cause: options.cause },
    );
    this.name = "ZmqError";
    this.code = code;
    this.errno = ERRNO[code];
    this.address = options.address;
    Object.defineProperty(this, MARKER, { value: true });
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    return isZmqError(value);
  }
}

/** True for a ZmqError from any installed copy of zmtp. */
export function isZmqError(value: unknown, code?: ZmqErrorCode): value is ZmqError {
  return (
    typeof value === "object" &&
    value !== null &&
    (value as Record<symbol, unknown>)[MARKER] === true &&
    (code === undefined || (value as ZmqError).code === code)
  );
}

/** Maps a Node-style system error code (`err.code`) to the ZeroMQ code, wrapping the cause. */
export function fromSystemError(error: unknown, address?: string): ZmqError {
  if (isZmqError(error)) return error;
  const code = (error as { code?: unknown } | null)?.code;
  const known = typeof code === "string" && code in ERRNO ? (code as ZmqErrorCode) : undefined;
  const mapped: ZmqErrorCode =
    known ?? (code === "ENOTFOUND" || code === "EAI_AGAIN" ? "EINVAL" : "EPROTO");
  const message =
    known !== undefined || mapped === "EINVAL"
      ? ERROR_MESSAGES[mapped]
      : error instanceof Error
        ? error.message
        : String(error);
  return new ZmqError(mapped, message, { cause: error, address });
}
