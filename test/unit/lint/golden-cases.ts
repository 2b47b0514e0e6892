/**
 * The golden cases of /work/shared/golden/{ipsecctl,pfctl,iked,sasyncd}: input, whether OpenBSD's own
 * tool accepted it, and the line of its first error when it printed one (golden/README.md).
 */
import { readdirSync, readFileSync, existsSync } from "node:fs";
import type { LintKind } from "../../../sdk/lint";
import { SHARED } from "../../support/shared";

export const GOLDEN = `${SHARED}/golden`;

/** One golden case. */
export interface GoldenCase {
  tool: "ipsecctl" | "pfctl" | "iked" | "sasyncd";
  kind: LintKind;
  name: string;
  file: string;
  text: string;
  valid: boolean;
  /** Line of OpenBSD's first `FILE:LINE:` / `FILE: LINE:` error, when it printed one. */
  errorLine?: number;
  /** Text of that first error (after `FILE:LINE: `). */
  errorText?: string;
  /** Mode the input had when recorded (all 0600 except iked c09, 0644). */
  mode: number;
  /** pf only: the anchor the file was loaded into (`pfctl -a`, from NAME.anchor), when one was. */
  anchor?: string;
}

const KIND = { ipsecctl: "ipsec", pfctl: "pf", iked: "iked", sasyncd: "sasyncd" } as const;

function read(path: string): string {
  return existsSync(path) ? readFileSync(path, "utf8") : "";
}

/** Every case of one tool's folder (default: the shared golden one), sorted by name. */
export function goldenCases(tool: GoldenCase["tool"], dir = `${GOLDEN}/${tool}`): GoldenCase[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith(".conf"))
    .sort()
    .map((file) => {
      const name = file.slice(0, -".conf".length);
      const rc = Number(read(`${dir}/${name}.rc`).trim());
      const err = read(`${dir}/${name}.err`);
      const esc = file.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
      // warnings, not errors: pfctl's `skipping duplicate table checks` and `warning:` lines, ipsecctl's default-peer
      // yywarns (set_rule_peers: `default peer psk mismatch` …; the file loads)
      const warning = (text: string) => /^(skipping duplicate table checks|warning: |default peer [a-z0-9 ]+ mismatch$)/.test(text);
      // ipsecctl -n exits 0 for `illegal transform` errors found only when the ike config is generated;
      // a real load fails, so any other stderr from ipsecctl marks the case invalid (golden/README.md).
      const errLines = err.split("\n").filter((l) => l.trim() !== "" && !warning(l.replace(new RegExp(`^${esc}: ?[0-9]+: `), "")));
      const valid = rc === 0 && !(tool === "ipsecctl" && errLines.length > 0);
      const m = err.split("\n").map((l) => new RegExp(`^${esc}: ?([0-9]+): (.*)$`).exec(l)).find((x) => x !== null && !warning(x[2]!)) ?? null;
      const c: GoldenCase = { tool, kind: KIND[tool], name, file, text: readFileSync(`${dir}/${file}`, "utf8"), valid, mode: name.includes("mode0644") ? 0o644 : 0o600 };
      if (!valid && m !== null) {
        c.errorLine = Number(m[1]);
        c.errorText = m[2];
      }
      const anchor = read(`${dir}/${name}.anchor`).split("\n")[0]?.trim();
      if (anchor) c.anchor = anchor;
      return c;
    });
}

/** golden/README.md "The pf environment": the interfaces the pfctl cases were recorded with. */
export const GOLDEN_PF_INTERFACES = [
  { name: "em0", addresses: ["172.16.0.1/24"], groups: [] },
  { name: "em1", addresses: ["203.0.113.1/24"], groups: ["egress"] },
  { name: "lo0", addresses: ["::1/128", "fe80::1/64", "127.0.0.1/8"], groups: [] },
  { name: "enc0", addresses: [], groups: [] },
  { name: "carp1", addresses: ["172.16.0.254/24"], groups: ["carp"] },
  { name: "carp2", addresses: ["203.0.113.254/24"], groups: ["carp"] },
  { name: "gif0", addresses: [], groups: [] },
];
