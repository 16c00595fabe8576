/** Shapes and loading of the stored wire vectors in test/vectors/*.json. */
import { readFileSync } from "node:fs";

export interface VectorFrame {
  readonly more: boolean;
  readonly command: boolean;
  /** Body bytes as hex. */
  readonly body: string;
}

export interface FrameVector {
  readonly name: string;
  readonly description: string;
  readonly provenance: string;
  /** Raw wire bytes of one or more consecutive frames, as hex. */
  readonly hex: string;
  readonly frames: readonly VectorFrame[];
}

export interface GreetingVector {
  readonly name: string;
  readonly description: string;
  readonly provenance: string;
  readonly hex: string;
  readonly greeting: {
    readonly major: number;
    readonly minor: number;
    readonly mechanism: string;
    readonly asServer: boolean;
  };
}

export interface VectorFile<T> {
  readonly provenance: string;
  readonly libzmq: string;
  readonly captured: string;
  readonly vectors: readonly T[];
}

export const GREETINGS_URL = new URL("../vectors/greetings.json", import.meta.url);
export const FRAMES_URL = new URL("../vectors/frames.json", import.meta.url);

export function loadVectors<T>(url: URL): VectorFile<T> {
  return JSON.parse(readFileSync(url, "utf8")) as VectorFile<T>;
}
