/**
 * @zmtp/devices: zmq_proxy with capture, the steerable proxy (PAUSE, RESUME, TERMINATE,
 * STATISTICS), the QUEUE / FORWARDER / STREAMER devices, ZDCF device configuration files and a
 * poller, over the core sockets of @zmtp/core and @zmtp/patterns. Runs in any JavaScript runtime;
 * reading ZDCF files from disk is in `@zmtp/devices/node`.
 */
export {
  CONTROL_COMMANDS,
  type ControlCommand,
  controlMessage,
  decodeStatistics,
  encodeStatistics,
  type FrameCounters,
  type ProxyCounters,
  type ProxyStatistics,
  parseControlCommand,
  type SideStatistics,
} from "./control";
export {
  DEVICE_SOCKETS,
  type Device,
  type DeviceConfig,
  type DeviceKind,
  type DeviceSocketConfig,
  forwarderDevice,
  queueDevice,
  startDevice,
  streamerDevice,
} from "./device";
export { listenReadable, listenWritable } from "./listeners";
export { type PollItem, type PollResult, poll } from "./poller";
export { type ProxyHandle, type ProxyState, proxy, steerableProxy } from "./proxy";
export {
  createSocket,
  DEVICE_SOCKET_TYPES,
  type DeviceSocketType,
  socketTypeOf,
} from "./socket-types";
export {
  parseZdcf,
  runZdcf,
  validateZdcf,
  ZDCF_DEVICE_TYPES,
  ZDCF_MAJOR_VERSION,
  ZDCF_OPTIONS,
  type ZdcfApp,
  type ZdcfConfig,
  type ZdcfDevice,
  type ZdcfRun,
  type ZdcfSocket,
} from "./zdcf";
