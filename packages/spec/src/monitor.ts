/**
 * Monitor events: zeromq.js `Observer` event names and the libzmq event bits they wrap
 * (zmq.h, ZMQ_EVENT_*).
 */
export const MONITOR_EVENTS = {
  connect: 0x0001,
  "connect:delay": 0x0002,
  "connect:retry": 0x0004,
  bind: 0x0008,
  "bind:error": 0x0010,
  accept: 0x0020,
  "accept:error": 0x0040,
  close: 0x0080,
  "close:error": 0x0100,
  disconnect: 0x0200,
  end: 0x0400,
  "handshake:error:other": 0x0800,
  handshake: 0x1000,
  "handshake:error:protocol": 0x2000,
  "handshake:error:auth": 0x4000,
} as const;

export type MonitorEventName = keyof typeof MONITOR_EVENTS | "unknown";

/**
 * Protocol error codes carried by `handshake:error:protocol` (ZMQ_PROTOCOL_ERROR_* in zmq.h),
 * with the `ERR_*` names zeromq.js gives them.
 */
export const PROTOCOL_ERRORS = {
  ERR_ZMTP_UNSPECIFIED: 0x10000000,
  ERR_ZMTP_UNEXPECTED_COMMAND: 0x10000001,
  ERR_ZMTP_INVALID_SEQUENCE: 0x10000002,
  ERR_ZMTP_KEY_EXCHANGE: 0x10000003,
  ERR_ZMTP_MALFORMED_COMMAND_UNSPECIFIED: 0x10000011,
  ERR_ZMTP_MALFORMED_COMMAND_MESSAGE: 0x10000012,
  ERR_ZMTP_MALFORMED_COMMAND_HELLO: 0x10000013,
  ERR_ZMTP_MALFORMED_COMMAND_INITIATE: 0x10000014,
  ERR_ZMTP_MALFORMED_COMMAND_ERROR: 0x10000015,
  ERR_ZMTP_MALFORMED_COMMAND_READY: 0x10000016,
  ERR_ZMTP_MALFORMED_COMMAND_WELCOME: 0x10000017,
  ERR_ZMTP_INVALID_METADATA: 0x10000018,
  ERR_ZMTP_CRYPTOGRAPHIC: 0x11000001,
  ERR_ZMTP_MECHANISM_MISMATCH: 0x11000002,
  ERR_ZAP_UNSPECIFIED: 0x20000000,
  ERR_ZAP_MALFORMED_REPLY: 0x20000001,
  ERR_ZAP_BAD_REQUEST_ID: 0x20000002,
  ERR_ZAP_BAD_VERSION: 0x20000003,
  ERR_ZAP_INVALID_STATUS_CODE: 0x20000004,
  ERR_ZAP_INVALID_METADATA: 0x20000005,
  ERR_WS_UNSPECIFIED: 0x30000000,
} as const;

export type ProtocolErrorName = keyof typeof PROTOCOL_ERRORS;
