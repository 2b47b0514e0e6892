/**
 * Addresses, protocols and ports of ipsec.conf: the shared address model (model/address) with
 * ipsec.conf's and ipsecctl's printing rules.
 */
import { hostsFileAddresses } from "../address/hosts-file";
import { IPv4Prefix, IPv6Prefix, collapseIPv6Number } from "ip-num";
import { ntop6, parseIpNet, type IpNet } from "../address/index";
import type { IpProtocol, IpsecAddress } from "./types";
import { protocolByName, protocolNameOf } from "../protocols";
import { serviceNameOf, servicePort } from "../services";

/** Address family of an address (`any` has none: it stands for both). */
export function familyOf(a: IpsecAddress): 4 | 6 | undefined {
  if (a.kind === "name") return a.family;
  if (a.kind !== "ip") return undefined;
  return a.address.includes(":") ? 6 : 4;
}

/**
 * Parses `addr` or `addr/len` into a canonical {@link IpsecAddress} of kind `ip` (the shared address
 * model, model/address). Returns an error text when the prefix is out of range.
 */
export function parseIp(text: string): ParsedIp {
  const r = parseIpNet(text);
  return r && "value" in r ? { value: ipsecAddress(r.value), hostBits: r.hostBits } : r;
}

/**
 * {@link parseIp}, keeping host bits as written (`10.1.0.5/24` stays `10.1.0.5/24`), as ipsecctl's
 * host_v4/host_v6 (inet_net_pton) do: flows, IDs and isakmpd section names carry them.
 */
export function parseIpAsWritten(text: string): ParsedIp {
  const ip = parseIp(text);
  if (!ip || "error" in ip || !ip.hostBits) return ip;
  const host = parseIp(text.slice(0, text.indexOf("/")));
  return host && "value" in host ? { value: { ...ip.value, address: host.value.address }, hostBits: true } : ip;
}

/** Result of {@link parseIp}: undefined when the text is no IP literal. */
export type ParsedIp = { value: IpsecAddress & { kind: "ip" }; hostBits: boolean } | { error: string } | undefined;

/** An address of the shared model as an ipsec.conf address: networks keep their `/len`, hosts have none. */
export function ipsecAddress(n: IpNet): IpsecAddress & { kind: "ip" } {
  return n.prefix === undefined ? { kind: "ip", address: n.address } : { kind: "ip", address: n.address, prefix: n.prefix };
}

/** Text of an address as written in ipsec.conf (`any`, `10.1.0.0/24`, `2001:db8::2`, `em0`). */
export function formatAddress(a: IpsecAddress): string {
  switch (a.kind) {
    case "any":
      return "any";
    case "ip":
      return a.prefix === undefined ? a.address : `${a.address}/${a.prefix}`;
    case "name":
      return a.name;
  }
}

/**
 * Text of an address as ipsecctl_print_addr prints it (`-sf`, `-nv`): inet_ntop plus `/bits`
 * only when the mask is not a full host mask. `any` is printed per family.
 */
export function printAddress(a: IpsecAddress, family: 4 | 6 = 4): string {
  switch (a.kind) {
    case "any":
      return family === 4 ? "0.0.0.0/0" : "::/0";
    case "ip": {
      const full = familyOf(a) === 4 ? 32 : 128;
      const text = full === 128 ? ntop6(a.address) : a.address;
      return a.prefix === undefined || a.prefix === full ? text : `${text}/${a.prefix}`;
    }
    case "name":
      return a.name;
  }
}

/** Netmask text of an address (inet_ntop of the mask), for isakmpd `Netmask=` lines. */
export function netmaskOf(a: IpsecAddress & { kind: "ip" }): string {
  const len = BigInt(a.prefix ?? (familyOf(a) === 4 ? 32 : 128));
  return familyOf(a) === 4
    ? IPv4Prefix.fromNumber(len).toMask().toString()
    : collapseIPv6Number(IPv6Prefix.fromNumber(len).toMask().toString());
}

/** The number of a protocol (a canonical name from {@link resolveProtocol}, or a number). */
export function protocolNumber(p: IpProtocol): number {
  return typeof p === "number" ? p : protocolByName(p)!;
}

/** The /etc/protocols name of a protocol number (getprotobynumber), or the number when it has none. */
export function protocolName(p: IpProtocol): string {
  if (typeof p === "string") return p;
  return protocolNameOf(p) ?? String(p);
}

/**
 * parse.y protoval: a name or alias of OpenBSD's /etc/protocols (getprotobyname, exact case), or a number 0–255;
 * resolved to its canonical form (the first name of its number, else the number); undefined when unknown.
 */
export function resolveProtocol(text: string): IpProtocol | undefined {
  const n = /^\d+$/.test(text) ? (Number(text) <= 255 ? Number(text) : undefined) : protocolByName(text);
  return n === undefined ? undefined : (protocolNameOf(n) ?? n);
}

/** Whether `name` is a canonical protocol name (the first /etc/protocols name of its number). */
export function isProtocolName(name: string): boolean {
  const n = protocolByName(name);
  return n !== undefined && protocolNameOf(n) === name;
}

/** Resolves a port (number 0–65535 or service name, as parse.y portval: getservbyname tcp, then udp); undefined when unknown. */
export function resolvePort(text: string): number | undefined {
  if (/^\d+$/.test(text)) return Number(text) <= 65535 ? Number(text) : undefined;
  return servicePort(text);
}

/** How `ipsecctl -sf` prints a port of a flow of protocol `proto`: getservbyport(port, proto)'s name, or the number. */
export function serviceName(port: number, proto: IpProtocol | undefined): string {
  const p = proto === undefined ? undefined : protocolName(proto);
  return (p === undefined ? undefined : serviceNameOf(port, p)) ?? String(port);
}

/** Whether `a` is a single host (ipsecctl's netaddress 0: an address without `/len`, an IPv6 `/128`, a name's addresses): the only kind ipsecctl takes as a default peer. */
export function isHost(a: IpsecAddress): boolean {
  // host_v6 makes a /128 a host (netaddress 0); host_v4 makes any written mask a network, /32 too; a name's addresses
  // (host_if: an interface's or a group's, host_dns: a DNS name's) are hosts too
  return a.kind === "name" || (a.kind === "ip" && (a.prefix === undefined || (a.prefix === 128 && a.address.includes(":"))));
}

/** Structural equality of two addresses. */
export function sameAddress(a: IpsecAddress, b: IpsecAddress): boolean {
  return formatAddress(a) === formatAddress(b);
}

/** host_dns(): a name of OpenBSD's own /etc/hosts (`localhost`) is its addresses, in file order; any other host as it is. */
export function hostsFileHost(a: IpsecAddress): IpsecAddress[] {
  if (a.kind !== "name") return [a];
  return hostsFileAddresses(a.name)?.map((address) => ({ kind: "ip" as const, address })) ?? [a];
}
