/**
 * Token rules (ARCHITECTURE.md D11): every string a user gives reaches a file or a command of OpenBSD. Each kind
 * of token has one rule that either returns the token as it is written or refuses the value with why and
 * a fix; a value is never escaped into something else. The rules are pure and shared by the components,
 * the planner and the provider's check.
 */

/** A value refused by a token rule: why (`reason`) and what to write instead (`fix`). */
export class Refusal extends Error {
  constructor(
    readonly reason: string,
    readonly fix: string,
  ) {
    super(`${reason}; ${fix}`);
    this.name = "Refusal";
  }
}

/** A token rule: returns the token (as written) or throws {@link Refusal}. */
export type TokenRule<T = string> = (value: unknown) => T;

/** The refusal of `value` by `rule`, or undefined when the rule accepts it. */
export function refusalOf<T>(rule: TokenRule<T>, value: unknown): Refusal | undefined {
  try {
    rule(value);
    return undefined;
  } catch (e) {
    if (e instanceof Refusal) return e;
    throw e;
  }
}

/** Escapes of the characters {@link shown} never prints raw. */
const NAMED: Record<string, string> = { "\n": "\\n", "\r": "\\r", "\t": "\\t", "\0": "\\0", "\\": "\\\\" };
/** Escapes {@link asciiToken} names besides {@link NAMED}'s. */
const TOKEN_NAMED: Record<string, string> = { "\f": "\\f", "\v": "\\v" };

/**
 * A parser's token as its message shows it: every character outside printable ASCII escaped (`\r`, `\f`, `\v`,
 * `\t`, `\u00e9`, `\u2029`). OpenBSD's parsers take such a byte as a token of its own, and an invisible or lookalike
 * character must be seen for what it is.
 */
export function asciiToken(text: string): string {
  return text.replace(/[^\x20-\x7e]/gu, (c) => TOKEN_NAMED[c] ?? NAMED[c] ?? `\\u${c.codePointAt(0)!.toString(16).padStart(4, "0")}`);
}

/**
 * A value as it may be echoed in a message to a terminal: control, format (bidi overrides such as
 * U+202E), separator, unassigned characters and non-ASCII letters are shown as `\n`, `\u202e`, `\u0435`; long
 * values are cut.
 */
/** A private key in any of the forms ssh-keygen and OpenSSL write (`-----BEGIN OPENSSH PRIVATE KEY-----`, `…EC PRIVATE KEY…`). */
export const PRIVATE_KEY = /-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----/;

export function shown(value: unknown, max = 80): string {
  if (value === undefined) return "(none)";
  if (value === null) return "(null)";
  const s = typeof value === "string" ? value : typeof value === "number" || typeof value === "boolean" ? String(value) : typeof value === "bigint" ? `${value}n` : safeJson(value);
  // a private key given where a plain value belongs (a host key, a certificate) is never quoted, not even its start
  if (PRIVATE_KEY.test(s)) return "(a private key)";
  // non-ASCII letters, digits and marks too: a lookalike (Cyrillic `е` in `еm0`) would read as the valid value it imitates
  const esc = s.replace(/[\p{C}\p{Zl}\p{Zp}\\]|(?![\x00-\x7e])[\p{L}\p{N}\p{M}]/gu, (c) => NAMED[c] ?? `\\u${c.codePointAt(0)!.toString(16).padStart(4, "0")}`);
  if (s === "") return '""';
  // blanks at either end would be invisible in the message: the value is shown quoted
  if (s.trim() !== s) return esc.length > max ? `"${esc.slice(0, max)}…" (${Buffer.byteLength(s)} bytes)` : `"${esc}"`;
  return esc.length > max ? `${esc.slice(0, max)}… (${Buffer.byteLength(s)} bytes)` : esc;
}

/**
 * A resource's label (`Gateway "gw1"`) as it may reach a terminal: escaped as {@link shown} escapes a value (a
 * lookalike letter as `\u0435`, a newline as `\n`), not cut: `Gateway "gw\u04351"` cannot pass for `Gateway "gwe1"`.
 */
export function shownLabel(label: string): string {
  return label.replace(/[\p{C}\p{Zl}\p{Zp}]|(?![\x00-\x7e])[\p{L}\p{N}\p{M}]/gu, (c) => NAMED[c] ?? `\\u${c.codePointAt(0)!.toString(16).padStart(4, "0")}`);
}

/**
 * Text of a message other than a value (a resource name, a field with a user's map key, a parser's
 * diagnostic) as it may reach a terminal: the invisible characters {@link shown} escapes are escaped the
 * same way (`\n`, `\u202e`); everything else, backslashes included, is kept.
 */
export function visible(text: string): string {
  return text.replace(/[\p{C}\p{Zl}\p{Zp}]/gu, (c) => NAMED[c] ?? `\\u${c.codePointAt(0)!.toString(16).padStart(4, "0")}`);
}

/** As {@link visible}, for a text of several lines: newlines and tabs are kept (a tool's message a gateway printed). */
export function visibleLines(text: string): string {
  return text.replace(/[^\P{C}\n\t]|[\p{Zl}\p{Zp}]/gu, (c) => NAMED[c] ?? `\\u${c.codePointAt(0)!.toString(16).padStart(4, "0")}`);
}

/** The first invisible character of a multi-line text (tabs and newlines allowed) and its 1-based line. */
export function unsafeTextChar(s: string): { char: string; line: number } | undefined {
  const m = /[^\P{C}\t\n]|[\p{Zl}\p{Zp}]/u.exec(s);
  return m ? { char: m[0], line: s.slice(0, m.index).split("\n").length } : undefined;
}

function safeJson(v: unknown): string {
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return Object.prototype.toString.call(v);
  }
}

/**
 * What a value is, as an error says it was given: `nothing`, `null`, `a list`, `an object`, `a number`, … (JavaScript's
 * `typeof` calls a list and null "object", which tells a user nothing about what they wrote).
 */
export function givenKind(v: unknown): string {
  return v === undefined ? "nothing" : v === null ? "null" : Array.isArray(v) ? "a list" : typeof v === "object" ? "an object" : `a ${typeof v}`;
}

/** The string, or a refusal naming what was given instead. */
export function aString(value: unknown, what: string, example: string): string {
  if (typeof value === "string") return value;
  throw new Refusal(`not ${what} (${givenKind(value)} given)`, `give ${what}, e.g. \`${example}\``);
}

/**
 * The first character no OpenBSD file this project writes may hold: controls (newline, NUL, CR, ESC …),
 * Unicode format characters (bidi overrides U+202A–U+202E, U+2066–U+2069, zero-width characters),
 * line/paragraph separators and unassigned code points. Undefined when there is none.
 */
export function unsafeChar(s: string): string | undefined {
  const m = /[\p{C}\p{Zl}\p{Zp}]/u.exec(s);
  return m?.[0];
}

/** How a character is named in a reason: `newline (\n)`, `U+202E`. */
export function charName(c: string): string {
  const cp = c.codePointAt(0)!;
  const names: Record<number, string> = { 0: "a NUL byte (\\0)", 9: "a tab (\\t)", 10: "a newline (\\n)", 13: "a carriage return (\\r)", 27: "an escape (\\u001b)" };
  if (names[cp]) return names[cp]!;
  if ((cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069)) return `a bidirectional override (U+${cp.toString(16).toUpperCase()})`;
  return `the invisible character U+${cp.toString(16).toUpperCase().padStart(4, "0")}`;
}

/** Refuses a string holding an {@link unsafeChar}: `where` names the file or command the token reaches. */
export function refuseUnsafe(s: string, where: string, fix: string): void {
  const c = unsafeChar(s);
  if (c !== undefined) throw new Refusal(`holds ${charName(c)}, which ${where} cannot hold safely`, fix);
}
