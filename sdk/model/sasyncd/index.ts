/**
 * sasyncd.conf(5) (sasyncd conf.y 1.22): types, parser, canonical renderer and lint.
 *
 * sasyncd's lexer splits the file on white space after removing `#` comments; each keyword takes the
 * next word(s). A `0x…` word made only of hex digits is a hex key, a word of digits only is a number,
 * anything else a string. Parsing stops at the first error, as sasyncd's yacc parser does (no error
 * recovery); `events` records what sasyncd logs on the way, for the lab's `sasyncd -n` emulator.
 */
import { ModelError, oneOf, type Diagnostic, type ParseResult } from "../diagnostics";
import { classifySasyncdWord, SASYNCD_KEYWORDS, sasyncdTokens, type SasyncdPosTok } from "./lexer";

/** The key sasyncd uses to encrypt sync messages (AES: 128, 192 or 256 bits, the same on every peer). A secret. */
export type SasyncdKey =
  /** `sharedkey 0x…`: 32, 48 or 64 hex digits. */
  | { kind: "hex"; hex: string }
  /** `sharedkey WORD`: the word's bytes are the key (16, 24 or 32 characters). */
  | { kind: "ascii"; value: string };

/** A whole sasyncd.conf. */
export interface SasyncdConf {
  /** `interface carpN`: the carp interface whose MASTER/BACKUP state sasyncd follows. Required. */
  interface?: string;
  /** `group NAME`: interface group whose carp demotion counter sasyncd raises during initial sync; default `carp`. */
  group?: string;
  /** `peer ADDR|HOST` lines: the other sasyncd(s). */
  peers: string[];
  /** `listen on ADDR [inet|inet6] [port N]`: default all addresses, TCP port 500. */
  listen?: { on: string; af?: "inet" | "inet6"; port?: number };
  /** `flushmode startup|never|sync`: default `startup`. */
  flushmode?: "startup" | "never" | "sync";
  /** `mode master|slave` (debugging: force a state) or `mode skipslave`. */
  mode?: "master" | "slave" | "skipslave";
  /** `control isakmpd|iked|all|none`: which keying daemon sasyncd switches active/passive; default `isakmpd`. */
  control?: "isakmpd" | "iked" | "all" | "none";
  /** `sharedkey …`. Required. */
  sharedkey?: SasyncdKey;
}

/** What sasyncd prints while parsing (for the emulator): log_msg(level), log_err, or yyerror. */
export type SasyncdEvent =
  | { kind: "log"; level: number; text: string }
  | { kind: "err"; text: string }
  | { kind: "yyerror"; text: string };

/** Parser output with sasyncd's own log stream; `ok` is false when sasyncd's parser would fail. */
export interface SasyncdParseDetails extends ParseResult<SasyncdConf> {
  events: SasyncdEvent[];
  ok: boolean;
  /** sasyncd never finishes parsing: a peer named twice made its peer list a loop, and a later `peer` searches it. */
  hangs: boolean;
  /** A peer is named twice: the peer list loops, and the started daemon hangs walking it (net_init). */
  peerLoop: boolean;
}

/** The keywords a setting starts with. */
const SETTINGS: ReadonlySet<string> = new Set(["control", "flushmode", "group", "interface", "listen", "mode", "peer", "sharedkey"]);
type PosTok = SasyncdPosTok;

/** sasyncd's conf.y over the tokens of one file: the configuration, sasyncd's log events and diagnostics. */
class SasyncdParser {
  readonly conf: SasyncdConf = { peers: [] };
  readonly diagnostics: Diagnostic[] = [];
  readonly events: SasyncdEvent[] = [];
  private i = 0;

  constructor(
    private readonly toks: PosTok[],
    private readonly file: string,
  ) {}

  private diag(t: PosTok | undefined, message: string, severity: "error" | "warning" = "error"): void {
    const last = this.toks[this.toks.length - 1];
    this.diagnostics.push({ file: this.file, line: t?.line ?? last?.line ?? 1, column: t?.column ?? 1, message, severity });
  }

  private syntax(t: PosTok | undefined, expected: string): false {
    this.events.push({ kind: "yyerror", text: "syntax error" });
    const at = t === undefined ? -1 : this.toks.indexOf(t);
    const prev = this.toks[at - 1];
    // a word right after a key's value may be the rest of a key written with spaces: never shown
    const afterKey = at >= 2 && this.toks[at - 2]!.tok.kind === "kw" && this.toks[at - 2]!.tok.text === "sharedkey";
    const what =
      t === undefined ? "unexpected end of file"
      : t.stale ? `the file does not end with white space, so sasyncd reads the last ${Buffer.byteLength(t.tok.text)} bytes of the file again as one more word (conf.y conf_parse_file); end the file with a newline`
      : t.tok.text === "" ? "the file has no settings (sasyncd reads one empty word)"
      : afterKey ? "unexpected word after the key (not shown: it may be part of the key; a key is one word)"
      : `unexpected \`${t.tok.text}\``;
    const glued = prev?.glued && !afterKey ? `; \`${prev.tok.text}\` is two words glued by the \`#\` comment between them (sasyncd drops a comment with the newlines after it): put white space before \`#\`` : "";
    this.diag(t, `syntax error: ${what}; expected ${expected}${glued}`);
    return false;
  }

  private word(what: string): string | undefined {
    const t = this.toks[this.i];
    if (t?.tok.kind !== "string") {
      this.syntax(t, what);
      return undefined;
    }
    this.i++;
    return t.tok.text;
  }

  /** All settings; false at the first error (sasyncd stops there). */
  run(): boolean {
    while (this.i < this.toks.length) if (!this.setting()) return false;
    return true;
  }

  private setting(): boolean {
    const t = this.toks[this.i++]!;
    if (t.tok.kind !== "kw") return this.syntax(t, "one of interface, group, peer, listen, flushmode, mode, control, sharedkey");
    switch (t.tok.text) {
      case "interface": {
        const w = this.word("an interface name such as carp0");
        if (w === undefined) return false;
        this.conf.interface = w;
        this.events.push({ kind: "log", level: 2, text: `config: interface ${w}` });
        return true;
      }
      case "group": {
        const w = this.word("an interface group name");
        if (w === undefined) return false;
        this.conf.group = w;
        this.events.push({ kind: "log", level: 2, text: `config: group ${w}` });
        return true;
      }
      case "peer": {
        const w = this.word("a peer address or host name");
        if (w === undefined) return false;
        if (!this.addPeer(w, t)) return false;
        this.events.push({ kind: "log", level: 2, text: `config: add peer ${w}` });
        return true;
      }
      case "flushmode": {
        const n = this.toks[this.i];
        if (n?.tok.kind !== "kw" || !["startup", "never", "sync"].includes(n.tok.text)) return this.syntax(n, "startup, never or sync");
        this.i++;
        this.conf.flushmode = n.tok.text as "startup" | "never" | "sync";
        this.events.push({ kind: "log", level: 2, text: `config: flush mode set to ${n.tok.text.toUpperCase()}` });
        return true;
      }
      case "mode": {
        const n = this.toks[this.i];
        if (n?.tok.kind !== "kw" || !["master", "slave", "skipslave"].includes(n.tok.text)) return this.syntax(n, "master, slave or skipslave");
        this.i++;
        this.conf.mode = n.tok.text as "master" | "slave" | "skipslave";
        this.events.push({ kind: "log", level: 2, text: this.conf.mode === "skipslave" ? "config: not syncing SA to peers" : `config: mode set to ${this.conf.mode.toUpperCase()}` });
        return true;
      }
      case "control": {
        const n = this.toks[this.i];
        if (n?.tok.kind !== "string") return this.syntax(n, "isakmpd, iked, all or none");
        this.i++;
        if (!["isakmpd", "iked", "all", "none"].includes(n.tok.text)) {
          this.events.push({ kind: "err", text: "config: invalid control mode" });
          this.diag(n, `control: ${oneOf("daemon", n.tok.text, ["isakmpd", "iked", "all", "none"])}`);
          return false;
        }
        this.conf.control = n.tok.text as SasyncdConf["control"];
        this.events.push({ kind: "log", level: 2, text: `config: control mode set to ${n.tok.text}` });
        return true;
      }
      case "listen":
        return this.listen();
      case "sharedkey":
        return this.sharedkey();
      default:
        return this.syntax(t, "one of interface, group, peer, listen, flushmode, mode, control, sharedkey");
    }
  }

  /** conf.y's peer list: a name already there is inserted at the head again, which makes the list a loop. */
  private readonly peerList: { name: string; next: number }[] = [];
  private peerHead = -1;
  hangs = false;
  peerLoop = false;

  /** conf.y's PEER action: search the list, (re)insert at its head. False when the search never ends. */
  private addPeer(w: string, at: PosTok): boolean {
    const seen = new Set<number>();
    let found = -1;
    for (let p = this.peerHead; p >= 0; p = this.peerList[p]!.next) {
      if (seen.has(p)) {
        this.hangs = true;
        this.diag(at, `peer ${w}: sasyncd never finishes reading this file: a peer named twice above made its peer list a loop, which this \`peer\` searches forever; name each peer once`);
        return false;
      }
      seen.add(p);
      if (this.peerList[p]!.name === w) {
        found = p;
        break;
      }
    }
    if (found >= 0) this.peerLoop = true;
    if (found >= 0) this.diag(at, `peer ${w}: named twice; sasyncd inserts the same entry into its peer list again, the list loops on itself and sasyncd hangs when it walks it; name each peer once`);
    else {
      found = this.peerList.push({ name: w, next: -1 }) - 1;
      this.conf.peers.push(w);
    }
    this.peerList[found]!.next = this.peerHead;
    this.peerHead = found;
    return true;
  }

  /** `listen on ADDR [inet|inet6] [port N]`. */
  private listen(): boolean {
    const on = this.toks[this.i];
    if (on?.tok.kind !== "kw" || on.tok.text !== "on") return this.syntax(on, "`on`");
    this.i++;
    const addr = this.word("an address, host or interface");
    if (addr === undefined) return false;
    const l: NonNullable<SasyncdConf["listen"]> = { on: addr };
    const a = this.toks[this.i];
    if (a?.tok.kind === "kw" && (a.tok.text === "inet" || a.tok.text === "inet6")) {
      l.af = a.tok.text;
      this.i++;
    }
    let port = 500;
    const p = this.toks[this.i];
    if (p?.tok.kind === "kw" && p.tok.text === "port") {
      this.i++;
      const v = this.toks[this.i];
      if (v?.tok.kind !== "value") return this.syntax(v, "a port number");
      this.i++;
      port = v.tok.value;
      l.port = port;
      if (port < 1 || port > 65535) {
        this.events.push({ kind: "log", level: 0, text: "config: bad port, listen-port reset to 500" });
        // this.conf.y:197-201: not an error, sasyncd logs and listens on 500
        this.diag(v, `listen on ${addr} port: ${port} is out of range (1-65535); sasyncd uses port 500 instead`, "warning");
      }
    } else if (p !== undefined && !(p.tok.kind === "kw" && SETTINGS.has(p.tok.text))) {
      // no default reduction where `port` may still come (byacc's sole_reduction): the next word is checked before
      // the rule is reduced, so nothing of it is logged
      return this.syntax(p, `${l.af ? "" : "inet, inet6, "}port or the next setting`);
    }
    this.conf.listen = l;
    this.events.push({ kind: "log", level: 2, text: `config: listen on ${addr} ${l.af === "inet6" ? "(IPv6) " : l.af === "inet" ? "(IPv4) " : ""}${port !== 500 ? `port ${port}` : ""}` });
    return true;
    }

  /** `sharedkey 0xHEX` or `sharedkey "ascii"`: 128, 192 or 256 bits. */
  private sharedkey(): boolean {
    const k = this.toks[this.i];
    let bits: number;
    if (k?.tok.kind === "hex") {
      this.conf.sharedkey = { kind: "hex", hex: k.tok.text.slice(2).toLowerCase() };
      bits = k.tok.bytes.length * 8;
      this.events.push({ kind: "log", level: 2, text: `config: ${k.tok.bytes.length} byte shared hex key` });
      // this.conf.y yylex: strlen/2 bytes, an odd last digit is dropped (the key may still be a valid length)
      if (k.tok.text.length % 2 === 1) this.diag(k, `sharedkey: odd number of hex digits (${k.tok.text.length - 2}); sasyncd ignores the last one`, "warning");
    } else if (k?.tok.kind === "string") {
      this.conf.sharedkey = { kind: "ascii", value: k.tok.text };
      bits = k.tok.bytes * 8;
      this.events.push({ kind: "log", level: 2, text: "config: shared ascii key" });
    } else return this.syntax(k, "a key (0x followed by 32, 48 or 64 hex digits)");
    this.i++;
    if (bits !== 128 && bits !== 192 && bits !== 256) {
      this.events.push({ kind: "err", text: `config: bad shared key length ${bits}, should be 128, 192 or 256 bits\n` });
      const hint = k.tok.kind === "string" && /^[0-9a-fA-F]+$/.test(k.tok.text) ? " (a hex key needs the 0x prefix)" : "";
      this.diag(k, `sharedkey: key of ${bits} bits is not allowed${hint}; use 128, 192 or 256 bits (0x followed by 32, 48 or 64 hex digits)`);
      return false;
    }
    this.events.push({ kind: "log", level: 2, text: "config: shared key set" });
    return true;
    }
}

/** Parses sasyncd.conf, returning sasyncd's log events. Never throws. */
export function parseSasyncdConfDetailed(text: string, file = "sasyncd.conf"): SasyncdParseDetails {
  const p = new SasyncdParser(sasyncdTokens(text), file);
  const ok = p.run();
  return { value: p.conf, diagnostics: p.diagnostics, events: p.events, ok, hangs: p.hangs, peerLoop: p.peerLoop };
}

/** Parses sasyncd.conf(5). Never throws. */
export function parseSasyncdConf(text: string, file = "sasyncd.conf"): ParseResult<SasyncdConf> {
  const { value, diagnostics } = parseSasyncdConfDetailed(text, file);
  return { value, diagnostics };
}

/** Key length in bits. */
export function sasyncdKeyBits(k: SasyncdKey): number {
  return k.kind === "hex" ? Math.floor(k.hex.length / 2) * 8 : Buffer.byteLength(k.value) * 8;
}

const bareWord = (field: string, s: string): string => {
  // a NUL ends sasyncd's copy of the file there (conf_parse_file): the rest, the key too, would be gone
  if (!/^[^\s#\x00-\x1f\x7f]+$/.test(s)) throw new ModelError(field, s, `\`${s}\` must be one word without white space, control characters or #`);
  if (SASYNCD_KEYWORDS.has(s)) throw new ModelError(field, s, `\`${s}\` is a sasyncd.conf keyword`);
  if (classifySasyncdWord(Buffer.from(s, "utf8")).kind !== "string") throw new ModelError(field, s, `\`${s}\` would be read as a number or hex key`);
  return s;
};

/** Checks a config the way sasyncd does at startup (interface and key required, key length). */
export function validateSasyncdConf(c: SasyncdConf): void {
  if (!c.interface) throw new ModelError("interface", c.interface, "required (the carp interface sasyncd tracks, e.g. carp0)");
  if (!c.sharedkey) throw new ModelError("sharedkey", undefined, "required (0x followed by 32, 48 or 64 hex digits)");
  const k = c.sharedkey;
  if (k.kind === "hex" && !/^[0-9a-f]*$/.test(k.hex)) throw new ModelError("sharedkey", "(secret)", "hex key must contain only lower-case hex digits");
  if (k.kind === "hex" && k.hex.length % 2 === 1) throw new ModelError("sharedkey", "(secret)", `odd number of hex digits (${k.hex.length})`);
  const bits = sasyncdKeyBits(k);
  if (bits !== 128 && bits !== 192 && bits !== 256) throw new ModelError("sharedkey", `${bits} bits`, `key of ${bits} bits is not allowed; use 128, 192 or 256 bits (0x followed by 32, 48 or 64 hex digits)`);
  const dup = c.peers.find((p, i) => c.peers.indexOf(p) !== i);
  if (dup !== undefined) throw new ModelError(`peers[${c.peers.lastIndexOf(dup)}]`, dup, `\`${dup}\` is named twice: sasyncd's peer list then loops on itself and sasyncd hangs; name each peer once`);
  if (c.listen?.port !== undefined && (c.listen.port < 1 || c.listen.port > 65535)) throw new ModelError("listen.port", c.listen.port, `${c.listen.port} is out of range; 1-65535`);
}

/** Canonical sasyncd.conf: interface, group, peers, listen, flushmode, mode, control, sharedkey. Validates first. */
export function renderSasyncdConf(c: SasyncdConf): string {
  validateSasyncdConf(c);
  const out: string[] = [`interface ${bareWord("interface", c.interface!)}`];
  if (c.group !== undefined) out.push(`group ${bareWord("group", c.group)}`);
  c.peers.forEach((p, i) => out.push(`peer ${bareWord(`peers[${i}]`, p)}`));
  if (c.listen) out.push(`listen on ${bareWord("listen.on", c.listen.on)}${c.listen.af ? ` ${c.listen.af}` : ""}${c.listen.port !== undefined ? ` port ${c.listen.port}` : ""}`);
  if (c.flushmode) out.push(`flushmode ${c.flushmode}`);
  if (c.mode) out.push(`mode ${c.mode}`);
  if (c.control) out.push(`control ${c.control}`);
  const k = c.sharedkey!;
  out.push(`sharedkey ${k.kind === "hex" ? `0x${k.hex}` : bareWord("sharedkey", k.value)}`);
  return `${out.join("\n")}\n`;
}

/** Lint: parse errors, then sasyncd's startup checks (key first, then interface, as sasyncd reports them). */
export function lintSasyncdConf(text: string, file = "sasyncd.conf"): Diagnostic[] {
  const r = parseSasyncdConfDetailed(text, file);
  const out = [...r.diagnostics];
  if (r.ok) {
    const at = (message: string): Diagnostic => ({ file, line: 1, column: 1, message, severity: "error" });
    if (!r.value.sharedkey) out.push(at("sharedkey: required; sasyncd refuses to start without a shared key (0x followed by 32, 48 or 64 hex digits)"));
    if (!r.value.interface) out.push(at("interface: required; sasyncd needs the carp interface to track (e.g. `interface carp0`)"));
    if (r.value.peers.length === 0) out.push({ ...at("peer: none given; this sasyncd has nobody to synchronise with"), severity: "warning" });
  }
  return out;
}
