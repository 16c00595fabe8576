/** Errors as zeromq.js throws them: ZmqError (an Error with code, errno, address) and TypeErrors. */
import { ZmqError } from "@zmtp/spec";

export function busyWriting(): ZmqError {
  return new ZmqError(
    "EBUSY",
    "Socket is busy writing; only one send operation may be in progress at any time",
  );
}

export function busyReading(): ZmqError {
  return new ZmqError(
    "EBUSY",
    "Socket is busy reading; only one receive operation may be in progress at any time",
  );
}

export function busyBinding(): ZmqError {
  return new ZmqError("EBUSY", "Socket is blocked by a bind or unbind operation");
}

export function closedError(): ZmqError {
  return new ZmqError("EBADF");
}

export function timeoutError(): ZmqError {
  return new ZmqError("EAGAIN");
}
