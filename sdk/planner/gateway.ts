/** A gateway's own settings: forwarding and IPsec sysctls, its interfaces' hostname.if files, pf skip, services. */
import { interfaceName, refusalOf, sysctlName } from "../model/tokens/index";
import { sysctlValueOf } from "../model/sysctl/index";
import { gwLabel, type Acc } from "./acc";
import { needPackage } from "./packages";
import type { IfLine } from "./docs";
import type { PlanIssue } from "./errors";
import type { IfAddress } from "./spec";

export function planGatewayBase(acc: Acc, issues: PlanIssue[]): void {
  const gw = acc.gw;
  acc.sysctls.set("net.inet.ip.forwarding", String(gw.forwarding.ipv4));
  if (gw.forwarding.ipv6) acc.sysctls.set("net.inet6.ip6.forwarding", "1");
  if (gw.esp !== undefined) acc.sysctls.set("net.inet.esp.enable", gw.esp ? "1" : "0");
  if (gw.ah !== undefined) acc.sysctls.set("net.inet.ah.enable", gw.ah ? "1" : "0");
  if (gw.ipcomp !== undefined) acc.sysctls.set("net.inet.ipcomp.enable", gw.ipcomp ? "1" : "0");
  const given = new Map<string, { field: string; value: string }>();
  for (const [k, field] of [["net.inet.esp.enable", "esp"], ["net.inet.ah.enable", "ah"], ["net.inet.ipcomp.enable", "ipcomp"]] as const)
    if (acc.sysctls.has(k)) given.set(k, { field, value: acc.sysctls.get(k)! });
  for (const [k, v] of Object.entries(gw.sysctls)) {
    const bad = refusalOf(sysctlName, k) ?? refusalOf(sysctlValueOf(k), v);
    if (bad) {
      issues.push({ resources: [gwLabel(gw.name)], field: `sysctls["${k}"]`, value: refusalOf(sysctlName, k) ? k : v, reason: bad.reason, fix: bad.fix });
      continue;
    }
    acc.sysctls.set(k, v);
    given.set(k, { field: `sysctls["${k}"]`, value: v });
  }
  userSysctls.set(acc, given);
  if (gw.external.configure) {
    const lines: IfLine[] = [];
    if (gw.external.address) lines.push({ kind: "inet", ...gw.external.address });
    if (gw.external.address6) lines.push({ kind: "inet6", ...gw.external.address6 });
    lines.push({ kind: "up" });
    acc.hostnames.set(gw.external.interface, lines);
  }
  for (const i of gw.internal) {
    if (!i.configure) continue;
    if (!i.address) {
      issues.push({ resources: [gwLabel(gw.name)], field: `internal[${i.interface}].address`, value: "(none)", reason: "`configure: true` needs the gateway's address on the interface", fix: "give `address` (e.g. `172.16.0.1/24`) or set `configure: false`" });
      continue;
    }
    // an IPv6 address is an `inet6` line; several internal networks on one interface are its lines in order
    const before = (acc.hostnames.get(i.interface) ?? []).filter((l) => l.kind !== "up");
    acc.hostnames.set(i.interface, [...before, ifAddressLine(i.address), { kind: "up" }]);
  }
  for (const x of gw.extraInterfaces) acc.hostnames.set(x.interface, [...x.addresses.map(ifAddressLine), { kind: "up" }]);
  for (const [k, x] of gw.pfSkip.entries()) {
    const bad = refusalOf(interfaceName, x);
    if (bad) issues.push({ resources: [gwLabel(gw.name)], field: `pf.skip[${k}]`, value: x, reason: bad.reason, fix: bad.fix });
  }
  (gw.packages ?? []).forEach((p, k) => needPackage(acc, p, gwLabel(gw.name), `packages[${k}]`, issues));
  let order = 10;
  const mine = new Map<string, unknown>();
  for (const [name, s] of Object.entries(gw.services)) {
    const e = { order: order++, enabled: s.enabled, ...(s.flags !== undefined ? { flags: s.flags } : {}), running: s.running ?? s.enabled };
    acc.services.set(name, e);
    mine.set(name, e);
  }
  userServices.set(acc, mine);
}

/** The entries of each gateway's `services`, as the user gave them (to find one a component replaced). */
const userServices = new WeakMap<Acc, Map<string, unknown>>();

/**
 * A `services` entry for a daemon a component manages (isakmpd, iked, ipsec, sasyncd, openvpn, tincd, an
 * ssh tunnel's rc.d script) would be replaced by the component's silently: refused, once everything is planned.
 */
export function checkUserServices(acc: Acc, issues: PlanIssue[]): void {
  checkUserSysctls(acc, issues);
  // `pf.skip: ["enc0"]` writes `set skip on enc0`, which would disable the enc0 rules of a tunnel that filters enc0
  const filtering = acc.pf.enc0.get("filter");
  acc.gw.pfSkip.forEach((x, k) => {
    if (x === "enc0" && filtering !== undefined)
      issues.push({ resources: [gwLabel(acc.gw.name), filtering], field: `pf.skip[${k}]`, value: x, reason: `\`set skip on enc0\` would disable the enc0 rules of ${filtering} (\`enc0: "filter"\`): its tunnel traffic would pass unfiltered`, fix: 'remove enc0 from `pf.skip`, or set the tunnel\'s `enc0: "skip"`' });
  });
  for (const [name, e] of userServices.get(acc) ?? []) {
    if (acc.services.get(name) === e) {
      const why = fightsTheVpn(acc, name, e as { enabled: boolean; running: boolean });
      if (why) issues.push({ resources: [gwLabel(acc.gw.name)], field: `services.${name}`, value: JSON.stringify(acc.gw.services[name]), ...why });
      continue;
    }
    const s = acc.gw.services[name]!;
    issues.push({ resources: [gwLabel(acc.gw.name)], field: `services.${name}`, value: JSON.stringify(s), reason: `a VPN of this gateway runs ${name} itself (enabled and started with the flags it needs): this entry would be overwritten`, fix: `remove \`services.${name}\`` });
  }
}

/** The other IKE daemon: both bind UDP 500 and 4500, so only one can run. */
const OTHER_IKE: Record<string, string> = { iked: "isakmpd", isakmpd: "iked" };

/**
 * A `services` entry the gateway's VPN cannot live with: the other IKE daemon beside the one its tunnels run, pf
 * off (the gateway's pf.conf, with its tunnels' rules, would not be loaded at boot), sshd off (how this program
 * reaches the gateway: the next operation could not connect).
 */
function fightsTheVpn(acc: Acc, name: string, e: { enabled: boolean; running: boolean }): { reason: string; fix: string } | undefined {
  const on = e.enabled || e.running;
  const ike = OTHER_IKE[name] !== undefined ? acc.services.get(OTHER_IKE[name]!) : undefined;
  if (on && ike && (ike.enabled || ike.running))
    return { reason: `a tunnel of this gateway runs ${OTHER_IKE[name]}: ${name} and ${OTHER_IKE[name]} both bind UDP 500 and 4500, so one of them would fail to start`, fix: `remove \`services.${name}\`, or give the tunnels \`ike: "${name}"\`` };
  if (name === "pf" && !(e.enabled && e.running))
    return { reason: "this gateway's pf.conf (its tunnels' rules and anchors) would not be loaded: pf off is a firewall without its rules", fix: "remove `services.pf`" };
  if (name === "sshd" && !(e.enabled && e.running))
    return { reason: "sshd is how this program reaches the gateway: the next `pulumi up` or `refresh` could not connect", fix: "remove `services.sshd`" };
  return undefined;
}

/** The sysctls each gateway's own fields write (`esp`, `ah`, `ipcomp`, `sysctls`), by MIB: the field and the value. */
const userSysctls = new WeakMap<Acc, Map<string, { field: string; value: string }>>();
/** Sysctls a VPN of the gateway needs at a value that is OpenBSD's default, so nothing writes them (by MIB). */
const neededSysctls = new WeakMap<Acc, Map<string, string>>();

/**
 * Records that a VPN of the gateway needs `mib` at `value`, OpenBSD's default, without writing it to sysctl.conf
 * (an ESP tunnel needs net.inet.esp.enable=1): a user's `esp: false` or `sysctls` entry that turns it off is refused.
 */
export function needDefaultSysctl(acc: Acc, mib: string, value: string): void {
  let m = neededSysctls.get(acc);
  if (!m) neededSysctls.set(acc, (m = new Map()));
  m.set(mib, value);
}

/**
 * A sysctl the user sets (`sysctls`, or `esp`/`ah`/`ipcomp`) that a component of the gateway sets to another value
 * (a gre link's net.inet.gre.allow=1, an AH tunnel's net.inet.ah.enable=1, CARP's net.inet.carp.allow=1 …) would be
 * silently overwritten in /etc/sysctl.conf: refused, once everything is planned.
 */
function checkUserSysctls(acc: Acc, issues: PlanIssue[]): void {
  for (const [k, { field, value }] of userSysctls.get(acc) ?? []) {
    const written = acc.sysctls.get(k);
    const now = written === undefined || written === value ? neededSysctls.get(acc)?.get(k) : written;
    if (now === undefined || now === value) continue;
    const shown = field.startsWith("sysctls") ? value : value === "1" ? "true" : "false";
    const harm = written === value ? "this value would switch it off" : "this value would be overwritten";
    issues.push({ resources: [gwLabel(acc.gw.name)], field, value: shown, reason: `a VPN of this gateway needs ${k}=${now}: ${harm}`, fix: `remove \`${field}\`${field.startsWith("sysctls") ? "" : ` (or set it to ${now === "1" ? "true" : "false"})`}` });
  }
}

/** The hostname.if(5) line of an interface address: `inet ADDR MASK` or `inet6 ADDR PREFIXLEN`. */
export function ifAddressLine(a: IfAddress): IfLine {
  return a.address.includes(":") ? { kind: "inet6", ...a } : { kind: "inet", ...a };
}
