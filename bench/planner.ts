/**
 * Planning + rendering of a full mesh of N gateways (N(N-1)/2 tunnels, N(N-1) tunnel ends), N = 25, 50,
 * 100, 200: total time and time per tunnel end. Linear growth shows as a flat time per tunnel end.
 * Run: npx tsx bench/planner.ts (or `npm run bench`).
 */
import { planAndRender } from "./compiled";
import type { GatewaySpec, Topology, TunnelSpec } from "../sdk/planner/spec";

export function mesh(n: number): Topology {
  const gateways: GatewaySpec[] = [];
  for (let i = 0; i < n; i++)
    gateways.push({
      name: `gw${i}`,
      external: { interface: "em1", address: { address: `198.18.${i >> 8}.${(i & 255) + 0}`, prefix: 15 }, configure: false },
      internal: [{ interface: "em0", network: `10.${i >> 8}.${i & 255}.0/24`, configure: false }],
      ike: "isakmpd", forwarding: { ipv4: 1, ipv6: 0 }, sysctls: {}, services: {}, pfPolicy: "pass", pfSkip: [], extraInterfaces: [], keySeed: `seed${i}`,
    });
  const tunnels: TunnelSpec[] = [];
  for (let i = 0; i < n; i++)
    for (let j = i + 1; j < n; j++)
      tunnels.push({
        name: `t${i}-${j}`,
        left: { node: `gw${i}`, networks: [gateways[i]!.internal[0]!.network], mode: "active", rules: [] },
        right: { node: `gw${j}`, networks: [gateways[j]!.internal[0]!.network], mode: "active", rules: [] },
        keying: { kind: "ike", auth: { kind: "psk", psk: `psk-${i}-${j}` }, phase1: { auth: "hmac-sha2-256", enc: "aes-256" }, phase2: { auth: "hmac-sha2-256", enc: "aes-256" } },
        satype: "esp", policies: [], enc0: "skip",
      });
  return { gateways, tunnels, pairs: [], anchors: [], links: [] };
}

export default async function bench(): Promise<void> {
  for (let i = 0; i < 3; i++) planAndRender(mesh(40), { fingerprintKey: "warmup" }); // JIT warm-up
  for (const n of [25, 50, 100, 200]) {
    const t = mesh(n);
    const ends = t.tunnels.length * 2;
    const start = process.hrtime.bigint();
    const r = planAndRender(t, { fingerprintKey: "bench" });
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    const bytes = Object.values(r.states).reduce((a, s) => a + Object.values(s.files).reduce((b, f) => b + f.content.length, 0), 0);
    console.log(`planner mesh N=${n} tunnels=${t.tunnels.length}: ${ms.toFixed(1)} ms`);
    console.log(`planner mesh N=${n} per tunnel end: ${((ms * 1000) / ends).toFixed(2)} us`);
    console.log(`planner mesh N=${n} rendered: ${(bytes / 1e6).toFixed(2)} MB`);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await bench();
