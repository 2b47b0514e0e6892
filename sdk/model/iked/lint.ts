/**
 * Lint for iked.conf: the parser's errors plus every error iked only finds when it builds each policy
 * (create_ike: local/peer, active mode, proposal consistency, address families of flows).
 */
import type { Diagnostic } from "../diagnostics";
import { expandIkedPolicy } from "./expand";
import { parseAddr } from "./address";
import { parseIkedConfDetailed } from "./parser";

/** Diagnostics for an iked.conf text; an empty list means `iked -n` accepts it. */
export function lintIkedConf(text: string, file = "iked.conf"): Diagnostic[] {
  const r = parseIkedConfDetailed(text, file);
  const out = [...r.diagnostics];
  let seq = 0;
  for (const ev of r.events) {
    if (ev.kind !== "policy") continue;
    seq++;
    const written = r.value.policies[ev.index];
    // host(): a name is an interface (host_if) or a DNS name, resolved when iked loads the file. Lint has
    // neither: a name stands for a host address of the family the policy's numeric addresses use.
    const hosts = [...written.flows.flatMap((f) => [f.from, f.to]), written.local, written.peer];
    const isName = (h: string | undefined): h is string => h !== undefined && h !== "any" && h !== "dynamic" && parseAddr(h) === undefined;
    const v6 = written.af === "inet6" || hosts.some((h) => h !== undefined && parseAddr(h)?.af === "inet6");
    // (`NAME/LEN`: an interface keeps its own address, host_if() ignores the mask; a DNS name takes it). The name
    // takes the family of its partner (the other end of its flow, local for peer and back) when that is an
    // address, so that lint never reports a family mismatch only the host's names could decide
    const stand = (h: string | undefined, partner?: string) => {
      if (!isName(h)) return h;
      const af = partner === undefined ? undefined : parseAddr(partner)?.af;
      return (af ?? (v6 ? "inet6" : "inet")) === "inet6" ? "2001:db8::1" : "192.0.2.1";
    };
    for (const h of new Set(hosts.filter(isName)))
      out.push({ file, line: ev.line, column: 1, message: `\`${h}\` is resolved when iked loads the file (an interface's address or DNS); lint cannot check it`, severity: "warning" });
    for (const h of new Set(hosts)) {
      const scope = h === undefined ? undefined : parseAddr(h)?.scope;
      if (scope !== undefined && !/^\d+$/.test(scope))
        out.push({ file, line: ev.line, column: 1, message: `\`${h}\`: the scope \`${scope}\` must be an interface of the host when iked loads the file; lint cannot check it`, severity: "warning" });
    }
    const p = { ...written, flows: written.flows.map((f) => ({ ...f, from: stand(f.from, f.to)!, to: stand(f.to, f.from)! })), local: stand(written.local, written.peer), peer: stand(written.peer, written.local) };
    const x = expandIkedPolicy(p, seq);
    const name = p.name ?? `policy${seq}`;
    p.flows.forEach((f, i) => {
      for (const [h, port, side] of [[f.from, f.fromPort, "from"], [f.to, f.toPort, "to"]] as const)
        if ((h === "any" || h === "dynamic") && port !== undefined)
          out.push({ file, line: ev.line, column: 1, message: `ikev2 "${name}": flows[${i}].${side}: iked drops \`port ${port}\` after \`${h}\`; write ${h === "any" ? "0.0.0.0/0" : "an address"} port ${port}`, severity: "warning" });
    });
    if (!x.ok) {
      const said = x.yyerrors[0] ?? x.fatal;
      out.push({ file, line: ev.line, column: 1, message: `ikev2 "${name}": ${said !== undefined && !x.reason.includes(said) ? `${said.replace(/\.$/, "")}: ` : ""}${x.reason}`, severity: "error" });
    }
    else if (x.value.duplicates > 0) out.push({ file, line: ev.line, column: 1, message: `ikev2 "${name}": ${x.value.duplicates} duplicate flow(s) ignored by iked`, severity: "warning" });
  }
  for (const m of r.unusedMacros) out.push({ file, line: 1, column: 1, message: `macro \`${m}\` is defined but never used`, severity: "warning" });
  if (r.value.policies.length === 0 && r.value.users.length === 0 && !out.some((d) => d.severity === "error"))
    out.push({ file, line: 1, column: 1, message: "no ikev2 policy: iked would start with no valid configuration rules", severity: "warning" });
  return out.sort((a, b) => a.line - b.line || a.column - b.column);
}
