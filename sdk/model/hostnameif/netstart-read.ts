/**
 * How netstart(8) reads a hostname.if file before parse_hn_line sees it, and what its `eval` of each resulting
 * command does to a line (etc/netstart ifstart: `while IFS= read -- _line; do parse_hn_line $_line; done`, then
 * `eval "${_cmds[_i]}"`).
 *
 * `read` without `-r` processes backslashes: one at the end of a line joins the next line to it (both removed), one
 * before any other character is dropped and the character kept (`a\;b` is `a;b`). This applies to every line,
 * comments and `!` lines too: a comment ending in a backslash swallows the line after it. A last line with no
 * newline (or continued past the end of the file) is read, but `read` then fails and the loop ends: never applied.
 */

/** One line as netstart's `read` returns it, and the physical line it starts on (1-based). */
export interface NetstartLine {
  text: string;
  line: number;
  /** How many physical lines a trailing backslash joined to it. */
  joined: number;
  /**
   * The file ended before this line's newline: `read` returns it with status 1, which ends the `while` loop, so
   * netstart never applies it.
   */
  unterminated?: "no newline" | "continued past the end";
}

/** The lines `read` returns for a file, the last one marked when no newline ends it. */
export function netstartLines(text: string): NetstartLine[] {
  const out: NetstartLine[] = [];
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
        if (raw[k] !== "\\") s += raw[k];
        else if (k + 1 < raw.length) s += raw[++k];
        else cont = true;
      }
      if (!cont || !more(i)) break;
      joined++;
    }
    const l: NetstartLine = { text: s, line: start + 1, joined };
    // read what follows the last newline, or a backslash asked for a line the file does not have
    if (cont) l.unterminated = "continued past the end";
    else if (i === n) l.unterminated = "no newline";
    out.push(l);
  }
  return out;
}

/**
 * What netstart's `eval` of this line's command would do beyond running one ifconfig with these words, or undefined:
 * a shell operator outside quotes (another command, a pipe, a redirection, a subshell) or an expansion (`$…`,
 * backquotes) outside single quotes.
 */
export function evalHazard(line: string): string | undefined {
  let q: "'" | '"' | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (q === "'") {
      if (c === "'") q = undefined;
      continue;
    }
    if (c === "$" || c === "`") {
      const what = c === "`" || line[i + 1] === "(" ? "runs a command" : "expands a variable";
      return `${c === "`" ? "a backquote" : `\`${line.slice(i, i + 2)}\``} ${what} when netstart evals the line, as root at boot; if it is part of a value, put the value in single quotes`;
    }
    if (q === '"') {
      if (c === '"') q = undefined;
      continue;
    }
    if (c === "'" || c === '"') q = c;
    else if (c === "#" && (i === 0 || /\s/.test(line[i - 1]!))) return undefined;
    else if (c === ";" || c === "&" || c === "|") return `\`${c}\` ends the ifconfig command when netstart evals the line: what follows runs as a command of its own, as root at boot; if it is part of a value, put the value in single quotes`;
    else if (c === "<" || c === ">") return `\`${c}\` is a redirection when netstart evals the line (ifconfig's ${c === ">" ? "output goes to" : "input comes from"} a file); if it is part of a value, put the value in single quotes`;
    else if (c === "(" || c === ")") return `\`${c}\` is a shell syntax error when netstart evals the line: the line's ifconfig never runs; if it is part of a value, put the value in single quotes`;
  }
  return undefined;
}
