/**
 * Small arrays for MESSAGE boxes, carved from shared 64 KiB slabs. A `new Uint8Array(n)` above
 * V8's on-heap limit (64 bytes) gets its own zeroed backing store, about 1 µs each here: more
 * than sealing a 256-byte box. A slab region is handed out once and never reused, so every array
 * starts zeroed and owns its bytes, as with `new Uint8Array`; like a Buffer from Node's pool, a
 * kept array keeps its slab alive (a message received over the wire keeps its 64 KiB socket
 * chunk alive the same way). Regions start at multiples of 8, so word-wise XOR stays aligned.
 */
const SLAB_SIZE = 64 * 1024;
/** Larger arrays get their own backing store: a slab would hold too few of them. */
const MAX_POOLED = 4 * 1024;

let slab = new Uint8Array(0);
let used = 0;

/** A zeroed array of `size` bytes: a region of a slab when small, its own store otherwise. */
export function allocate(size: number): Uint8Array {
  if (size > MAX_POOLED) return new Uint8Array(size);
  if (used + size > slab.length) {
    slab = new Uint8Array(SLAB_SIZE);
    used = 0;
  }
  const region = slab.subarray(used, used + size);
  used = (used + size + 7) & ~7;
  return region;
}
