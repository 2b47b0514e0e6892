/**
 * tinc 1.0 configuration (tincd(8), tinc.conf(5); the OpenBSD package is tinc 1.0), one directory per network,
 * /etc/tinc/NETNAME:
 *
 *     tinc.conf        Name = gw1 / AddressFamily = ipv4 / Interface = tun0 / Port = 655 / ConnectTo = gw2 …
 *     hosts/gw1        Address = 192.0.2.153 / Port = 655 / Subnet = 10.10.0.1/32 / Subnet = 172.16.0.0/24,
 *                      a blank line, the node's RSA public key (PKCS#1 PEM)
 *     rsa_key.priv     this node's RSA private key (PKCS#1 PEM, 0600)
 *     tinc-up          run by tincd once the interface exists ($INTERFACE): ifconfig, then routes
 *
 * `Interface = tun0` with the default device (/dev/tun0 on OpenBSD; /dev/net/tun on Linux, which names the
 * interface after it) keeps one file valid on both. Node names are tinc's (letters, digits, `_`).
 * Every token is checked when rendered (a value that cannot be written safely is a ModelError).
 */
import { ModelError } from "../diagnostics";
import { Refusal, type TokenRule } from "../tokens/refusal";

/** A tinc node or network name: letters, digits and `_` (tinc's check_id), at most 32 characters. */
export const tincName: TokenRule = (v) => {
  if (typeof v === "string" && /^[A-Za-z0-9_]{1,32}$/.test(v)) return v;
  throw new Refusal("not a tinc name (letters, digits and `_` only: tinc refuses `-` and `.`)", "give e.g. `gw1` or `site_a`");
};

const V4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const NET4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}\/(3[0-2]|[12]?\d)$/;

function need(ok: boolean, field: string, value: unknown, reason: string): void {
  if (!ok) throw new ModelError(field, value, reason);
}

/** tinc.conf of one node. */
export interface TincConf {
  name: string;
  /** `Interface = tunN`. */
  interface: string;
  port: number;
  /** `ConnectTo = NAME`, one per node this one connects to. */
  connectTo: string[];
}

export function renderTincConf(c: TincConf): string {
  need(refusal(c.name) === undefined, "name", c.name, "not a tinc name");
  need(/^tun\d{1,3}$/.test(c.interface), "interface", c.interface, "not a tun interface");
  need(Number.isInteger(c.port) && c.port >= 1 && c.port <= 65535, "port", c.port, "not a port");
  for (const n of c.connectTo) need(refusal(n) === undefined, "connectTo", n, "not a tinc name");
  return [`Name = ${c.name}`, "AddressFamily = ipv4", `Interface = ${c.interface}`, `Port = ${c.port}`, ...c.connectTo.map((n) => `ConnectTo = ${n}`)].join("\n") + "\n";
}

/** hosts/NAME: how the others reach a node and what is behind it. */
export interface TincHost {
  address: string;
  port: number;
  /** `Subnet = NET/LEN`, canonical IPv4 CIDR. */
  subnets: string[];
  /** PKCS#1 PEM (`-----BEGIN RSA PUBLIC KEY-----`). */
  publicKey: string;
}

export function renderTincHost(h: TincHost): string {
  need(V4.test(h.address), "address", h.address, "not an IPv4 address");
  need(Number.isInteger(h.port) && h.port >= 1 && h.port <= 65535, "port", h.port, "not a port");
  for (const s of h.subnets) need(NET4.test(s), "subnets", s, "not an IPv4 network");
  need(/^-----BEGIN RSA PUBLIC KEY-----\n[A-Za-z0-9+/=\n]+-----END RSA PUBLIC KEY-----\n?$/.test(h.publicKey), "publicKey", "(key)", "not an RSA public key in PKCS#1 PEM");
  return [`Address = ${h.address}`, `Port = ${h.port}`, ...h.subnets.map((s) => `Subnet = ${s}`), "", h.publicKey.trimEnd()].join("\n") + "\n";
}

/** tinc-up: the interface's address, then a route to each network behind the other nodes, through it. */
export interface TincUp {
  address: string;
  /** Prefix length of the VPN's own subnet. */
  prefix: number;
  /** Networks reached through the VPN (canonical IPv4 CIDR). */
  routes: string[];
}

/** Dotted-quad netmask of an IPv4 prefix length. */
function netmask(prefix: number): string {
  const m = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
  return [24, 16, 8, 0].map((s) => (m >>> s) & 255).join(".");
}

/**
 * The BSD form of tinc's example tinc-up: the address with its netmask on $INTERFACE, and each network
 * routed with the node's own address as gateway (an interface route on a tun).
 */
export function renderTincUp(u: TincUp): string {
  need(V4.test(u.address), "address", u.address, "not an IPv4 address");
  need(Number.isInteger(u.prefix) && u.prefix >= 8 && u.prefix <= 30, "prefix", u.prefix, "not a prefix length 8–30");
  for (const r of u.routes) need(NET4.test(r), "routes", r, "not an IPv4 network");
  return [
    "#!/bin/sh",
    "# run by tincd when the VPN interface comes up ($INTERFACE)",
    `ifconfig "$INTERFACE" ${u.address} netmask ${netmask(u.prefix)} up`,
    ...u.routes.map((r) => `route -q add -inet ${r} ${u.address}`),
    "exit 0",
  ].join("\n") + "\n";
}

function refusal(v: string): Refusal | undefined {
  try {
    tincName(v);
    return undefined;
  } catch (e) {
    return e as Refusal;
  }
}
