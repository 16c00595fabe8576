/**
 * @zmtp/devices/node: ZDCF files read from disk (Node, Bun and Deno's node: compatibility).
 */
import { readFile } from "node:fs/promises";
import type { Context } from "@zmtp/core";
import { ZmqError } from "@zmtp/spec";
import { parseZdcf, runZdcf, type ZdcfConfig, type ZdcfRun } from "../zdcf";

/**
 * Reads and validates a ZDCF file in JSON. Errors are ZmqError EINVAL whose message names the
 * file and then the bad field (`broker.json: apps.broker.devices.main...`).
 */
export async function loadZdcfFile(path: string): Promise<ZdcfConfig> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    throw new ZmqError("ENOENT", `${path}: cannot read the ZDCF file`, { cause: error });
  }
  try {
    return parseZdcf(text);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new ZmqError("EINVAL", `${path}: ${message}`, { cause: error });
  }
}

/** Reads a ZDCF file and starts the devices it describes on `context`. */
export async function runZdcfFile(context: Context, path: string): Promise<ZdcfRun> {
  return runZdcf(context, await loadZdcfFile(path));
}
