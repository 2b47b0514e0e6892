/**
 * /etc/sysctl.conf: one `mib=value` per line, `#` comments (also after a value: /etc/rc strips them
 * with stripcom, then runs `sysctl` on each word). /etc/rc applies the file before netstart. The MIBs
 * this project sets are described in {@link KNOWN_MIBS} with their defaults and allowed values.
 */
import { ModelError, oneOf, type Diagnostic, type ParseResult } from "../diagnostics";
import { Refusal, refusalOf, shown, unsafeChar, type TokenRule } from "../tokens/refusal";
import { sysctlName, sysctlValue } from "../tokens/names";
import { kshReadLines } from "../tokens/ksh-read";

/** One line of sysctl.conf. */
export type SysctlLine =
  /** `mib=value [# comment]`. */
  | { kind: "set"; mib: string; value: string; comment?: string }
  /** `# text` (text without the `#`). */
  | { kind: "comment"; text: string }
  /** An empty line. */
  | { kind: "blank" };

/** A sysctl.conf file, line by line. */
export interface SysctlConf {
  lines: SysctlLine[];
}

/** What a known MIB accepts. */
export interface MibInfo {
  /** Value on a fresh OpenBSD system. */
  default: string;
  /** Allowed values (integers as strings). */
  allowed: readonly string[];
  /** What it does. */
  meaning: string;
}

const bool = (def: string, meaning: string): MibInfo => ({ default: def, allowed: ["0", "1"], meaning });

/** MIBs a VPN gateway sets (reference A.10, C.7). */
export const KNOWN_MIBS: Readonly<Record<string, MibInfo>> = {
  "net.inet.ip.forwarding": { default: "0", allowed: ["0", "1", "2"], meaning: "1 forwards IPv4; 2 forwards only IPsec-processed packets" },
  "net.inet6.ip6.forwarding": { default: "0", allowed: ["0", "1", "2"], meaning: "1 forwards IPv6; 2 forwards only IPsec-processed packets" },
  "net.inet.esp.enable": bool("1", "accept ESP"),
  "net.inet.ah.enable": bool("1", "accept AH"),
  "net.inet.esp.udpencap": bool("1", "accept ESP in UDP (NAT-T)"),
  "net.inet.ipcomp.enable": bool("0", "accept IPComp (needed by ipcomp rules)"),
  "net.inet.carp.allow": bool("1", "send and accept carp; 0 disables carp entirely"),
  "net.inet.carp.preempt": bool("0", "the host with the lowest advskew takes over; all carp interfaces fail over together"),
  "net.inet.carp.log": { default: "2", allowed: ["0", "1", "2", "3", "4", "5", "6", "7"], meaning: "carp log level" },
  "net.inet.gre.allow": bool("0", "accept GRE (gre, egre, mgre, nvgre, eoip)"),
  "net.inet.gre.wccp": { default: "0", allowed: ["0", "1", "2"], meaning: "WCCP over GRE" },
  "net.inet.etherip.allow": bool("0", "accept EtherIP not protected by IPsec"),
  "net.inet.ipip.allow": { default: "0", allowed: ["0", "1", "2"], meaning: "accept IP-in-IP no gif claims; 2 also skips the spoofing check" },
};

/**
 * The value rule of one MIB: {@link sysctlValue}, and for a MIB of {@link KNOWN_MIBS} one of its allowed values
 * (`net.inet.gre.allow` takes 0 or 1), so a Gateway's `sysctls` entry is refused at its field, not when the file
 * is written.
 */
export function sysctlValueOf(mib: string): TokenRule {
  return (v) => {
    const s = sysctlValue(v);
    const info = KNOWN_MIBS[mib];
    if (info && !info.allowed.includes(s)) throw new Refusal(`${mib} (${info.meaning}) takes ${oneOfWords(info.allowed)}`, `give one of ${info.allowed.join(", ")} (default ${info.default})`);
    return s;
  };
}

const oneOfWords = (xs: readonly string[]) => (xs.length === 1 ? xs[0]! : `${xs.slice(0, -1).join(", ")} or ${xs[xs.length - 1]}`);

/** Checks a value against {@link KNOWN_MIBS}; unknown MIBs only need a name the {@link sysctlName} rule accepts. Throws ModelError. */
export function validateSysctl(mib: string, value: string): void {
  const bad = refusalOf(sysctlName, mib);
  if (bad) throw new ModelError(mib, shown(mib), `\`${shown(mib)}\`: ${bad.reason}; ${bad.fix}`);
  const info = KNOWN_MIBS[mib];
  if (info && !info.allowed.includes(value)) throw new ModelError(mib, value, `value \`${value}\` is not allowed; one of ${info.allowed.join(", ")}`);
  if (/[\n#]/.test(value) || value !== value.trim() || value === "") throw new ModelError(mib, value, `value \`${value}\` must be non-empty, without #, newline or surrounding spaces`);
  if (unsafeChar(value) !== undefined) throw new ModelError(mib, shown(value), `value \`${shown(value)}\` holds a control or invisible character; give one printable word`);
}

/**
 * Parses sysctl.conf as /etc/rc applies it: `set -- $(stripcom /etc/sysctl.conf)` then `sysctl "$1"` for each
 * word. stripcom reads the file with ksh's `read` (../tokens/ksh-read.ts: backslashes processed, a last line with no
 * newline never read) and cuts each line at its first `#`; the shell then splits the rest into words, each its own
 * sysctl. Never throws.
 */
export function parseSysctlConf(text: string, file = "sysctl.conf"): ParseResult<SysctlConf> {
  const lines: SysctlLine[] = [];
  const diagnostics: Diagnostic[] = [];
  const physical = text.split("\n");
  for (const l of kshReadLines(text)) {
    const raw = l.text;
    const t = raw.trim();
    const col = raw.indexOf(t) + 1;
    const at = (message: string, severity: "error" | "warning" = "error", column = col): void => void diagnostics.push({ file, line: l.line, column, message, severity });
    const body0 = (t.includes("#") ? t.slice(0, t.indexOf("#")) : t).trim();
    if (l.unterminated) {
      if (body0 !== "") at(l.unterminated === "continued past the end"
        ? `the backslash ending line ${l.line + l.joined} asks for a line the file does not have: /etc/rc's \`read\` then fails, so \`${body0}\` is never applied`
        : `line ${l.line + l.joined} has no newline at its end: /etc/rc reads this file with \`read\`, which then fails, so \`${body0}\` is never applied; end the file with a newline`, "warning");
      continue;
    }
    if (l.joined) at(`the backslash ending line ${l.line} joins the next line to it: /etc/rc reads this file with \`read\`, not \`read -r\``, "warning");
    if (t === "") {
      lines.push({ kind: "blank" });
      continue;
    }
    if (t.startsWith("#")) {
      lines.push({ kind: "comment", text: t.slice(1).replace(/^ /, "") });
      continue;
    }
    const hash = t.indexOf("#");
    const body = body0;
    const comment = hash >= 0 ? t.slice(hash + 1).trim() : undefined;
    if (body === "") {
      lines.push({ kind: "comment", text: comment ?? "" });
      continue;
    }
    const words = body.split(/[ \t]+/);
    if (words.length > 1 && /^[^\s=]+\s*=\s*\S*$/.test(body) && (words.includes("=") || words.some((w) => w.startsWith("=") || w.endsWith("=")))) {
      at(`\`${body}\`: no spaces around = (/etc/rc splits sysctl.conf into words, so ${words.map((w) => `\`${w}\``).join(", ")} are ${words.length} sysctl commands)`);
      continue;
    }
    if (words.length > 1) at(`${words.length} words on one line: /etc/rc runs sysctl with each word on its own; write one mib=value per line`, "warning");
    words.forEach((w, k) => {
      // a word past the first physical line (joined by a backslash) is reported where the line starts
      const column = l.joined || physical[l.line - 1] !== raw ? col : col + body.indexOf(w);
      const eq = w.indexOf("=");
      if (eq < 0) return at(`\`${w}\`: expected mib=value (a bare MIB only prints its value at boot)`, "error", column);
      // $(…) is not quoted: the shell expands pathname patterns in each word against / at boot
      if (/[*?[]/.test(w)) at(`\`${w}\`: /etc/rc does not quote these words, so the shell may expand \`${/[*?[]/.exec(w)![0]}\` as a file name pattern`, "warning", column);
      const mib = w.slice(0, eq);
      const value = w.slice(eq + 1);
      try {
        validateSysctl(mib, value);
      } catch (e) {
        if (!(e instanceof ModelError)) throw e;
        at(e.message, "error", column + (e.field === mib && e.value === value ? eq + 1 : 0));
      }
      lines.push(comment !== undefined && k === words.length - 1 ? { kind: "set", mib, value, comment } : { kind: "set", mib, value });
    });
  }
  return { value: { lines }, diagnostics };
}

/** A comment is one line without a backslash: /etc/rc's `read` would drop it, and one at the end joins the next line. */
const COMMENT_RULE = "must be one line without a backslash (/etc/rc reads sysctl.conf with `read`: a backslash at the end of a comment joins the next line to it)";

/** Renders sysctl.conf (validating every `set` line). */
export function renderSysctlConf(c: SysctlConf): string {
  const out = c.lines.map((l) => {
    switch (l.kind) {
      case "set":
        validateSysctl(l.mib, l.value);
        if (l.comment !== undefined && /[\n\\]/.test(l.comment)) throw new ModelError(`${l.mib}.comment`, l.comment, COMMENT_RULE);
        return `${l.mib}=${l.value}${l.comment !== undefined ? ` # ${l.comment}` : ""}`;
      case "comment":
        if (/[\n\\]/.test(l.text)) throw new ModelError("comment", l.text, COMMENT_RULE);
        return l.text === "" ? "#" : `# ${l.text}`;
      case "blank":
        return "";
    }
  });
  return out.length ? `${out.join("\n")}\n` : "";
}

/** Builds a sysctl.conf from settings (sorted by MIB, one line each). */
export function sysctlConfFromSettings(settings: Readonly<Record<string, string | number>>): SysctlConf {
  return { lines: Object.keys(settings).sort().map((mib) => ({ kind: "set" as const, mib, value: String(settings[mib]) })) };
}

/** The effective settings of a file: the last value of each MIB wins (as /etc/rc applies them in order). */
export function sysctlSettings(c: SysctlConf): Map<string, string> {
  const m = new Map<string, string>();
  for (const l of c.lines) if (l.kind === "set") m.set(l.mib, l.value);
  return m;
}

/** Lint: parse errors, duplicates (the earlier line is dead), and values equal to the default (warnings). */
export function lintSysctlConf(text: string, file = "sysctl.conf"): Diagnostic[] {
  const r = parseSysctlConf(text, file);
  const out = [...r.diagnostics];
  const seen = new Map<string, number>();
  let lineNo = 0;
  for (const raw of text.split("\n")) {
    lineNo++;
    const m = /^\s*([^#=\s]+)=([^#\s]*)/.exec(raw);
    if (!m) continue;
    const prev = seen.get(m[1]);
    if (prev !== undefined) out.push({ file, line: lineNo, column: 1, message: `${m[1]}: set again (line ${prev} has no effect)`, severity: "warning" });
    seen.set(m[1], lineNo);
    if (!KNOWN_MIBS[m[1]] && !m[1].startsWith("net.") && !m[1].startsWith("kern.") && !m[1].startsWith("vm.") && !m[1].startsWith("hw.") && !m[1].startsWith("ddb.") && !m[1].startsWith("machdep."))
      out.push({ file, line: lineNo, column: 1, message: oneOf("top-level MIB", m[1].split(".")[0], ["net", "kern", "vm", "hw", "ddb", "machdep"]), severity: "warning" });
  }
  return out.sort((a, b) => a.line - b.line);
}
