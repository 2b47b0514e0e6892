/**
 * TEST DOUBLE helper — the emulated kernel IPsec state (SPD flows and SAD entries) and `ipsecctl -s` printing.
 *
 * Manual `flow` rules and SAs loaded with `ipsecctl -f` are stored in `/var/emu/ipsec.json`. Flows and SAs that
 * isakmpd or iked would install are not stored: they are derived on every read from the daemons' configuration
 * on this gateway and its peers (ike-agree.ts, ike-iked.ts), so `ipsecctl -sf` shows an IKE tunnel exactly when
 * both ends agree and both daemons run. Output format: reference B.2 (ipsecctl.c ipsecctl_show).
 */
import { createHash } from "node:crypto";
import type { IkeSelector } from "./ike-agree";
import { protocolNameOf } from "../../../sdk/model/protocols";
import { serviceNameOf } from "../../../sdk/model/services";

/** One SPD entry, kept as the line `ipsecctl -sf` prints plus its identity (selectors and direction). */
export interface KernelFlow {
  /** `flow esp out from 10.1.0.0/24 to 10.2.0.0/24 peer 198.51.100.2 type require` */
  line: string;
  /** Selector identity: adding a flow with the same key replaces it (SADB_X_ADDFLOW). */
  key: string;
}

/** One SAD entry. */
export interface KernelSa {
  /** `esp tunnel from 192.0.2.1 to 192.0.2.2 spi 0x00001000 auth hmac-sha2-256 enc aes-256` */
  line: string;
  /** SA identity: satype, destination, SPI. */
  key: string;
  spi: number;
  /** NAT-T: the SA is ESP-in-UDP on this port (SADB_X_EXT_UDPENCAP), shown only by `ipsecctl -s… -v`. */
  udpencap?: number;
}

/** `/var/emu/ipsec.json`: what PF_KEY holds from manual keying. */
export interface IpsecKernel {
  flows: KernelFlow[];
  sas: KernelSa[];
}

export const emptyKernel = (): IpsecKernel => ({ flows: [], sas: [] });

/** Identity of a printed flow line: direction, protocol, selectors (everything before peer/local/ids/type). */
export function flowKey(line: string): string {
  const m = /^flow (\S+) (in|out)( proto \S+)? from (\S+)( port \S+)? to (\S+)( port \S+)?/.exec(line);
  return m ? [m[2], m[3] ?? "", m[4], m[5] ?? "", m[6], m[7] ?? ""].join("|") : line;
}

/** Identity and SPI of a printed SA line; undefined for other lines. */
export function saKey(line: string): { key: string; spi: number } | undefined {
  const m = /^(esp|ah|ipcomp|tcpmd5|ipip)(?: (?:tunnel|transport))? from (\S+) to (\S+) spi 0x([0-9a-f]+)/.exec(line);
  if (!m) return undefined;
  const spi = parseInt(m[4]!, 16);
  return { key: `${m[1]}|${m[3]}|${spi}`, spi };
}

/** Print a selector the way ipsecctl_print_addr does: bare host, else `/bits`. */
export function selectorText(s: IkeSelector): string {
  const full = s.family === "inet" ? 32 : 128;
  return s.prefixlen === full ? s.address : `${s.address}/${s.prefixlen}`;
}


/** ipsecctl_print_port: getservbyport(port, proto)'s name from OpenBSD's /etc/services, else the number. */
export function portText(p: number, proto: number): string {
  return serviceNameOf(p, protoText(proto)) ?? String(p);
}

/** ipsecctl_print_proto: the /etc/protocols name, else the number. */
export function protoText(p: number): string {
  return protocolNameOf(p) ?? String(p);
}

/** The two flows isakmpd installs for a tunnel: inbound `type use`, outbound `type require` (B.2). */
export function tunnelFlows(t: { satype: string; local: IkeSelector; remote: IkeSelector; peer: string; srcid: string; dstid: string }): KernelFlow[] {
  const proto = t.local.proto ? ` proto ${protoText(t.local.proto)}` : "";
  const end = (s: IkeSelector) => `${selectorText(s)}${s.port ? ` port ${portText(s.port, s.proto)}` : ""}`;
  const tail = ` peer ${t.peer} srcid ${t.srcid} dstid ${t.dstid}`;
  const lines = [
    `flow ${t.satype} in${proto} from ${end(t.remote)} to ${end(t.local)}${tail} type use`,
    `flow ${t.satype} out${proto} from ${end(t.local)} to ${end(t.remote)}${tail} type require`,
  ];
  return lines.map((line) => ({ line, key: flowKey(line) }));
}

/** Deterministic SPI for an SA, the same on both gateways (hash of endpoints and selectors), never in 1–255. */
export function spiFor(seed: string): number {
  const n = createHash("sha256").update(seed).digest().readUInt32BE(0);
  return n < 0x100 ? n + 0x100 : n;
}

/** isakmpd transform attributes → the names pfkey_print_sa shows (derived from algorithm and key length). */
export function saAlgorithms(attrs: Record<string, string>): string {
  const key = Number((attrs.KEY_LENGTH ?? "").split(",")[0]) || 0;
  const enc = ((): string | undefined => {
    switch (attrs.TRANSFORM_ID) {
      case "AES": return key === 256 ? "aes-256" : key === 192 ? "aes-192" : "aes";
      case "AES_CTR": return "aesctr";
      case "AES_GCM_16": return `aes-${key || 128}-gcm`;
      case "AES_GMAC": return `aes-${key || 128}-gmac`;
      case "3DES": return "3des-cbc";
      case "BLOWFISH": return "blowfish";
      case "CAST": return "cast128";
      case "NULL": return "null";
      case "CHACHA20_POLY1305": return "chacha20-poly1305";
      default: return undefined;
    }
  })();
  const AUTH: Record<string, string> = { HMAC_MD5: "hmac-md5", HMAC_SHA: "hmac-sha1", HMAC_RIPEMD: "hmac-ripemd160", HMAC_SHA2_256: "hmac-sha2-256", HMAC_SHA2_384: "hmac-sha2-384", HMAC_SHA2_512: "hmac-sha2-512" };
  // AH transforms name the hash in TRANSFORM_ID (SHA2_256 …)
  const ahAuth: Record<string, string> = { MD5: "hmac-md5", SHA: "hmac-sha1", RIPEMD: "hmac-ripemd160", SHA2_256: "hmac-sha2-256", SHA2_384: "hmac-sha2-384", SHA2_512: "hmac-sha2-512" };
  const auth = attrs.AUTHENTICATION_ALGORITHM ? AUTH[attrs.AUTHENTICATION_ALGORITHM] : ahAuth[attrs.TRANSFORM_ID ?? ""];
  return `${auth ? ` auth ${auth}` : ""}${enc ? ` enc ${enc}` : ""}`;
}

/** The two SAs of a tunnel, as this gateway's SAD shows them. */
export function tunnelSas(t: { satype: string; mode: string; local: IkeSelector; remote: IkeSelector; localAddress: string; peerAddress: string; algs: string; udpencap?: number; peerOwn?: string }): KernelSa[] {
  const sel = (s: IkeSelector) => `${selectorText(s)}:${s.proto}:${s.port}`;
  // the SPI of one SA is the same at both ends: seeded with the ends' own addresses (a NAT changes what one sees)
  const po = t.peerOwn ?? t.peerAddress;
  const mk = (src: string, dst: string, seed: string): KernelSa => {
    const spi = spiFor(seed);
    const line = `${t.satype} ${t.mode} from ${src} to ${dst} spi 0x${spi.toString(16).padStart(8, "0")}${t.algs}`;
    return { line, key: `${t.satype}|${dst}|${spi}`, spi, ...(t.udpencap ? { udpencap: t.udpencap } : {}) };
  };
  return [
    mk(t.localAddress, t.peerAddress, `${t.localAddress}>${po}|${sel(t.local)}>${sel(t.remote)}`),
    mk(t.peerAddress, t.localAddress, `${po}>${t.localAddress}|${sel(t.remote)}>${sel(t.local)}`),
  ];
}

/** `ipsecctl -s` output for the modifier (`flow`, `sa`, `all`), B.2: titles and "No …" lines only for `all`. */
export function showIpsec(which: "flow" | "sa" | "all", flows: readonly KernelFlow[], sas: readonly KernelSa[], verbose = false): string {
  let out = "";
  const sorted = [...sas].sort((a, b) => a.spi - b.spi);
  if (which === "flow" || which === "all") {
    if (which === "all") out += "FLOWS:\n";
    if (flows.length) out += flows.map((f) => f.line + "\n").join("");
    else if (which === "all") out += "No flows\n";
  }
  if (which === "sa" || which === "all") {
    if (which === "all") out += "\nSAD:\n";
    // -v: of pfkdump.c's per-extension lines only `udpencap` (print_udpenc) is emulated (reference B.2: never parse -v)
    if (sorted.length) out += sorted.map((s) => s.line + "\n" + (verbose && s.udpencap ? `\tudpencap: udpencap port ${s.udpencap}\n` : "")).join("");
    else if (which === "all") out += "No entries\n";
  }
  return out;
}
