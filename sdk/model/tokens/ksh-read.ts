/**
 * How OpenBSD's ksh `read` without `-r` (`while read _line`, as /etc/netstart reads hostname.if and /etc/rc's
 * stripcom reads sysctl.conf) splits a file into lines: a backslash at the end of a line joins the next line to it
 * (both removed), one before any other character is dropped and the character kept (`a\;b` is `a;b`), comment lines
 * included. A last line with no newline (or continued past the end of the file) is read, but `read` then returns
 * 1 and the loop ends: it is never handled.
 */

/** One line as ksh's `read` (no -r) returns it, and the physical line it starts on (1-based). */
export interface KshLine {
  text: string;
  line: number;
  /** How many physical lines a trailing backslash joined to it. */
  joined: number;
  /**
   * The file ended before this line's newline: `read` returns it with status 1, which ends the `while` loop, so
   * the script never handles it.
   */
  unterminated?: "no newline" | "continued past the end";
}

/**
 * The lines `read` returns for a file, the last one marked when no newline ends it. `raw`: `read -r` (backslashes
 * are characters like any other; rc.subr's _rc_parse_conf reads rc.conf.local so).
 */
export function kshReadLines(text: string, opts: { raw?: boolean } = {}): KshLine[] {
  const out: KshLine[] = [];
  // the last element is what follows the last newline: empty, or a line no newline ends
  const phys = text.split("\n");
  const n = phys.length;
  const more = (i: number): boolean => i < n - 1 || (i === n - 1 && phys[i] !== "");
  for (let i = 0; more(i); ) {
    const start = i;
    let s = "";
    let joined = 0;
    let cont = false;
    for (;;) {
      const raw = phys[i++]!;
      cont = false;
      for (let k = 0; k < raw.length; k++) {
        if (raw[k] !== "\\" || opts.raw) s += raw[k];
        else if (k + 1 < raw.length) s += raw[++k];
        else cont = true;
      }
      if (!cont || !more(i)) break;
      joined++;
    }
    const l: KshLine = { text: s, line: start + 1, joined };
    // read what follows the last newline, or a backslash asked for a line the file does not have
    if (cont) l.unterminated = "continued past the end";
    else if (i === n) l.unterminated = "no newline";
    out.push(l);
  }
  return out;
}
