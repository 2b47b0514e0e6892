/**
 * The kinds of OpenBSD configuration files `pulumi-openbsd lint` checks, and how a kind is told from a
 * file name.
 */
import { oneOf } from "../model/diagnostics";

/**
 * Kind of a configuration file:
 * `ipsec` ipsec.conf(5) (ipsecctl/isakmpd), `iked` iked.conf(5), `pf` pf.conf(5) or a pf anchor file,
 * `hostname` hostname.if(5), `sasyncd` sasyncd.conf(5), `sysctl` sysctl.conf(5), `rcconf` rc.conf.local(8).
 */
export type LintKind = "ipsec" | "iked" | "pf" | "hostname" | "sasyncd" | "sysctl" | "rcconf";

/** Every kind, in the order usage texts list them. */
export const LINT_KINDS: readonly LintKind[] = ["ipsec", "iked", "pf", "hostname", "sasyncd", "sysctl", "rcconf"];

/** Names accepted by `--kind` besides the kinds themselves: the usual file names. */
const ALIASES: Readonly<Record<string, LintKind>> = {
  "ipsec.conf": "ipsec",
  "iked.conf": "iked",
  "pf.conf": "pf",
  "hostname.if": "hostname",
  "sasyncd.conf": "sasyncd",
  "sysctl.conf": "sysctl",
  "rc.conf.local": "rcconf",
};

/** Parses a `--kind` argument (`pf`, `pf.conf`, `hostname.if`, …); undefined when unknown. */
export function parseKind(text: string): LintKind | undefined {
  return LINT_KINDS.find((k) => k === text) ?? ALIASES[text];
}

/** The message for an unknown `--kind` value. */
export function unknownKindMessage(text: string): string {
  return `--kind: ${oneOf("kind", text, LINT_KINDS)}`;
}

/**
 * Tells a file's kind from its path, as OpenBSD names them: `ipsec.conf`, `iked.conf`, `pf.conf`,
 * anchor files (`*.pf`, `pf.*.conf` such as `/etc/pf.vpn.conf`, anything under a `pf.anchors/`
 * folder), `hostname.IF`, `sasyncd.conf`, `sysctl.conf`, `rc.conf.local`. Undefined when the name says
 * nothing (pass `--kind`).
 */
export function kindOf(path: string): LintKind | undefined {
  const parts = path.split(/[\\/]/);
  const base = parts[parts.length - 1] ?? "";
  const dirs = parts.slice(0, -1);
  if (base === "ipsec.conf" || /^ipsec\..+\.conf$/.test(base) || base.endsWith(".ipsec.conf")) return "ipsec";
  if (base === "iked.conf" || /^iked\..+\.conf$/.test(base) || base.endsWith(".iked.conf")) return "iked";
  if (base === "sasyncd.conf") return "sasyncd";
  if (base === "sysctl.conf") return "sysctl";
  if (base === "rc.conf.local") return "rcconf";
  if (/^hostname\.[A-Za-z][A-Za-z0-9_]*[0-9]+$/.test(base)) return "hostname";
  if (base === "pf.conf" || /^pf\..+\.conf$/.test(base) || base.endsWith(".pf") || dirs.includes("pf.anchors")) return "pf";
  return undefined;
}
