import { preset } from "../../tooling/tsup.preset.mjs";

// CURVE and the Node file helpers are their own entries, so the root never loads the crypto.
export default preset({
  platform: "neutral",
  entry: { index: "src/index.ts", curve: "src/curve/index.ts", node: "src/node/index.ts" },
});
