/**
 * Issue 5 through the real engine: GatewayConfig (built by hand here) on the lab's site-to-site pair.
 * up → preview clean → refresh clean; hand edits reported by refresh under the right item and
 * classification, then repaired by up; an invalid pf rule fails with pfctl's own message and changes
 * nothing; no plaintext PSK in the state, the engine's output or the plugin's log; budgets from the
 * transport counters; destroy puts the baseline back.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as pulumi from "@pulumi/pulumi";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import type { Stack } from "@pulumi/pulumi/automation";
import { GatewayConfig } from "../../sdk/resources/gateway-config";
import { labDown, labExec, labUp, type Lab } from "../lab/api";
import { labStack, destroyAndRemove } from "../support/stack";
import { ROOT } from "../support/env";
import { gwState, PSK, SIDES, type Side } from "../provider/fixtures";
import { clearCounters, readCounters } from "../provider/counters-files";

const COUNTERS = path.join(ROOT, ".state", "provider-e2e-counters");
let lab: Lab;
let stack: Stack;
let anchorOverride: string | undefined;
/** Resource names (a test renames one). */
const names: Record<Side, string> = { gw1: "gw1", gw2: "gw2" };
const transcript: string[] = [];

const program = async () => {
  const cfg = new pulumi.Config();
  const psk = cfg.requireSecret("psk");
  for (const side of ["gw2", "gw1"] as Side[]) {
    const g = lab.gateways[side]!;
    const state = psk.apply((p) => gwState(side, { psk: p, anchor: side === "gw1" ? anchorOverride : undefined }));
    new GatewayConfig(names[side], { connection: { host: g.host, port: g.port, user: g.user, privateKey: g.privateKey, hostKey: g.hostKey }, state, rollbackSeconds: 20 });
  }
};

async function gw(cmd: string, side: Side = "gw1"): Promise<string> {
  const r = await labExec(lab, side, cmd);
  return r.stdout + r.stderr;
}

async function driftOf(side: Side): Promise<Record<string, string>> {
  const d = await stack.exportStack();
  const r = (d.deployment.resources as { type: string; urn: string; outputs?: { drift?: Record<string, string> } }[]).find((x) => x.type === "openbsd:index:GatewayConfig" && x.urn.endsWith(`::${side}`));
  return r?.outputs?.drift ?? {};
}

function record<T extends { stdout: string; stderr: string }>(r: T): T {
  transcript.push(r.stdout, r.stderr);
  return r;
}

beforeAll(async () => {
  lab = await labUp("site-to-site", { prefix: "pe2e", quiet: true });
  process.env.PULUMI_OPENBSD_COUNTERS_DIR = COUNTERS;
  stack = await labStack("provider-e2e", `gw${process.pid}`, program, { psk: { value: PSK, secret: true } });
});

afterAll(async () => {
  await destroyAndRemove(stack);
  if (lab) await labDown(lab);
});

describe("GatewayConfig through the real engine", () => {
  it("up creates both gateways' configuration; preview and refresh then show no changes", async () => {
    const u = record(await stack.up());
    expect(u.summary.result).toBe("succeeded");
    expect(u.summary.resourceChanges).toEqual({ create: 3 });
    expect(await gw("cat /etc/pf.anchors/vpn")).toContain("pass in on em1 proto esp from 192.0.123.85 to 192.0.2.153");
    expect(await gw("rcctl get isakmpd flags")).toBe("-K\n");
    expect(await gw("sysctl net.inet.ip.forwarding")).toBe("net.inet.ip.forwarding=1\n");
    expect(await gw("ipsecctl -sf")).toContain("flow esp out from 172.16.0.0/24 to 192.168.15.0/24 peer 192.0.123.85");

    clearCounters(COUNTERS);
    const p = record(await stack.preview());
    expect(p.changeSummary).toEqual({ same: 3 });
    expect(readCounters(COUNTERS)).toEqual({}); // preview never connects

    const r = record(await stack.refresh());
    expect(r.summary.resourceChanges).toEqual({ same: 3 });
    const c = readCounters(COUNTERS);
    for (const side of ["gw1", "gw2"] as Side[]) {
      const g = lab.gateways[side]!;
      expect(c[`${g.host}:22`]).toMatchObject({ connections: 1, commands: 1 });
    }
    expect(Object.values(await driftOf("gw1")).every((v) => v === "in sync")).toBe(true);
  });

  const edits: { name: string; edit: string; key: string; cls: string; shown: string; check: () => Promise<void> }[] = [
    {
      name: "a file changed",
      edit: "echo 'pass in on em1 proto tcp to port 22' >> /etc/pf.anchors/vpn",
      key: 'files["/etc/pf.anchors/vpn"]',
      shown: '"/etc/pf.anchors/vpn"',
      cls: "file drifted",
      check: async () => expect(await gw("cat /etc/pf.anchors/vpn")).not.toContain("port 22"),
    },
    {
      name: "a sysctl flipped",
      edit: "sysctl net.inet.ip.forwarding=0",
      key: 'sysctls["net.inet.ip.forwarding"]',
      shown: 'net.inet.ip.forwarding',
      cls: "running drifted",
      check: async () => expect(await gw("sysctl -n net.inet.ip.forwarding")).toBe("1\n"),
    },
    {
      name: "a service stopped",
      edit: "rcctl stop isakmpd",
      key: 'services["isakmpd"]',
      shown: 'isakmpd',
      cls: "running drifted",
      check: async () => expect(await gw("rcctl ls started")).toContain("isakmpd"),
    },
    {
      name: "a pf anchor flushed",
      edit: "pfctl -a vpn -F rules",
      key: 'anchors["vpn"]',
      shown: 'anchors["vpn"]',
      cls: "running drifted",
      check: async () => expect(await gw("pfctl -a vpn -sr")).toContain("pass in on em1 inet proto esp from 192.0.123.85 to 192.0.2.153"),
    },
    {
      name: "a flow deleted",
      edit: "ipsecctl -d -f /etc/ipsec.conf",
      key: "flows",
      shown: "- flows",
      cls: "running drifted",
      check: async () => expect(await gw("ipsecctl -sf")).toContain("flow esp out from 172.16.0.0/24 to 192.168.15.0/24"),
    },
    {
      name: "an interface address removed",
      edit: "ifconfig em0 inet 172.16.0.1 delete",
      key: 'interfaces["em0"]',
      shown: 'interfaces["em0"]',
      cls: "running drifted",
      check: async () => expect(await gw("ifconfig em0")).toContain("inet 172.16.0.1 netmask 0xffffff00"),
    },
  ];
  // The six hand edits are made together and go through one refresh, one preview and one up (then a refresh and a
  // preview that must be clean): each test checks its own item in those results. One engine round instead of six
  // (each is five operations through the CLI), and the commit repairs six kinds of drift at once.
  describe("six hand edits on gw1 at once", () => {
    let refresh: Awaited<ReturnType<Stack["refresh"]>>;
    let preview: Awaited<ReturnType<Stack["preview"]>>;
    let up: Awaited<ReturnType<Stack["up"]>>;
    let refresh2: Awaited<ReturnType<Stack["refresh"]>>;
    let preview2: Awaited<ReturnType<Stack["preview"]>>;
    let drift: Record<string, string>;
    let driftAfter: [string, string][];
    const checked = new Map<string, Error | undefined>();
    beforeAll(async () => {
      // the flows are deleted through isakmpd (its fifo), so before the service is stopped
      for (const e of [...edits].sort((a, b) => Number(b.key === "flows") - Number(a.key === "flows"))) {
        const x = await labExec(lab, "gw1", e.edit);
        expect(x.code, `${e.edit}: ${x.stderr}`).toBe(0);
      }
      refresh = record(await stack.refresh());
      drift = await driftOf("gw1");
      preview = record(await stack.preview({ diff: true }));
      up = record(await stack.up());
      for (const e of edits) checked.set(e.name, await e.check().then(() => undefined, (err: Error) => err));
      refresh2 = record(await stack.refresh());
      driftAfter = Object.entries(await driftOf("gw1")).filter(([, v]) => v !== "in sync");
      preview2 = record(await stack.preview());
    });
    for (const e of edits) {
      it(`${e.name}: refresh reports ${e.key} as ${e.cls}; up repairs it`, () => {
        // gw1 drifted; gw2 may too (its tunnel to gw1 went down with gw1's isakmpd or flows)
        expect(refresh.summary.resourceChanges?.update).toBeGreaterThanOrEqual(1);
        expect(drift[e.key]).toBe(e.cls);
        expect(preview.changeSummary.update).toBe(refresh.summary.resourceChanges?.update);
        expect(preview.stdout).toContain(e.shown);
        expect(up.summary.resourceChanges?.update).toBe(refresh.summary.resourceChanges?.update);
        const err = checked.get(e.name);
        if (err) throw err;
        expect(refresh2.summary.resourceChanges).toEqual({ same: 3 }); // the up recorded everything in sync
        expect(driftAfter).toEqual([]);
        expect(preview2.changeSummary).toEqual({ same: 3 });
      });
    }
  });

  it("an invalid pf rule fails the up with pfctl's own message and changes nothing", async () => {
    const hashes = await gw("sha256 -q /etc/pf.conf /etc/pf.anchors/vpn /etc/ipsec.conf /etc/sysctl.conf");
    const rules = await gw("pfctl -a vpn -sr; pfctl -sr");
    anchorOverride = SIDES.gw1 && "pass in on em1 proto udp from 192.0.123.85 to any port 500\npass inn on em1 proto esp\n";
    let err = "";
    try {
      record(await stack.up());
    } catch (e) {
      err = String((e as Error).message);
    }
    anchorOverride = undefined;
    expect(err).toContain("pfctl -a vpn -nf /etc/pf.anchors/vpn.pulumi-new");
    expect(err).toMatch(/\/etc\/pf\.anchors\/vpn\.pulumi-new:2: syntax error/);
    expect(await gw("sha256 -q /etc/pf.conf /etc/pf.anchors/vpn /etc/ipsec.conf /etc/sysctl.conf")).toBe(hashes);
    expect(await gw("pfctl -a vpn -sr; pfctl -sr")).toBe(rules);
    expect(await gw("ls /etc/pf.anchors")).toBe("vpn\n");
    transcript.push(err);
    const p = record(await stack.preview());
    expect(p.changeSummary).toEqual({ same: 3 });
  });

  it("a renamed resource takes the gateway over; the old one's delete leaves it as it is and the CLI shows why", async () => {
    const files = "sha256 -q /etc/ipsec.conf /etc/pf.conf /etc/pf.anchors/vpn; rcctl get isakmpd flags; ipsecctl -sf | wc -l";
    const before = await gw(files);
    for (const [from, to] of [["gw1", "gw1-renamed"], ["gw1-renamed", "gw1"]]) {
      names.gw1 = to!;
      const u = record(await stack.up());
      expect(u.summary.resourceChanges).toMatchObject({ create: 1, delete: 1 });
      expect(await gw(files)).toBe(before);
      // the engine shows the provider's warning under the deleted resource and in the update's Diagnostics
      expect(u.stdout).toContain(`openbsd:index:GatewayConfig (${from}):\n    warning: ${lab.gateways.gw1!.host}:22: nothing restored: this stack's GatewayConfig "${to}" manages the gateway now`);
    }
  });

  it("no plaintext PSK in the state file, the engine's output or the plugin's log", async () => {
    const file = path.join(ROOT, ".state", "backend", ".pulumi", "stacks", "provider-e2e", `${stack.name}.json`);
    const state = readFileSync(file, "utf8");
    expect(state).toContain("openbsd:index:GatewayConfig");
    expect(state).not.toContain(PSK);
    expect(state).not.toContain("BEGIN OPENSSH PRIVATE KEY");
    expect(transcript.join("\n")).not.toContain(PSK);
  });

  it("destroy puts back what the gateways had before", async () => {
    const d = record(await stack.destroy());
    expect(d.summary.resourceChanges).toMatchObject({ delete: 3 });
    expect(await gw("ls /etc/ipsec.conf /etc/pf.anchors/vpn 2>&1; cat /etc/pf.conf")).toBe(
      "ls: cannot access '/etc/ipsec.conf': No such file or directory\nls: cannot access '/etc/pf.anchors/vpn': No such file or directory\n# pf.conf written by the lab at first boot\nset skip on lo\npass\n",
    );
    expect(await gw("rcctl ls started")).not.toContain("isakmpd");
    expect(await gw("sysctl -n net.inet.ip.forwarding")).toBe("0\n");
    expect(await gw("ipsecctl -sf")).toBe("");
  });
});
