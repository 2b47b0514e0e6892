/**
 * A gateway's part in a CARP pair, read from its state: the CARP interfaces it holds as a backup (`advskew` above 0 in
 * /etc/hostname.carpN, as CarpPair writes it for the backup). The pair's master is committed after its backup
 * (ARCHITECTURE.md H5), and a backup's isakmpd, held passive by sasyncd (`-S`), negotiates nothing.
 */
import type { HostState } from "../../sdk/state";
import { parseHostnameIf, type HostnameIfLine } from "../../sdk/model/hostnameif/index";

/** The `advskew` a hostname.if line sets: on the `inet` line (as CarpPair writes it), a carp line, or plain ifconfig words. */
function advskewOf(l: HostnameIfLine): number | undefined {
  if (l.kind === "carp") return l.advskew;
  const words = l.kind === "inet" ? (l.options ?? []) : l.kind === "ifconfig" ? l.args : [];
  const i = words.indexOf("advskew");
  return i >= 0 && /^\d+$/.test(words[i + 1] ?? "") ? Number(words[i + 1]) : undefined;
}

/** `carpN advskew A` for each CARP interface the state makes a backup (advskew > 0); none for a master or no CARP. */
export function carpBackupInterfaces(s: HostState): string[] {
  return Object.entries(s.files).flatMap(([p, f]) => {
    const ifc = /^\/etc\/hostname\.(carp\d+)$/.exec(p)?.[1];
    if (!ifc) return [];
    const skew = Math.max(0, ...parseHostnameIf(f.content, `hostname.${ifc}`, ifc).value.lines.map((l) => advskewOf(l) ?? 0));
    return skew > 0 ? [`${ifc} advskew ${skew}`] : [];
  });
}
