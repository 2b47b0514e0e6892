/**
 * What the planner collects per gateway while it walks the topology, before the documents are built
 * (documents.ts). Each concept's planner (gateway.ts, carp.ts, tunnel*.ts, links.ts, anchors.ts) only adds
 * to these collections; the checks that need the whole gateway run once at the end (plan.ts).
 */
import type { IkedPolicy } from "../model/iked/types";
import { statementProblems } from "../model/ipsec/validate";
import type { IpsecStatement } from "../model/ipsec/types";
import type { PfRule } from "../model/pf/types";
import type { ServiceState } from "../state";
import { NetSet } from "../model/address/index";
import type { IfLine, RawFile, SasyncdDoc } from "./docs";
import type { PlanIssue } from "./errors";
import type { CarpPairSpec, CarpSegmentSpec, GatewaySpec, IkeDaemon } from "./spec";

/** A tunnel end's node: a gateway, or a CARP pair (both members get the configuration). */
export type Node =
  | { kind: "gateway"; label: string; gateways: GatewaySpec[] }
  | { kind: "pair"; label: string; gateways: GatewaySpec[]; pair: CarpPairSpec; ext: CarpSegmentSpec };

/** The egress binding of a group of IPsec peers: the interface (plain gateway) or the CARP address. */
export interface Egress {
  interface?: string;
  address: string;
}

/** A gateway's pf contributions, turned into pf.conf and the `vpn` anchor by documents.ts. */
export interface PfAcc {
  /** enc0 mode → the tunnel that asked for it (for the "same enc0 setting" error). */
  enc0: Map<"skip" | "filter", string>;
  /** Rules on enc0 (with `enc0: "filter"`). */
  enc0Rules: PfRule[];
  /** Rules of pairs and links, in declaration order. */
  vpnRules: PfRule[];
  /** IKE/ESP peers by egress binding: rendered one rule set per peer, or through a table when there are many. */
  peerGroups: Map<string, { ext: Egress; ike: boolean; satype: "esp" | "ah"; peers: Set<string> }>;
  /** Rules given by tunnel ends (after the generated ones). */
  userRules: PfRule[];
  /** PfAnchor rulesets by anchor name. */
  anchors: Map<string, PfRule[]>;
}

/** Per-gateway accumulator. */
export interface Acc {
  gw: GatewaySpec;
  ipsec: IpsecStatement[];
  iked: IkedPolicy[];
  /** Daemon → the resource that asked for it (for the "same IKE daemon" error). */
  daemons: Map<IkeDaemon, string>;
  pf: PfAcc;
  hostnames: Map<string, IfLine[]>;
  sasyncd?: SasyncdDoc;
  sysctls: Map<string, string>;
  services: Map<string, ServiceState>;
  rawFiles: Map<string, RawFile>;
  /** Packages (pkg_add names) → the resource that asked for each (packages.ts). */
  packages: Map<string, string>;
  /** Remote protected networks → tunnel label (overlap between tunnels of one gateway). */
  remoteNets: NetSet<string>;
}

export function newAcc(gw: GatewaySpec): Acc {
  return {
    gw, ipsec: [], iked: [], daemons: new Map(),
    pf: { enc0: new Map(), enc0Rules: [], vpnRules: [], peerGroups: new Map(), userRules: [], anchors: new Map() },
    hostnames: new Map(), sysctls: new Map(), services: new Map(), rawFiles: new Map(), packages: new Map(), remoteNets: new NetSet<string>(),
  };
}

/** How each resource kind is named in errors (`Gateway "gw1"`). */
export const gwLabel = (n: string) => `Gateway "${n}"`;
export const tunLabel = (n: string) => `SiteToSiteTunnel "${n}"`;
export const pairLabel = (n: string) => `CarpPair "${n}"`;
export const linkLabel = (n: string) => `GifTunnel "${n}"`;
export const anchorLabel = (n: string) => `PfAnchor "${n}"`;

/** Services of an IKE daemon (rc.d order: isakmpd 1 → ipsec 2 → sasyncd 3; iked 1). */
export function useDaemon(acc: Acc, d: IkeDaemon, by: string): void {
  if (!acc.daemons.has(d)) acc.daemons.set(d, by);
  switch (d) {
    case "isakmpd":
      // -K: no keynote policy (required with ipsecctl); -S is added by rc.d when sasyncd is enabled (C.2)
      acc.services.set("isakmpd", { order: 1, enabled: true, flags: "-K", running: true });
      acc.services.set("ipsec", { order: 2, enabled: true, running: true });
      return;
    case "iked":
      acc.services.set("iked", { order: 1, enabled: true, running: true });
      return;
  }
}

/** Manually keyed SAs are loaded by `ipsecctl` at boot (rc.d `ipsec`). */
export function useManual(acc: Acc): void {
  acc.services.set("ipsec", { order: 2, enabled: true, running: true });
}

/** Fields whose values are secret: never echoed in messages. */
const SECRET_FIELD = /psk|key|pass/i;

/** Adds an ipsec.conf statement, reporting what the ipsec model refuses in it (secret values hidden). */
export function pushStatement(acc: Acc, s: IpsecStatement, by: string[], issues: PlanIssue[]): void {
  for (const p of statementProblems(s)) {
    issues.push({ resources: by, field: p.field, value: SECRET_FIELD.test(p.field) ? "(secret)" : String(p.value), reason: p.text, fix: p.hint ?? "see ipsec.conf(5)" });
  }
  acc.ipsec.push(s);
}
