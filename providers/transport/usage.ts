/**
 * The plugin's own cost, for benchmarks: when `PULUMI_OPENBSD_USAGE_DIR` is set, each plugin process writes its
 * CPU time (user + system, since it started) and peak resident memory to `DIR/<pid>.json` after every operation
 * and at exit. The engine and the hosts are not in these numbers: they are the provider's alone.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** What one plugin process used. */
export interface ProcessUsage {
  /** CPU time in user mode, microseconds. */
  userUs: number;
  /** CPU time in kernel mode, microseconds. */
  systemUs: number;
  /** Peak resident set size, kilobytes (getrusage ru_maxrss). */
  maxRssKb: number;
}

/** Write this process's usage when `PULUMI_OPENBSD_USAGE_DIR` is set (best effort, never throws). */
export function flushUsage(): void {
  const dir = process.env.PULUMI_OPENBSD_USAGE_DIR;
  if (!dir) return;
  try {
    const r = process.resourceUsage();
    const u: ProcessUsage = { userUs: r.userCPUTime, systemUs: r.systemCPUTime, maxRssKb: r.maxRSS };
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, `${process.pid}.json`), JSON.stringify(u) + "\n");
  } catch {
    /* usage is best effort */
  }
}

if (process.env.PULUMI_OPENBSD_USAGE_DIR) {
  process.on("exit", flushUsage);
  // the engine stops its plugins with SIGINT (then SIGKILL): record the total before going, then go as before
  for (const [sig, n] of [["SIGINT", 2], ["SIGTERM", 15]] as const) {
    process.once(sig, () => {
      flushUsage();
      process.exit(128 + n);
    });
  }
}
