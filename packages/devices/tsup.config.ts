import { preset } from "../../tooling/tsup.preset.mjs";

// The portable entry, and the Node-only one (ZDCF files from disk) under its own subpath.
export default preset({ platform: "neutral", entry: ["src/index.ts", "src/node/index.ts"] });
