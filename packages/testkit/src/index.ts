export { concatBytes, sameBytes, seededBytes } from "./bytes";
export { runTransportConformance, type TransportConformanceOptions } from "./conformance";
export { type DuplexPairOptions, duplexPair } from "./duplex-pair";
export { TCP_LOOPBACK_ANY_PORT, uniqueInprocEndpoint, uniqueIpcEndpoint } from "./endpoints";
export { AcceptQueue, type Bound, nextTurns, TransportHarness } from "./harness";
export { Recording, type RecordOptions, record } from "./recording";
