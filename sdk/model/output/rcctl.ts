/**
 * Parsers of `rcctl get NAME`, `rcctl get NAME VARIABLE` and `rcctl ls on|started|…`
 * (reference/openbsd.md B.5, rcctl.sh 1.122).
 *
 * The exit status carries meaning too (`rcctl get X flags` prints `NO` and exits 1 for a disabled
 * daemon); these parsers read the text only, so callers pass the printed text and judge the status.
 */
import type { ParseResult } from "../diagnostics";
import { Reporter, quote, splitLines } from "./lines";

/** The variables rcctl prints for a daemon (`rcctl get NAME`), without the `NAME_` prefix. */
export const RCCTL_DAEMON_VARIABLES = ["class", "execdir", "flags", "logger", "rtable", "timeout", "user"] as const;
/** One of {@link RCCTL_DAEMON_VARIABLES}. */
export type RcctlDaemonVariable = (typeof RCCTL_DAEMON_VARIABLES)[number];

/** What `rcctl get NAME` or `rcctl get NAME VARIABLE` printed. */
export type RcctlGet =
  | {
      /** `rcctl get DAEMON`: the 7 `DAEMON_var=value` lines. */
      kind: "daemon";
      /** Daemon name, e.g. `isakmpd`. */
      name: string;
      /** Variable → value (`flags` → `-K`; `NO` means disabled; empty string means default flags). */
      variables: Partial<Record<RcctlDaemonVariable, string>>;
      /** True unless `flags` is `NO`. */
      enabled: boolean;
    }
  | {
      /** `rcctl get SERVICE` of a special service (`ipsec`, `pf`, …): one `SERVICE=YES|NO` line. */
      kind: "service";
      /** Service name. */
      name: string;
      /** True for `YES`. */
      enabled: boolean;
    }
  | {
      /** `rcctl get NAME VARIABLE`: one line (or none: empty flags print nothing). */
      kind: "variable";
      /** Daemon or service name. */
      name: string;
      /** Variable asked for, e.g. `flags`. */
      variable: string;
      /** The printed value; empty when nothing was printed. */
      value: string;
    };

/** Options of {@link parseRcctlGet}. */
export interface RcctlGetOptions {
  /** The daemon or service asked about (`rcctl get NAME …`). */
  name: string;
  /** The variable asked for (`rcctl get NAME flags` → `flags`); undefined for the whole listing. */
  variable?: string;
  /** Name used in diagnostics; default `rcctl get NAME[ VARIABLE]`. */
  file?: string;
}

const NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;

/** Parses `rcctl get NAME` (7 lines, or `NAME=YES|NO` for special services) or `rcctl get NAME VARIABLE`. */
export function parseRcctlGet(text: string, opts: RcctlGetOptions): ParseResult<RcctlGet> {
  const rep = new Reporter(opts.file ?? `rcctl get ${opts.name}${opts.variable === undefined ? "" : ` ${opts.variable}`}`);
  const lines = splitLines(text);
  if (opts.variable !== undefined) {
    if (lines.length > 1) rep.error(2, 1, `rcctl get ${opts.name} ${opts.variable}: expected at most one line, got ${lines.length}`);
    return { value: { kind: "variable", name: opts.name, variable: opts.variable, value: lines[0] ?? "" }, diagnostics: rep.diagnostics };
  }
  const prefix = `${opts.name}_`;
  const variables: Partial<Record<RcctlDaemonVariable, string>> = {};
  let service: boolean | undefined;
  for (let n = 0; n < lines.length; n++) {
    const raw = lines[n]!;
    const eq = raw.indexOf("=");
    const key = eq < 0 ? raw : raw.slice(0, eq);
    const value = raw.slice(eq + 1);
    if (eq < 0) {
      rep.error(n + 1, 1, `rcctl get ${opts.name}: expected \`VARIABLE=value\`, got ${quote(raw)}`);
    } else if (key === opts.name && lines.length === 1) {
      if (value !== "YES" && value !== "NO") rep.error(n + 1, eq + 2, `rcctl get ${opts.name}: ${quote(value)}; one of YES, NO`);
      else service = value === "YES";
    } else if (key.startsWith(prefix) && (RCCTL_DAEMON_VARIABLES as readonly string[]).includes(key.slice(prefix.length))) {
      variables[key.slice(prefix.length) as RcctlDaemonVariable] = value;
    } else {
      rep.error(n + 1, 1, `rcctl get ${opts.name}: unknown variable ${quote(key)}; one of ${RCCTL_DAEMON_VARIABLES.map((v) => prefix + v).join(", ")}`);
    }
  }
  if (service !== undefined) return { value: { kind: "service", name: opts.name, enabled: service }, diagnostics: rep.diagnostics };
  if (variables.flags === undefined && rep.diagnostics.length === 0) rep.error(Math.max(1, lines.length), 1, `rcctl get ${opts.name}: no \`${prefix}flags\` line`);
  return { value: { kind: "daemon", name: opts.name, variables, enabled: variables.flags !== "NO" }, diagnostics: rep.diagnostics };
}

/** Parses `rcctl ls on|off|started|stopped|failed|rogue|all`: one service name per line. */
export function parseRcctlLs(text: string, file = "rcctl ls"): ParseResult<string[]> {
  const rep = new Reporter(file);
  const out: string[] = [];
  splitLines(text).forEach((raw, n) => {
    if (NAME.test(raw)) out.push(raw);
    else if (raw.trim() !== "") rep.error(n + 1, 1, `rcctl ls: ${quote(raw)} is not a service name`);
  });
  return { value: out, diagnostics: rep.diagnostics };
}
