/**
 * A gateway's part in a CARP pair, read from its state: the CARP interfaces it holds as a backup (`advskew` above 0 in
 * /etc/hostname.carpN, as CarpPair writes it for the backup). The pair's master is committed after its backup
 * (ARCHITECTURE.md H5), and a backup's isakmpd, held passive by sasyncd (`-S`), negotiates nothing.
 */
import type { HostState } from "../../sdk/state";

/** `carpN advskew A` for each CARP interface the state makes a backup (advskew > 0); none for a master or no CARP. */
export function carpBackupInterfaces(s: HostState): string[] {
  return Object.entries(s.files).flatMap(([p, f]) => {
    const ifc = /^\/etc\/hostname\.(carp\d+)$/.exec(p)?.[1];
    if (!ifc) return [];
    // `advskew N` among a line's words (on the `inet` line, as the planner writes it, or a line of its own)
    const skews = f.content
      .split("\n")
      .filter((l) => !l.trimStart().startsWith("#"))
      .map((l) => Number(/(?:^|\s)advskew\s+(\d+)(?=\s|$)/.exec(l)?.[1] ?? 0));
    const skew = Math.max(0, ...skews);
    return skew > 0 ? [`${ifc} advskew ${skew}`] : [];
  });
}
