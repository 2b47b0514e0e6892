/**
 * iked.conf(5) as types (IKEv2, iked(8) parse.y 1.149). A file is macros, global `set` options, `user`
 * lines and `ikev2` policies; {@link renderIkedConf} writes them in that order (the order iked.conf(5)
 * documents). Macro definitions are kept, but every value in a policy is stored expanded (`$lan` is
 * replaced while parsing), so a policy never depends on a macro.
 */

import type { IkedAuthMethod } from "./transforms";

/** `name = "value"`: a macro definition. */
export interface IkedMacro {
  /** Macro name (letters, digits, `_`); used as `$name`. */
  name: string;
  /** Replacement text. */
  value: string;
}

/** Boolean global options (`set NAME`). Defaults: active, couple, mobike, vendorid, nofragmentation, noenforcesingleikesa, nostickyaddress. */
export const IKED_SET_FLAGS = [
  "active", "passive", "couple", "decouple", "fragmentation", "nofragmentation", "mobike", "nomobike",
  "vendorid", "novendorid", "enforcesingleikesa", "noenforcesingleikesa", "stickyaddress", "nostickyaddress",
  "cert_partial_chain",
] as const;
/** One of {@link IKED_SET_FLAGS}. */
export type IkedSetFlag = (typeof IKED_SET_FLAGS)[number];

/** A global `set` line. */
export type IkedSetting =
  /** `set active` (default: iked initiates active policies) … `set cert_partial_chain`. */
  | { kind: "flag"; flag: IkedSetFlag }
  /** `set dpd_check_interval N`: seconds between dead-peer checks; default 60. */
  | { kind: "dpd_check_interval"; seconds: number }
  /** `set ocsp URL [tolerate T [maxage T]]`: OCSP responder; times in seconds. */
  | { kind: "ocsp"; url: string; tolerate?: number; maxage?: number };

/** `user NAME PASSWORD`: an EAP-MSCHAPv2 user. The password is a secret. */
export interface IkedUser {
  name: string;
  password: string;
}

/** One `from SRC [port P] [(NAT)] to DST [port P]` pair of a policy. */
export interface IkedFlow {
  /** Source: `any`, `dynamic`, an address, `ADDR/LEN`, or a host/interface name. */
  from: string;
  /** Source port (number or service name); absent = any port. */
  fromPort?: number | string;
  /** `(NAT)`: the pre-NAT source network (flow NAT). */
  fromNat?: string;
  /** Destination, same forms as {@link from} (no NAT). */
  to: string;
  /** Destination port. */
  toPort?: number | string;
}

/**
 * One `ikesa` or `childsa` proposal. Absent lists take iked's defaults (see reference A.2): e.g. an
 * `ikesa` with only `enc aes-256` gets the default prf, auth and groups. Names are stored as iked prints
 * them (`grp14` → `modp2048`, `3des-cbc` → `3des`).
 */
export interface IkedTransforms {
  /** Encryption; IKE SA names come from `ikesa enc`, child SA names from `childsa enc`. */
  enc?: string[];
  /** Pseudo-random function (IKE SA only). */
  prf?: string[];
  /** Integrity; not allowed with AEAD encryption (GCM, GMAC, ChaCha20-Poly1305). */
  auth?: string[];
  /** Diffie-Hellman groups; `none` = no PFS (child SA only). Child SA default: none. */
  group?: string[];
  /** Extended sequence numbers (child SA only). Default: both `esn noesn`. */
  esn?: ("esn" | "noesn")[];
}

/** How the peers authenticate. Absent = `signature` (any signature method, certificates/public keys). */
export type IkedAuth =
  /** `psk "STRING"` or `psk 0xHEX` (the value is kept exactly as written, `0x` included). A secret. */
  | { kind: "psk"; value: string }
  /** `psk file PATH`: hex key read from a 0600 file. */
  | { kind: "psk-file"; path: string }
  /** `rsa`, `ecdsa256`, `ecdsa384`, `ecdsa521`, `rfc7427`, `signature`. */
  | { kind: "method"; method: IkedAuthMethod }
  /** `eap "MSCHAP-V2"` or `eap radius`. */
  | { kind: "eap"; method: "mschap-v2" | "radius" };

/** `config OPTION ADDRESS` (reply to the peer) or `request OPTION ADDRESS` (ask the peer). */
export interface IkedConfigItem {
  action: "config" | "request";
  /** `address`, `netmask`, `name-server`, `netbios-server`, `dhcp-server`, `protected-subnet`, `access-server`. */
  option: string;
  /** Address (or `ADDR/LEN`; `any` for `request`). */
  address: string;
}

/** Options of the `ikev2` policy line, in the order iked's grammar requires them. */
export interface IkedPolicy {
  /** Policy name (`"policyN"` by default, N counting policies from 1). */
  name?: string;
  /** `quick`, `skip` or `default` evaluation mode; absent = none. */
  match?: "quick" | "skip" | "default";
  /** `active` initiates; `passive` (iked's default) only responds. */
  mode: "active" | "passive";
  /** `ipcomp`: negotiate IP compression. */
  ipcomp?: true;
  /** `tunnel` (default) or `transport` mode. */
  encapsulation: "tunnel" | "transport";
  /** `natt`: force NAT-T encapsulation. */
  natt?: true;
  /** `esp` (default) or `ah`. */
  saProto: "esp" | "ah";
  /** `inet`/`inet6`: restrict the policy's address family. */
  af?: "inet" | "inet6";
  /** `proto P` / `proto { P … }`: protocol names or numbers; absent = all protocols. */
  proto?: (string | number)[];
  /** `rdomain N` (0–255). */
  rdomain?: number;
  /** The `from … to …` pairs (at least one). */
  flows: IkedFlow[];
  /** `local ADDR`: our IKE endpoint; absent = any. */
  local?: string;
  /** `peer ADDR`: the remote IKE endpoint; required for `active`. Absent = any. */
  peer?: string;
  /** `ikesa …` proposals; absent = iked's default GCM and CBC proposals. */
  ikesa?: IkedTransforms[];
  /** `childsa …` proposals; absent = iked's defaults. */
  childsa?: IkedTransforms[];
  /** `srcid ID`: local identity (`FQDN`, `user@FQDN`, `/ASN1/DN`, or an address). Default: the hostname. */
  srcid?: string;
  /** `dstid ID`: expected peer identity. */
  dstid?: string;
  /** `ikelifetime T`: IKE SA rekey time in seconds; absent = iked's default (no value printed). */
  ikelifetime?: number;
  /** `lifetime T [bytes B]`: child SA lifetime, seconds and bytes; default 10800 s and 4294967296 bytes. */
  lifetime?: { seconds: number; bytes?: number };
  /** Authentication; absent = `signature`. */
  auth?: IkedAuth;
  /** `config`/`request` items (mode config). */
  config?: IkedConfigItem[];
  /** `iface IF`: interface for routing-based policies (e.g. `sec0`). */
  iface?: string;
  /** `tag STRING`: pf tag applied to decrypted packets. */
  tag?: string;
  /** `tap encN`: enc(4) interface for bpf. */
  tap?: string;
}

/**
 * A `radius …` line (iked.conf(5) RADIUS CONFIGURATION): the servers iked asks for `eap radius` authentication and
 * accounting, how it retries them, which RADIUS attribute fills which IKE configuration option, and whom it takes
 * Dynamic Authorization (RFC 5176) requests from. Secrets are Pulumi-secret-worthy: the file must be 0600.
 */
export type IkedRadius =
  /**
   * `radius [accounting] server ADDR [port P] secret SECRET`: a server by numeric address (no host names), its
   * port a number or service name (default 1812, accounting 1813), and the secret shared with it.
   */
  | { kind: "server"; accounting?: true; address: string; port?: number | string; secret: string }
  /** `radius [accounting] max-tries N`: retransmissions before a server is marked failed, N ≥ 1 (default 3). */
  | { kind: "max-tries"; accounting?: true; tries: number }
  /** `radius [accounting] max-failovers N`: failovers to the next server, N ≥ 0 (default 0). */
  | { kind: "max-failovers"; accounting?: true; failovers: number }
  /**
   * `radius config [inet|inet6] OPTION [VENDOR] TYPE`: the attribute (vendor id 0-0xffffff, 0 or absent: none;
   * type 0-255) that fills the IKE configuration option (address, netmask, name-server, netbios-server, dhcp-server,
   * access-server; `none`: the option is not taken from RADIUS). Family default inet. Defaults: iked.conf(5).
   */
  | { kind: "config"; af?: "inet" | "inet6"; option: string; vendor?: number; type: number }
  /** `radius dae listen on ADDR [port P]`: where iked takes DAE requests (numeric address; port default 3799). */
  | { kind: "dae-listen"; address: string; port?: number | string }
  /** `radius dae client ADDR secret SECRET`: a DAE client (numeric address) and its secret. */
  | { kind: "dae-client"; address: string; secret: string };

/** A whole iked.conf. */
export interface IkedConf {
  macros: IkedMacro[];
  settings: IkedSetting[];
  users: IkedUser[];
  /** `radius …` lines, in file order; absent = none. */
  radius?: IkedRadius[];
  policies: IkedPolicy[];
}
