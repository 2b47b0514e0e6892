/**
 * Interfaces by name: which driver and unit a name designates, whether `ifconfig IF create` makes it
 * (a cloned interface, destroyed and recreated when its configuration shrinks), netstart(8)'s pass for it,
 * and the interface a `/etc/hostname.IF` file configures. One list of cloners, used by the hostname.if
 * model, the planner and the provider's apply script. The name itself is checked by {@link interfaceName}.
 */
import { ModelError } from "../diagnostics";
import { interfaceName } from "./names";
import { refusalOf } from "./refusal";

/** How netstart treats an interface. */
export interface InterfaceKind {
  /** Driver name (`em`, `carp`, `gif`, …). */
  driver: string;
  /** Unit number. */
  unit: number;
  /** physical, or the cloner family. */
  kind: "physical" | "loopback" | "carp" | "gif" | "gre" | "eoip" | "etherip" | "vether" | "pfsync" | "enc" | "vlan" | "bridge" | "tunnel" | "other-cloned";
  /** Created with `ifconfig X create` (destroyable). */
  cloned: boolean;
  /** netstart pass: 1 lo0; 2 most interfaces; 3 aggr/trunk/svlan/vlan/carp/pppoe; 4 (after default routes) tun/tap/gif/etherip/gre/egre/nvgre/eoip/vxlan/pflow/wg. */
  pass: 1 | 2 | 3 | 4;
}

const PASS3 = ["aggr", "trunk", "svlan", "vlan", "carp", "pppoe"];
const PASS4 = ["tun", "tap", "gif", "etherip", "gre", "egre", "nvgre", "eoip", "vxlan", "pflow", "wg", "mgre"];
const CLONERS = ["carp", "gif", "gre", "mgre", "egre", "nvgre", "eoip", "etherip", "vether", "pfsync", "pflog", "pflow", "vlan", "svlan", "trunk", "aggr", "bridge", "veb", "vport", "tpmr", "tun", "tap", "wg", "vxlan", "pppoe", "mpe", "mpw", "mpip", "sec", "lo", "enc", "bpe", "switch"];

/** Classifies an interface name for netstart's passes (carp after physical, tunnels after routes). */
export function interfaceKind(name: string): InterfaceKind {
  const m = /^([a-z]+)(\d+)$/.exec(name);
  if (!m) throw new ModelError("interface", name, `\`${name}\` is not an interface name (driver followed by a unit number, e.g. em0, carp1)`);
  const driver = m[1];
  const unit = Number(m[2]);
  const cloned = CLONERS.includes(driver) && !((driver === "lo" || driver === "enc") && unit === 0);
  const pass: InterfaceKind["pass"] = name === "lo0" ? 1 : PASS3.includes(driver) ? 3 : PASS4.includes(driver) ? 4 : 2;
  const kinds: Record<string, InterfaceKind["kind"]> = {
    lo: "loopback", carp: "carp", gif: "gif", gre: "gre", mgre: "gre", egre: "gre", nvgre: "gre", eoip: "eoip", etherip: "etherip", vether: "vether",
    pfsync: "pfsync", enc: "enc", vlan: "vlan", svlan: "vlan", bridge: "bridge", veb: "bridge", tun: "tunnel", tap: "tunnel", wg: "tunnel", vxlan: "tunnel",
  };
  return { driver, unit, kind: kinds[driver] ?? (cloned ? "other-cloned" : "physical"), cloned, pass };
}

/**
 * Interface name from a path such as `/etc/hostname.carp1`; undefined when the name is not `hostname.X`.
 * The name is not checked: lint reports a file netstart would skip.
 */
export function interfaceFromFileName(file: string): string | undefined {
  const m = /(?:^|\/)hostname\.([^/]+)$/.exec(file);
  return m?.[1];
}

/**
 * The interface a managed `/etc/hostname.IF` configures: the file is exactly `/etc/hostname.` followed by
 * a name the {@link interfaceName} rule accepts (what netstart(8) reads at boot); undefined otherwise.
 */
export function managedHostnameIf(path: string): string | undefined {
  const m = /^\/etc\/hostname\.([^/]+)$/.exec(path);
  return m && !refusalOf(interfaceName, m[1]) ? m[1] : undefined;
}

/** Interfaces created by `ifconfig IF create` (destroyed and recreated when their config shrinks); false for a name that is none. */
export function isClonedInterface(name: string): boolean {
  return !refusalOf(interfaceName, name) && interfaceKind(name).cloned;
}
