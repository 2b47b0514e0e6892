/**
 * Values a user marked secret in an ordinary field: an address, a network, a sysctl value, daemon flags given as
 * `pulumi.secret(…)`, `config.requireSecret(…)` or a secret output of another resource or stack. Such a field is
 * not secret by its type (secrets.ts lists those), so the planner would write it into plain files; the user's mark
 * must survive into the state all the same (secrets stay secrets from input to state to output).
 *
 * Decision: a marked value is a secret of every gateway of its declaration group, looked for in the rendered files
 * as every secret is ({@link sealSecrets}): a file that holds it is secret, wherever the value appears (a peer's pf
 * rules naming a marked address are as telling as the gateway's own hostname.if). Values already secret by their
 * type stay with their own gateways only.
 *
 * Pure: no I/O.
 */
import { ntop6, netText, parseNet } from "../model/address/index";

/**
 * The forms a marked value takes in rendered text: the value as given and trimmed, and for an address or a network
 * its canonical text (`10.1.0.0/16` for `10.1.0.5/16`, an IPv6 one as OpenBSD's inet_ntop prints it) and its
 * address alone (hostname.if writes `inet 10.1.0.5 255.255.0.0`). Empty strings are never a form.
 */
export function markedForms(v: string): string[] {
  const t = v.trim();
  const forms = [v, t];
  const n = parseNet(t);
  if (n) {
    const slash = t.indexOf("/");
    const given = slash < 0 ? t : t.slice(0, slash);
    forms.push(netText(n), n.address, given);
    if (n.family === 6) forms.push(ntop6(n.address), ntop6(given));
  }
  return [...new Set(forms.filter((f) => f.length > 0))];
}
