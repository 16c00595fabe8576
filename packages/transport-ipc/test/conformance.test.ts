import { runTransportConformance, uniqueIpcEndpoint } from "@zmtp/testkit";
import { ipc } from "../src/index";

runTransportConformance({
  name: "ipc",
  transport: () => ipc(),
  bindEndpoint: uniqueIpcEndpoint,
});
