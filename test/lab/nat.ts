/**
 * NAT routers of a lab topology (topology.ts `nats`): a Linux namespace `<id>-<name>` between a private
 * segment and the internet segment, forwarding IPv4 and masquerading with nftables — a real NAT with
 * conntrack, so a gateway behind it reaches its peers from the router's outside address, as behind a home or
 * cloud NAT. Its netns is listed in the lab record and removed with it (labDown).
 */
import type { Topology } from "./topology";
import { ipBatch, must } from "./sh";

/** The nftables ruleset of one NAT router: masquerade out of `out0`; optional IKE port forward to `forward`. */
export function natRuleset(outside: string, forward?: string): string {
  const out = outside.split("/")[0]!;
  return [
    "table ip nat {",
    "  chain prerouting {",
    "    type nat hook prerouting priority dstnat; policy accept;",
    ...(forward ? [`    iifname "out0" ip daddr ${out} udp dport { 500, 4500 } dnat to ${forward}`] : []),
    "  }",
    "  chain postrouting {",
    "    type nat hook postrouting priority srcnat; policy accept;",
    // counted per IKE port, so a test can show that IKE (500) and NAT-T (4500) crossed this NAT
    '    oifname "out0" udp dport 500 counter masquerade',
    '    oifname "out0" udp dport 4500 counter masquerade',
    '    oifname "out0" masquerade',
    "  }",
    "}",
    "",
  ].join("\n");
}

/**
 * Creates every NAT router of `t` (their netns already exist), plugged into the hub's bridges. Returns them
 * as lab hosts (netns, outside address), so `labHostExec(lab, "nat1", "nft list ruleset")` reaches them.
 */
export async function natRouters(t: Topology, id: string, hub: string): Promise<Record<string, { netns: string; address: string }>> {
  const nats = Object.entries(t.nats ?? {});
  if (nats.length === 0) return {};
  const root: string[] = [];
  const hubLinks: string[] = [];
  nats.forEach(([n], i) => {
    root.push(`link add in0 netns ${id}-${n} type veth peer name n${i}i netns ${hub}`, `link add out0 netns ${id}-${n} type veth peer name n${i}o netns ${hub}`);
  });
  await ipBatch(root);
  nats.forEach(([, nat], i) => hubLinks.push(`link set n${i}i master br-${nat.inside.segment} up`, `link set n${i}o master br-${nat.outside.segment} up`));
  await ipBatch(hubLinks, hub);
  for (const [n, nat] of nats) {
    const ns = `${id}-${n}`;
    await ipBatch(["link set lo up", "link set in0 up", "link set out0 up", `addr add ${nat.inside.address} dev in0`, `addr add ${nat.outside.address} dev out0`, `route add default via ${nat.outside.gateway}`], ns);
    await must(["ip", "netns", "exec", ns, "sh", "-c", "echo 1 > /proc/sys/net/ipv4/ip_forward"]);
    await must(["ip", "netns", "exec", ns, "nft", "-f", "-"], { stdin: natRuleset(nat.outside.address, nat.forward) });
  }
  return Object.fromEntries(nats.map(([n, nat]) => [n, { netns: `${id}-${n}`, address: nat.outside.address.split("/")[0]! }]));
}
