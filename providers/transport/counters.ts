/**
 * Transport instrumentation: connections, channels, commands and bytes per host. Tests assert the
 * budgets of ARCHITECTURE.md ("a read is one connection and one command per host") from these numbers.
 *
 * The plugin runs in its own process under the engine, so when `PULUMI_OPENBSD_COUNTERS_DIR` is set
 * each process also writes its totals to `DIR/<pid>.json` shortly after every operation and at exit ({@link flushCounters}).
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { flushUsage } from "./usage";

/** Totals for one host (`host:port`). */
export interface HostCounters {
  /** SSH connections opened (handshakes started). */
  connections: number;
  /** Session channels opened. */
  channels: number;
  /** Commands executed (one per channel). */
  commands: number;
  /** Bytes sent on channels (stdin). */
  bytesOut: number;
  /** Bytes received on channels (stdout + stderr). */
  bytesIn: number;
}

const table = new Map<string, HostCounters>();

export function countersFor(host: string): HostCounters {
  let c = table.get(host);
  if (!c) {
    c = { connections: 0, channels: 0, commands: 0, bytesOut: 0, bytesIn: 0 };
    table.set(host, c);
  }
  return c;
}

/** A snapshot of every host's counters. */
export function getCounters(): Record<string, HostCounters> {
  return Object.fromEntries([...table].map(([h, c]) => [h, { ...c }]));
}

export function resetCounters(): void {
  table.clear();
}

/** Writes this process's usage and, when `PULUMI_OPENBSD_COUNTERS_DIR` is set, its totals to `DIR/<pid>.json` now. */
export function flushCountersNow(): void {
  if (pending) clearTimeout(pending);
  pending = undefined;
  flushUsage();
  const dir = process.env.PULUMI_OPENBSD_COUNTERS_DIR;
  if (!dir) return;
  try {
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, `${process.pid}.json`), JSON.stringify(getCounters()) + "\n");
  } catch {
    /* counters are best effort */
  }
}

let pending: NodeJS.Timeout | undefined;
/**
 * How long after an operation its totals are written: the operations of one burst (a refresh reads every gateway at
 * once) share one write. At 20 ms a refresh of 50 gateways still wrote ~75 times (2% of the plugin's CPU in the
 * bench, --cpu-prof); the exit handler writes the last totals anyway.
 */
const FLUSH_DELAY_MS = 250;

/**
 * Writes this process's totals to `$PULUMI_OPENBSD_COUNTERS_DIR/<pid>.json` (and its usage, providers/transport/usage.ts)
 * when either variable is set: {@link FLUSH_DELAY_MS} after the operation, once for all the operations that end
 * meanwhile, and at exit. (A write per operation cost a benchmarked read more than parsing its output.)
 */
export function flushCounters(): void {
  if (!process.env.PULUMI_OPENBSD_COUNTERS_DIR && !process.env.PULUMI_OPENBSD_USAGE_DIR) return;
  pending ??= setTimeout(flushCountersNow, FLUSH_DELAY_MS);
}

// the engine stops its plugins with SIGINT (then SIGKILL): whatever is pending is written on the way out (usage.ts
// already exits on these signals when its variable is set; the exit handler runs then)
if (process.env.PULUMI_OPENBSD_COUNTERS_DIR) {
  process.on("exit", () => {
    if (pending !== undefined) flushCountersNow();
  });
  if (!process.env.PULUMI_OPENBSD_USAGE_DIR) {
    for (const [sig, n] of [["SIGINT", 2], ["SIGTERM", 15]] as const) process.once(sig, () => process.exit(128 + n));
  }
}

/** Sums counter files written by {@link flushCounters} (tests and benchmarks). */
export function sumCounterFiles(files: Record<string, HostCounters>[]): Record<string, HostCounters> {
  const out: Record<string, HostCounters> = {};
  for (const f of files) {
    for (const [h, c] of Object.entries(f)) {
      const o = (out[h] ??= { connections: 0, channels: 0, commands: 0, bytesOut: 0, bytesIn: 0 });
      o.connections += c.connections;
      o.channels += c.channels;
      o.commands += c.commands;
      o.bytesOut += c.bytesOut;
      o.bytesIn += c.bytesIn;
    }
  }
  return out;
}
