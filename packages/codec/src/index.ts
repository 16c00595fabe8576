export {
  COMMAND,
  type Command,
  decodeCommand,
  decodeError,
  encodeCommand,
  encodeError,
  encodeReady,
} from "./command";
export {
  FLAG_COMMAND,
  FLAG_LONG,
  FLAG_MORE,
  FLAGS_RESERVED,
  type Frame,
  SHORT_FRAME_MAX,
} from "./frame";
export { FrameDecoder, type FrameDecoderOptions } from "./frame-decoder";
export {
  encodeFrame,
  FrameEncoder,
  type FrameEncoderOptions,
  frameHeaderSize,
} from "./frame-encoder";
export {
  type EncodeGreetingOptions,
  encodeGreeting,
  GREETING_SIZE,
  type Greeting,
  GreetingDecoder,
  MECHANISM_SIZE,
  SIGNATURE_SIZE,
} from "./greeting";
export { decodePing, encodePing, encodePong, PING_CONTEXT_MAX } from "./heartbeat";
export { decodeMetadata, encodeMetadata } from "./metadata";
export {
  decodeSubscriptionMessage,
  encodeCancel,
  encodeSubscribe,
  encodeSubscriptionMessage,
} from "./subscription";
export { isAscii, utf8Decode, utf8Encode } from "./text";
export { z85Decode, z85Encode } from "./z85";
