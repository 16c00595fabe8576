// Codec micro-benchmark: encode and decode frames/s for 16 B, 1 KiB and 64 KiB frames.
// Runs against the built package: `pnpm --filter @zmtp/codec build && pnpm --filter @zmtp/codec bench`.
// Not a test: numbers depend on the machine; compare runs on the same one.
//
// Each row says what moved the body bytes, so a figure is not read as a copy rate when nothing
// was copied: the encoder copies bodies below its copyThreshold (8 KiB) into its batch and
// references larger ones; the decoder, set as the engine sets it for NULL (`copyMax` 128),
// copies small bodies out of large chunks and views the rest. A frame that straddles two reads
// is gathered (copied) when the reads are separate buffers, as from Node's default reads, and
// viewed across them when they lie end to end in one buffer, as zmtp's tcp reads into a slab.
// Copies here go into new Uint8Arrays (the decoder's default); the engine gives its decoder the
// transport's allocator instead (Node's Buffer pool).
import { FrameDecoder, FrameEncoder } from "../dist/index.js";

const SIZES = [16, 1024, 64 * 1024];
/** Bytes pushed through per measurement, so each size does comparable work. */
const VOLUME = 64 * 1024 * 1024;
/** Frames per encoder flush / decoder chunk, like one event-loop turn of a busy socket. */
const BATCH_BYTES = 64 * 1024;
/** What the engine sets on its decoder for NULL connections (core's COPY_RECEIVED_MAX). */
const COPY_MAX = 128;
/** The encoder's default: smaller bodies are copied into its batch, larger ones referenced. */
const COPY_THRESHOLD = 8 * 1024;

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

/**
 * One batch of frames, cut off-centre into two reads so some frames straddle them: with
 * `separate`, the two reads are buffers of their own; otherwise views into one buffer.
 */
function decodeRun(size, separate) {
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
  const cut = Math.floor(stream.length / 3) + 1;
  const first = separate ? stream.slice(0, cut) : stream.subarray(0, cut);
  const second = separate ? stream.slice(cut) : stream.subarray(cut);
  const rounds = Math.max(1, Math.floor(VOLUME / stream.length));
  return () => {
    const decoder = new FrameDecoder({ copyMax: COPY_MAX });
    let frames = 0;
    for (let round = 0; round < rounds; round++) {
      decoder.push(first);
      while (decoder.next() !== undefined) frames++;
      decoder.push(second);
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
  const runs = [
    ["encode", encodeRun(size), size < COPY_THRESHOLD ? "copied into the batch" : "referenced"],
    [
      "decode, reads in one buffer",
      decodeRun(size, false),
      size <= COPY_MAX ? "copied out of the chunk" : "viewed (also across reads)",
    ],
    [
      "decode, separate reads",
      decodeRun(size, true),
      size <= COPY_MAX ? "copied out of the chunk" : "viewed; a frame across two reads gathered",
    ],
  ];
  for (const [operation, run, bodies] of runs) {
    const { frames, seconds } = measure(run);
    rows.push({
      frame: size >= 1024 ? `${size / 1024} KiB` : `${size} B`,
      operation,
      bodies,
      "frames/s": format(frames / seconds),
      "MiB/s of frames": ((frames * size) / seconds / 1024 / 1024).toFixed(0),
    });
  }
}
console.table(rows);
