import { runTransportConformance, TCP_LOOPBACK_ANY_PORT } from "@zmtp/testkit";
import { tcp } from "../src/index";

runTransportConformance({
  name: "tcp",
  transport: () => tcp(),
  bindEndpoint: () => TCP_LOOPBACK_ANY_PORT,
});
