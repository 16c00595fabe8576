import { describe, expect, it } from "vitest";
import { ERRNO, fromSystemError, isZmqError, ZmqError } from "../src/index";

describe("ZmqError", () => {
  it("carries the libzmq code, errno, message and cause", () => {
    const cause = new Error("socket hang up");
    const error = new ZmqError("EAGAIN", undefined, { cause, address: "tcp://127.0.0.1:1" });
    expect(error).toBeInstanceOf(Error);
    expect(error.code).toBe("EAGAIN");
    expect(error.errno).toBe(11);
    expect(error.message).toBe("Operation was not possible or timed out");
    expect(error.cause).toBe(cause);
    expect(error.address).toBe("tcp://127.0.0.1:1");
  });

  it("uses zeromq.js's fixed messages", () => {
    expect(new ZmqError("EBUSY").message).toBe("Socket is busy");
    expect(new ZmqError("EBADF").message).toBe("Socket is closed");
    expect(new ZmqError("EFSM").errno).toBe(156384763);
  });

  it("is recognised across two installed copies through a Symbol.for marker", () => {
    // A ZmqError made by another copy of the package is a plain Error with the shared marker.
    const foreign = new Error("Socket is closed");
    Object.assign(foreign, { code: "EBADF", errno: ERRNO.EBADF });
    Object.defineProperty(foreign, Symbol.for("zmtp.ZmqError"), { value: true });
    expect(foreign instanceof ZmqError).toBe(true);
    expect(isZmqError(foreign, "EBADF")).toBe(true);
    expect(isZmqError(foreign, "EAGAIN")).toBe(false);
    expect(new Error("x") instanceof ZmqError).toBe(false);
    expect(isZmqError(null)).toBe(false);
  });

  it("wraps system errors with the same code and keeps the cause", () => {
    const system = Object.assign(new Error("listen EADDRINUSE"), { code: "EADDRINUSE" });
    const error = fromSystemError(system, "tcp://127.0.0.1:5555");
    expect(error.code).toBe("EADDRINUSE");
    expect(error.message).toBe("Address already in use");
    expect(error.cause).toBe(system);
    expect(error.address).toBe("tcp://127.0.0.1:5555");
    expect(fromSystemError(Object.assign(new Error("x"), { code: "ENOTFOUND" })).code).toBe(
      "EINVAL",
    );
    expect(fromSystemError(error)).toBe(error);
  });
});
