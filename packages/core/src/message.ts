/** A message is its frames, in order. Received frames are views; keep them, don't mutate them. */
export type Message = Uint8Array[];

export const EMPTY_FRAME: Uint8Array = new Uint8Array(0);

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** A Map key for binary routing ids (latin1 keeps each byte as one char). */
export function bytesKey(bytes: Uint8Array): string {
  let key = "";
  for (let i = 0; i < bytes.length; i++) key += String.fromCharCode(bytes[i]!);
  return key;
}
