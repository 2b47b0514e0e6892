/**
 * Addresses and networks (ipsec.conf, iked.conf, pf.conf, hostname.if, sasyncd.conf), parsed by ip-num
 * through the shared address model (model/address): a value is one IPv4 or IPv6 literal with at most one prefix
 * length, of the family the field needs.
 */
import { parseIpNet } from "../address/index";
import { aString, Refusal, refuseUnsafe, type TokenRule } from "./refusal";

/** An IP family a field needs; undefined accepts both. */
export type Family = 4 | 6 | undefined;

const EXAMPLE = { 4: "192.0.2.1", 6: "2001:db8::1" } as const;
const NET_EXAMPLE = { 4: "172.16.0.0/24", 6: "2001:db8:1::/64" } as const;
const famName = (f: 4 | 6) => `IPv${f}`;

interface Parsed {
  address: string;
  prefix?: number;
  family: 4 | 6;
  /** The text had host bits set under its prefix (`172.16.0.1/24`). */
  hostBits: boolean;
}

function parse(v: unknown, what: string, example: string, family: Family): Parsed {
  const s = aString(v, what, example);
  refuseUnsafe(s, "an address", `write ${what}, e.g. \`${example}\``);
  const slashes = s.split("/").length - 1;
  if (slashes > 1) throw new Refusal("more than one prefix length", `write one \`ADDRESS/LEN\`, e.g. \`${example}\``);
  if (s !== s.trim() || s === "") throw new Refusal(`not ${what}`, `write e.g. \`${example}\` (no spaces)`);
  const r = parseIpNet(s);
  if (!r) throw new Refusal(`not ${what}`, `write e.g. \`${example}\``);
  if ("error" in r) throw new Refusal(`${r.error.replace(/'/g, "`")}: a prefix length is 0–${s.slice(0, s.indexOf("/")).includes(":") ? 128 : 32}`, `write e.g. \`${example}\``);
  const f: 4 | 6 = r.value.address.includes(":") ? 6 : 4;
  if (family !== undefined && f !== family) throw new Refusal(`an ${famName(f)} address where an ${famName(family)} one is needed`, `give an ${famName(family)} address, e.g. \`${example}\``);
  return { address: r.value.address, ...(r.value.prefix !== undefined ? { prefix: r.value.prefix } : {}), family: f, hostBits: r.hostBits };
}

/** The canonical host before a `/LEN`, as the user wrote it (host bits kept). */
function hostPart(s: string): string | undefined {
  const r = parseIpNet(s.slice(0, s.indexOf("/")));
  return r && "value" in r ? r.value.address : undefined;
}

/**
 * Refuses an address no host or interface can have: the unspecified address (`0.0.0.0`, `::`), the
 * limited broadcast and multicast groups (netstart and the IKE daemons would take them without complaint).
 */
function refuseSpecial(address: string, example: string): void {
  const why =
    address === "0.0.0.0" || address === "::" ? "the unspecified address (it names no host)"
    : address === "255.255.255.255" ? "the limited broadcast address"
    : /^(22[4-9]|23\d)\./.test(address) || /^ff/i.test(address) ? "a multicast group, not a host"
    : undefined;
  if (why) throw new Refusal(why, `give the host's own address, e.g. \`${example}\``);
}

/** One host address (no prefix length), of `family` when given, a unicast one. Returns the canonical text. */
export function hostAddress(family?: Family): TokenRule {
  return (v) => {
    const ex = EXAMPLE[family ?? 4];
    const p = parse(v, family ? `an ${famName(family)} address` : "an IP address", ex, family);
    // the fix keeps the host as written (`192.0.2.5/24` → `192.0.2.5`), not the network the prefix clears it to
    if (p.prefix !== undefined) throw new Refusal("a host address takes no prefix length", `write \`${hostPart(String(v)) ?? p.address}\``);
    refuseSpecial(p.address, ex);
    return p.address;
  };
}

/**
 * A network `ADDRESS/LEN` (or one host `ADDRESS`), of `family` when given, without host bits under LEN
 * (`hostBits: "clear"`: cleared, for a file's own parser that masks them). Returns the canonical text.
 */
export function network(family?: Family, o: { hostBits?: "refuse" | "clear" } = {}): TokenRule {
  return (v) => {
    const ex = NET_EXAMPLE[family ?? 4];
    const p = parse(v, family ? `an ${famName(family)} network` : "an IP network", ex, family);
    // a network with host bits is an interface address written where a network belongs: which was meant is a guess
    if (p.hostBits && o.hostBits !== "clear") throw new Refusal(`host bits set: this is the address ${hostPart(String(v))} inside the network ${p.address}/${p.prefix}`, `write the network \`${p.address}/${p.prefix}\` (or the one host \`${hostPart(String(v))}/${p.family === 4 ? 32 : 128}\`)`);
    return p.prefix === undefined ? p.address : `${p.address}/${p.prefix}`;
  };
}

/**
 * An interface address `ADDRESS[/LEN]` (host bits kept: `172.16.0.1/24` is 172.16.0.1 on a /24). Without
 * LEN: `defaultPrefix` for IPv4 (else /32); for IPv6 /64 when a default is given (a /24 would be
 * silently wrong), else /128.
 */
export function interfaceAddress(defaultPrefix?: number, family?: Family): TokenRule<{ address: string; prefix: number }> {
  return (v) => {
    const ex = family === 6 ? "2001:db8::1/64" : "192.0.2.153/24";
    const p = parse(v, family ? `an ${famName(family)} address` : "an address", ex, family);
    const s = v as string;
    const address = parseIpNet(s.split("/")[0]!) as { value: { address: string } };
    refuseSpecial(address.value.address, ex.slice(0, ex.indexOf("/")));
    const dflt = p.family === 6 ? (family === 6 && defaultPrefix !== undefined ? defaultPrefix : defaultPrefix !== undefined ? 64 : 128) : (defaultPrefix ?? 32);
    return { address: address.value.address, prefix: p.prefix ?? dflt };
  };
}
