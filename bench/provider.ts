/**
 * The provider at scale (issue 5): refresh and no-op `up` of `mesh-20` and `mesh-50` through the real
 * engine, wall time and SSH counts from the transport counters, and the engine's own floor (the same
 * stack with the provider's read stubbed out, PULUMI_OPENBSD_STUB=1) measured in the same run.
 * Run: `npm run bench -- provider` (root: it brings up lab namespaces).
 */
import * as pulumi from "@pulumi/pulumi";
import * as path from "node:path";
import type { LocalWorkspace, Stack } from "@pulumi/pulumi/automation";
import { GatewayConfig } from "../sdk/resources/gateway-config";
import type { HostState } from "../sdk/state";
import { labDown, labUp, type Lab, type LabGateway } from "../test/lab/api";
import { labStack, removeStack } from "../test/support/stack";
import { ROOT } from "../test/support/env";
import { clearCounters, readCounters } from "../test/provider/counters-files";

const COUNTERS = path.join(ROOT, ".state", "bench-provider-counters");

/** A gateway of the mesh: its LAN interface, an anchor passing IKE/ESP from every peer, forwarding on. */
function meshState(g: LabGateway, peers: number): HostState {
  const rules = Array.from({ length: peers }, (_, i) => `pass in on em1 proto esp from 10.254.0.${i + 1} to (em1)`).join("\n") + "\n";
  return {
    files: {
      "/etc/pf.conf": { content: 'set skip on lo\npass\nanchor "vpn"\nload anchor "vpn" from "/etc/pf.anchors/vpn"\n', mode: "0600", owner: "root", group: "wheel", check: "pf" },
      "/etc/pf.anchors/vpn": { content: rules, mode: "0600", owner: "root", group: "wheel", check: "pf-anchor" },
      "/etc/sysctl.conf": { content: "net.inet.ip.forwarding=1\n", mode: "0644", owner: "root", group: "wheel", check: "none" },
    },
    sysctls: { "net.inet.ip.forwarding": "1" },
    services: {},
    interfaces: [],
    anchors: { vpn: { file: "/etc/pf.anchors/vpn" } },
    ipsec: { daemon: "none" },
  };
}

async function timed<T>(f: () => Promise<T>): Promise<{ ms: number; r: T }> {
  const t0 = performance.now();
  const r = await f();
  return { ms: performance.now() - t0, r };
}

function sum(c: ReturnType<typeof readCounters>): { connections: number; commands: number; bytes: number } {
  const v = Object.values(c);
  return { connections: v.reduce((a, x) => a + x.connections, 0), commands: v.reduce((a, x) => a + x.commands, 0), bytes: v.reduce((a, x) => a + x.bytesIn + x.bytesOut, 0) };
}

async function one(n: number): Promise<void> {
  let lab: Lab | undefined;
  let stack: Stack | undefined;
  try {
    lab = await labUp(`mesh-${n}`, { prefix: `bp${n}`, quiet: true });
    const gws = Object.values(lab.gateways);
    process.env.PULUMI_OPENBSD_COUNTERS_DIR = COUNTERS;
    stack = await labStack("bench-provider", `mesh${n}x${process.pid}`, async () => {
      for (const g of gws) {
        new GatewayConfig(g.name, { connection: { host: g.host, port: g.port, user: g.user, privateKey: pulumi.secret(g.privateKey), hostKey: g.hostKey }, state: meshState(g, n) });
      }
    });
    const ws = stack.workspace as LocalWorkspace;
    const create = await timed(() => stack!.up());
    if (create.r.summary.result !== "succeeded") throw new Error(`mesh-${n}: up failed`);
    console.log(`provider.mesh-${n}.create: ${create.ms.toFixed(0)} ms`);
    for (const op of ["refresh", "noop-up"] as const) {
      const run = () => (op === "refresh" ? stack!.refresh() : stack!.up());
      clearCounters(COUNTERS);
      const real = await timed(run);
      const c = sum(readCounters(COUNTERS));
      ws.envVars.PULUMI_OPENBSD_STUB = "1";
      clearCounters(COUNTERS);
      const floor = await timed(run);
      delete ws.envVars.PULUMI_OPENBSD_STUB;
      const same = (real.r.summary.resourceChanges as Record<string, number> | undefined)?.same ?? 0;
      console.log(`provider.mesh-${n}.${op}.wall: ${real.ms.toFixed(0)} ms`);
      console.log(`provider.mesh-${n}.${op}.floor: ${floor.ms.toFixed(0)} ms`);
      console.log(`provider.mesh-${n}.${op}.ratio: ${(real.ms / floor.ms).toFixed(2)} x`);
      console.log(`provider.mesh-${n}.${op}.ssh-connections: ${c.connections} (${(c.connections / n).toFixed(2)} per gateway)`);
      console.log(`provider.mesh-${n}.${op}.ssh-commands: ${c.commands} (${(c.commands / n).toFixed(2)} per gateway)`);
      console.log(`provider.mesh-${n}.${op}.ssh-bytes: ${c.bytes} bytes`);
      console.log(`provider.mesh-${n}.${op}.unchanged: ${same} resources`);
    }
    await stack.destroy();
  } finally {
    if (stack) await removeStack(stack);
    if (lab) await labDown(lab);
  }
}

export default async function bench(): Promise<void> {
  for (const n of [20, 50]) await one(n);
}
