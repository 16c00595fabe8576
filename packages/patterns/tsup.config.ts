import { preset } from "../../tooling/tsup.preset.mjs";

// One entry per socket type, so `@zmtp/patterns/req` loads REQ alone.
export default preset({
  platform: "neutral",
  entry: [
    "src/index.ts",
    "src/dealer.ts",
    "src/pair.ts",
    "src/pull.ts",
    "src/push.ts",
    "src/rep.ts",
    "src/req.ts",
    "src/router.ts",
    "src/stream.ts",
    "src/xpub.ts",
    "src/xsub.ts",
  ],
});
