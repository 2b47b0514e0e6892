/**
 * Transport instrumentation: connections, channels, commands and bytes per host. Tests assert the
 * budgets of ARCHITECTURE.md ("a read is one connection and one command per host") from these numbers.
 *
 * The plugin runs in its own process under the engine, so when `PULUMI_OPENBSD_COUNTERS_DIR` is set
 * each process also writes its totals to `DIR/<pid>.json` after every operation ({@link flushCounters}).
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

/** Writes this process's totals to `$PULUMI_OPENBSD_COUNTERS_DIR/<pid>.json` when that variable is set. */
export function flushCounters(): void {
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
