/** Our properties (Socket-Type, Identity) as RFC 23 §3.5 metadata for READY and INITIATE. */
import { encodeMetadata } from "@zmtp/codec";
import type { MechanismSetup } from "@zmtp/spec";

export function encodeProperties(setup: MechanismSetup): Uint8Array {
  return encodeMetadata(setup.properties);
}
