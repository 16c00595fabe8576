// Codec micro-benchmark: encode and decode frames/s for 16 B, 1 KiB and 64 KiB frames.
// Runs against the built package: `pnpm --filter @zmtp/codec build && pnpm --filter @zmtp/codec bench`.
// Not a test: numbers depend on the machine; compare runs on the same one.
import { FrameDecoder, FrameEncoder } from "../dist/index.js";

const SIZES = [16, 1024, 64 * 1024];
/** Bytes pushed through per measurement, so each size does comparable work. */
const VOLUME = 64 * 1024 * 1024;
/** Frames per encoder flush / decoder chunk, like one event-loop turn of a busy socket. */
const BATCH_BYTES = 64 * 1024;

function measure(run) {
  run(); // warm-up
  const start = performance.now();
  const frames = run();
  const seconds = (performance.now() - start) / 1000;
  return { frames, seconds };
}

function encodeRun(size) {
  const body = new Uint8Array(size).fill(0x61);
  const count = Math.floor(VOLUME / size);
  const perFlush = Math.max(1, Math.floor(BATCH_BYTES / size));
  return () => {
    const encoder = new FrameEncoder();
    let chunks = 0;
    for (let index = 0; index < count; index++) {
      encoder.writeMessage([body]);
      if ((index + 1) % perFlush === 0) chunks += encoder.flush().length;
    }
    chunks += encoder.flush().length;
    if (chunks === 0) throw new Error("nothing encoded");
    return count;
  };
}

function decodeRun(size) {
  const body = new Uint8Array(size).fill(0x62);
  const perChunk = Math.max(1, Math.floor(BATCH_BYTES / size));
  const encoder = new FrameEncoder({ copyThreshold: Number.POSITIVE_INFINITY });
  for (let index = 0; index < perChunk; index++) encoder.writeMessage([body]);
  const parts = encoder.flush();
  const total = parts.reduce((sum, part) => sum + part.length, 0);
  const stream = new Uint8Array(total);
  let offset = 0;
  for (const part of parts) {
    stream.set(part, offset);
    offset += part.length;
  }
  // Cut the stream off-centre so some frames straddle two chunks, as TCP reads do.
  const cut = Math.floor(stream.length / 3) + 1;
  const rounds = Math.max(1, Math.floor(VOLUME / stream.length));
  return () => {
    const decoder = new FrameDecoder();
    let frames = 0;
    for (let round = 0; round < rounds; round++) {
      decoder.push(stream.subarray(0, cut));
      while (decoder.next() !== undefined) frames++;
      decoder.push(stream.subarray(cut));
      while (decoder.next() !== undefined) frames++;
    }
    return frames;
  };
}

function format(value) {
  return value >= 1e6 ? `${(value / 1e6).toFixed(2)} M` : `${(value / 1e3).toFixed(1)} k`;
}

const rows = [];
for (const size of SIZES) {
  for (const [operation, run] of [
    ["encode", encodeRun(size)],
    ["decode", decodeRun(size)],
  ]) {
    const { frames, seconds } = measure(run);
    rows.push({
      frame: size >= 1024 ? `${size / 1024} KiB` : `${size} B`,
      operation,
      "frames/s": format(frames / seconds),
      "MiB/s": ((frames * size) / seconds / 1024 / 1024).toFixed(0),
    });
  }
}
console.table(rows);
