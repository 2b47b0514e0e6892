/** A problem of one ipsec.conf rule, as validate.ts and its parts report it, and the address check they share. */
import { KEYWORDS } from "./lexer";
import { formatAddress, parseIp } from "./address";
import type { IpsecAddress } from "./types";

/** One problem of a rule. `text` is ipsecctl's own wording where it has one. */
export interface RuleProblem {
  /** Dotted field path inside the rule, e.g. `quick.enc`. */
  field: string;
  /** The offending value. */
  value: unknown;
  /** ipsecctl-style message (`authentication is implicit for aes-256-gcm`). */
  text: string;
  /** What is allowed / how to fix it. */
  hint?: string;
  /**
   * `parse`: ipsecctl's parser refuses the rule (YYERROR: yacc recovers, quiet for a few tokens); `expand`: the
   * grammar took the rule and expand_rule refuses it (yyerror, the rule is not added, yacc reads on as before);
   * `errx`: expand_rule refuses a manual SA's reverse SA after loading the forward one, and ipsecctl stops;
   * `generate`: only the isakmpd configuration generation fails;
   * `model`: ipsecctl takes it, this model's inputs do not (an address with host bits set: ipsec.conf's parser
   * keeps it as written and warns instead).
   */
  stage: "parse" | "expand" | "errx" | "generate" | "model";
  /** `expand` only: the rule's address pairs expand_rule added (and `-nv` printed) before the one it refused. */
  loadedPairs?: number;
}

/** `text; hint` */
export function problemReason(p: RuleProblem): string {
  return p.hint ? `${p.text}; ${p.hint}` : p.text;
}

export function checkAddress(out: RuleProblem[], field: string, a: IpsecAddress | undefined, allowAny: boolean): void {
  if (a === undefined) return;
  switch (a.kind) {
    case "any":
      if (!allowAny) out.push({ field, value: "any", text: "`any` is not allowed here", hint: "give a single address", stage: "parse" });
      return;
    case "ip": {
      const text = formatAddress(a);
      const parsed = parseIp(text);
      if (!parsed || "error" in parsed) {
        out.push({ field, value: text, text: `\`${text}\` is not an IPv4 or IPv6 address${a.prefix !== undefined ? " with a prefix length" : ""}`, stage: "parse" });
      } else if (formatAddress(parsed.value) !== text) {
        out.push({ field, value: text, text: `\`${text}\` is not canonical`, hint: `write ${formatAddress(parsed.value)}`, stage: "model" });
      }
      return;
    }
    case "name":
      if (!/^[A-Za-z][A-Za-z0-9._-]*$/.test(a.name) || KEYWORDS.has(a.name))
        out.push({ field, value: a.name, text: `\`${a.name}\` is not an interface, group or host name`, stage: "parse" });
      return;
  }
}

