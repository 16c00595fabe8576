import type { SecurityOptions } from "@zmtp/spec";

/**
 * Socket options with libzmq's defaults (zmq_setsockopt(3)), under zeromq.js v6 names.
 * Durations are milliseconds; -1 means "forever" / "system default" as in libzmq.
 */
export interface SocketOptions {
  sendHighWaterMark: number;
  receiveHighWaterMark: number;
  sendTimeout: number;
  receiveTimeout: number;
  linger: number;
  reconnectInterval: number;
  reconnectMaxInterval: number;
  connectTimeout: number;
  handshakeInterval: number;
  heartbeatInterval: number;
  heartbeatTimeToLive: number;
  heartbeatTimeout: number;
  maxMessageSize: number;
  immediate: boolean;
  backlog: number;
  ipv6: boolean;
  tcpKeepalive: number;
  tcpKeepaliveCount: number;
  tcpKeepaliveIdle: number;
  tcpKeepaliveInterval: number;
  /** Own routing id (ZMQ_ROUTING_ID), sent as the Identity property. */
  routingId: Uint8Array | undefined;
  zapDomain: string;
  zapEnforceDomain: boolean;
  /** Name of the security mechanism to use ("NULL" unless a security package sets another). */
  mechanism: string;
  /** Whether this side is the server of an asymmetric mechanism (PLAIN, CURVE). */
  asServer: boolean;
  /** Credentials and keys for the mechanism (plainUsername, curveSecretKey, ...). */
  security: SecurityOptions;
  // Pattern options, read by the socket types that use them.
  mandatory: boolean;
  handover: boolean;
  probeRouter: boolean;
  noDrop: boolean;
  verbose: boolean;
  verboser: boolean;
  manual: boolean;
  welcomeMessage: Uint8Array | undefined;
  invertMatching: boolean;
  conflate: boolean;
  correlate: boolean;
  relaxed: boolean;
  notify: boolean;
}

export function defaultOptions(): SocketOptions {
  return {
    sendHighWaterMark: 1000,
    receiveHighWaterMark: 1000,
    sendTimeout: -1,
    receiveTimeout: -1,
    linger: -1,
    reconnectInterval: 100,
    reconnectMaxInterval: 0,
    connectTimeout: 0,
    handshakeInterval: 30_000,
    heartbeatInterval: 0,
    heartbeatTimeToLive: 0,
    heartbeatTimeout: -1,
    maxMessageSize: -1,
    immediate: false,
    backlog: 100,
    ipv6: false,
    tcpKeepalive: -1,
    tcpKeepaliveCount: -1,
    tcpKeepaliveIdle: -1,
    tcpKeepaliveInterval: -1,
    routingId: undefined,
    zapDomain: "",
    zapEnforceDomain: false,
    mechanism: "NULL",
    asServer: false,
    security: {},
    mandatory: false,
    handover: false,
    probeRouter: false,
    noDrop: false,
    verbose: false,
    verboser: false,
    manual: false,
    welcomeMessage: undefined,
    invertMatching: false,
    conflate: false,
    correlate: false,
    relaxed: false,
    notify: true,
  };
}
