/**
 * TEST DOUBLE helper — split `ipsecctl -nv` output (printed by test/lab/emu/ipsecctl-nv.ts, golden-tested) into
 * the rules ipsecctl_commit would hand to the kernel and to isakmpd, in order, with ipsecctl's rule numbers.
 *
 * - `flow …` lines are SPD entries (SADB_X_ADDFLOW);
 * - SA lines (`esp tunnel from … spi 0x…`) are SAD entries (SADB_ADD);
 * - `[bundle …]` lines group two SAs (numbered, not kept by the double);
 * - `C …`/`t …` lines are the isakmpd FIFO stream of one `ike` rule, which ends with
 *   `C add [Phase 2]:Connections=…` (or `Passive-Connections`); a rule whose generation failed (`illegal
 *   transform`, golden err-ah-enc) has no such line and ipsecctl reports `failed to add ike rule N`;
 * - macro echoes (`name = "value"`) are not rules.
 */
import { saKey } from "./ipsec-kernel";

/** One rule as ipsecctl commits it. */
export type CommitRule =
  | { kind: "flow"; nr: number; line: string }
  | { kind: "sa"; nr: number; line: string }
  | { kind: "ike"; nr: number; stream: string[]; complete: boolean };

const CONNECT = /^C add \[Phase 2\]:(Connections|Passive-Connections)=/;

/** Rules of a successfully parsed file, from its `-nv` stdout. */
export function commitRules(nvStdout: string): CommitRule[] {
  const out: CommitRule[] = [];
  let nr = 0;
  let ike: { kind: "ike"; nr: number; stream: string[]; complete: boolean } | undefined;
  const closeIke = () => {
    if (ike) out.push(ike);
    ike = undefined;
  };
  for (const line of nvStdout.split("\n")) {
    if (line === "") continue;
    if (/^(C |t )/.test(line)) {
      const startsRule = /^C set \[General\]:Check-interval=/.test(line) ||
        (/^C set \[Phase 1\]:/.test(line) && !(ike && ike.stream.every((l) => l.startsWith("C set [General]:"))));
      if (!ike || startsRule || ike.complete) {
        closeIke();
        ike = { kind: "ike", nr: nr++, stream: [], complete: false };
      }
      ike.stream.push(line);
      if (CONNECT.test(line)) ike.complete = true;
      continue;
    }
    closeIke();
    if (line.startsWith("flow ")) out.push({ kind: "flow", nr: nr++, line });
    else if (saKey(line)) out.push({ kind: "sa", nr: nr++, line });
    // an SA bundle (`[bundle esp to B spi 0x… with ah to B spi 0x…]`) is a rule of its own (create_sabundle): the
    // kernel groups the two SAs (SADB_X_GRPSPIS), which this double does not keep; it takes its number
    else if (line.startsWith("[bundle ")) nr++;
    // macro echo lines and anything else are not rules
  }
  closeIke();
  return out;
}
