/**
 * Monitor events as the socket reports them (zeromq.js `Observer` names and payloads).
 */
import type { MonitorEventName, ProtocolErrorName, ZmqError } from "@zmtp/spec";

export interface MonitorEvent {
  readonly type: MonitorEventName;
  /** The endpoint concerned (absent for "end"). */
  readonly address?: string;
  /** For "connect:retry": milliseconds until the next attempt. */
  readonly interval?: number;
  /** For the error events. */
  readonly error?: ZmqError;
  /** For "handshake:error:protocol": the ERR_ZMTP_* / ERR_ZAP_* name. */
  readonly protocolError?: ProtocolErrorName;
  /** For "handshake:error:auth": the ZAP status code. */
  readonly status?: number;
}

export type MonitorListener = (event: MonitorEvent) => void;
