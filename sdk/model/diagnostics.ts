/**
 * Diagnostics shared by every parser, validator and the `lint` command.
 *
 * A parser never throws on bad input: it returns what it could parse plus a list of
 * diagnostics. Renderers and validators of typed values throw {@link ModelError}, whose
 * message names the field, the value, why it is wrong and what is allowed.
 */

/** One problem at a position of a text file (1-based line and column). */
export interface Diagnostic {
  /** File name as given by the caller (e.g. `/etc/ipsec.conf` or `ipsec.conf`). */
  file: string;
  /** 1-based line. */
  line: number;
  /** 1-based column. */
  column: number;
  /** Human message, e.g. ``quick.enc: unknown transform `blowfsh`; one of aes, aes-128, …``. */
  message: string;
  /** `error` fails lint; `warning` is printed but exit status stays 0. */
  severity: "error" | "warning";
}

/** Result of parsing a text: the value (possibly partial when there are errors) and the problems found. */
export interface ParseResult<T> {
  value: T;
  diagnostics: Diagnostic[];
}

/** Formats a diagnostic the way compilers do: `file:line:col: message`. */
export function formatDiagnostic(d: Diagnostic): string {
  return `${d.file}:${d.line}:${d.column}: ${d.severity === "warning" ? "warning: " : ""}${d.message}`;
}

/** Thrown by validators/renderers of typed values. `field` is a dotted path such as `quick.enc`. */
export class ModelError extends Error {
  constructor(
    readonly field: string,
    readonly value: unknown,
    readonly reason: string,
  ) {
    super(`${field}: ${reason}`);
    this.name = "ModelError";
  }
}

/** Builds the standard "unknown X `v`; one of a, b, c" reason text. */
export function oneOf(what: string, value: string, allowed: readonly string[]): string {
  return `unknown ${what} \`${value}\`; one of ${allowed.join(", ")}`;
}
