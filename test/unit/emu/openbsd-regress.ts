/**
 * OpenBSD's own pfctl regress suite (src/regress/sbin/pfctl, copied into test/fixtures/openbsd-regress/pfctl): the
 * Makefile's PFTESTS run `pfctl -o none -nv -f - < pfN.in` and compare stdout with pfN.ok; its PFFAIL run the same
 * on pfailN.in and compare stderr and stdout together (2>&1: stderr first, stdout at exit) with pfailN.ok. The .ok
 * files were made by real OpenBSD on the regress host, with lo0 and the interfaces the Makefile creates
 * (lo1000000, tun1000000, tun1000001, no addresses). This runs the lab's emulated pfctl the same way.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { goldenInterfaces, sandbox } from "./harness";

export const REGRESS_DIR = fileURLToPath(new URL("../../fixtures/openbsd-regress/pfctl", import.meta.url));

/** The Makefile's PFTESTS (`pfN`) and PFFAIL (`pfailN`) cases that have an .ok file in `dir`. */
export function regressCases(dir = REGRESS_DIR): string[] {
  const make = readFileSync(`${dir}/Makefile`, "utf8");
  const list = (v: string) => [...make.matchAll(new RegExp(`^${v}\\+?=(.*)$`, "gm"))].flatMap((m) => m[1]!.trim().split(/\s+/));
  return [...list("PFTESTS").map((n) => `pf${n}`), ...list("PFFAIL").map((n) => `pfail${n}`)].filter((n) => existsSync(`${dir}/${n}.ok`));
}

/** What the emulated `pfctl -o none -nv -f -` prints for case `name`, as the Makefile compares it, and the .ok. */
export async function runRegressCase(name: string, dir = REGRESS_DIR): Promise<{ got: string; want: string }> {
  const sb = await sandbox();
  try {
    const t = goldenInterfaces();
    const made = (n: string, index: number, group: string) => ({ flags: [], up: false, mtu: 1500, name: n, index, groups: [group], addresses: [] });
    t.interfaces.push(made("lo1000000", 100, "lo"), made("tun1000000", 101, "tun"), made("tun1000001", 102, "tun"));
    await sb.setInterfaces(t);
    await sb.write("stdin", readFileSync(`${dir}/${name}.in`, "utf8"));
    // the files a case names relatively (`include "./pf95.include"`, `load anchor "one" from "pf112.one"`)
    for (const f of readdirSync(dir).filter((f) => f.startsWith(`${name}.`) && !/\.(in|ok)$/.test(f))) await sb.write(f, readFileSync(`${dir}/${f}`, "utf8"));
    const r = await sb.run("pfctl", ["-o", "none", "-nv", "-f", "stdin"]);
    return { got: name.startsWith("pfail") ? r.stderr + r.stdout : r.stdout, want: readFileSync(`${dir}/${name}.ok`, "utf8") };
  } finally {
    await sb.done();
  }
}
