/**
 * TEST DOUBLE — `ipsecctl -n -f FILE` and `ipsecctl -nv -f FILE` (ipsecctl.c 1.88, parse.y 1.184, ike.c 1.85),
 * a pure function: stdout, stderr and exit status as OpenBSD prints them (golden/ipsecctl, reference B.3).
 *
 * - Errors: `FILE: LINE: message` on stderr, then `ipsecctl: Syntax error in config file: ipsec rules not
 *   loaded`, exit 1. A rule with a soft error (unknown transform) is still printed with the default.
 * - `-v` echoes macro definitions, prints flow and manual SA rules as ipsecctl_print_flow/_sa do, and ike rules
 *   as the isakmpd FIFO command stream of ike_gen_config. A generation error (`illegal transform X`) cuts the
 *   stream there and is printed as `ipsecctl: illegal transform X`; the exit status stays 0, as on OpenBSD.
 * - `invalid time unit` ends ipsecctl at once (err(3)); the errno text after it varies by platform.
 *
 * - `-k` (`showKeys`) prints manual SAs with their keys. A flow rule expand_rule refuses at one of its address pairs
 *   (`no peer specified for destination`) still prints the pairs it added before it.
 *
 * Not reproduced: DNS names as addresses (printed verbatim instead of resolved; interface names are resolved by
 * ipsec-hostif.ts, `localhost` as OpenBSD's /etc/hosts has it), the hostname used as srcid by `dynamic` rules
 * without srcid (taken from `opts.hostname`, default `localhost`), and SA bundles (the model refuses them).
 * The output of an ike rule contains the PSK in clear text, as on OpenBSD: never log it.
 */
import {
  ENC_INFO,
  familyOf,
  flowsOfFlowRule,
  formatAddress,
  formatConfiguredSa,
  printAddress,
  sasOfSaRule,
  formatFlow,
  expandPairs,
  pairProblem,
  isakmpdGroupName,
  isHost,
  netmaskOf,
  parseIpsecConfDetailed,
  PHASE1_AUTH,
  PHASE1_ENC,
  protocolNumber,
  type AuthTransform,
  type EncTransform,
  type GroupTransform,
  type FlowRule,
  type IkeRule,
  type SaRule,
  type IpsecAddress,
  type IpsecStatement,
  type ParsedItem,
  defaultPeerWarnings,
  type DefaultPeerWarning,
} from "../../../sdk/model/ipsec";
import { hostIf, resolveInterfaces, type HostIfInterface } from "./ipsec-hostif";
import { SaBundles } from "./ipsec-bundles";
import { ntop6 } from "../../../sdk/model/address/index";
import { isIPv6Literal } from "../../../sdk/model/address/parse";
import { readDottedQuad } from "../../../sdk/model/address/dotted";

/** Options of the emulated command. */
export interface IpsecctlNvOptions {
  /** `-v`: print what would be loaded. */
  verbose?: boolean;
  /** Hostname used as srcid of `dynamic` rules without one. */
  hostname?: string;
  /** Contents of `include`d files. */
  include?: (path: string) => string | undefined;
  /** `-D name=value` macros. */
  defines?: Record<string, string>;
  /** The host's interfaces: a flow's or manual SA's interface name stands for their addresses (ipsec-hostif.ts). */
  interfaces?: readonly HostIfInterface[];
  /** `-k`: manual SAs are printed with their keys (IPSECCTL_OPT_SHOWKEY). */
  showKeys?: boolean;
}

const HASH: Record<AuthTransform, string> = {
  "hmac-md5": "MD5",
  "hmac-ripemd160": "RIPEMD",
  "hmac-sha1": "SHA",
  "hmac-sha2-256": "SHA2_256",
  "hmac-sha2-384": "SHA2_384",
  "hmac-sha2-512": "SHA2_512",
};

/** Phase 1: name in the transform section name, ENCRYPTION_ALGORITHM, KEY_LENGTH. */
const P1_ENC: Partial<Record<EncTransform, [string, string, string | undefined]>> = {
  "3des-cbc": ["3DES", "3DES_CBC", undefined],
  aes: ["AES", "AES_CBC", "128,128:256"],
  "aes-128": ["AES", "AES_CBC", "128,128:128"],
  "aes-192": ["AES", "AES_CBC", "192,192:192"],
  "aes-256": ["AES", "AES_CBC", "256,256:256"],
  blowfish: ["BLOWFISH", "BLOWFISH_CBC", "128,96:192"],
  cast128: ["CAST", "CAST_CBC", undefined],
};

/** Phase 2: TRANSFORM_ID and KEY_LENGTH. */
const P2_ENC: Partial<Record<EncTransform, [string, string | undefined]>> = {
  "3des-cbc": ["3DES", undefined],
  aes: ["AES", "128,128:256"],
  "aes-128": ["AES", "128,128:128"],
  "aes-192": ["AES", "192,192:192"],
  "aes-256": ["AES", "256,256:256"],
  aesctr: ["AES_CTR", "128,128:128"],
  "aes-128-ctr": ["AES_CTR", "128,128:128"],
  "aes-192-ctr": ["AES_CTR", "192,192:192"],
  "aes-256-ctr": ["AES_CTR", "256,256:256"],
  "aes-128-gcm": ["AES_GCM_16", "128,128:128"],
  "aes-192-gcm": ["AES_GCM_16", "192,192:192"],
  "aes-256-gcm": ["AES_GCM_16", "256,256:256"],
  "aes-128-gmac": ["AES_GMAC", "128,128:128"],
  "aes-192-gmac": ["AES_GMAC", "192,192:192"],
  "aes-256-gmac": ["AES_GMAC", "256,256:256"],
  blowfish: ["BLOWFISH", "128,96:192"],
  cast128: ["CAST", undefined],
  null: ["NULL", undefined],
};

class GenerateError {
  constructor(readonly message: string) {}
}

const NULL_XF_WORDS = new Set(["none", "unknown"]);

/** Marks a stdout line that ends without a newline (ike.c's `PROTOCOL_ID=` before `illegal satype N`). */
const NO_EOL = "\u0000";

/**
 * What the parser found that ike.c stops at, by field: `main.auth`/`main.enc`/`quick.auth`/`quick.enc`
 * written as `none`/`unknown` (→ `illegal transform none`), `satype` ipcomp/ipip (→ `illegal satype N`).
 */
type GenerateStops = Partial<Record<string, string>>;

function idName(a: IpsecAddress, fam: 4 | 6): string {
  if (a.kind === "any") return fam === 4 ? "0.0.0.0/0" : "::/0";
  if (a.kind === "ip" && fam === 6 && a.prefix === 128) return a.address;
  return nameOf(a);
}

/** The address's name in ike.c: host_v4 keeps the text as written (`010.1.0.1`), otherwise the canonical text. */
function nameOf(a: IpsecAddress): string {
  if (a.kind === "ip" && a.written !== undefined) return a.written;
  // host_v6 names an address by getnameinfo (inet_ntop: `::ffff:192.0.2.1`), a /128 by its address alone (the mask
  // is added only when it is not 128)
  if (a.kind === "ip" && a.address.includes(":")) return a.prefix === undefined || a.prefix === 128 ? ntop6(a.address) : `${ntop6(a.address)}/${a.prefix}`;
  return formatAddress(a);
}

/** An ID section's Network= or Address=: the name up to its `/` (ike.c cuts it there). */
const idAddress = (a: IpsecAddress & { kind: "ip" }): string => (a.written !== undefined ? a.written.replace(/\/.*$/, "") : a.address.includes(":") ? ntop6(a.address) : a.address);

/** parse.y get_id_type(): inet_pton of either family (`3ffe::65536` is no IPv6 address: an FQDN), then `@`. */
function idType(id: string): [string, string] {
  if (readDottedQuad(id, "inet_pton")) return ["IPV4_ADDR", "Address"];
  if (isIPv6Literal(id)) return ["IPV6_ADDR", "Address"];
  if (id.includes("@")) return ["USER_FQDN", "Name"];
  return ["FQDN", "Name"];
}

function groupName(g: GroupTransform | undefined): string | undefined {
  const group = g ?? "modp3072";
  return group === "none" ? undefined : isakmpdGroupName(group);
}

/** ike_gen_config for one expanded rule; lines are appended to `out` as they are produced. */
function ikeGenConfig(r: IkeRule, s: IpsecAddress, d: IpsecAddress, fam: 4 | 6, out: string[], hostname: string, stops: GenerateStops = {}): void {
  const set = (line: string) => out.push(`C set ${line} force`);
  const peer = r.peer && r.peer.kind !== "any" ? r.peer : !r.peer && isHost(d) ? d : undefined;
  const peerName = peer ? nameOf(peer) : undefined;
  const p1name = peerName ? `peer-${peerName}${r.local ? `-local-${nameOf(r.local)}` : ""}` : "peer-default";

  if (r.mode === "dynamic") {
    set("[General]:Check-interval=30");
    set("[General]:DPD-check-interval=5");
  }
  set(peerName ? `[Phase 1]:${peerName}=${p1name}` : `[Phase 1]:Default=${p1name}`);
  set(`[${p1name}]:Phase=1`);
  if (peerName) set(`[${p1name}]:Address=${peerName}`);
  if (r.local) set(`[${p1name}]:Local-address=${nameOf(r.local)}`);
  if (r.auth?.kind === "psk") set(`[${p1name}]:Authentication=${r.auth.psk}`);
  set(`[${p1name}]:Configuration=phase1-${p1name}`);
  set(`[phase1-${p1name}]:EXCHANGE_TYPE=${r.main?.aggressive ? "AGGRESSIVE" : "ID_PROT"}`);

  // phase 1 transform
  // ike_section_p1: enc, then auth, then group
  const p1auth = r.main?.auth ?? "hmac-sha1";
  const p1enc = r.main?.enc ?? "aes";
  if (stops["main.enc"]) throw new GenerateError(`illegal transform ${stops["main.enc"]}`);
  if (!PHASE1_ENC.includes(p1enc)) throw new GenerateError(`illegal transform ${p1enc}`);
  if (stops["main.auth"]) throw new GenerateError(`illegal transform ${stops["main.auth"]}`);
  if (!PHASE1_AUTH.includes(p1auth)) throw new GenerateError(`illegal transform ${p1auth}`);
  const p1group = groupName(r.main?.group);
  if (p1group === undefined) throw new GenerateError("illegal group none");
  const [encShort, encAlg, keyLen] = P1_ENC[p1enc]!;
  const method = r.auth?.kind === "psk" ? "PRE_SHARED" : "RSA_SIG";
  const xf1 = `phase1-transform-${p1name}-${method}-${HASH[p1auth]}-${encShort}${keyLen ? keyLen.split(",")[0] : ""}-${p1group}`;
  out.push(`C add [phase1-${p1name}]:Transforms=${xf1} force`);
  set(`[${xf1}]:AUTHENTICATION_METHOD=${method}`);
  set(`[${xf1}]:HASH_ALGORITHM=${HASH[p1auth]}`);
  set(`[${xf1}]:ENCRYPTION_ALGORITHM=${encAlg}`);
  if (keyLen) set(`[${xf1}]:KEY_LENGTH=${keyLen}`);
  set(`[${xf1}]:GROUP_DESCRIPTION=${p1group}`);
  life(set, xf1, r.main?.lifetime, "LIFE_MAIN_MODE");

  // phase 1 identities
  const srcid = r.srcid ?? (r.mode === "dynamic" ? hostname : undefined);
  if (srcid !== undefined) {
    const [t, key] = idType(srcid);
    set(`[${p1name}]:ID=id-${srcid}`);
    set(`[id-${srcid}]:ID-type=${t}`);
    set(`[id-${srcid}]:${key}=${srcid}`);
  }
  if (r.dstid !== undefined) {
    const [t, key] = idType(r.dstid);
    set(`[${p1name}]:Remote-ID=id-${r.dstid}`);
    set(`[id-${r.dstid}]:ID-type=${t}`);
    set(`[id-${r.dstid}]:${key}=${r.dstid}`);
  }

  // phase 2
  const proto = r.proto !== undefined ? protocolNumber(r.proto) : undefined;
  // ike.c ike_setup_ids: an interface rule's IDs are named after its sec(4) unit
  const p2lid = r.iface !== undefined ? `from-sec${r.iface}` : `from-${idName(s, fam)}${proto !== undefined ? `=${proto}` : ""}${r.from.port ? `:${r.from.port}` : ""}`;
  const p2rid = r.iface !== undefined ? `to-sec${r.iface}` : `to-${idName(d, fam)}${proto !== undefined ? `=${proto}` : ""}${r.to.port ? `:${r.to.port}` : ""}`;
  const p2name = `${p2lid}-${p2rid}`;
  // ike.c ike_setup_ids: `from ADDR (NAT)` names the true local network's ID section `nat-NAT[=proto][:sport]`
  // (the NAT of this pair's source address, in a list; or of the rule's single source)
  const nat = (s.kind === "any" ? undefined : s.nat) ?? r.from.nat;
  const p2nid = nat ? `nat-${idName(nat, fam)}${proto !== undefined ? `=${proto}` : ""}${r.from.port ? `:${r.from.port}` : ""}` : undefined;
  set(`[${p2name}]:Phase=2`);
  set(`[${p2name}]:ISAKMP-peer=${p1name}`);
  set(`[${p2name}]:Configuration=phase2-${p2name}`);
  set(`[${p2name}]:Local-ID=${p2lid}`);
  if (p2nid) set(`[${p2name}]:NAT-ID=${p2nid}`);
  set(`[${p2name}]:Remote-ID=${p2rid}`);
  if (r.tag !== undefined) set(`[${p2name}]:PF-Tag=${r.tag}`);
  if (r.iface !== undefined) set(`[${p2name}]:Interface=${r.iface}`);
  set(`[phase2-${p2name}]:EXCHANGE_TYPE=QUICK_MODE`);
  set(`[phase2-${p2name}]:Suites=phase2-suite-${p2name}`);
  set(`[phase2-suite-${p2name}]:Protocols=phase2-protocol-${p2name}`);
  const ah = r.satype === "ah";
  if (stops.satype) {
    out.push(`C set [phase2-protocol-${p2name}]:PROTOCOL_ID=${NO_EOL}`);
    throw new GenerateError(`illegal satype ${stops.satype}`);
  }
  set(`[phase2-protocol-${p2name}]:PROTOCOL_ID=${ah ? "IPSEC_AH" : "IPSEC_ESP"}`);

  const mode = r.encap === "transport" ? "TRANSPORT" : "TUNNEL";
  const p2group = groupName(r.quick?.group);
  let transformId: string;
  let encPart: string;
  let keyLen2: string | undefined;
  let auth: AuthTransform | undefined;
  if (stops["quick.enc"]) throw new GenerateError(`illegal transform ${stops["quick.enc"]}`);
  if (ah) {
    if (r.quick?.enc) throw new GenerateError(`illegal transform ${r.quick.enc}`);
    auth = r.quick?.auth ?? "hmac-sha2-256";
    transformId = HASH[auth];
    encPart = "NONE";
  } else {
    const enc = r.quick?.enc ?? "aes";
    const p2 = P2_ENC[enc];
    if (p2 === undefined) throw new GenerateError(`illegal transform ${enc}`);
    [transformId, keyLen2] = p2;
    encPart = `${transformId}${keyLen2 ? keyLen2.split(",")[0] : ""}`;
    // ike.c: hmac-sha2-256 by default, except for an AEAD transform and for `null` (needauth = 0)
    auth = ENC_INFO[enc].noAuth ? undefined : (r.quick?.auth ?? (enc === "null" ? undefined : "hmac-sha2-256"));
  }
  if (stops["quick.auth"]) throw new GenerateError(`illegal transform ${stops["quick.auth"]}`);
  const xf2 = `phase2-transform-${p2name}-${encPart}-${auth ? HASH[auth] : "NONE"}-${p2group ?? "NONE"}-${mode}`;
  set(`[phase2-protocol-${p2name}]:Transforms=${xf2}`);
  set(`[${xf2}]:TRANSFORM_ID=${transformId}`);
  if (keyLen2) set(`[${xf2}]:KEY_LENGTH=${keyLen2}`);
  set(`[${xf2}]:ENCAPSULATION_MODE=${mode}`);
  if (auth) set(`[${xf2}]:AUTHENTICATION_ALGORITHM=HMAC_${HASH[auth]}`);
  if (p2group) set(`[${xf2}]:GROUP_DESCRIPTION=${p2group}`);
  life(set, xf2, r.quick?.lifetime, "LIFE_QUICK_MODE");

  // phase 2 identities
  const idSections: [IpsecAddress, string][] = [[s, p2lid], ...(nat && p2nid ? [[nat, p2nid] as [IpsecAddress, string]] : []), [d, p2rid]];
  for (const [a, id] of idSections) {
    const v6 = fam === 6;
    if (a.kind === "ip" && isHost(a)) {
      set(`[${id}]:ID-type=${v6 ? "IPV6_ADDR" : "IPV4_ADDR"}`);
      set(`[${id}]:Address=${idAddress(a)}`);
    } else if (a.kind === "name") {
      // host_if/host_dns give a host address whose name is the word as written: ike.c prints it as is
      set(`[${id}]:ID-type=${v6 ? "IPV6_ADDR" : "IPV4_ADDR"}`);
      set(`[${id}]:Address=${a.name}`);
    } else {
      const net: IpsecAddress & { kind: "ip" } =
        a.kind === "ip" ? a : { kind: "ip", address: v6 ? "::" : "0.0.0.0", prefix: 0 };
      set(`[${id}]:ID-type=${v6 ? "IPV6_ADDR_SUBNET" : "IPV4_ADDR_SUBNET"}`);
      set(`[${id}]:Network=${idAddress(net)}`);
      set(`[${id}]:Netmask=${netmaskOf(net)}`);
    }
  }
  if (proto !== undefined) {
    set(`[${p2lid}]:Protocol=${proto}`);
    set(`[${p2rid}]:Protocol=${proto}`);
  }
  if (r.from.port) set(`[${p2lid}]:Port=${r.from.port}`);
  if (r.to.port) set(`[${p2rid}]:Port=${r.to.port}`);
  out.push(`C add [Phase 2]:${r.mode === "passive" ? "Passive-Connections" : "Connections"}=${p2name}`);
}

function life(set: (l: string) => void, xf: string, seconds: number | undefined, dflt: string): void {
  // lt_seconds is a C int, and -1 is parse.y's "none written": `lifetime -1` (or a value that wraps to it) is the default
  if (seconds === undefined || (seconds | 0) === -1) {
    set(`[${xf}]:Life=${dflt}`);
    return;
  }
  set(`[${xf}]:Life=${xf}-life`);
  set(`[${xf}-life]:LIFE_TYPE=SECONDS`);
  set(`[${xf}-life]:LIFE_DURATION=${seconds | 0}`);
}

/**
 * A manual SA rule's printed SAs with the `[bundle …]` line each adds after it (add_sabundle, in expand_rule's order:
 * each pair's SA, then its reverse). `st` is one rule as loaded (interfaces resolved), `written` the rule as written:
 * an interface keeps its name as the addresses' name.
 */
function withBundles(st: SaRule, written: SaRule, lines: readonly string[], bundles: SaBundles): string[] {
  if (st.bundle === undefined) return [...lines];
  const sas = sasOfSaRule(st);
  const name = (w: IpsecAddress, a: IpsecAddress) => (w.kind === "name" ? w.name : idName(a, familyOf(a) ?? 4));
  return lines.flatMap((line, i) => {
    const sa = sas[i]!;
    const reverse = st.spi.in ? i % 2 === 1 : false;
    const names = reverse ? { src: name(written.to, sa.from), dst: name(written.from, sa.to) } : { src: name(written.from, sa.from), dst: name(written.to, sa.to) };
    const link = bundles.add(sa, names, st.bundle!);
    return link === undefined ? [line] : [line, link];
  });
}

/** Prints one loaded rule the way `ipsecctl -nv` does; returns stdout lines and stderr lines. */
function printRule(s: IpsecStatement, hostname: string, stops: GenerateStops = {}, warnings: (pair: number) => string[] = () => [], showKeys = false): { stdout: string[]; stderr: string[] } {
  switch (s.type) {
    case "flow":
      return { stdout: flowsOfFlowRule(s).map(formatFlow), stderr: [] };
    case "sa":
    case "tcpmd5":
      return { stdout: formatConfiguredSa(s, { showKeys }), stderr: [] };
    case "ike": {
      const stdout: string[] = [];
      const stderr: string[] = [];
      for (const [pair, [src, dst, fam]] of expandPairs(s.from.addresses, s.to.addresses).entries()) {
        // expand_rule: set_rule_peers() warns of this pair, then ipsecctl_add_rule() prints it
        stderr.push(...warnings(pair));
        try {
          ikeGenConfig(s, src, dst, fam, stdout, hostname, stops);
        } catch (e) {
          if (!(e instanceof GenerateError)) throw e;
          stderr.push(`ipsecctl: ${e.message}`);
        }
      }
      return { stdout, stderr };
    }
  }
}

/**
 * A manual SA whose reverse SA expand_rule refuses: the rule's earlier problems and the refusal (yyerror), its
 * first forward SA (loaded, and printed with -v, before the reverse one is made), then ipsecctl stops with
 * errx(1, "sarule: expand_rule"): nothing after this rule is read.
 */
function expandRuleErrx(item: ParsedItem, opts: IpsecctlNvOptions, stdout: string[], stderr: string[], join: (l: string[]) => string): { stdout: string; stderr: string; rc: number } {
  for (const p of item.problems) if ((p.effect === "soft" || p.effect === "hard" || p.effect === "errx" || p.effect === "stderr") && !p.quiet) stderr.push(p.effect === "stderr" ? p.text : `${p.file}: ${p.ipsecctlLine}: ${p.text}`);
  if (item.kind === "rule" && (item.statement.type === "sa" || item.statement.type === "tcpmd5")) {
    const first = (opts.interfaces ? resolveInterfaces(item.statement, opts.interfaces) : [item.statement])[0]!;
    if (opts.verbose) stdout.push(printRule(first, opts.hostname ?? "localhost", {}, undefined, opts.showKeys).stdout[0]!);
    stderr.push(`ipsecctl: ${item.statement.type === "tcpmd5" ? "tcpmd5rule" : "sarule"}: expand_rule`);
  }
  return { stdout: join(stdout), stderr: join(stderr), rc: 1 };
}

/** expand_rule's refusal of a rule whose interface or group names resolve to addresses of no common family. */
function interfacePairProblem(s: IpsecStatement, ifs: readonly HostIfInterface[]): string | undefined {
  const lists = s.type === "flow" || s.type === "ike" ? [s.from.addresses, s.to.addresses] : s.type === "sa" || s.type === "tcpmd5" ? [[s.from], [s.to]] : undefined;
  if (!lists || !lists.flat().some((a) => a?.kind === "name")) return undefined;
  const [from, to] = lists.map((l) => l.flatMap((a) => (a?.kind === "name" ? (hostIf(a.name, ifs) ?? [a]) : [a])));
  return pairProblem(from!, to!) ?? (s.type === "flow" ? interfaceNoPeer(s, ifs) : undefined);
}

/**
 * set_rule_peers() of a flow without a peer, over the addresses host_if gave its interface and group names (in the
 * host's order: lo0's ::1 before 127.0.0.1) and expand_any's 0.0.0.0/0 then ::/0: `no peer specified for
 * destination NAME` when the first pair's remote end is no host, NAME the destination's name (an interface's is
 * the interface's). Later pairs are left to the model's check, which also knows what the earlier ones printed.
 */
function interfaceNoPeer(s: FlowRule, ifs: readonly HostIfInterface[]): string | undefined {
  if (s.peer !== undefined || s.flowType === "deny" || s.flowType === "bypass") return undefined;
  const isIf = (name: string) => ifs.some((i) => i.name === name || (i.groups ?? []).includes(name));
  const nodes = (l: readonly IpsecAddress[]) =>
    l.flatMap((a): { a: IpsecAddress; fam: 4 | 6; name: string }[] => {
      if (a.kind === "any") return ([4, 6] as const).map((fam) => ({ a, fam, name: printAddress(a, fam) }));
      if (a.kind === "name") return isIf(a.name) ? (hostIf(a.name, ifs) ?? []).map((r) => ({ a: r, fam: familyOf(r) ?? 4, name: a.name })) : [];
      return [{ a, fam: familyOf(a) ?? 4, name: a.written ?? formatAddress(a) }];
    });
  const src = nodes(s.from.addresses);
  const dst = nodes(s.to.addresses);
  for (const x of src)
    for (const d of dst) {
      if (x.fam !== d.fam) continue;
      const remote = s.direction === "in" ? x : d;
      return remote.a.kind !== "any" && isHost(remote.a) ? undefined : `no peer specified for destination ${d.name}`;
    }
  return undefined;
}

/** `ipsecctl -n[v] -f FILE` on `text`: OpenBSD's stdout, stderr and exit status. */
export function ipsecctlNv(text: string, file: string, opts: IpsecctlNvOptions = {}): { stdout: string; stderr: string; rc: number } {
  // no DNS in the double: a name is an interface or group of the host, or host() fails on it as ipsecctl reads it
  const ifs = opts.interfaces;
  const items = parseIpsecConfDetailed(text, file, { include: opts.include, defines: opts.defines, ...(ifs ? { resolves: (name: string) => hostIf(name, ifs) !== undefined, family: (name: string) => { const first = hostIf(name, ifs)?.[0]; return first && familyOf(first); } } : {}) });
  const stdout: string[] = [];
  const stderr: string[] = [];
  const join = (l: string[]) => l.map((x) => (x.endsWith(NO_EOL) ? x.slice(0, -NO_EOL.length) : `${x}\n`)).join("");
  let errors = 0;
  const bundles = new SaBundles();
  const warnings = defaultPeerWarnings(items, { verbose: opts.verbose === true, hostname: opts.hostname ?? "localhost" });
  for (const [index, item] of items.entries()) {
    if (item.kind === "macro" && opts.verbose) stdout.push(`${item.name} = "${item.value}"`);
    const warned = warnings.filter((w) => w.item === index);
    if (item.problems.some((p) => p.effect === "errx")) return expandRuleErrx(item, opts, stdout, stderr, join);
    // expand_rule's validate_af on the addresses host_if gave the rule's interface and group names (lint cannot
    // know them; the host can), before its other checks (set_rule_peers: `no peer specified`): the rule is not
    // loaded. Only a rule that reached expand_rule: no action before it failed.
    const statement = item.kind === "rule" || item.kind === "dropped" ? item.statement : undefined;
    const reached = !item.problems.some((p) => (p.effect === "hard" || p.effect === "fatal") && !p.noRecovery);
    const refused = statement && ifs && reached ? interfacePairProblem(statement, ifs) : undefined;
    for (const p of item.problems) {
      if (refused && p.noRecovery) continue;
      if (p.effect === "stderr") {
        if (!p.quiet) stderr.push(p.text);
        continue;
      }
      if (p.effect === "fatal") {
        // after an action's YYERROR yacc discards the rest of the line: the err() is never reached
        if (p.quiet) continue;
        stderr.push(`ipsecctl: ${p.text}${p.noErrno ? "" : ": Inappropriate ioctl for device"}`);
        return { stdout: join(stdout), stderr: join(stderr), rc: 1 };
      }
      if (p.effect === "soft" || p.effect === "hard") {
        if (p.quiet) {
          errors++;
          continue;
        }
        stderr.push(`${p.file}: ${p.ipsecctlLine}: ${p.text}`);
        errors++;
      }
    }
    // expand_rule added (and printed) the pairs before the one it refused
    const loaded = item.kind === "dropped" && !refused ? item.problems.find((p) => p.loadedPairs)?.loadedPairs : undefined;
    if (loaded && opts.verbose && statement?.type === "flow") stdout.push(...loadedPairFlows(statement, loaded));
    if (refused) {
      stderr.push(`${file}: ${item.kind === "rule" ? item.line : item.problems.find((p) => p.noRecovery)?.ipsecctlLine}: ${refused}`);
      errors++;
      continue;
    }
    // set_rule_peers' yywarns (the file still loads): with -v each pair's before the rule it prints, where the pairs
    // printed are the ones warned of
    const warn = (w: DefaultPeerWarning) => `${file}: ${w.line}: ${w.text}`;
    const statements = item.kind === "rule" ? (opts.interfaces ? resolveInterfaces(item.statement, opts.interfaces) : [item.statement]) : [];
    const st0 = statements[0];
    const interleave = opts.verbose && statements.length === 1 && st0?.type === "ike" && item.kind === "rule" && item.statement.type === "ike" &&
      expandPairs(st0.from.addresses, st0.to.addresses).length === expandPairs(item.statement.from.addresses, item.statement.to.addresses).length;
    if (!interleave) for (const w of warned) stderr.push(warn(w));
    if (item.kind === "rule" && opts.verbose) {
      const stops: GenerateStops = {};
      for (const p of item.problems) {
        const m = /^illegal (?:transform|satype) (\S+)$/.exec(p.text);
        if (p.effect === "generate" && m && p.field && (p.field === "satype" || NULL_XF_WORDS.has(m[1]!))) stops[p.field] = m[1];
      }
      for (const st of statements) {
        const printed = printRule(st, opts.hostname ?? "localhost", stops, interleave ? (pair) => warned.filter((w) => w.pair === pair).map(warn) : undefined, opts.showKeys);
        stdout.push(...(st.type === "sa" && item.statement.type === "sa" ? withBundles(st, item.statement, printed.stdout, bundles) : printed.stdout));
        stderr.push(...printed.stderr);
      }
    }
  }
  if (errors > 0) {
    stderr.push("ipsecctl: Syntax error in config file: ipsec rules not loaded");
    return { stdout: join(stdout), stderr: join(stderr), rc: 1 };
  }
  // a rule whose reverse SAs share their IN keys: ipsecctl aborts when it frees its rules at the end (SIGABRT)
  const abort = items.flatMap((i) => i.problems).find((p) => p.effect === "abort");
  if (abort) return { stdout: join(stdout), stderr: join([...stderr, `ipsecctl in free(): double free (${abort.text.replace(/:.*/, "")})`]), rc: 134 };
  return { stdout: join(stdout), stderr: join(stderr), rc: 0 };
}

/** The flows of a flow rule's first `pairs` address pairs, as expand_rule adds them before it refuses a later one. */
function loadedPairFlows(st: FlowRule, pairs: number): string[] {
  return expandPairs(st.from.addresses, st.to.addresses).slice(0, pairs).flatMap(([s, d]) =>
    flowsOfFlowRule({ ...st, from: { ...st.from, addresses: [s] }, to: { ...st.to, addresses: [d] } }).map(formatFlow));
}
