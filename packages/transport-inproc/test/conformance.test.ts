import { runTransportConformance, uniqueInprocEndpoint } from "@zmtp/testkit";
import { inproc } from "../src/index";

runTransportConformance({
  name: "inproc",
  transport: () => inproc(),
  bindEndpoint: uniqueInprocEndpoint,
  // A connect to an unbound name waits for the bind (libzmq 4.x), so it is never refused.
  refusesUnboundConnect: false,
});
