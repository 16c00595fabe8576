/**
 * @zmtp/security: PLAIN (RFC 24), ZAP (RFC 27) with a ready handler policy, CURVE key helpers
 * and certificate text. Nothing here loads cryptography: CURVE itself is `@zmtp/security/curve`,
 * certificate files are `@zmtp/security/node`.
 */
export { AddressRange, parseIp } from "./address-range";
export {
  type Certificate,
  type FormatCertificateOptions,
  formatCertificate,
  parseCertificate,
  parseZpl,
  type ZplNode,
} from "./certificate";
export { curveKeyBytes, curveKeyText, isWeakCurveKey, KEY_SIZE, KEY_SIZE_Z85 } from "./keys";
export { plain } from "./plain";
export { encodePlainHello, PlainClient } from "./plain-client";
export { decodePlainHello, PlainServer } from "./plain-server";
export {
  askZap,
  type DecodedZapReply,
  type DecodedZapRequest,
  decodeZapReply,
  decodeZapRequest,
  encodeZapReply,
  encodeZapRequest,
  isZapStatus,
  ZAP_ENDPOINT,
  ZAP_VERSION,
  type ZapOutcome,
  ZapProtocolError,
  zapOutcome,
  zapProtocolError,
} from "./zap";
export {
  type CurveClientEntry,
  ZapAuthenticator,
  type ZapDecision,
  type ZapDecisionListener,
  type ZapDomainPolicy,
  type ZapPolicy,
} from "./zap-handler";
