/**
 * Canonical renderer of ipsec.conf: one rule per line, keywords in grammar order, full transform names,
 * canonical addresses, numeric ports, `0x` SPIs and keys. Only fields present in the model are written
 * (ipsecctl fills in the defaults), so `parseIpsecConf(renderIpsecConf(x)).value` deep-equals `x`.
 * Validates first: an invalid rule throws a ModelError naming the field.
 */
import { ModelError } from "../diagnostics";
import { formatAddress, protocolName, protocolNumber } from "./address";
import { KEYWORDS } from "./lexer";
import type { FlowRule, IkePhase, IkeRule, IpProtocol, IpsecAddress, IpsecConf, IpsecEndpoint, IpsecStatement, KeyPair, SaRule, TcpMd5Rule } from "./types";
import { validateStatement } from "./validate";
import { shown, unsafeChar } from "../tokens/refusal";

/**
 * A string as one ipsec.conf token: bare when the lexer reads it back as the same STRING, else quoted.
 * A value the quoted word cannot hold unchanged (a quote, backslash, newline or other control or
 * invisible character) is refused, never escaped (ARCHITECTURE.md D11).
 */
export function quoteWord(s: string, field = "word", secret = false): string {
  if (/["\\]/.test(s) || unsafeChar(s) !== undefined)
    throw new ModelError(field, secret ? "(secret)" : shown(s), "holds a quote, backslash, control or invisible character, which an ipsec.conf word cannot hold unchanged");
  return /^[A-Za-z0-9][A-Za-z0-9._:@+-]*$/.test(s) && !/^-?\d+$/.test(s) && !KEYWORDS.has(s) ? s : `"${s}"`;
}

/** An address with the `(NAT)` it carries inside a list. */
const withNat = (a: IpsecAddress): string => `${formatAddress(a)}${a.kind !== "any" && a.nat ? ` (${formatAddress(a.nat)})` : ""}`;

function endpoint(kw: "from" | "to", e: IpsecEndpoint): string {
  const addrs = e.addresses.length === 1 ? withNat(e.addresses[0]!) : `{ ${e.addresses.map(withNat).join(", ")} }`;
  // parse.y `host: host_spec '(' host_spec ')'`: the NAT network follows the address, before the port
  return `${kw} ${addrs}${e.nat ? ` (${formatAddress(e.nat)})` : ""}${e.port !== undefined ? ` port ${e.port}` : ""}`;
}

/** Lifetime as written: `8h`, `30m` or seconds. */
export function formatLifetime(seconds: number): string {
  if (seconds % 3600 === 0) return `${seconds / 3600}h`;
  if (seconds % 60 === 0) return `${seconds / 60}m`;
  return String(seconds);
}

function phase(words: string[], ph: IkePhase): void {
  if (ph.auth) words.push("auth", ph.auth);
  if (ph.enc) words.push("enc", ph.enc);
  if (ph.group) words.push("group", ph.group);
  if (ph.lifetime !== undefined) words.push("lifetime", formatLifetime(ph.lifetime));
}

function ids(words: string[], r: { srcid?: string; dstid?: string }): void {
  if (r.srcid !== undefined) words.push("srcid", quoteWord(r.srcid, "srcid"));
  if (r.dstid !== undefined) words.push("dstid", quoteWord(r.dstid, "dstid"));
}

function peers(words: string[], r: { local?: IkeRule["local"]; peer?: IkeRule["peer"] }): void {
  if (r.local) words.push("local", formatAddress(r.local));
  if (r.peer) words.push("peer", formatAddress(r.peer));
}

/**
 * A protocol as the file must say it: its /etc/protocols name, or its number when the name is a keyword of
 * ipsecctl's grammar (`ipip`, `ipcomp`, `any`: ipsecctl prints 94 as `proto ipip`, and refuses that line);
 * `esp` and `ah` have rules of their own (`proto esp`).
 */
function protoWord(p: IpProtocol): string {
  const name = protocolName(p);
  return KEYWORDS.has(name) && name !== "esp" && name !== "ah" ? String(protocolNumber(p)) : name;
}

function renderIke(r: IkeRule): string {
  const w: string[] = ["ike"];
  if (r.mode) w.push(r.mode);
  if (r.iface !== undefined) w.push("interface", `sec${r.iface}`);
  else {
    if (r.satype) w.push(r.satype);
    if (r.encap) w.push(r.encap);
    if (r.proto !== undefined) w.push("proto", protoWord(r.proto));
    w.push(endpoint("from", r.from), endpoint("to", r.to));
  }
  peers(w, r);
  if (r.main) {
    w.push(r.main.aggressive ? "aggressive" : "main");
    phase(w, r.main);
  }
  if (r.quick) {
    w.push("quick");
    phase(w, r.quick);
  }
  ids(w, r);
  if (r.auth?.kind === "psk") w.push("psk", quoteWord(r.auth.psk, "psk", true));
  else if (r.auth?.kind === "rsa") w.push("rsa");
  if (r.tag !== undefined) w.push("tag", quoteWord(r.tag, "tag"));
  return w.join(" ");
}

function renderFlow(r: FlowRule): string {
  const w: string[] = ["flow"];
  if (r.satype) w.push(r.satype);
  if (r.direction) w.push(r.direction);
  if (r.proto !== undefined) w.push("proto", protoWord(r.proto));
  w.push(endpoint("from", r.from), endpoint("to", r.to));
  peers(w, r);
  ids(w, r);
  if (r.flowType) w.push("type", r.flowType);
  return w.join(" ");
}

/** SPI as written: `0x1000` or `0x1000:0x1001`. */
export function formatSpi(spi: { out: number; in?: number }): string {
  return `0x${spi.out.toString(16)}${spi.in !== undefined ? `:0x${spi.in.toString(16)}` : ""}`;
}

function key(k: KeyPair): string {
  return `0x${k.out}${k.in !== undefined ? `:0x${k.in}` : ""}`;
}

function renderSa(r: SaRule): string {
  const w: string[] = [];
  if (r.satype) w.push(r.satype);
  if (r.encap) w.push(r.encap);
  w.push("from", formatAddress(r.from), "to", formatAddress(r.to), "spi", formatSpi(r.spi));
  if (r.udpencap) {
    w.push("udpencap");
    if (r.udpencap.port !== undefined) w.push("port", String(r.udpencap.port));
  }
  if (r.auth) w.push("auth", r.auth);
  if (r.enc) w.push("enc", r.enc);
  if (r.comp) w.push("comp", r.comp);
  if (r.authkey) w.push("authkey", key(r.authkey));
  if (r.enckey) w.push("enckey", key(r.enckey));
  if (r.bundle !== undefined) w.push("bundle", quoteWord(r.bundle, "bundle"));
  return w.join(" ");
}

function renderTcpMd5(r: TcpMd5Rule): string {
  return `tcpmd5 from ${formatAddress(r.from)} to ${formatAddress(r.to)} spi ${formatSpi(r.spi)} authkey ${key(r.authkey)}`;
}

/**
 * One statement as one line (no newline). Throws ModelError when ipsecctl would refuse the statement (an
 * address with host bits set, which ipsecctl takes as written, renders as written: components refuse it earlier).
 */
export function renderStatement(s: IpsecStatement): string {
  validateStatement(s, undefined, "ipsecctl");
  switch (s.type) {
    case "ike":
      return renderIke(s);
    case "flow":
      return renderFlow(s);
    case "sa":
      return renderSa(s);
    case "tcpmd5":
      return renderTcpMd5(s);
  }
}

/** The whole file: one statement per line, each ending in a newline. Contains secrets (PSKs, keys). */
export function renderIpsecConf(conf: IpsecConf): string {
  let out = "";
  conf.statements.forEach((s, i) => {
    try {
      out += `${renderStatement(s)}\n`;
    } catch (e) {
      if (e instanceof ModelError) throw new ModelError(`statements[${i}].${e.field}`, e.value, e.reason);
      throw e;
    }
  });
  return out;
}
