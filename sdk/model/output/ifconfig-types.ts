/** The interfaces `ifconfig` prints, typed (parsed by ifconfig.ts). */
import type { ScopedIp as IpAddress } from "../address/index";

/** carp(4) state as printed by ifconfig: `INIT` (not yet advertising/parent down), `BACKUP`, `MASTER`. */
export type CarpState = "INIT" | "BACKUP" | "MASTER";

/** One carp node of a multi-vhid (balancing) carp interface: `\t\tstate MASTER vhid 1 advskew 0`. */
export interface CarpNode {
  /** Node state. */
  state: CarpState;
  /** Virtual host id, 1–255. */
  vhid: number;
  /** Advertisement skew, 0–254 (lower wins master). */
  advskew: number;
}

/** The `carp:` line of a carp interface. */
export type CarpStatus =
  | {
      /** `carp: STATE carpdev IF vhid N advbase N advskew N[ carppeer ADDR]` (one vhid). */
      kind: "single";
      /** Current state. */
      state: CarpState;
      /** Parent interface (`carpdev`). */
      carpdev: string;
      /** Virtual host id. */
      vhid: number;
      /** Advertisement base interval in seconds (default 1). */
      advbase: number;
      /** Advertisement skew (default 0). */
      advskew: number;
      /** Unicast peer (`carppeer`), when set; multicast otherwise. */
      carppeer?: IpAddress;
    }
  | {
      /** `carp: carpdev IF advbase N balancing MODE[ carppeer ADDR]` followed by one line per node. */
      kind: "multi";
      /** Parent interface. */
      carpdev: string;
      /** Advertisement base interval in seconds. */
      advbase: number;
      /** Balancing mode (`none`, `ip`, `ip-stealth`, `ip-unicast`). */
      balancing: string;
      /** Unicast peer, when set. */
      carppeer?: IpAddress;
      /** The carp nodes, in printed order. */
      nodes: CarpNode[];
    };

/** The `pfsync:` line: `pfsync: syncdev: IF [syncpeer: ADDR ]maxupd: N defer: on|off`. */
export interface PfsyncStatus {
  /** Interface pfsync sends on (`none` when unset). */
  syncdev: string;
  /** Unicast peer, when set (multicast otherwise). */
  syncpeer?: IpAddress;
  /** Maximum updates per state before a pfsync packet is sent (default 128). */
  maxupd: number;
  /** Whether `defer` is on. */
  defer: boolean;
}

/** The `tunnel:` line of gif/gre/etherip/eoip/… interfaces. */
export type TunnelStatus =
  | {
      /** `tunnel: (unset)`: no endpoints configured. */
      kind: "unset";
    }
  | {
      /** `tunnel: inet[6] SRC[:PORT] --> DST[:PORT] …`. */
      kind: "set";
      /** Outer address family. */
      family: "inet" | "inet6";
      /** Local endpoint. */
      source: IpAddress;
      /** Local port, when non-zero. */
      sourcePort?: number;
      /** Remote endpoint. */
      destination: IpAddress;
      /** Remote port, when non-zero. */
      destinationPort?: number;
      /** Outer TTL: a number or `copy`; undefined when not printed. */
      ttl?: number | "copy";
      /** `df` (true) or `nodf` (false); undefined when not printed. */
      df?: boolean;
      /** `ecn` (true) or `noecn` (false); undefined when not printed. */
      ecn?: boolean;
      /** Tunnel routing domain, when printed. */
      rdomain?: number;
    };

/** An `inet` line: `inet A[ --> DST] netmask 0xM[ broadcast B]`. */
export interface InetAddress {
  /** The address. */
  address: IpAddress & { family: 4 };
  /** Prefix length converted from the hex netmask (0xffffff00 → 24). */
  prefixlen: number;
  /** Point-to-point destination (`-->`), on POINTOPOINT interfaces. */
  destination?: IpAddress;
  /** Broadcast address, on BROADCAST interfaces. */
  broadcast?: IpAddress;
}

/** An `inet6` line: `inet6 ADDR[%IF][ --> DST] prefixlen N[ FLAGS…][ scopeid 0xN][ pltime N vltime N]`. */
export interface Inet6Address {
  /** The address (scope kept in `address.scope`). */
  address: IpAddress & { family: 6 };
  /** Prefix length. */
  prefixlen: number;
  /** Point-to-point destination. */
  destination?: IpAddress;
  /** Flags printed after the prefix length: anycast, tentative, duplicated, detached, deprecated, autoconf, temporary. */
  flags: string[];
  /** `scopeid 0xN`, when printed. */
  scopeid?: number;
  /** Preferred lifetime (`-L`), seconds or `infty`. */
  pltime?: string;
  /** Valid lifetime (`-L`), seconds or `infty`. */
  vltime?: string;
}

/** One interface as `ifconfig` prints it. */
export interface IfconfigInterface {
  /** Interface name, e.g. `em0`, `carp1`, `enc0`. */
  name: string;
  /** 1-based line of the header line in the parsed text. */
  line: number;
  /** Numeric interface flags (the hex before `<…>`). */
  flags: number;
  /** Flag names between `<` and `>`, e.g. `UP`, `RUNNING`. */
  flagNames: string[];
  /** Routing domain, when not 0. */
  rdomain?: number;
  /** Routing metric, when not 0. */
  metric?: number;
  /** MTU; undefined when not printed (modern enc0). */
  mtu?: number;
  /** Link-layer address (Ethernet-type and carp interfaces). */
  lladdr?: string;
  /** `description: TEXT` (text after the colon and one space). */
  description?: string;
  /** Interface index. */
  index?: number;
  /** Route priority (absent for bridges). */
  priority?: number;
  /** Link-layer priority. */
  llprio?: number;
  /** `keepalive: timeout T count C` (gre/eoip). */
  keepalive?: { timeout: number; count: number };
  /** `patch: IF` (pair interfaces). */
  patch?: string;
  /** `encap:` key/value pairs, e.g. `{ vnetid: "none", txprio: "payload" }`. */
  encap?: Record<string, string>;
  /** The carp status, on carp interfaces. */
  carp?: CarpStatus;
  /** The pfsync status, on pfsync interfaces. */
  pfsync?: PfsyncStatus;
  /** Interface groups (the implicit `all` is never printed). */
  groups: string[];
  /** Media text after `media: ` without the active part, e.g. `Ethernet autoselect`. */
  media?: string;
  /** The active medium in parentheses, when it differs, e.g. `1000baseT full-duplex`. */
  mediaActive?: string;
  /** Link status text: `active`, `no carrier`, `master`, `backup`, `invalid`, `down`, … */
  status?: string;
  /** Tunnel endpoints, on tunnel interfaces. */
  tunnel?: TunnelStatus;
  /** IPv4 addresses in printed (kernel) order. */
  inet: InetAddress[];
  /** IPv6 addresses in printed (kernel) order. */
  inet6: Inet6Address[];
  /** Detail lines not modelled here, trimmed, in order. */
  other: string[];
}

