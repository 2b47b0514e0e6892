/** Reads the transport counters the plugin processes wrote (PULUMI_OPENBSD_COUNTERS_DIR). */
import { mkdirSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { sumCounterFiles, type HostCounters } from "../../providers/transport/counters";

export function clearCounters(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
}

export function readCounters(dir: string): Record<string, HostCounters> {
  let names: string[] = [];
  try {
    names = readdirSync(dir).filter((f) => f.endsWith(".json"));
  } catch {
    return {};
  }
  return sumCounterFiles(names.map((f) => JSON.parse(readFileSync(join(dir, f), "utf8")) as Record<string, HostCounters>));
}
