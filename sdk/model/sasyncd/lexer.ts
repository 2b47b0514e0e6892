/**
 * sasyncd.conf's lexer as sasyncd runs it (conf.y 1.22 `conf_parse_file` and `yylex`), byte for byte.
 *
 * sasyncd does not read lines. It copies the file into one buffer, drops every white-space character that another
 * follows, every leading one, and each `#` comment together with the newlines after it, then turns the remaining
 * white space into NULs; the words between NULs are the tokens. Three consequences a line-based reader misses:
 * - a comment right after a word (`carp0#x`) takes the newline with it: the next line's first word is glued on
 *   (`carp0peer`);
 * - the buffer is searched up to the file's original length, not the compacted one: a file that does not end in
 *   white space (no final newline, or a final comment) hands the parser the stale tail of the original bytes as one
 *   more token (`peer 10.0.0.1` with no newline, after an empty line, gives a stray `1`);
 * - a file with nothing but white space and comments is one empty word (`syntax error`), not an empty file.
 * A NUL byte ends the copy; what follows it is only seen through that stale tail.
 */

/** A token as conf.y's yylex returns it. */
export type SasyncdTok =
  /** `0x` followed only by hex digits (none at all too): strlen/2 bytes, an odd last digit dropped. */
  | { kind: "hex"; text: string; bytes: number[] }
  /** A word starting with a digit and holding no `.` or `:`: `(int)strtol(word, NULL, 10)`. */
  | { kind: "value"; text: string; value: number }
  /** One of the keywords (case-sensitive). */
  | { kind: "kw"; text: string }
  /** Anything else: `bytes` is its length as strlen counts it. */
  | { kind: "string"; text: string; bytes: number };

/** A token and where its first byte was in the file (1-based line and column in characters). */
export interface SasyncdPosTok {
  tok: SasyncdTok;
  line: number;
  column: number;
  /** The token came from the stale tail of the buffer (the file does not end in white space). */
  stale?: true;
  /** A `#` comment right after a word glued the next line's first word onto it (`carp0#x` + `peer` = `carp0peer`). */
  glued?: true;
}

/** conf.y match()'s sorted table. */
export const SASYNCD_KEYWORDS: ReadonlySet<string> = new Set(["control", "flushmode", "group", "inet", "inet6", "interface", "listen", "master", "mode", "never", "on", "peer", "port", "sharedkey", "skipslave", "slave", "startup", "sync"]);

/** C's isspace in the C locale. */
const isspace = (c: number): boolean => c === 0x20 || (c >= 0x09 && c <= 0x0d);
const isdigit = (c: number): boolean => c >= 0x30 && c <= 0x39;
const isxdigit = (c: number): boolean => isdigit(c) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);

/** `(int)strtol(s, NULL, 10)` on amd64 (64-bit long, clamped on overflow) of a word starting with a digit. */
function strtolInt(word: string): number {
  const digits = /^[0-9]+/.exec(word)![0];
  let v = BigInt(digits);
  const max = (1n << 63n) - 1n;
  if (v > max) v = max;
  return Number(BigInt.asIntN(32, v));
}

/** One yylex word: hex, number, keyword or string, as conf.y classifies it. */
export function classifySasyncdWord(raw: Buffer): SasyncdTok {
  const text = raw.toString("utf8");
  if (raw[0] === 0x30 && raw[1] === 0x78) {
    const hex = raw.subarray(2);
    if (hex.every(isxdigit)) {
      const bytes: number[] = [];
      for (let i = 0; i + 1 < hex.length; i += 2) bytes.push(parseInt(hex.subarray(i, i + 2).toString("latin1"), 16));
      return { kind: "hex", text, bytes };
    }
  } else if (raw.length > 0 && isdigit(raw[0]!) && !raw.includes(0x2e) && !raw.includes(0x3a)) {
    return { kind: "value", text, value: strtolInt(text) };
  }
  return SASYNCD_KEYWORDS.has(text) ? { kind: "kw", text } : { kind: "string", text, bytes: raw.length };
}

/** The tokens sasyncd's parser is handed for this file, in order. */
export function sasyncdTokens(text: string): SasyncdPosTok[] {
  const orig = Buffer.from(text, "utf8");
  const len = orig.length;
  // buf[len] = 0, as conf_parse_file's malloc(conflen + 1)
  const buf = Buffer.alloc(len + 1);
  orig.copy(buf);
  /** Where each compacted byte came from. */
  const from: number[] = [];
  let d = 0;
  for (let s = 0; s < len && buf[s] !== 0; s++) {
    if (isspace(buf[s]!) && isspace(buf[s + 1]!)) continue;
    if (buf[s] === 0x23) {
      while (buf[s] !== 0x0a && s < len) s++;
      while (buf[s] === 0x0a && s < len) s++;
      s--;
      continue;
    }
    if (d === 0 && isspace(buf[s]!)) continue;
    from[d] = s;
    buf[d++] = buf[s]!;
  }
  buf[d] = 0;
  for (let s = 0; s <= d; s++) if (isspace(buf[s]!)) buf[s] = 0;

  // the offsets of the file's newlines, once: a token's line is how many come before it (a binary search, not a count
  // from the start of the file for every token)
  const newlines: number[] = [];
  for (let i = orig.indexOf(0x0a); i >= 0; i = orig.indexOf(0x0a, i + 1)) newlines.push(i);
  const position = (at: number): { line: number; column: number } => {
    const src = at < d ? from[at]! : Math.min(at, len);
    let lo = 0;
    let hi = newlines.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (newlines[mid]! < src) lo = mid + 1;
      else hi = mid;
    }
    const nl = lo > 0 ? newlines[lo - 1]! : -1;
    return { line: lo + 1, column: orig.subarray(nl + 1, src).toString("utf8").length + 1 };
  };
  const out: SasyncdPosTok[] = [];
  let ptr = -1;
  for (;;) {
    if (ptr < 0) ptr = 0;
    else {
      let p = ptr;
      while (p < len && buf[p] !== 0) p++;
      if (p === len) break;
      p++;
      if (buf[p] === 0) break;
      ptr = p;
    }
    const end = buf.indexOf(0, ptr);
    const t: SasyncdPosTok = { tok: classifySasyncdWord(buf.subarray(ptr, end)), ...position(ptr) };
    if (ptr > d) t.stale = true;
    else for (let i = ptr; i + 1 < end; i++) if (orig.subarray(from[i]!, from[i + 1]!).includes(0x23)) t.glued = true;
    out.push(t);
  }
  return out;
}
