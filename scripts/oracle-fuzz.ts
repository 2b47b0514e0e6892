/**
 * oracle-fuzz.ts BIN [--seed N] [--count N] [--verbose] [--keep DIR] - a seeded random generator of valid
 * programs (Gateways, SiteToSiteTunnels over isakmpd and iked with psk/publickey/x509 or manual keys, CarpPairs,
 * PfAnchors, GifTunnels) declared through the public components under Pulumi's mocks; every program our own
 * checks accept is planned and rendered, and each rendered pf.conf (with its `load anchor` files), pf anchor
 * (`pfctl -a NAME`), ipsec.conf and iked.conf is run through OpenBSD's own parsers built by
 * ../shared/oracle/build.sh (BIN = OUT/bin), as scripts/oracle-examples.sh does. Our lint (sdk/lint) is run on
 * the same files and its verdict compared with the parser's. Prints every rejection (and lint disagreement) with
 * the program that produced it, minimized, and the totals.
 *
 * Each program is then widened (widen(): its own random stream, so `--classic` gives the first generator's exact
 * programs) with the knobs the first generator did not reach: Gateway NAT, sysctls, services, packages,
 * esp/ah/ipcomp, long interface names; remoteNetworks, many networks, consistent edge identities, edge tags,
 * given manual keys; CARP edges; anchor-name edges; gif/gre/eoip edges; WireGuard knobs, meshes and hubs;
 * OpenVPN, tinc and SSH tunnels; 9-12 peers on one gateway. A pf file pfctl refuses only because an interface
 * left as installed (not `configure`) lacks an address of the other family is counted as host-dependent, not a
 * rejection (the planner cannot know those addresses: pf-families.ts).
 *
 * A development tool (CI has no oracle): `npx tsx scripts/oracle-fuzz.ts /work/wt/oracle-out/bin --seed 1 --count 200`
 * [--classic] [--skips]; `--program FILE.json` checks one program given as JSON (as printed with a rejection).
 */
import * as pulumi from "@pulumi/pulumi";
import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import type { HostState } from "../sdk/state";
import { lintFile, hasErrors } from "../sdk/lint/index";
import { declare, gen, R, widen, type Json, type Program } from "./fuzz-programs";
import { rng } from "./seeded-random";

// ---------------------------------------------------------------------------------------------- arguments
const argv = process.argv.slice(2);
const opt = (k: string, d: string): string => {
  const i = argv.indexOf(k);
  return i >= 0 && argv[i + 1] !== undefined ? argv[i + 1]! : d;
};
const BIN0 = argv.find((a, i) => !a.startsWith("--") && (i === 0 || !argv[i - 1]!.startsWith("--")));
if (!BIN0) {
  console.error("usage: npx tsx scripts/oracle-fuzz.ts BIN [--seed N] [--count N] [--verbose] [--keep DIR] [--only N] [--classic] [--program FILE.json]");
  process.exit(2);
}
const BIN = existsSync(path.join(BIN0, "pfctl")) ? path.resolve(BIN0) : path.resolve(BIN0, "bin");
const SEED = Number(opt("--seed", "1"));
const COUNT = Number(opt("--count", "100"));
const ONLY = argv.includes("--only") ? Number(opt("--only", "0")) : undefined;
const VERBOSE = argv.includes("--verbose");
/** `--classic`: only the knobs of the first generator (its programs are a prefix of the widened ones: same seeds, same programs). */
const CLASSIC = argv.includes("--classic");
const KEEP = argv.includes("--keep") ? path.resolve(opt("--keep", "fuzz-out")) : undefined;

// ---------------------------------------------------------------------------------------------- the oracle
/** The interfaces of a gateway's emulated host (OBSD_IFCONFIG): what the program declares, plus the usual spares. */
function ifconfigOf(p: Program, gw: string, full = false): string {
  const g = p.gateways.find((x) => x.name === gw)! as Record<string, Json>;
  const ifs = new Map<string, string[]>();
  const add = (i: string, ...as: (string | undefined)[]) => {
    if (!ifs.has(i)) ifs.set(i, []);
    for (const a of as) if (a) ifs.get(i)!.push(a);
  };
  const ext = g.external as Record<string, string>;
  if (ext.address) add(ext.interface!, `inet ${ext.address}/24`);
  else add(ext.interface!);
  if (ext.address6) add(ext.interface!, `inet6 ${ext.address6}/64`);
  // `full`: an interface left as installed (not `configure`) also holds an address of each family it does not declare
  if (full && !ext.configure) {
    if (!ext.address) add(ext.interface!, "inet 198.51.100.254/24");
    if (!ext.address6) add(ext.interface!, "inet6 2001:db8:ffff::fe/64");
  }
  const ints = g.internal === undefined ? [] : Array.isArray(g.internal) ? g.internal : [g.internal];
  for (const i of ints as Record<string, string>[]) {
    const a = i.address ?? (i.network ? i.network.replace(/0\/(\d+)$/, "1/$1").replace(/::\/64$/, "::1/64") : undefined);
    add(i.interface!, a ? `${a.includes(":") ? "inet6" : "inet"} ${a}` : undefined);
    if (full && !(i as Record<string, unknown>).configure) add(i.interface!, a?.includes(":") ? "inet 10.254.254.1/24" : "inet6 fd00:fe::1/64");
  }
  for (const x of (g.extraInterfaces ?? []) as Record<string, string[]>[]) for (const a of x.addresses ?? []) add(x.interface as unknown as string, `inet ${a}`);
  for (const pr of p.pairs) {
    if (!(pr.members as Record<string, string>[]).some((m) => m.gateway === gw)) continue;
    for (const sg of pr.segments as Record<string, string>[]) add(sg.interface!, `inet ${sg.address}`);
  }
  // the interfaces the program's VPNs configure (hostname.wgN, gifN, tunN) with their inner addresses
  const inet = (a: string) => `${a.includes(":") ? "inet6" : "inet"} ${a.includes("/") ? a : `${a}/${a.includes(":") ? 128 : 32}`}`;
  for (const l of p.links)
    for (const e of [l.left, l.right] as Record<string, string>[]) if (e.gateway === gw && e.inner) add(e.interface!, inet(e.inner));
  for (const w of p.wireguard ?? [])
    for (const e of [w.left, w.right] as Record<string, string>[]) if (e.gateway === gw) add(e.interface ?? "wg0", inet(e.inner!.includes("/") ? e.inner! : `${e.inner}/${e.inner!.includes(":") ? 64 : 24}`));
  for (const g of p.wgGroups ?? [])
    for (const e of [g.hub, ...((g.spokes ?? g.members) as Json[])].filter(Boolean) as Record<string, string>[]) if (e.gateway === gw && !ifs.has(e.interface ?? "wg0")) add(e.interface ?? "wg0", inet(e.inner!));
  for (const t of p.ssh ?? [])
    for (const e of [t.client, t.server] as Record<string, string>[]) if (e.gateway === gw) add(e.interface ?? "tun0", inet(e.inner!.includes("/") ? e.inner! : `${e.inner}/${e.inner!.includes(":") ? 64 : 30}`));
  for (const d of ["em0", "em1", "em2", "vio0", "ix0"]) if (!ifs.has(d)) add(d, `inet 10.${200 + ["em0", "em1", "em2", "vio0", "ix0"].indexOf(d)}.0.1/24`, ...(full ? [`inet6 fd00:${d === "em0" ? "e0" : d === "em1" ? "e1" : d === "em2" ? "e2" : d === "vio0" ? "f0" : "f1"}::1/64`] : []));
  const lines = [...ifs].map(([i, as]) => `${i}${i === ext.interface ? " group egress" : ""} ${as.join(" ")}`.trimEnd());
  lines.push("lo0 inet 127.0.0.1/8 inet6 ::1/128", "enc0", "gif0", "gif1", "gre0", "eoip0", "etherip0", "pfsync0", "pflog0");
  if (!ifs.has("lo1")) lines.push("lo1");
  if (!ifs.has("carp1")) lines.push("carp1", "carp2");
  return lines.join("\n") + "\n";
}

interface Verdict {
  file: string;
  accepted: boolean;
  /** Refused on the host with only the declared addresses, accepted where the interfaces left as installed hold the other family too (the planner cannot know: not a bug). */
  hostDependent?: boolean;
  stderr: string;
  lintErrors: string[];
}

function runOracle(p: Program, states: Record<string, HostState>): Verdict[] {
  const out: Verdict[] = [];
  const root = mkdtempSync(path.join(tmpdir(), "ofuzz-"));
  try {
    for (const [gw, st] of Object.entries(states)) {
      const gdir = path.join(root, gw);
      for (const [f, mf] of Object.entries(st.files)) {
        const dst = path.join(gdir, f);
        mkdirSync(path.dirname(dst), { recursive: true });
        writeFileSync(dst, (mf as { content: string }).content, { mode: 0o600 });
      }
      const ifs = path.join(gdir, "ifs");
      writeFileSync(ifs, ifconfigOf(p, gw));
      for (const f of Object.keys(st.files).filter((x) => /^\/etc\/(pf\.conf|pf\.anchors\/.+|ipsec\.conf|iked\.conf)$/.test(x)).sort()) {
        const content = (st.files[f] as { content: string }).content;
        const x = path.join(gdir, "x.conf");
        writeFileSync(x, content.replaceAll('"/etc/pf.anchors/', `"${gdir}/etc/pf.anchors/`), { mode: 0o600 });
        chmodSync(x, 0o600);
        const a =
          f === "/etc/pf.conf" ? ["pfctl", "-nv", "-f", "x.conf"]
          : f.startsWith("/etc/pf.anchors/") ? ["pfctl", "-a", f.slice("/etc/pf.anchors/".length), "-nv", "-f", "x.conf"]
          : f === "/etc/ipsec.conf" ? ["ipsecctl", "-nv", "-f", "x.conf"]
          : ["iked", "-n", "-f", "x.conf"];
        const run = (ifsFile: string) => {
          const r = spawnSync(path.join(BIN, a[0]!), a.slice(1), { cwd: gdir, env: { ...process.env, OBSD_IFCONFIG: ifsFile }, encoding: "utf8", timeout: 20000 });
          const err = (r.stderr ?? "").split("\n").filter((l) => l !== "" && !/skipping duplicate table checks|configuration OK|^Loading anchor/.test(l)).join("\n");
          return { r, err, accepted: r.status === 0 && err === "" };
        };
        const { r, err, accepted: acceptedMin } = run(ifs);
        let accepted = acceptedMin;
        let hostDependent = false;
        if (!accepted && a[0] === "pfctl") {
          const full = path.join(gdir, "ifs-full");
          writeFileSync(full, ifconfigOf(p, gw, true));
          if (run(full).accepted) accepted = hostDependent = true;
        }
        // our lint on the same text (pf: the anchor files as the main file names them)
        const ds = lintFile(f, content, { include: (pth) => (st.files[pth] ? (st.files[pth] as { content: string }).content : undefined) });
        out.push({ file: `${gw}${f}`, accepted, ...(hostDependent ? { hostDependent } : {}), stderr: err || (r.status !== 0 ? `exit ${r.status}` : ""), lintErrors: hasErrors(ds) ? ds.filter((d) => d.severity === "error").map((d) => `${d.line}:${d.column}: ${d.message}`) : [] });
        if (KEEP && !accepted) {
          const k = path.join(KEEP, `${gw}${f.replaceAll("/", "_")}`);
          mkdirSync(KEEP, { recursive: true });
          writeFileSync(k, content);
          writeFileSync(k + ".ifs", ifconfigOf(p, gw));
        }
      }
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
  return out;
}

/** What kind of failure a verdict is (a minimized program must keep it). */
function problems(vs: Verdict[]): string[] {
  const out: string[] = [];
  for (const v of vs) {
    const f = v.file.replace(/^[^/]*/, "");
    if (!v.accepted) out.push(`REJECTED ${f}: ${firstLine(v.stderr)}`);
    else if (v.lintErrors.length) out.push(`LINT-DISAGREES ${f}: our lint reports an error the parser does not: ${v.lintErrors[0]}`);
  }
  return [...new Set(out)];
}
const firstLine = (s: string): string => s.split("\n")[0]!.replace(/^x\.conf:\s?\d+: /, "").replace(/^\S*\/etc\/pf\.anchors\/[^:]*:\d+: /, "(its anchor) ").replace(/\d+/g, "N");

// ---------------------------------------------------------------------------------------------- minimizing
/** Every program one deletion smaller: an element of a list, or an optional field. */
function* smaller(p: Program): Generator<Program> {
  const json = JSON.stringify(p);
  const walk = function* (v: Json, at: (string | number)[]): Generator<(string | number)[]> {
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) yield [...at, i];
      for (let i = 0; i < v.length; i++) yield* walk(v[i]!, [...at, i]);
    } else if (v && typeof v === "object") {
      for (const k of Object.keys(v)) if (!["name", "gateway", "interface", "left", "right", "members", "segments", "syncAddress", "carpdev", "vhid", "sharedkey", "address", "keying"].includes(k)) yield [...at, k];
      for (const k of Object.keys(v)) yield* walk(v[k]!, [...at, k]);
    }
  };
  for (const at of walk(p as unknown as Json, [])) {
    const q = JSON.parse(json) as Json;
    let o = q as Record<string | number, Json>;
    for (const k of at.slice(0, -1)) o = o[k] as Record<string | number, Json>;
    const last = at[at.length - 1]!;
    if (Array.isArray(o)) o.splice(last as number, 1);
    else delete o[last];
    yield q as unknown as Program;
  }
  // anchor rules: drop lines
  for (let a = 0; a < p.anchors.length; a++) {
    const lines = (p.anchors[a]!.rules as string).split("\n").filter((l) => l !== "");
    if (lines.length < 2) continue;
    for (let i = 0; i < lines.length; i++) {
      const q = JSON.parse(json) as Program;
      q.anchors[a]!.rules = lines.filter((_, j) => j !== i).join("\n") + "\n";
      yield q;
    }
  }
}

async function minimize(p: Program, want: string): Promise<Program> {
  let cur = p;
  for (let rounds = 0; rounds < 40; rounds++) {
    let found = false;
    for (const q of smaller(cur)) {
      const o = await declare(q);
      if (!o.states) continue;
      if (problems(runOracle(q, o.states)).includes(want)) {
        cur = q;
        found = true;
        break;
      }
    }
    if (!found) break;
  }
  return cur;
}

// ---------------------------------------------------------------------------------------------- main
async function main(): Promise<void> {
  await pulumi.runtime.setMocks(
    { newResource: (a) => ({ id: `${a.name}-id`, state: a.inputs }), call: (a) => a.inputs },
    "fuzz",
    "fuzz",
    false,
  );
  // a refused program rejects its outputs; the rejections are what we count, not crashes
  process.on("unhandledRejection", () => {});
  if (argv.includes("--program")) {
    // one program given as JSON (as printed with a rejection): declared, planned, checked, every file printed
    const { readFileSync } = await import("node:fs");
    const p: Program = { cas: [], gateways: [], tunnels: [], pairs: [], anchors: [], links: [], ...(JSON.parse(readFileSync(opt("--program", ""), "utf8")) as Partial<Program>) };
    const o = await declare(p);
    if (!o.states) return console.log(`refused: ${o.refused}`);
    const vs = runOracle(p, o.states);
    for (const v of vs) console.log(`${v.file}: ${v.accepted ? (v.hostDependent ? "accepted (host-dependent)" : "accepted") : `REJECTED ${v.stderr}`}${v.lintErrors.length ? ` lint: ${v.lintErrors.join(" | ")}` : ""}`);
    if (VERBOSE) for (const [gw, st] of Object.entries(o.states)) for (const [f, c] of Object.entries(st.files)) console.log(`--- ${gw}${f}\n${(c as { content: string }).content}`);
    return;
  }
  let accepted = 0;
  let rejected = 0;
  let skipped = 0;
  let broken = 0;
  let files = 0;
  let filesRejected = 0;
  let lintDisagree = 0;
  let hostDependent = 0;
  const skipReasons = new Map<string, number>();
  const seen = new Map<string, number>();
  for (let i = 0; i < COUNT; i++) {
    if (ONLY !== undefined && i !== ONLY) continue;
    const p = gen(new R(rng(SEED * 1_000_003 + i)));
    if (!CLASSIC) widen(new R(rng(SEED * 1_000_003 + i + 0x5eed)), p);
    const o = await declare(p);
    if (!o.states && /^a value cannot be written safely|internal error/.test(o.refused ?? "")) {
      // no clean refusal naming a resource: the renderer failed on an input our checks accepted
      broken++;
      const key = `RENDER-FAILED ${(o.refused ?? "").replace(/\d+/g, "N").slice(0, 160)}`;
      const n = (seen.get(key) ?? 0) + 1;
      seen.set(key, n);
      if (n === 1) console.log(`\n#${i} (seed ${SEED}) ${key}\n  ${o.refused}\n  program: ${JSON.stringify(p)}`);
      continue;
    }
    if (!o.states) {
      skipped++;
      const why = (o.refused ?? "?").replace(/"[^"]*"/g, '"…"').replace(/\d+/g, "N").slice(0, 140);
      skipReasons.set(why, (skipReasons.get(why) ?? 0) + 1);
      if (VERBOSE) console.log(`#${i} skipped: ${o.refused}`);
      continue;
    }
    const vs = runOracle(p, o.states);
    files += vs.length;
    hostDependent += vs.filter((v) => v.hostDependent).length;
    filesRejected += vs.filter((v) => !v.accepted).length;
    lintDisagree += vs.filter((v) => v.accepted && v.lintErrors.length).length;
    const probs = problems(vs);
    if (probs.length === 0) {
      accepted++;
      continue;
    }
    rejected++;
    for (const pr of probs) {
      const n = (seen.get(pr) ?? 0) + 1;
      seen.set(pr, n);
      if (n > 1) continue; // one minimized example per distinct problem
      const min = await minimize(p, pr);
      const st = (await declare(min)).states!;
      const v = runOracle(min, st).find((x) => problems([x]).includes(pr));
      console.log(`\n#${i} (seed ${SEED}) ${pr}`);
      if (v) {
        console.log(`  OpenBSD: ${v.stderr.split("\n").slice(0, 4).join("\n           ")}`);
        if (v.lintErrors.length) console.log(`  our lint: ${v.lintErrors.slice(0, 3).join(" | ")}`);
        const content = (st[v.file.split("/")[0]!]!.files[v.file.replace(/^[^/]*/, "")] as { content: string }).content;
        console.log("  file:\n" + content.split("\n").map((l, k) => `    ${String(k + 1).padStart(3)}| ${l}`).join("\n"));
      }
      console.log(`  program (minimized): ${JSON.stringify(min)}`);
    }
  }
  console.log(`\nproblems by kind:`);
  for (const [k, n] of [...seen].sort((a, b) => b[1] - a[1])) console.log(`  ${n}× ${k}`);
  if (VERBOSE || argv.includes("--skips")) {
    console.log(`\nskipped (refused by our checks), by reason:`);
    for (const [k, n] of [...skipReasons].sort((a, b) => b[1] - a[1])) console.log(`  ${n}× ${k}`);
  }
  console.log(`\nseed ${SEED} count ${COUNT}: programs accepted ${accepted}, rejected ${rejected}, skipped ${skipped} (refused by our checks), render failures ${broken}; files ${files - filesRejected}/${files} accepted by OpenBSD's parsers (${hostDependent} of them only with the other family on an interface left as installed), ${lintDisagree} where our lint disagrees`);
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(2);
  },
);
