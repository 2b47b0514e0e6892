/**
 * One end-to-end run of an example program (examples/NN-*) through the real engine against the lab
 * topology it is written for (the scenarios of the guides (examples/, README)), as a user runs it: the example folder (its
 * Pulumi.yaml, package.json, index.ts) with the packed package installed, driven by LocalWorkspace with
 * `workDir` — the CLI, the language host and Pulumi's TypeScript loader run the program (test/support/project.ts):
 * lab up → up → every file on the gateways line-for-line equivalent to the guide's → `ipsecctl -sf`
 * shows the flows on both ends → preview shows no changes → a hand edit is reported by refresh and
 * repaired by up → `labReboot` leaves the gateway in the same state → destroy leaves the gateways as
 * they were before; and through all of it, neither `pulumi stack export` (without --show-secrets) nor the
 * engine's output at default verbosity holds a secret in plaintext.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Stack } from "@pulumi/pulumi/automation";
import { labDown, labExec, labHostExec, labReboot, labUp, type Lab } from "../../lab/api";
import { removeStack } from "../../support/stack";
import { engineSecrets, exportWithoutSecrets, leaks } from "../../support/secrets";
import { exampleProject, projectStack } from "../../support/project";
import { readFileSync, rmSync } from "node:fs";
import * as nodePath from "node:path";
import { parsePf } from "../../../sdk/model/pf/parser";

/** What a scenario checks. */
export interface Scenario {
  /** examples/ folder. */
  example: string;
  /** Pulumi project name (the example's Pulumi.yaml `name`). */
  project: string;
  /** Lab topology. */
  topology: "site-to-site" | "carp" | "gif" | "nat" | `mesh-${number}`;
  /** Lab prefix (unique per scenario so runs never collide). */
  prefix: string;
  /** Stack config beyond the gateways' connections (`psk` …). */
  config?: Record<string, { value: string; secret?: boolean }>;
  /** Expected files per gateway, as the guide writes them (continuations and whitespace aside). */
  files: Record<string, Record<string, string>>;
  /** Lines `ipsecctl -sf` must show per gateway. */
  flows?: Record<string, string[]>;
  /** A hand edit on one gateway, and the file it changes (refresh must report it; up must repair it). */
  edit: { gateway: string; command: string; file: string };
  /** The gateway rebooted. */
  reboot: string;
  /**
   * Steps known to fail because of a gap outside this folder (named in the closing report); they run as
   * `it.fails`, so they turn red the day the gap is fixed and the entry must be removed.
   */
  knownGaps?: ("destroy" | "flows")[];
  /**
   * Commands run after up that must succeed: traffic across the tunnel (`ping …`), on a lab host, or on a
   * gateway (`gateway`: topologies without hosts, e.g. mesh-N, ping between the gateways' LAN addresses).
   */
  traffic?: ({ host: string; command: string } | { gateway: string; command: string })[];
  /** More files per gateway that must be as before after destroy (e.g. key files the program derives). */
  baselinePaths?: Record<string, string[]>;
  /** More steps after the flows (and traffic) checks, in order, with the lab and the stack. */
  checks?: { name: string; run: (lab: Lab, stack: Stack) => Promise<void> }[];
  /** Secret values the program derives and never sees as config (a derived key file): never in state or output. */
  secrets?: Record<string, string>;
  /**
   * More steps of the scenario, registered after the reboot step (before the secrets and destroy steps):
   * `ctx()` gives the running lab and stack.
   */
  more?: (ctx: () => { lab: Lab; stack: Stack }) => void;
  /** Checked after destroy, beyond the files being back (e.g. packages removed). */
  destroyed?: (lab: Lab) => Promise<void>;
}

/** Private keys the program derives and installs: read from the hosts for the leak check. */
const PRIVATE_KEY_FILES = ["/etc/iked/private/local.key", "/etc/isakmpd/private/local.key"];

/** Normalises config text: continuations joined, whitespace collapsed, comments and blank lines dropped. */
export function lines(text: string): string[] {
  return text
    .replace(/\\\n/g, " ")
    .split("\n")
    .map((l) => l.replace(/\s+/g, " ").trim())
    .filter((l) => l !== "" && !l.startsWith("#"));
}

/** Stack config for every gateway of the lab: `<gw>Host`, `<gw>Port`, `<gw>HostKey`, and `sshKey`. */
function connectionConfig(lab: Lab): Record<string, { value: string; secret?: boolean }> {
  const out: Record<string, { value: string; secret?: boolean }> = {};
  for (const [name, g] of Object.entries(lab.gateways)) {
    out[`${name}Host`] = { value: g.host };
    out[`${name}Port`] = { value: String(g.port) };
    out[`${name}HostKey`] = { value: g.hostKey };
    out.sshKey = { value: g.privateKey, secret: true };
  }
  return out;
}

const BASELINE_PATHS = ["/etc/pf.conf", "/etc/sysctl.conf", "/etc/rc.conf.local", "/etc/ipsec.conf", "/etc/iked.conf", "/etc/sasyncd.conf"];

export function scenario(s: Scenario): void {
  let lab: Lab;
  let stack: Stack;
  let dir: string | undefined;
  /** The destroy step succeeded: the stack holds nothing, afterAll only removes it (one engine run fewer). */
  let destroyed = false;
  const baseline: Record<string, string> = {};
  const gateways = Object.keys(s.files);
  const paths = (gw: string) => [...new Set([...BASELINE_PATHS, ...Object.keys(s.files[gw] ?? {}), ...(s.baselinePaths?.[gw] ?? [])])];
  const snapshot = async (gw: string) => (await labExec(lab, gw, paths(gw).map((p) => `echo "== ${p}"; cat ${p} 2>/dev/null || echo ABSENT`).join("; "))).stdout;
  const cat = async (gw: string, path: string) => {
    const r = await labExec(lab, gw, `cat ${path}`);
    expect(r.code, `${gw}: cat ${path}: ${r.stderr}`).toBe(0);
    return r.stdout;
  };
  const checkFiles = async () => {
    for (const gw of gateways)
      for (const [path, text] of Object.entries(s.files[gw]!)) {
        const got = await cat(gw, path);
        // pf files: the same rules once parsed (the renderer writes pfctl's canonical form, e.g. `block on enc0 all`)
        if (path.startsWith("/etc/pf")) expect(parsePf(got, path).value.rules, `${gw} ${path}`).toEqual(parsePf(text, path).value.rules);
        else expect(lines(got), `${gw} ${path}`).toEqual(lines(text));
      }
  };
  // the flows of a tunnel negotiated after a start (a reboot, NAT-T through the lab's router) appear within seconds:
  // each gateway is asked again until it shows them all, for 10 s at most, then judged on what it shows
  const checkFlows = async () => {
    for (const [gw, want] of Object.entries(s.flows ?? {})) {
      let got = "";
      for (const deadline = Date.now() + 10_000; ; await new Promise((r) => setTimeout(r, 250))) {
        got = (await labExec(lab, gw, "ipsecctl -sf")).stdout;
        if (want.every((f) => got.includes(f)) || Date.now() > deadline) break;
      }
      const context = got.includes(want[0]!) ? "" : (await labExec(lab, gw, "ifconfig carp; rcctl ls started; ipsecctl -sa; cat /var/emu/*.json")).stdout;
      for (const f of want) expect(got, `${gw}: ipsecctl -sf\n${context}`).toContain(f);
    }
  };
  const same = (n: number) => ({ same: n });

  describe(`${s.example} through the real engine on the ${s.topology} lab`, () => {
    beforeAll(async () => {
      lab = await labUp(s.topology, { prefix: s.prefix, quiet: true });
      for (const gw of gateways) baseline[gw] = await snapshot(gw);
      dir = exampleProject(s.example, `${s.prefix}${process.pid}`);
      expect(readFileSync(nodePath.join(dir, "Pulumi.yaml"), "utf8")).toMatch(new RegExp(`^name: ${s.project}$`, "m"));
      stack = await projectStack(dir, `${s.prefix}${process.pid}`, { ...connectionConfig(lab), ...(s.config ?? {}) });
    });
    afterAll(async () => {
      if (stack) {
        if (!destroyed) await stack.destroy().catch(() => undefined);
        await removeStack(stack);
      }
      if (lab) await labDown(lab);
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    let resources = 0;
    /** The engine's output of every operation (default verbosity), checked for secrets at the end. */
    const engineOutput: string[] = [];
    const seen = <T extends { stdout: string; stderr: string }>(r: T): T => (engineOutput.push(r.stdout, r.stderr), r);
    it("up succeeds and writes every file as the guide shows it", async () => {
      const u = seen(await stack.up());
      expect(u.summary.result).toBe("succeeded");
      // a CommonJS program, as `pulumi new typescript` writes: no Node warning in what the user sees (ts-node's ES
      // module loader would print DEP0180 on Node 22+)
      expect(`${u.stdout}${u.stderr}`).not.toMatch(/DeprecationWarning|\(node:\d+\) \[/);
      resources = Object.values(u.summary.resourceChanges ?? {}).reduce((a, b) => a + (b ?? 0), 0);
      await checkFiles();
    });
    if (s.flows) (s.knownGaps?.includes("flows") ? it.fails : it)("ipsecctl -sf shows the flows on both ends", checkFlows);
    if (s.traffic)
      it("traffic crosses the tunnel", async () => {
        // The emulator's IPsec data path (emu/espd.py) follows each gateway's own view of its SAs, refreshed by that
        // gateway's IPsec commands; a passive end configured before its peer has not looked since (a real kernel
        // has the SAs as soon as IKE completes). `ipsecctl -sf` on every gateway is that look.
        if (s.flows) for (const gw of gateways) await labExec(lab, gw, "ipsecctl -sf >/dev/null");
        for (const t of s.traffic!) {
          const r = "host" in t ? await labHostExec(lab, t.host, t.command) : await labExec(lab, t.gateway, t.command);
          expect(r.code, `${"host" in t ? t.host : t.gateway}: ${t.command}\n${r.stdout}${r.stderr}`).toBe(0);
        }
      });
    for (const c of s.checks ?? []) it(c.name, () => c.run(lab, stack));
    it("preview shows no changes", async () => {
      expect(seen(await stack.preview()).changeSummary).toEqual(same(resources));
    });
    it("a hand edit is reported by refresh and repaired by up", async () => {
      const { gateway, command, file } = s.edit;
      const before = await cat(gateway, file);
      const x = await labExec(lab, gateway, command);
      expect(x.code, x.stderr).toBe(0);
      expect(await cat(gateway, file)).not.toBe(before);
      const r = seen(await stack.refresh());
      expect(r.summary.resourceChanges?.update).toBeGreaterThanOrEqual(1);
      const u = seen(await stack.up());
      expect(u.summary.resourceChanges?.update).toBeGreaterThanOrEqual(1);
      expect(await cat(gateway, file)).toBe(before);
      expect(seen(await stack.preview()).changeSummary).toEqual(same(resources));
    });
    it("a reboot leaves the gateway in the same state", async () => {
      await labReboot(lab, s.reboot);
      await checkFiles();
      if (!s.knownGaps?.includes("flows")) await checkFlows();
      expect(seen(await stack.refresh()).summary.resourceChanges).toEqual(same(resources));
    });
    s.more?.(() => ({ lab, stack }));
    it("no secret in plaintext in `pulumi stack export` or the engine's output", async () => {
      const known: Record<string, string> = {};
      for (const [k, v] of Object.entries({ ...connectionConfig(lab), ...(s.config ?? {}) })) if (v.secret) known[`config ${k}`] = v.value;
      (await engineSecrets(stack)).forEach((v, i) => (known[`engine secret #${i}`] = v));
      // derived key material the program never saw as config: iked and isakmpd private keys on the hosts
      for (const gw of gateways)
        for (const f of PRIVATE_KEY_FILES) {
          const k = await labExec(lab, gw, `cat ${f} 2>/dev/null`);
          if (k.stdout.includes("PRIVATE KEY")) known[`${gw} ${f}`] = k.stdout;
        }
      for (const [k, v] of Object.entries(s.secrets ?? {})) known[k] = v;
      expect(Object.keys(known).length).toBeGreaterThan(1);
      const exported = await exportWithoutSecrets(stack);
      expect(exported).toContain("openbsd:index:Gateway");
      expect([...leaks("stack export", exported, known), ...leaks("engine output", engineOutput.join("\n"), known)]).toEqual([]);
    });
    (s.knownGaps?.includes("destroy") ? it.fails : it)("destroy leaves the gateways as they were before", async () => {
      const d = await stack.destroy();
      expect(d.summary.result).toBe("succeeded");
      destroyed = true;
      for (const gw of gateways) expect(await snapshot(gw), gw).toBe(baseline[gw]);
      await s.destroyed?.(lab);
    });
  });
}
