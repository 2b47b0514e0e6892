/**
 * oracle-score.ts - how often lint and the lab's emulator agree with OpenBSD's own parsers on the recorded
 * cases of test/fixtures/oracle/{ipsecctl,pfctl,iked,sasyncd} (scripts/record-oracle.sh), per tool and in total:
 *   lint:     valid vs invalid, and for an invalid case its first error on OpenBSD's line in OpenBSD's words;
 *   emulator: stdout, stderr and exit status byte for byte (pfctl also with -o none, iked also with -n, sasyncd
 *             with -d -n, -n and -d -v -v -n).
 * The same judgements as test/unit/lint/oracle.test.ts and test/unit/emu/oracle-replay.test.ts, as numbers;
 * lists each disagreement. Usage: npx tsx scripts/oracle-score.ts [DIR]: DIR holds {ipsecctl,pfctl,iked,sasyncd}/ as
 * record-oracle.sh writes them (default: the recorded fixtures; a tool's folder may be missing), e.g. new cases
 * recorded under /tmp before they are copied in.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { hasErrors, lintFile } from "../sdk/lint";
import { maskedForLint } from "../sdk/lint/lint";
import { goldenInterfaces, sandbox } from "../test/unit/emu/harness";
import { GOLDEN_PF_INTERFACES, goldenCases, type GoldenCase } from "../test/unit/lint/golden-cases";

const FIXTURES = process.argv[2] ?? fileURLToPath(new URL("../test/fixtures/oracle", import.meta.url));
const TOOLS = ["ipsecctl", "pfctl", "iked", "sasyncd"] as const;
const read = (p: string) => (existsSync(p) ? readFileSync(p, "utf8") : "");

function side(tool: string, c: GoldenCase, path: string): string | { error: string } | undefined {
  // the recording host's own /dev/null, as every host has it (`table <t> file "/dev/null"`)
  if (path === "/dev/null") return "";
  const p = `${FIXTURES}/${tool}/${c.name}.files/${path}`;
  if (path.includes("..") || path.startsWith("/") || !existsSync(p)) return undefined;
  return statSync(p).isDirectory() ? { error: "Is a directory" } : readFileSync(p, "utf8");
}

function lintAgrees(tool: string, c: GoldenCase): boolean {
  const ds = lintFile(c.file, c.text, {
    kind: c.kind, mode: c.mode, include: (p) => side(tool, c, p),
    ...(c.kind === "pf" ? { pfInterfaces: GOLDEN_PF_INTERFACES, ...(c.anchor ? { pfAnchor: c.anchor } : {}) } : {}),
  });
  if (c.valid) return !hasErrors(ds);
  // OpenBSD's first error in the file itself (golden-cases.ts): lint's first there (an included file's come first)
  const first = ds.find((d) => d.severity === "error" && d.file === c.file) ?? ds.find((d) => d.severity === "error");
  if (!first) return false;
  if (c.errorLine !== undefined && first.line !== c.errorLine) return false;
  // a key in OpenBSD's words is `(secret)` in lint's (as test/unit/lint/oracle.test.ts judges it)
  return c.errorText === undefined || first.message.includes(maskedForLint(c.errorText.replace(/\.$/, ""), c.text, c.kind));
}

async function emulatorAgrees(tool: string, name: string): Promise<boolean> {
  const dir = `${FIXTURES}/${tool}`;
  const want = (b: string) => ({ stdout: read(`${dir}/${b}.out`), stderr: read(`${dir}/${b}.err`), code: Number(read(`${dir}/${b}.rc`).trim()) });
  const sb = await sandbox();
  try {
    await sb.setInterfaces(goldenInterfaces());
    await sb.write(`${name}.conf`, read(`${dir}/${name}.conf`));
    const files = `${dir}/${name}.files`;
    if (existsSync(files)) {
      for (const f of readdirSync(files, { recursive: true }) as string[]) if (statSync(`${files}/${f}`).isFile()) await sb.write(f, read(`${files}/${f}`));
    }
    // ORACLE_DIFF=1: show what differs, for each case the emulator gets wrong
    const same = (a: object, b: object) => {
      const ok = JSON.stringify(a) === JSON.stringify(b);
      if (!ok && process.env.ORACLE_DIFF) console.log(`--- ${tool}/${name}\n  emulator: ${JSON.stringify(a)}\n  OpenBSD:  ${JSON.stringify(b)}`);
      return ok;
    };
    if (tool === "ipsecctl") return same(await sb.run("ipsecctl", ["-nv", "-f", `${name}.conf`]), want(name));
    if (tool === "sasyncd") {
      const run = (args: string[]) => sb.run("sasyncd", [...args, "-c", `${name}.conf`]);
      return same(await run(["-d", "-n"]), want(name)) && same(await run(["-n"]), want(`${name}.n`)) && same(await run(["-d", "-v", "-v", "-n"]), want(`${name}.vv`));
    }
    if (tool === "iked") {
      return same(await sb.run("iked", ["-nv", "-f", `${name}.conf`]), want(name)) && same(await sb.run("iked", ["-n", "-f", `${name}.conf`]), want(`${name}.n`));
    }
    const anchor = read(`${dir}/${name}.anchor`).split("\n")[0]!.trim();
    const a = anchor === "" ? [] : ["-a", anchor];
    const w = want(name);
    return same(await sb.run("pfctl", [...a, "-nv", "-f", `${name}.conf`]), w) &&
      same(await sb.run("pfctl", [...a, "-o", "none", "-nv", "-f", `${name}.conf`]), { ...w, stdout: read(`${dir}/${name}.noopt.out`) });
  } finally {
    await sb.done();
  }
}

let lintOk = 0, emuOk = 0, total = 0;
for (const tool of TOOLS) {
  if (!existsSync(`${FIXTURES}/${tool}`)) continue;
  const cases = goldenCases(tool, `${FIXTURES}/${tool}`);
  let l = 0, e = 0;
  for (const c of cases) {
    if (lintAgrees(tool, c)) l++;
    else console.log(`lint disagrees: ${tool}/${c.name}`);
    if (await emulatorAgrees(tool, c.name)) e++;
    else console.log(`emulator disagrees: ${tool}/${c.name}`);
  }
  console.log(`${tool}: lint ${l}/${cases.length}, emulator ${e}/${cases.length}`);
  lintOk += l;
  emuOk += e;
  total += cases.length;
}
console.log(`total: lint ${lintOk}/${total}, emulator ${emuOk}/${total}`);
