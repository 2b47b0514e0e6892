/**
 * The declared topology as plain, resolved values: what the components hand to the planner once every
 * `pulumi.Input` has resolved. Pure data (no Pulumi types). Secrets (PSKs, sharedkeys, manual keys, key
 * seeds) are plain strings here: the planner never prints them (errors show keyed fingerprints), and the
 * components mark every file holding one as `secret` (ARCHITECTURE.md D7).
 */
import type { PfFilterRule, PfRule } from "../model/pf/types";
import type { WireGuardSpec } from "./wireguard";
import type { CaSpec } from "./x509";
import type { SshTunnelSpec } from "./ssh-tunnel";
import type { OpenVpnSpec } from "./openvpn";
import type { TincSpec } from "./tinc";

/** Which IKE daemon owns a gateway's IPsec configuration: isakmpd (IKEv1, ipsec.conf) or iked (IKEv2, iked.conf). */
export type IkeDaemon = "isakmpd" | "iked";

/** An interface address: `address` canonical text, `prefix` its length. */
export interface IfAddress {
  address: string;
  prefix: number;
}

/** The gateway's egress (Internet-facing) interface. */
export interface ExternalSpec {
  /** Interface name, e.g. `em1`. */
  interface: string;
  /** IPv4 egress address (the IPsec peer address the other side uses). */
  address?: IfAddress;
  /** IPv6 egress address (for IPv6 outer tunnels). */
  address6?: IfAddress;
  /** Write `/etc/hostname.IF` for it (`inet ADDR MASK NONE`, `up`). Default false: left as installed. */
  configure: boolean;
  /** The gateway sits behind a NAT router (planner/tunnel-nat.ts): what its IPsec peers see instead of `address`. */
  nat?: NatSpec;
}

/** A gateway behind NAT (IPv4): the NAT router's public address, and whether it forwards IKE to the gateway. */
export interface NatSpec {
  /** The public IPv4 address the NAT router masquerades `address` as: the peers' `peer`. */
  publicAddress: string;
  /** The NAT router forwards udp 500 and 4500 on `publicAddress` to this gateway, so peers can initiate. */
  forwardsIke: boolean;
}

/** An internal (protected) interface. */
export interface InternalSpec {
  interface: string;
  /** The gateway's address on it (optional). */
  address?: IfAddress;
  /** The protected network, canonical CIDR (`172.16.0.0/24`). */
  network: string;
  /** Write `/etc/hostname.IF`. Default false. */
  configure: boolean;
}

/** One gateway: its interfaces, host settings and IKE daemon. */
export interface GatewaySpec {
  /** Pulumi resource name of the Gateway component. */
  name: string;
  external: ExternalSpec;
  internal: InternalSpec[];
  /** IKE daemon used by tunnels that do not name one. Default isakmpd. */
  ike: IkeDaemon;
  /** `net.inet.ip.forwarding` / `net.inet6.ip6.forwarding`: 0, 1, or 2 (IPsec-only forwarding, IPv4). */
  forwarding: { ipv4: 0 | 1 | 2; ipv6: 0 | 1 };
  /** `net.inet.esp.enable`, `net.inet.ah.enable`, `net.inet.ipcomp.enable` (undefined = leave the default). */
  esp?: boolean;
  ah?: boolean;
  ipcomp?: boolean;
  /** Extra sysctls, MIB → value. */
  sysctls: Record<string, string>;
  /** Extra rc.d services (`rcctl enable`, `rcctl set NAME flags …`). */
  services: Record<string, { enabled: boolean; flags?: string; running?: boolean }>;
  /** Base pf.conf: `pass` (OpenBSD's default `block return` + `pass`) or `block` (block in, pass out, ssh in). */
  pfPolicy: "pass" | "block";
  /** Extra interfaces in `set skip on` (besides `lo`, and `enc0` when a tunnel asks). */
  pfSkip: string[];
  /** Extra loopback/vether interfaces (e.g. `lo1` holding a tunnel-mode peer's inner address). */
  extraInterfaces: { interface: string; addresses: IfAddress[] }[];
  /** Packages to install with pkg_add (names as pkg_add takes them: `openvpn`, `tinc`); default none. */
  packages?: string[];
  /** Secret seed from which the gateway's IKE key pair is derived (public-key authentication). */
  keySeed: string;
}

/** Phase 1 (isakmpd `main`, iked `ikesa`) or phase 2 (`quick`, `childsa`) transforms. */
export interface PhaseSpec {
  auth?: string;
  enc?: string;
  group?: string;
  /** iked only: pseudo-random function. */
  prf?: string;
  /** Lifetime in seconds. */
  lifetime?: number;
}

/** One traffic selector of a tunnel: protocol and ports, as seen from the left end. */
export interface PolicySpec {
  /** IP protocol name or number (`tcp`, `udp`, `icmp`); absent = all. */
  proto?: string;
  /** Port on the right side (destination port of left→right traffic). */
  port?: number;
  /** Port on the left side. */
  localPort?: number;
}

/** One end of a site-to-site tunnel. */
export interface TunnelEndSpec {
  /** Name of a Gateway or CarpPair. */
  node: string;
  /** Networks protected behind this end (canonical CIDR or host addresses). */
  networks: string[];
  /**
   * Where the user wrote `networks`, for errors: absent = the end's own `networks`; e.g.
   * `Gateway "gw1" internal.network` when they default to the gateway's internal networks.
   */
  networksFrom?: string;
  /** What this end believes is behind the other end; default the other end's `networks`. */
  remoteNetworks?: string[];
  /** `active` (initiate), `passive` (respond), `dynamic` (active + DPD; isakmpd only). */
  mode: "active" | "passive" | "dynamic";
  /** Override of this end's `peer` (default: the other end's egress or CARP address). */
  peer?: string;
  /** `local` address (default: the CARP address for a pair, none otherwise). */
  local?: string;
  /** Override of the PSK on this end (default the tunnel's). */
  psk?: string;
  /** Identities. */
  srcid?: string;
  dstid?: string;
  /** pf tag put on packets decapsulated at this end (ipsec.conf/iked.conf `tag`). */
  tag?: string;
  /** Extra pf rules for this end (e.g. what may leave on enc0), loaded in the `vpn` anchor. */
  rules: PfFilterRule[];
  /**
   * Translate this end's (single) network into this address on its way into the tunnel: pf
   * `match out on enc0 from NET to REMOTE nat-to ADDR`, and the flow negotiated as `from ADDR (NET)`, so the
   * other end's selectors name ADDR (planner/tunnel-nat.ts). Canonical host address.
   */
  natTo?: string;
}

/**
 * Authentication of an IKE tunnel: a pre-shared key, public keys derived from the gateways' key seeds
 * (iked ECDSA, isakmpd RSA), or X.509 certificates issued by a CA (x509.ts).
 */
export type TunnelAuth = { kind: "psk"; psk: string } | { kind: "publickey" } | { kind: "x509"; ca: CaSpec };

/** Keys of a manually keyed tunnel, hex without `0x`. */
export interface ManualKeys {
  /** SPIs of the left→right and right→left SAs. */
  spi: { leftToRight: number; rightToLeft: number };
  auth: string;
  enc: string;
  authkey: { leftToRight: string; rightToLeft: string };
  enckey: { leftToRight: string; rightToLeft: string };
}

/**
 * Manual SA keys as the user gave them (hex, with or without `0x`; checked by the component): anything
 * absent is derived by the planner from both gateways' key seeds (manual-keys.ts resolveManualKeys).
 */
export interface ManualKeysSpec {
  /** SPIs of the left→right and right→left SAs. Default: derived. */
  spi?: ManualKeys["spi"];
  /** Authentication transform. Default `hmac-sha2-256`. */
  auth?: string;
  /** Encryption transform. Default `aes`. */
  enc?: string;
  /** Authentication keys, one per direction (secret). Default: derived. */
  authkey?: ManualKeys["authkey"];
  /** Encryption keys, one per direction (secret). Default: derived. */
  enckey?: ManualKeys["enckey"];
}

/** How a tunnel is keyed. */
export type KeyingSpec =
  | { kind: "ike"; daemon?: IkeDaemon; auth: TunnelAuth; phase1?: PhaseSpec; phase2?: PhaseSpec }
  | { kind: "manual"; keys: ManualKeysSpec };

/** A site-to-site tunnel between two gateways (or pairs). */
export interface TunnelSpec {
  name: string;
  left: TunnelEndSpec;
  right: TunnelEndSpec;
  keying: KeyingSpec;
  /** `esp` (default) or `ah`. */
  satype: "esp" | "ah";
  /** Traffic selectors (several → several ike rules / iked policies); default one for all traffic. */
  policies: PolicySpec[];
  /** enc0 filtering at both ends: `skip` (`set skip on enc0`) or `filter` (`block on enc0` + ipencap pass, if-bound states). */
  enc0: "skip" | "filter";
}

/** One CARP segment shared by a pair. */
export interface CarpSegmentSpec {
  /** carp interface name, e.g. `carp2`. */
  interface: string;
  /** Parent interface (`carpdev`), e.g. `em1`. */
  carpdev: string;
  address: IfAddress;
  /** 1–255, unique per segment. */
  vhid: number;
  /** carp `pass` (secret). */
  password?: string;
  /** `advbase`, seconds. */
  advbase?: number;
}

/** A member of a CARP pair. */
export interface CarpMemberSpec {
  /** Gateway name. */
  gateway: string;
  /** carp `advskew` on every segment: lower = preferred master. Default: 0 for the first member, 100 for the second (planner/carp.ts DEFAULT_ADVSKEW). */
  advskew?: number;
  /** Address of this member that the other one uses as sasyncd/pfsync peer. */
  syncAddress: string;
  /** Per-member overrides used for checks (normally equal to the pair's). */
  vhids?: Record<string, number>;
  passwords?: Record<string, string>;
}

/** Two gateways sharing addresses with carp(4), synchronising SAs with sasyncd(8) and states with pfsync(4). */
export interface CarpPairSpec {
  name: string;
  members: [CarpMemberSpec, CarpMemberSpec];
  segments: CarpSegmentSpec[];
  /** carp interface whose address tunnels bind to (`local`), and which sasyncd tracks. */
  external: string;
  /** pfsync(4) `syncdev`; absent = no pfsync. */
  pfsyncDev?: string;
  /** sasyncd sharedkey, hex without `0x`, 16/24/32 bytes. */
  sharedkey: string;
  /** `net.inet.carp.preempt=1`. Default true. */
  preempt: boolean;
  /** sasyncd `flushmode`. */
  flushmode?: "sync" | "startup" | "never";
}

/** A named pf anchor on a gateway. */
export interface AnchorSpec {
  name: string;
  gateway: string;
  rules: PfRule[];
  /** The rules were given as pf.conf text (errors name a rule by its place in the text, not `rules[N]`). */
  text?: boolean;
  /** The PfAnchor resource's name, when it differs from the anchor's (errors name the resource). */
  resource?: string;
}

/** One end of a gif/gre/eoip/etherip tunnel. */
export interface LinkEndSpec {
  /** Gateway name. */
  node: string;
  /** Tunnel interface (`gif0`, `gre0`, `eoip0`, `etherip0`), or for `role: "ipsec-tunnel"` the loopback holding the inner address (`lo1`). */
  interface: string;
  /** Outer source address (default the gateway's egress address of the chosen family). */
  outer?: string;
  /** Inner address (point-to-point), absent for etherip/eoip. */
  inner?: IfAddress;
  /** `gif` (a tunnel interface) or `ipsec-tunnel` (RFC 3884 interop: plain tunnel-mode IPsec, no gif). */
  role: "gif" | "ipsec-tunnel";
}

/** How a gif link is protected by IPsec (RFC 3884: transport mode for `proto ipencap`). */
export type LinkIpsecSpec =
  | { kind: "none" }
  | { kind: "manual"; keys: ManualKeysSpec }
  | { kind: "ike"; psk: string; phase1?: PhaseSpec; phase2?: PhaseSpec };

/** An IP-in-IP (or GRE/EoIP/EtherIP) link. */
export interface LinkSpec {
  name: string;
  kind: "gif" | "gre" | "eoip" | "etherip";
  /** Outer address family. */
  outer: 4 | 6;
  left: LinkEndSpec;
  right: LinkEndSpec;
  ipsec: LinkIpsecSpec;
  /** GRE key / eoip tunnel id. */
  vnetid?: number;
  /** eoip/gre keepalive `PERIOD COUNT`. */
  keepalive?: { period: number; count: number };
}

/** Everything declared in one program. */
export interface Topology {
  gateways: GatewaySpec[];
  tunnels: TunnelSpec[];
  pairs: CarpPairSpec[];
  anchors: AnchorSpec[];
  links: LinkSpec[];
  /** WireGuard tunnels (planner/wireguard.ts). */
  wireguard?: WireGuardSpec[];
  /** ssh -w tun(4) tunnels (planner/ssh-tunnel.ts). */
  sshTunnels?: SshTunnelSpec[];
  /** OpenVPN tunnels (planner/openvpn.ts). */
  openvpn?: OpenVpnSpec[];
  /** tinc networks (planner/tinc.ts). */
  tinc?: TincSpec[];
  /**
   * Values the user marked secret (a secret Output) in fields that are not secret by their type: an address, a
   * network, a sysctl value. Every file of the group that holds one is secret (planner/marked-forms.ts).
   */
  marked?: string[];
}
