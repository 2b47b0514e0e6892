/**
 * Parsers of `ipsecctl -sf`, `ipsecctl -ss` and `ipsecctl -s all` output (reference/openbsd.md B.2,
 * ipsecctl.c ipsecctl_print_flow/ipsecctl_print_addr, pfkdump.c pfkey_print_sa).
 *
 * Each entry is of the ipsec model's one type for it (model/ipsec/flows.ts {@link Flow}, {@link Sa}), in
 * the form the kernel keeps (`kernelFlow`), so `parse(formatFlow(f))` is `kernelFlow(f)`.
 * Key material (`-k` prints `authkey 0x…`/`enckey 0x…`) is parsed into the value (without `0x`) but never
 * appears in a diagnostic. `-v` extension lines under an SA (TAB-indented) are skipped: they are not a drift source.
 */
import type { ParseResult } from "../diagnostics";
import { kernelAddress, type Flow, type Sa } from "../ipsec/flows";
import { familyOf, parseIpAsWritten, resolvePort, resolveProtocol } from "../ipsec/address";
import type { FlowType, IpProtocol, IpsecAddress } from "../ipsec/types";
import { Reporter, parseUint, quote, splitLines, tokenize, type Token } from "./lines";

/** SA types `ipsecctl -s` prints. */
const SA_TYPES: readonly Flow["satype"][] = ["esp", "ah", "ipcomp", "tcpmd5", "ipip"];
const FLOW_TYPES: readonly FlowType[] = ["use", "acquire", "require", "deny", "bypass", "dontacq"];

/** Where a parsed entry stands: its 1-based line in the parsed text, and its rule number when printed with `-vv` (`@N `). */
export interface Located {
  /** 1-based line in the parsed text. */
  line: number;
  /** Rule number, when printed with `-vv` (`@N `). */
  rule?: number;
}

/** `ipsecctl -s all`: both sections, each entry of the ipsec model's one type ({@link Flow}, {@link Sa}). */
export interface IpsecctlAll {
  /** Lines of the FLOWS: section (empty for `No flows`). */
  flows: (Flow & Located)[];
  /** Lines of the SAD: section (empty for `No entries`); keys without `0x`. */
  sas: (Sa & Located)[];
}

class Cursor {
  i = 0;
  constructor(readonly toks: Token[]) {}
  peek(): Token | undefined {
    return this.toks[this.i];
  }
  next(): Token | undefined {
    return this.toks[this.i++];
  }
  accept(word: string): Token | undefined {
    const t = this.peek();
    if (t?.text === word) {
      this.i++;
      return t;
    }
    return undefined;
  }
}

/** One address of `ipsecctl -s` output as printed (host bits kept); undefined when it is none. */
function printedIp(text: string): (IpsecAddress & { kind: "ip" }) | undefined {
  const ip = parseIpAsWritten(text);
  return ip && "value" in ip ? ip.value : undefined;
}

function addressList(c: Cursor, rep: Reporter, lineNo: number, field: string, endCol: number): (IpsecAddress & { kind: "ip" })[] | undefined {
  const first = c.next();
  if (first === undefined) {
    rep.error(lineNo, endCol, `flow.${field}: missing address`);
    return undefined;
  }
  const texts: Token[] = [];
  if (first.text === "{") {
    for (let t = c.next(); ; t = c.next()) {
      if (t === undefined) {
        rep.error(lineNo, first.column, `flow.${field}: \`{\` without \`}\``);
        return undefined;
      }
      if (t.text === "}") break;
      for (const part of t.text.split(",")) if (part !== "") texts.push({ text: part, column: t.column });
    }
  } else texts.push(first);
  const out: (IpsecAddress & { kind: "ip" })[] = [];
  for (const t of texts) {
    const p = printedIp(t.text);
    if (p === undefined) {
      rep.error(lineNo, t.column, `flow.${field}: ${quote(t.text)} is not an address or network`);
      return undefined;
    }
    out.push(p);
  }
  if (out.length === 0) rep.error(lineNo, first.column, `flow.${field}: empty list`);
  return out.length === 0 ? undefined : out;
}

function port(c: Cursor, rep: Reporter, lineNo: number, field: string): number | undefined | null {
  const kw = c.accept("port");
  if (kw === undefined) return undefined;
  const v = c.next();
  const n = v === undefined ? undefined : resolvePort(v.text);
  if (n === undefined) {
    rep.error(lineNo, v?.column ?? kw.column, `flow.${field}: ${v === undefined ? "missing port" : `${quote(v!.text)} is not a known service name or port 0–65535`}`);
    return null;
  }
  return n;
}

function address(c: Cursor, rep: Reporter, lineNo: number, field: string, at: number): IpsecAddress | undefined {
  const v = c.next();
  const p = v === undefined ? undefined : printedIp(v.text);
  const a = p?.prefix === undefined ? p : undefined;
  if (a === undefined) rep.error(lineNo, v?.column ?? at, `${field}: ${v === undefined ? "missing address" : `${quote(v.text)} is not an IP address`}`);
  return a;
}

/** The fields after a flow's selectors (`local`, `peer`, `srcid`, `dstid`, `psk`/`rsa`, `type`); false (reported) on an error. */
function flowFields(c: Cursor, rep: Reporter, lineNo: number, flow: Partial<Flow>): boolean {
  for (let t = c.next(); t !== undefined; t = c.next()) {
    switch (t.text) {
      case "local":
      case "peer": {
        const a = address(c, rep, lineNo, `flow.${t.text}`, t.column);
        if (a === undefined) return false;
        flow[t.text] = a;
        break;
      }
      case "srcid":
      case "dstid": {
        const v = c.next();
        if (v === undefined) {
          rep.error(lineNo, t.column, `flow.${t.text}: missing identity`);
          return false;
        }
        flow[t.text] = v.text;
        break;
      }
      case "psk":
      case "rsa":
        flow.auth = t.text;
        break;
      case "type": {
        const v = c.next();
        const type = FLOW_TYPES.find((x) => x === v?.text);
        if (type === undefined) {
          rep.error(lineNo, v?.column ?? t.column, `flow.type: ${v === undefined ? "missing" : `unknown flow type ${quote(v.text)}`}; one of ${FLOW_TYPES.join(", ")}`);
          return false;
        }
        flow.type = type;
        const extra = c.next();
        if (extra !== undefined) {
          rep.error(lineNo, extra.column, `flow: unexpected ${quote(extra.text)} after the flow type`);
          return false;
        }
        break;
      }
      default:
        rep.error(lineNo, t.column, `flow: unknown field ${quote(t.text)}; one of local, peer, srcid, dstid, psk, rsa, type`);
        return false;
    }
  }
  return true;
}

/** Parses one flow line (tokens already split; a `-c` collapsed line gives every source × destination); reports and returns undefined when it is not one. */
function parseFlowLine(toks: Token[], rep: Reporter, lineNo: number): (Flow & Located)[] | undefined {
  const c = new Cursor(toks);
  let rule: number | undefined;
  const at = c.peek();
  if (at !== undefined && /^@[0-9]+$/.test(at.text)) {
    rule = Number(at.text.slice(1));
    c.next();
  }
  const kw = c.next();
  if (kw?.text !== "flow") {
    rep.error(lineNo, kw?.column ?? 1, `flow: expected \`flow\`, got ${kw === undefined ? "nothing" : quote(kw.text)}`);
    return undefined;
  }
  const st = c.next();
  const satype = SA_TYPES.find((s) => s === st?.text);
  if (satype === undefined) {
    rep.error(lineNo, st?.column ?? kw.column, `flow.satype: ${st === undefined ? "missing" : `unknown SA type ${quote(st.text)}`}; one of ${SA_TYPES.join(", ")}`);
    return undefined;
  }
  const dirTok = c.next();
  if (dirTok?.text !== "in" && dirTok?.text !== "out") {
    rep.error(lineNo, dirTok?.column ?? st!.column, `flow.direction: ${dirTok === undefined ? "missing" : `unknown direction ${quote(dirTok.text)}`}; one of in, out`);
    return undefined;
  }
  const end = (toks[toks.length - 1]?.column ?? 1) + (toks[toks.length - 1]?.text.length ?? 0);
  let proto: IpProtocol | undefined;
  const protoKw = c.accept("proto");
  if (protoKw !== undefined) {
    const p = c.next();
    const resolved = p === undefined ? undefined : resolveProtocol(p.text);
    if (p === undefined || resolved === undefined) {
      rep.error(lineNo, p?.column ?? protoKw.column, `flow.proto: ${p === undefined ? "missing protocol" : `${quote(p.text)} is not a protocol name or number`}`);
      return undefined;
    }
    proto = resolved;
  }
  const fromKw = c.next();
  if (fromKw?.text !== "from") {
    rep.error(lineNo, fromKw?.column ?? end, `flow: expected \`from\`, got ${fromKw === undefined ? "end of line" : quote(fromKw.text)}`);
    return undefined;
  }
  const from = addressList(c, rep, lineNo, "from", end);
  if (from === undefined) return undefined;
  const fromPort = port(c, rep, lineNo, "fromPort");
  if (fromPort === null) return undefined;
  const toKw = c.next();
  if (toKw?.text !== "to") {
    rep.error(lineNo, toKw?.column ?? end, `flow: expected \`to\`, got ${toKw === undefined ? "end of line" : quote(toKw.text)}`);
    return undefined;
  }
  const to = addressList(c, rep, lineNo, "to", end);
  if (to === undefined) return undefined;
  const toPort = port(c, rep, lineNo, "toPort");
  if (toPort === null) return undefined;
  const fields: Partial<Flow> = {};
  if (proto !== undefined) fields.proto = proto;
  if (fromPort !== undefined) fields.fromPort = fromPort;
  if (toPort !== undefined) fields.toPort = toPort;
  if (!flowFields(c, rep, lineNo, fields)) return undefined;
  const type = fields.type;
  if (type === undefined) {
    rep.error(lineNo, end, "flow: missing `type TYPE` at the end of the line");
    return undefined;
  }
  const family = familyOf(from[0]!) ?? 4;
  return from.flatMap((f) => to.map((d) => ({ ...(rule !== undefined ? { rule } : {}), line: lineNo, satype, direction: dirTok.text as "in" | "out", ...fields, from: kernelAddress(f), to: kernelAddress(d), family, type })));
}

const HEX_KEY = /^0x[0-9a-fA-F]+$/;

/** Parses one SA line; returns undefined (after reporting) when it is not one. */
function parseSaLine(toks: Token[], rep: Reporter, lineNo: number): (Sa & Located) | undefined {
  const c = new Cursor(toks);
  const st = c.next();
  const satype = SA_TYPES.find((s) => s === st?.text);
  if (satype === undefined) {
    rep.error(lineNo, st?.column ?? 1, `sa.satype: ${st === undefined ? "missing" : `unknown SA type ${quote(st.text)}`}; one of ${SA_TYPES.join(", ")}`);
    return undefined;
  }
  let mode: "tunnel" | "transport" | undefined;
  if (c.peek()?.text === "tunnel" || c.peek()?.text === "transport") mode = c.next()!.text as "tunnel" | "transport";
  const fromKw = c.next();
  if (fromKw?.text !== "from") {
    rep.error(lineNo, fromKw?.column ?? st!.column, `sa: expected \`from\`, got ${fromKw === undefined ? "end of line" : quote(fromKw.text)}`);
    return undefined;
  }
  const from = address(c, rep, lineNo, "sa.from", fromKw.column);
  if (from === undefined) return undefined;
  const toKw = c.next();
  if (toKw?.text !== "to") {
    rep.error(lineNo, toKw?.column ?? fromKw.column, `sa: expected \`to\`, got ${toKw === undefined ? "end of line" : quote(toKw.text)}`);
    return undefined;
  }
  const to = address(c, rep, lineNo, "sa.to", toKw.column);
  if (to === undefined) return undefined;
  const spiKw = c.next();
  const spiTok = c.next();
  if (spiKw?.text !== "spi" || spiTok === undefined || !/^0x[0-9a-fA-F]{1,8}$/.test(spiTok.text)) {
    rep.error(lineNo, spiTok?.column ?? spiKw?.column ?? toKw.column, `sa.spi: expected \`spi 0xHEX\` (at most 8 hex digits)`);
    return undefined;
  }
  const sa: Sa & Located = { line: lineNo, satype, from, to, spi: Number.parseInt(spiTok.text.slice(2), 16) };
  if (mode !== undefined) sa.mode = mode;
  for (let t = c.next(); t !== undefined; t = c.next()) {
    if (t.text === "\\") {
      // `-k` continuation marker: keys follow on the next lines.
      if (c.i !== toks.length) {
        rep.error(lineNo, t.column, "sa: `\\` must end the line");
        return undefined;
      }
      break;
    }
    const v = c.next();
    if (v === undefined) {
      rep.error(lineNo, t.column, `sa.${t.text === "udpencap" ? "udpencapPort" : quote(t.text)}: missing value`);
      return undefined;
    }
    switch (t.text) {
      case "auth":
      case "enc":
      case "comp":
        if (!/^[a-z0-9][a-z0-9-]*$/.test(v.text)) {
          rep.error(lineNo, v.column, `sa.${t.text}: ${quote(v.text)} is not an algorithm name`);
          return undefined;
        }
        sa[t.text] = v.text;
        break;
      case "authkey":
      case "enckey":
        if (!HEX_KEY.test(v.text)) {
          rep.error(lineNo, v.column, `sa.${t.text}: not a hex key (0x…); value not shown`);
          return undefined;
        }
        sa[t.text] = v.text.slice(2);
        break;
      case "udpencap": {
        const n = c.next();
        const p = n === undefined ? undefined : parseUint(n.text);
        if (v.text !== "port" || p === undefined || p > 65535) {
          rep.error(lineNo, v.column, "sa.udpencapPort: expected `udpencap port N`");
          return undefined;
        }
        sa.udpencapPort = p;
        break;
      }
      default:
        rep.error(lineNo, t.column, `sa: unknown field ${quote(t.text)}; one of auth, enc, comp, udpencap, authkey, enckey`);
        return undefined;
    }
  }
  return sa;
}

/** Applies a `-k` continuation line (`\tauthkey 0x…` / `\tenckey 0x…`, maybe ending in `\`) to `sa`. */
function parseKeyLine(toks: Token[], sa: Sa, rep: Reporter, lineNo: number): void {
  const body = toks[toks.length - 1]?.text === "\\" ? toks.slice(0, -1) : toks;
  for (let i = 0; i < body.length; i += 2) {
    const k = body[i]!;
    const v = body[i + 1];
    if ((k.text !== "authkey" && k.text !== "enckey") || v === undefined || !HEX_KEY.test(v.text)) {
      rep.error(lineNo, k.column, `sa: expected \`authkey 0xHEX\` or \`enckey 0xHEX\` on a key line; value not shown`);
      return;
    }
    sa[k.text] = v.text.slice(2);
  }
}


/** Core: parses flow and SA lines in any mix; `mode` restricts what is allowed. */
function parseLines(text: string, file: string, mode: "flows" | "sas" | "all"): ParseResult<IpsecctlAll> {
  const rep = new Reporter(file);
  const out: IpsecctlAll = { flows: [], sas: [] };
  let section: "flows" | "sas" | undefined = mode === "all" ? undefined : mode;
  let lastSa: Sa | undefined;
  let keyContinuation = false;
  const lines = splitLines(text);
  for (let n = 0; n < lines.length; n++) {
    const raw = lines[n]!;
    const lineNo = n + 1;
    const toks = tokenize(raw);
    if (toks.length === 0) {
      keyContinuation = false;
      continue;
    }
    const indented = /^[ \t]/.test(raw);
    if (indented) {
      if (keyContinuation && lastSa !== undefined) {
        parseKeyLine(toks, lastSa, rep, lineNo);
        keyContinuation = toks[toks.length - 1]!.text === "\\";
      } else if (lastSa === undefined) {
        rep.error(lineNo, toks[0]!.column, `ipsecctl: indented line ${quote(toks[0]!.text)} outside an SA`);
      }
      // Otherwise a `-v` SADB extension line under an SA: deliberately skipped.
      continue;
    }
    keyContinuation = false;
    if (mode === "all") {
      if (raw === "FLOWS:") {
        section = "flows";
        continue;
      }
      if (raw === "SAD:") {
        section = "sas";
        lastSa = undefined;
        continue;
      }
      if (raw === "No flows" && section === "flows") continue;
      if (raw === "No entries" && section === "sas") continue;
      if (section === undefined) {
        rep.error(lineNo, 1, `ipsecctl -s all: expected the \`FLOWS:\` title, got ${quote(toks[0]!.text)}`);
        continue;
      }
    }
    if (section === "flows") {
      const f = parseFlowLine(toks, rep, lineNo);
      if (f !== undefined) out.flows.push(...f);
    } else {
      const sa = parseSaLine(toks, rep, lineNo);
      lastSa = sa;
      if (sa !== undefined) {
        out.sas.push(sa);
        keyContinuation = toks[toks.length - 1]!.text === "\\";
      }
    }
  }
  return { value: out, diagnostics: rep.diagnostics };
}

/** Parses `ipsecctl -sf` (also the flow lines of `ipsecctl -nv`): one flow per line, no titles. */
export function parseIpsecctlFlows(text: string, file = "ipsecctl -sf"): ParseResult<(Flow & Located)[]> {
  const r = parseLines(text, file, "flows");
  return { value: r.value.flows, diagnostics: r.diagnostics };
}

/** Parses `ipsecctl -ss` (with or without `-k`/`-v`): one SA per line, no titles. */
export function parseIpsecctlSas(text: string, file = "ipsecctl -ss"): ParseResult<(Sa & Located)[]> {
  const r = parseLines(text, file, "sas");
  return { value: r.value.sas, diagnostics: r.diagnostics };
}

/** Parses `ipsecctl -s all` (`-sa`): a `FLOWS:` section and a `SAD:` section, with `No flows`/`No entries` when empty. */
export function parseIpsecctlAll(text: string, file = "ipsecctl -s all"): ParseResult<IpsecctlAll> {
  return parseLines(text, file, "all");
}
