/**
 * ipsec.conf(5) as types: the statements ipsecctl(8) loads (ipsecctl parse.y 1.184, reference/openbsd.md A.1).
 *
 * Conventions:
 * - An optional field that is absent means "not written", and ipsecctl's default applies (documented per
 *   field). A field that is present is rendered even when it equals the default, so what the user wrote
 *   survives `parse(render(x))`.
 * - Transform names are the full table names (ipsecctl prefix-matches; the parser resolves).
 * - Addresses are canonical (host bits cleared, IPv6 compressed lower case, see {@link IpsecAddress}).
 * - Macros and `include` are expanded by the parser; the model holds the resulting rules.
 * - Keys and PSKs are plain strings here; callers keep them secret (never log a rendered file).
 */
import type { AuthTransform, CompTransform, EncTransform, GroupTransform } from "./transforms";

/** An address of a rule. */
export type IpsecAddress =
  /** `any`: 0.0.0.0/0 and ::/0 (ipsecctl expands it to both families). */
  | { kind: "any" }
  /**
   * An IPv4 or IPv6 address. `address` is canonical text (`10.1.0.0`, `2001:db8::2`), host bits kept as written (`10.1.0.5/24`: ipsecctl keeps them too). With `prefix`
   * it is a network (`/len` written, even `/32`: isakmpd then gets an `*_ADDR_SUBNET` ID); without, a host.
   */
  | {
      kind: "ip";
      address: string;
      prefix?: number;
      /**
       * The IPv4 text as written when it is not the canonical one (`010.1.0.1`, `10.1/16`, `10.2.0.00/24`): host_v4
       * keeps it as the address's name, and ike.c names isakmpd's sections and IDs by it. Never rendered.
       */
      written?: string;
      /**
       * `from { A (NAT), B, … }`: inside a source list each address may carry its own NAT network (parse.y `host:
       * host_spec '(' host_spec ')'` as a host of `host_list`), the network the local one is translated to; isakmpd
       * then gets a `NAT-ID` for that address's pairs. Of the address's family; never on the destination (ipsecctl:
       * `no flow NAT support for destination network`). A single source address takes its NAT as the endpoint's
       * `nat` instead. Default: none.
       */
      nat?: IpsecAddress;
    }
  /**
   * An interface, interface group or DNS name, resolved by ipsecctl on the host at load time. `family`: one of the
   * addresses the host gave the name (ipsecctl keeps the name on each), when known (the lab's emulator); absent in a
   * written file.
   */
  | {
      kind: "name";
      name: string;
      family?: 4 | 6;
      /** `(NAT)` after this name inside a source list, as an address's `nat` (the first address the host gives it). */
      nat?: IpsecAddress;
    };

/** One end of a rule: `from`/`to` addresses (a `{ }` list expands to every src × dst pair) and port. */
export interface IpsecEndpoint {
  /** One or more addresses; several render as `{ a, b }`. */
  addresses: IpsecAddress[];
  /** TCP/UDP port (numeric; /etc/services names are resolved by the parser). Needs `proto tcp|udp`. */
  port?: number;
  /**
   * `from ADDR (NAT)`, ike rules' source only (ipsec.conf(5) "OUTGOING NETWORK ADDRESS TRANSLATION"): the
   * true local network behind the single `addresses` entry, which is what isakmpd negotiates with the peer
   * (its `NAT-ID`); the local SA is installed for `nat`, and pf's `match out on enc0 … nat-to ADDR`
   * translates the traffic. Same address family as the address. Default: none.
   */
  nat?: IpsecAddress;
}

/** IP protocol of a rule: a lower-case /etc/protocols name (`tcp`, `udp`, `ipencap`, …) or a number 0–255 without a name. */
export type IpProtocol = string | number;

/** Phase 1 (`main`/`aggressive`) or phase 2 (`quick`) settings of an ike rule. */
export interface IkePhase {
  /** Authentication transform. Default phase 1: hmac-sha1 (isakmpd SHA); phase 2: hmac-sha2-256. */
  auth?: AuthTransform;
  /** Encryption transform. Default: aes (AES-128..256). Phase 1 accepts only 3des-cbc, aes*, blowfish, cast128. */
  enc?: EncTransform;
  /** DH group. Default modp3072 (phase 2 too: PFS is on unless `group none`). `none` is phase 2 only. */
  group?: GroupTransform;
  /** Lifetime in seconds (rendered as `Nh`, `Nm` or `N`). Default: isakmpd's LIFE_MAIN_MODE / LIFE_QUICK_MODE. */
  lifetime?: number;
}

/** Phase 1 settings: {@link IkePhase} plus the exchange type. */
export interface IkeMainPhase extends IkePhase {
  /** `aggressive` instead of `main` (identity-protection) mode. Default: main. */
  aggressive?: boolean;
}

/** IKE authentication: `psk "secret"` or `rsa` (the default, keys under /etc/isakmpd). */
export type IkeAuth = { kind: "psk"; psk: string } | { kind: "rsa" };

/** `ike` rule: isakmpd negotiates the flows and SAs (ipsec.conf(5) AUTOMATIC KEYING). */
export interface IkeRule {
  type: "ike";
  /** `active` (default: initiate), `passive` (only respond) or `dynamic` (active plus DPD). */
  mode?: "active" | "passive" | "dynamic";
  /** `esp` (default) or `ah`. */
  satype?: "esp" | "ah";
  /** `tunnel` (default) or `transport`. */
  encap?: "tunnel" | "transport";
  /** Restrict to one IP protocol. */
  proto?: IpProtocol;
  /** Local side of the traffic (`from`). */
  from: IpsecEndpoint;
  /** Remote side of the traffic (`to`). */
  to: IpsecEndpoint;
  /** isakmpd Local-address for this peer (e.g. a CARP address). Default: chosen by the kernel. */
  local?: IpsecAddress;
  /** Remote gateway. Default: `to` when it is a single host, else isakmpd's default peer. */
  peer?: IpsecAddress;
  /** Phase 1 settings; present means `main` (or `aggressive`) was written. */
  main?: IkeMainPhase;
  /** Phase 2 settings; present means `quick` was written. */
  quick?: IkePhase;
  /** Local identity (IPv4/IPv6 literal, `user@fqdn` or FQDN). Default: the local address. */
  srcid?: string;
  /** Remote identity. Default: the peer address. */
  dstid?: string;
  /** Authentication. Default: rsa. */
  auth?: IkeAuth;
  /** pf tag put on decapsulated packets (isakmpd PF-Tag). */
  tag?: string;
  /**
   * `interface secN`: route-based IPsec. The SAs are bound to the sec(4) interface secN (isakmpd `Interface=N`)
   * and carry whatever is routed into it: no flows are installed, the traffic selectors are 0.0.0.0/0 both ways
   * (`from` and `to` hold exactly that, as ipsecctl sets them), and the rule is esp tunnel with no proto, ports
   * or tag. 0-4294967295. Default: none (a policy-based rule, its flows from `from` and `to`).
   */
  iface?: number;
}

/** SA types of flows and manual SAs. */
export type SaType = "esp" | "ah" | "ipcomp" | "ipip";

/** Flow types (`type`). Default: require for esp/ah, use for ipcomp/ipip. */
export type FlowType = "use" | "acquire" | "require" | "deny" | "bypass" | "dontacq";

/** `flow` rule: a manually configured SPD entry (ipsec.conf(5) FLOWS). */
export interface FlowRule {
  type: "flow";
  /** Default esp. */
  satype?: SaType;
  /** `in` or `out`. Default: both (the `out` flow, then the reversed `in` flow). */
  direction?: "in" | "out";
  proto?: IpProtocol;
  from: IpsecEndpoint;
  to: IpsecEndpoint;
  local?: IpsecAddress;
  /** Remote gateway; default the destination when it is a host. Required otherwise (except deny/bypass). */
  peer?: IpsecAddress;
  srcid?: string;
  dstid?: string;
  /** Default require (esp/ah) or use (ipcomp/ipip). */
  flowType?: FlowType;
}

/** A key pair of a manual SA: hex (lower case, without `0x`) for the SA src→dst and, optionally, dst→src. */
export interface KeyPair {
  out: string;
  in?: string;
}

/** Manual SA rule: `[esp|ah|ipcomp|ipip] [tunnel|transport] from A to B spi X[:Y] … authkey … enckey …`. */
export interface SaRule {
  type: "sa";
  /** Default esp. */
  satype?: SaType;
  /** Default tunnel. */
  encap?: "tunnel" | "transport";
  /** SA source (a single address). */
  from: IpsecAddress;
  /** SA destination (a single address). */
  to: IpsecAddress;
  /** SPI of the src→dst SA and, optionally, of the reverse SA. 256–0xffffffff. */
  spi: { out: number; in?: number };
  /** UDP encapsulation (NAT-T); `port` default 4500. */
  udpencap?: { port?: number };
  /** Default hmac-sha2-256 (esp, ah). */
  auth?: AuthTransform;
  /** Default aes (esp). */
  enc?: EncTransform;
  /** Default deflate (ipcomp). */
  comp?: CompTransform;
  authkey?: KeyPair;
  enckey?: KeyPair;
  /**
   * `bundle NAME`: groups this rule's SAs with the earlier ones of the same NAME between the same two addresses (as
   * written) into an SA bundle, which the kernel applies together (ipsecctl prints each link as `[bundle esp to B
   * spi 0x… with ah to B spi 0x…]`). Default: no bundle.
   */
  bundle?: string;
}

/** `tcpmd5 from A to B spi X[:Y] authkey K[:K2]`: TCP MD5 signatures (RFC 2385). */
export interface TcpMd5Rule {
  type: "tcpmd5";
  from: IpsecAddress;
  to: IpsecAddress;
  spi: { out: number; in?: number };
  authkey: KeyPair;
}

/** One statement of ipsec.conf. */
export type IpsecStatement = IkeRule | FlowRule | SaRule | TcpMd5Rule;

/** A whole ipsec.conf (macros and includes expanded). */
export interface IpsecConf {
  statements: IpsecStatement[];
}
