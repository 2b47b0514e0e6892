/**
 * What netstart(8)'s `eval` of a hostname.if line's command does beyond running ifconfig (etc/netstart ifstart:
 * `while IFS= read -- _line; do parse_hn_line $_line; done`, then `eval "${_cmds[_i]}"`). How `read` splits the
 * file first is ../tokens/ksh-read.ts.
 */

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
