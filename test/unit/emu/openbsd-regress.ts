/**
 * OpenBSD's own regress suites for pfctl and ipsecctl (src/regress/sbin/{pfctl,ipsecctl}, copied into
 * test/fixtures/openbsd-regress/): each case feeds NAME.in to the tool as the suite's Makefile does and compares
 * with NAME.ok, which real OpenBSD printed on the regress host.
 * - pfctl: PFTESTS run `pfctl -o none -nv -f -` (stdout); PFFAIL the same, 2>&1 (stderr first, stdout at exit);
 *   PFOPT the same with the arguments of NAME.opts after it (`-Dextif=lo0`, `-a regress/regress`). The host had lo0
 *   and the interfaces the Makefile creates (lo1000000, tun1000000, tun1000001, no addresses).
 * - ipsecctl: `ipsecctl -nv -f -` for IPSECTESTS and IKETESTS, `-nkv`/`-knv` (keys shown) for TCPMD5TESTS and
 *   SATESTS, `-dnv` (delete) for IKEDELTESTS, 2>&1 for SAFAIL, IPSECFAIL and IKEFAIL; `DIR` in the input is the
 *   folder of the key files (ak128, ek256, …).
 * This runs the lab's emulated tools the same way.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { goldenInterfaces, sandbox } from "./harness";

export const REGRESS_ROOT = fileURLToPath(new URL("../../fixtures/openbsd-regress", import.meta.url));
export type RegressTool = "pfctl" | "ipsecctl";

/** One case: its name (the .in/.ok base), the tool's flags before `-f -`, and whether stderr is compared too. */
export interface RegressCase {
  name: string;
  flags: string[];
  both: boolean;
}

/** The Makefile's lists, each a prefix, the flags its target gives, and whether it compares 2>&1. */
const SUITES: Record<RegressTool, [list: string, prefix: string, flags: string[], both: boolean][]> = {
  pfctl: [
    ["PFTESTS", "pf", ["-o", "none", "-nv"], false],
    ["PFFAIL", "pfail", ["-o", "none", "-nv"], true],
    ["PFOPT", "pfopt", ["-o", "none", "-nv"], false],
  ],
  ipsecctl: [
    ["IPSECTESTS", "ipsec", ["-nv"], false],
    ["TCPMD5TESTS", "tcpmd5", ["-nkv"], false],
    ["SATESTS", "sa", ["-knv"], false],
    ["SAFAIL", "safail", ["-nv"], true],
    ["IPSECFAIL", "ipsecfail", ["-nv"], true],
    ["IKETESTS", "ike", ["-nv"], false],
    ["IKEFAIL", "ikefail", ["-nv"], true],
    ["IKEDELTESTS", "ikedel", ["-dnv"], false],
  ],
};

/** The suite's cases that have an .ok file in `dir` (default: the copy under test/fixtures). */
export function regressCases(tool: RegressTool, dir = `${REGRESS_ROOT}/${tool}`): RegressCase[] {
  const make = readFileSync(`${dir}/Makefile`, "utf8");
  const list = (v: string) => [...make.matchAll(new RegExp(`^${v}\\+?=(.*)$`, "gm"))].flatMap((m) => m[1]!.trim().split(/\s+/));
  return SUITES[tool].flatMap(([v, prefix, flags, both]) => list(v).map((n) => ({ name: `${prefix}${n}`, flags, both }))).filter((c) => existsSync(`${dir}/${c.name}.in`) && existsSync(`${dir}/${c.name}.ok`));
}

/** Where the key files sit inside the emulated gateway (the Makefile's `DIR`). */
const KEY_DIR = "/regress";

/** What the emulated tool prints for case `c`, as the Makefile compares it, and the .ok OpenBSD recorded. */
export async function runRegressCase(tool: RegressTool, c: RegressCase, dir = `${REGRESS_ROOT}/${tool}`): Promise<{ got: string; want: string }> {
  const sb = await sandbox();
  try {
    const t = goldenInterfaces();
    const made = (n: string, index: number, group: string) => ({ flags: [], up: false, mtu: 1500, name: n, index, groups: [group], addresses: [] });
    if (tool === "pfctl") t.interfaces.push(made("lo1000000", 100, "lo"), made("tun1000000", 101, "tun"), made("tun1000001", 102, "tun"));
    await sb.setInterfaces(t);
    // `cat NAME.in | sed -e 's,DIR,…,g' | TOOL … -f -`: the file as pfctl/ipsecctl name standard input
    await sb.write("stdin", readFileSync(`${dir}/${c.name}.in`, "utf8").replaceAll("DIR", KEY_DIR));
    if (tool === "pfctl") {
      // the files a case names relatively (`include "./pf95.include"`, `load anchor "one" from "pf112.one"`)
      for (const f of readdirSync(dir).filter((f) => f.startsWith(`${c.name}.`) && !/\.(in|ok|opts)$/.test(f))) await sb.write(f, readFileSync(`${dir}/${f}`, "utf8"));
    } else {
      for (const f of readdirSync(dir).filter((f) => /^[ae]k\d+$/.test(f))) await sb.write(`${KEY_DIR}/${f}`, readFileSync(`${dir}/${f}`, "utf8"));
    }
    // (pfopt: `pfctl -o none -nv -f - \`cat NAME.opts\``)
    const extra = existsSync(`${dir}/${c.name}.opts`) ? readFileSync(`${dir}/${c.name}.opts`, "utf8").trim().split(/\s+/).filter(Boolean) : [];
    const r = await sb.run(tool, [...c.flags, "-f", "stdin", ...extra]);
    return { got: c.both ? r.stderr + r.stdout : r.stdout, want: readFileSync(`${dir}/${c.name}.ok`, "utf8") };
  } finally {
    await sb.done();
  }
}
