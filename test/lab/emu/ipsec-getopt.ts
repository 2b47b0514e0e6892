/**
 * TEST DOUBLE helper — BSD getopt(3) as OpenBSD's pfctl, ipsecctl, isakmpd, iked, ikectl and sasyncd use it.
 *
 * Clustered flags (`-nvf FILE`, `-sr`), an option argument glued or separate (`-a vpn`, `-avpn`), parsing stops
 * at the first non-option or `--`. Errors are getopt's own messages (`PROG: unknown option -- x`,
 * `PROG: option requires an argument -- f`); the caller then prints its usage and exits 1.
 */

/** One parsed option, in command-line order. */
export interface Opt {
  /** The option letter. */
  ch: string;
  /** Its argument, for letters followed by `:` in the spec. */
  arg?: string;
}

/** Result of {@link getopt}: options in order, the remaining operands, or getopt's error line. */
export type GetoptResult =
  | { ok: true; opts: Opt[]; rest: string[] }
  | { ok: false; error: string };

/** Parse `argv` with the getopt spec `spec` (e.g. `"a:dD:ef:F:nvs:"`) for program `prog`. */
export function getopt(prog: string, argv: readonly string[], spec: string): GetoptResult {
  const opts: Opt[] = [];
  let i = 0;
  for (; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === "--") {
      i++;
      break;
    }
    if (!a.startsWith("-") || a === "-") break;
    for (let j = 1; j < a.length; j++) {
      const ch = a[j]!;
      const at = spec.indexOf(ch);
      if (ch === ":" || at < 0) return { ok: false, error: `${prog}: unknown option -- ${ch}\n` };
      if (spec[at + 1] === ":") {
        if (j + 1 < a.length) {
          opts.push({ ch, arg: a.slice(j + 1) });
        } else if (i + 1 < argv.length) {
          opts.push({ ch, arg: argv[++i]! });
        } else {
          return { ok: false, error: `${prog}: option requires an argument -- ${ch}\n` };
        }
        break;
      }
      opts.push({ ch });
    }
  }
  return { ok: true, opts, rest: argv.slice(i) };
}

/**
 * OpenBSD's `*_lookup_option`: the first entry of `list` that starts with `cmd`. In ipsecctl (list flow, sa,
 * all) `-ss` is `sa` and `-sa` is `all`. With `ambiguousIsError` (pfctl), a second match is reported as
 * ambiguous (`pfctl: r is ambigious`).
 */
export function lookupOption(cmd: string, list: readonly string[], ambiguousIsError = false): { item?: string; ambiguous?: boolean } {
  if (!cmd) return {};
  let item: string | undefined;
  for (const l of list) {
    if (l.startsWith(cmd)) {
      if (item === undefined) {
        item = l;
        if (!ambiguousIsError) return { item };
      } else {
        return { ambiguous: true };
      }
    }
  }
  return { item };
}
