/**
 * The typed documents the planner computes for one gateway, before rendering: each becomes one file
 * (or one HostState entry) through the model's canonical renderers (see render.ts).
 */
import type { IkedConf } from "../model/iked/types";
import type { IpsecConf } from "../model/ipsec/types";
import type { PfRuleset } from "../model/pf/types";
import type { FileCheck, ServiceState } from "../state";
import type { IkeDaemon } from "./spec";

/** One line of a hostname.if(5) file, in the order netstart replays them. */
export type IfLine =
  /** `inet ADDR MASK NONE [carp options]` (+ `dest PEER` for point-to-point). */
  | {
      kind: "inet";
      address: string;
      prefix: number;
      dest?: string;
      carp?: { vhid: number; carpdev: string; pass?: string; advbase?: number; advskew?: number };
    }
  /** `inet6 ADDR PREFIXLEN` (+ `dest PEER`). */
  | { kind: "inet6"; address: string; prefix: number; dest?: string }
  /** `tunnel SRC DST` (gif, gre, eoip, etherip). */
  | { kind: "tunnel"; source: string; destination: string }
  /** `vnetid N` (GRE key, eoip tunnel id). */
  | { kind: "vnetid"; id: number }
  /** `keepalive PERIOD COUNT`. */
  | { kind: "keepalive"; period: number; count: number }
  /** `syncdev IF` / `syncpeer ADDR` (pfsync). */
  | { kind: "syncdev"; dev: string; syncpeer?: string }
  /** `description "…"`. */
  | { kind: "description"; text: string }
  /** `up`. */
  | { kind: "up" }
  /** Other ifconfig arguments, one command (wg(4): `wgkey …`, `wgpeer …`). */
  | { kind: "ifconfig"; args: string[] }
  /** `!command` run by netstart's shell (wg(4): `!route -q add -inet NET PEER`). */
  | { kind: "command"; command: string };

/** sasyncd.conf(5). */
export interface SasyncdDoc {
  /** carp interface tracked. */
  interface: string;
  /** Peers (the other member's sync address). */
  peers: string[];
  /** Shared key, hex without `0x` (16/24/32 bytes). */
  sharedkey: string;
  flushmode?: "sync" | "startup" | "never";
  /** Which daemon sasyncd controls; default isakmpd. */
  control?: "isakmpd" | "iked";
}

/** A file whose content the planner computed directly (key files). */
export interface RawFile {
  content: string;
  mode: string;
  secret: boolean;
  /** How the host validates it before the swap; default `none`. */
  check?: FileCheck;
}

/** Everything one gateway needs, typed. */
export interface GatewayDocs {
  name: string;
  /** /etc/ipsec.conf (ike rules, flows, SAs); undefined when nothing uses it. */
  ipsec?: IpsecConf;
  /** /etc/iked.conf; undefined when iked is not used. */
  iked?: IkedConf;
  /** The IKE daemon in use (`none`: manual keying only, or no IPsec). */
  daemon: IkeDaemon | "none";
  /** /etc/pf.conf. */
  pf: PfRuleset;
  /** Anchors by name → their ruleset (file /etc/pf.anchors/NAME). */
  anchors: Record<string, PfRuleset>;
  /** hostname.if files by interface name. */
  hostnames: Record<string, IfLine[]>;
  /** /etc/sasyncd.conf. */
  sasyncd?: SasyncdDoc;
  /** sysctl MIB → value (also /etc/sysctl.conf). */
  sysctls: Record<string, string>;
  /** rc.d services. */
  services: Record<string, ServiceState>;
  /** Key files by path. */
  rawFiles: Record<string, RawFile>;
  /** Packages (pkg_add names), sorted. */
  packages: string[];
}

/** What the planner returns: documents per gateway and the apply order constraints between gateways. */
export interface Plan {
  gateways: Record<string, GatewayDocs>;
  /** gateway → gateways whose commit must finish first (CARP: the master after the backup). */
  dependsOn: Record<string, string[]>;
}
