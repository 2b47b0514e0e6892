/**
 * Lab topologies: small declarative files in `topologies/*.json`, plus the generated `mesh-N`.
 * Addresses from the guides exist only inside the lab's namespaces.
 */
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** A physical interface of a gateway, plugged into a segment, with the lines of its /etc/hostname.IF. */
export interface TopoInterface { name: string; segment: string; hostname: string[] }
/** A gateway: its interfaces and default route (/etc/mygate). */
export interface TopoGateway { interfaces: TopoInterface[]; mygate?: string }
/** A plain Linux host on a segment (e.g. the one host on a gateway's internal network). */
export interface TopoHost { segment: string; address: string; gateway?: string }
/**
 * A NAT router in its own namespace (`<id>-<name>`): `inside` on a private segment, `outside` on the
 * "internet" segment, IPv4 forwarding, and Linux nftables masquerading everything that leaves `outside`
 * (source NAT to the outside address, ports kept where free, conntrack mapping the replies back). With
 * `forward`, udp 500 and 4500 arriving on the outside address are forwarded to that inside address.
 */
export interface TopoNat {
  inside: { segment: string; address: string };
  outside: { segment: string; address: string; gateway: string };
  forward?: string;
}
/** A segment is a bridge in the lab's hub namespace; `routers` are addresses the hub routes between. */
export interface TopoSegment { routers?: string[] }
export interface Topology {
  name: string;
  description?: string;
  segments: Record<string, TopoSegment>;
  gateways: Record<string, TopoGateway>;
  hosts: Record<string, TopoHost>;
  /** NAT routers between a private segment and the internet (test/lab/nat.ts). */
  nats?: Record<string, TopoNat>;
}

const here = dirname(fileURLToPath(import.meta.url));

/** `mesh-N`: N gateways (gw1…gwN) on one internet segment 10.254.0.0/16, each with em0 on its own LAN 10.N.0.1/24. */
export function meshTopology(n: number): Topology {
  if (!Number.isInteger(n) || n < 2 || n > 50) throw new Error(`mesh-${n}: N must be an integer from 2 to 50`);
  const gateways: Record<string, TopoGateway> = {};
  const segments: Record<string, TopoSegment> = { internet: {} };
  for (let i = 1; i <= n; i++) {
    segments[`lan${i}`] = {};
    gateways[`gw${i}`] = {
      interfaces: [
        { name: "em0", segment: `lan${i}`, hostname: [`inet 10.${i}.0.1 255.255.255.0 NONE`, "up"] },
        { name: "em1", segment: "internet", hostname: [`inet 10.254.0.${i} 255.255.0.0 NONE`, "group egress", "up"] },
      ],
    };
  }
  return { name: `mesh-${n}`, description: `${n} gateways on one internet segment`, segments, gateways, hosts: {} };
}

/** Load a topology by name: `site-to-site`, `carp`, `gif`, `mesh-N`. */
export function loadTopology(name: string): Topology {
  const mesh = /^mesh-(\d+)$/.exec(name);
  if (mesh) return meshTopology(Number(mesh[1]));
  if (!/^[a-z0-9-]+$/.test(name)) throw new Error(`topology \`${name}\`: unknown; one of site-to-site, carp, gif, nat, mesh-N`);
  let text: string;
  try {
    text = readFileSync(join(here, "topologies", `${name}.json`), "utf8");
  } catch {
    throw new Error(`topology \`${name}\`: unknown; one of site-to-site, carp, gif, nat, mesh-N`);
  }
  const t = JSON.parse(text) as Omit<Topology, "name">;
  return { name, ...t };
}
