/**
 * TEST DOUBLE helper — carp(4) master election across the lab's gateways.
 *
 * There are no advertisements: the state of a carp interface is computed whenever it is needed from every
 * gateway's interface table (`/var/emu/interfaces.json`, read-only for the peers). The members of a vhid are the
 * carp interfaces with that vhid whose carpdev is on the same segment (`hw.json`); a member is eligible when it
 * is up, its carpdev is up, it has an address and `net.inet.carp.allow` is not 0. The MASTER is the eligible
 * member with the lowest (demote counter of its groups, advbase, advskew), ties broken by gateway name — what
 * carp's advertisement exchange settles on. The same answer is given whichever gateway asks, so ifconfig, the
 * emulated isakmpd (-S under sasyncd) and the agreement logic (who holds the carp address) always agree.
 */
import { hardware, labInfo, readPeerState, stateDir, type EmuInterface, type InterfaceTable, type LabInfo } from "./state";

/** One carp instance of a vhid on a segment, on the asking gateway or another one. */
export interface CarpMember { gw: string; netns?: string; self: boolean; table: InterfaceTable; ifc: EmuInterface; eligible: boolean }

export type CarpState = "INIT" | "BACKUP" | "MASTER";

const emptyTable = (): InterfaceTable => ({ interfaces: [], demote: {} });

async function carpAllowed(dir: string): Promise<boolean> {
  const s = await readPeerState(dir, "sysctl", () => ({ values: {} as Record<string, string> }));
  return s.values["net.inet.carp.allow"] !== "0";
}

function eligibleIn(t: InterfaceTable, ifc: EmuInterface, allow: boolean): boolean {
  const c = ifc.carp;
  const parent = c && t.interfaces.find((i) => i.name === c.carpdev);
  return !!c && c.vhid > 0 && ifc.up && !!parent?.up && ifc.addresses.length > 0 && allow;
}

/** Demote counter of an interface: the highest of its groups'. */
export const demoteOf = (t: InterfaceTable, i: EmuInterface): number => Math.max(0, ...i.groups.map((g) => t.demote[g] ?? 0));

/**
 * Every instance of `ifc`'s vhid on the same segment, as seen by the gateway whose state directory is `dir`
 * (default: this gateway) and whose current interface table is `t` (passed in so that a command holding the
 * table's lock elects on its own uncommitted changes). The first member is `ifc` itself.
 */
export async function carpMembers(t: InterfaceTable, ifc: EmuInterface, dir: string = stateDir()): Promise<CarpMember[]> {
  const own = dir === stateDir();
  const info: LabInfo | undefined = own ? labInfo() : await readPeerState<LabInfo | undefined>(dir, "lab", () => undefined);
  const me: CarpMember = { gw: info?.name ?? "", netns: info?.netns, self: true, table: t, ifc, eligible: eligibleIn(t, ifc, await carpAllowed(dir)) };
  const c = ifc.carp;
  if (!c) return [me];
  const seg = hardware(dir).find((h) => h.name === c.carpdev)?.segment;
  const out = [me];
  for (const p of info?.peers ?? []) {
    const pt = await readPeerState<InterfaceTable>(p.stateDir, "interfaces", emptyTable);
    const phw = hardware(p.stateDir);
    const allow = await carpAllowed(p.stateDir);
    for (const o of pt.interfaces) {
      if (!o.carp || o.carp.vhid !== c.vhid) continue;
      if (seg !== undefined && phw.find((h) => h.name === o.carp!.carpdev)?.segment !== seg) continue;
      out.push({ gw: p.name, netns: p.netns, self: false, table: pt, ifc: o, eligible: eligibleIn(pt, o, allow) });
    }
  }
  return out;
}

/** The elected master among members: lowest (demote, advbase, advskew), then gateway name. */
export function carpMaster(ms: readonly CarpMember[]): CarpMember | undefined {
  const key = (m: CarpMember) => [demoteOf(m.table, m.ifc), m.ifc.carp!.advbase, m.ifc.carp!.advskew] as const;
  let best: CarpMember | undefined;
  for (const m of ms.filter((x) => x.eligible)) {
    if (!best) { best = m; continue; }
    const a = key(m);
    const b = key(best);
    const cmp = a[0] - b[0] || a[1] - b[1] || a[2] - b[2] || (m.gw < best.gw ? -1 : 1);
    if (cmp < 0) best = m;
  }
  return best;
}

/** carp state as the pair would elect it: INIT when down/no carpdev/no address, else MASTER for the best member. */
export async function carpElect(t: InterfaceTable, ifc: EmuInterface, dir?: string): Promise<CarpState> {
  const ms = await carpMembers(t, ifc, dir);
  if (!ms[0]!.eligible) return "INIT";
  return carpMaster(ms) === ms[0] ? "MASTER" : "BACKUP";
}

/** Elected state of every carp interface of the gateway whose state directory is `dir` (default: this one). */
export async function carpStates(t: InterfaceTable, dir?: string): Promise<Map<string, CarpState>> {
  const out = new Map<string, CarpState>();
  for (const i of t.interfaces) if (i.carp) out.set(i.name, await carpElect(t, i, dir));
  return out;
}
