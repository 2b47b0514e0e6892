/**
 * Random statements from the grammars of pf.conf, ipsec.conf and iked.conf, for scripts/grammar-fuzz.ts: each draws
 * the words a statement may hold in the grammar's order (options, hosts and lists, ports, pools, transforms, ids),
 * from realistic values and a few edge ones, so that OpenBSD accepts a useful share and refuses the rest for many
 * different reasons. Pure: every choice comes from the given random stream.
 */

/** A seeded stream and the picks built on it. */
export class Draw {
  constructor(private readonly r: () => number) {}
  pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.r() * xs.length)]!;
  }
  chance(p: number): boolean {
    return this.r() < p;
  }
  upTo(n: number): number {
    return 1 + Math.floor(this.r() * n);
  }
}

const V4 = ["10.0.0.1", "10.0.0.0/8", "192.0.2.0/24", "198.51.100.7", "203.0.113.0/25", "172.16.0.0/12", "0.0.0.0/0", "10.1.2.3/32", "192.0.2.128/25"];
const V6 = ["2001:db8::1", "2001:db8::/32", "fe80::1", "::1", "2001:db8:1::/48", "::/0"];
/** The oracle's and the lab's golden interfaces (test/unit/emu/harness.ts goldenInterfaces) and a group. */
const IFS = ["em0", "em1", "lo0", "carp1", "carp2", "egress"];

/** The tables every pf file of the fuzzer starts with (rules refer to them). */
export const PF_TABLES =
  'ext = "em1"\nnets = "{ 10.0.0.0/8, 192.0.2.0/24 }"\nweb = "{ 80 443 }"\n' +
  "table <t1> { 10.0.0.1, 2001:db8::1 }\ntable <pool> { 192.0.2.10, 192.0.2.11 }\ntable <bad> persist\ntable <goodguys> { 198.51.100.0/24 }\n";

function list(d: Draw, items: string[]): string {
  return items.length === 1 && d.chance(0.7) ? items[0]! : `{ ${items.join(d.chance(0.5) ? ", " : " ")} }`;
}

function pfHost(d: Draw): string {
  const k = d.upTo(100);
  const not = d.chance(0.15) ? "! " : "";
  if (k <= 45) return not + d.pick(V4);
  if (k <= 60) return not + d.pick(V6);
  if (k <= 72) return `${not}(${d.pick(IFS)}${d.pick(["", "", ":network", ":broadcast", ":peer", ":0"])})${d.pick(["", "", "/24", "/16"])}`;
  if (k <= 80) return `${not}${d.pick(IFS)}${d.pick(["", ":network", ":broadcast", ":0"])}${d.pick(["", "", "/24"])}`;
  if (k <= 88) return `${not}<${d.pick(["t1", "bad", "goodguys"])}>`;
  if (k <= 90) return d.pick(["self", "no-route", "urpf-failed", "any"]);
  if (k <= 91) return `${not}route ${d.pick(['"DTAG"', "a", '"0123456789abcdef0"'])}`;
  if (k <= 94) return `${not}${d.pick(["$nets", "($ext)", "$ext:network", "($ext:0)"])}`;
  return `${d.pick(V4.slice(0, 2))} - ${d.pick(["10.0.0.9", "10.0.0.255"])}`;
}

function pfPort(d: Draw): string {
  const k = d.upTo(100);
  if (k <= 40) return String(d.pick([22, 53, 80, 443, 500, 4500, 1024, 65535, 0]));
  if (k <= 52) return d.pick(["ssh", "domain", "www", "isakmp", "ipsec-nat-t", "https"]);
  if (k <= 55) return "$web";
  if (k <= 75) return `${d.pick(["=", "!=", "<", "<=", ">", ">="])} ${d.pick([22, 1024, 80, 0, 65535])}`;
  if (k <= 90) return `${d.pick([1000, 22, 6000])} ${d.pick(["<>", "><"])} ${d.pick([2000, 80, 6010])}`;
  return `${d.pick([1000, 22, 6000])}:${d.pick([2000, 80, 6010, "*"])}`;
}

function pfSide(d: Draw, dir: "from" | "to"): string {
  if (d.chance(0.12)) return "";
  const h = d.chance(0.15) ? "any" : list(d, Array.from({ length: d.upTo(3) }, () => pfHost(d)));
  return ` ${dir} ${h}${d.chance(0.4) ? ` port ${list(d, Array.from({ length: d.upTo(2) }, () => pfPort(d)))}` : ""}`;
}

function pfPool(d: Draw): string {
  const k = d.upTo(100);
  if (k <= 50) return d.pick(["192.0.2.5", "198.51.100.1", "10.9.9.9", "2001:db8::5"]);
  if (k <= 65) return `(${d.pick(["em0", "em1"])})`;
  if (k <= 75) return d.pick(["em0", "em1"]);
  if (k <= 85) return `{ ${Array.from({ length: d.upTo(3) }, () => `${d.pick(["192.0.2.5", "192.0.2.6", "10.9.9.9", "2001:db8::5"])}${d.chance(0.3) ? ` weight ${d.pick(["1", "8", "0", "65536"])}` : ""}`).join(", ")} }`;
  return `<${d.pick(["t1", "pool"])}>`;
}

function pfPoolOpts(d: Draw): string {
  const o: string[] = [];
  // a source-hash without a key draws a random one: give it, so that both sides print the same
  if (d.chance(0.2)) o.push(d.pick(["bitmask", "random", "source-hash 0x0123456789abcdef0123456789abcdef", "round-robin", "least-states"]));
  if (d.chance(0.15)) o.push("sticky-address");
  if (d.chance(0.15)) o.push("static-port");
  return o.length ? ` ${o.join(" ")}` : "";
}

/** One pf filter rule: action, direction, quick, interfaces, family, protocols, hosts, options, a translation. */
export function pfRule(d: Draw): string {
  const action = d.pick(["pass", "pass", "pass", "block", "match", "block return", "block drop", "block return-rst", "block return-icmp", "pass log", "pass log (all)", "block return-icmp (host-unr)", "block return-icmp6", "block return-rst (ttl 100)", "block return-icmp (3, port-unr)", "pass log (to pflog1)", "block log (all, user)"]);
  const p = [action];
  if (d.chance(0.5)) p.push(d.pick(["in", "out"]));
  if (d.chance(0.15) && action !== "match") p.push("quick");
  // an interface, or now and then a routing domain (`on rdomain N`: its own skip step; 256 is out of range)
  const item = () => (d.chance(0.12) ? `rdomain ${d.pick(["1", "2", "1", "256"])}` : d.pick(IFS));
  if (d.chance(0.5)) p.push(`on ${d.chance(0.2) ? "! " : ""}${d.chance(0.2) ? list(d, [item(), item()]) : d.chance(0.1) ? "$ext" : item()}`);
  if (d.chance(0.3)) p.push(d.pick(["inet", "inet6"]));
  if (d.chance(0.5)) p.push(`proto ${list(d, Array.from({ length: d.upTo(2) }, () => d.pick(["tcp", "udp", "icmp", "esp", "tcp", "ipv6-icmp", "gre", "6", "17"])))}`);
  const hosts = (pfSide(d, "from") + pfSide(d, "to")).trim();
  p.push(hosts === "" ? (d.chance(0.5) ? "all" : "") : hosts);
  p.push(...pfOptions(d));
  if (action.startsWith("pass") || action === "match") p.push(pfTranslation(d, action.startsWith("pass")));
  return p.filter(Boolean).join(" ");
}

/** A rule's filter options (a pass/block/match rule's, or an anchor rule's: pfctl reads the same list on both). */
function pfOptions(d: Draw): string[] {
  const p: string[] = [];
  const opt = (chance: number, text: () => string) => void (d.chance(chance) && p.push(text()));
  opt(0.15, () => `flags ${d.pick(["S/SA", "any", "S/SAFR", "/SA", "SA/SA"])}`);
  opt(0.1, () => `icmp-type ${d.pick(["echoreq", "unreach", "echorep code 0", "3 code 1", "{ echoreq unreach }", "unreach code needfrag", "timex"])}`);
  opt(0.06, () => `icmp6-type ${d.pick(["echoreq", "neighbrsol", "{ routersol routeradv }", "unreach code noroute-unr", "toobig", "129"])}`);
  opt(0.05, () => `! tagged ${d.pick(["T1", "VPN"])}`);
  opt(0.05, () => `tos ${d.pick(["0x10", "lowdelay", "8", "0x100"])}`);
  opt(0.15, () => d.pick(["no state", "keep state", "modulate state", "synproxy state", "keep state (max 100)", "keep state (sloppy, pflow)", "keep state (source-track rule, max-src-states 3)"]));
  opt(0.1, () => `tag ${d.pick(["T1", "VPN"])}`);
  opt(0.1, () => `tagged ${d.pick(["T1", "VPN"])}`);
  opt(0.1, () => `label "${d.pick(["$if", "$srcaddr:$dstport", "x", "$proto-$dstaddr", "$nr", "$srcport-$dstport", "$dstaddr $nr"])}"`);
  opt(0.08, () => `set prio ${d.pick(["3", "(1, 6)", "7"])}`);
  opt(0.08, () => `set tos ${d.pick(["lowdelay", "0x10", "throughput", "8"])}`);
  opt(0.04, () => `set ${d.pick(["delay 20", "(prio 2, delay 0)", "delay 70000", "(delay 5, delay 6)"])}`);
  opt(0.06, () => `max-pkt-rate ${d.pick(["100/10", "1/1"])}`);
  // (rtable 0 only: another table's existence is the host's)
  opt(0.06, () => "rtable 0");
  opt(0.06, () => "allow-opts");
  opt(0.06, () => `scrub (${d.pick(["no-df", "max-mss 1440", "random-id", "no-df, max-mss 1400", "reassemble tcp"])})`);
  opt(0.05, () => "once");
  opt(0.05, () => `divert-to 127.0.0.1 port ${d.pick(["8080", "ssh"])}`);
  opt(0.04, () => d.pick(["divert-reply", "divert-packet port 700", "divert-packet port 0", "divert-packet port ssh"]));
  opt(0.05, () => `received-on ${d.pick(["em0", "! em1", "egress", "rdomain 1", "! rdomain 300"])}`);
  opt(0.05, () => `prio ${d.pick(["0", "3", "7"])}`);
  opt(0.04, () => `probability ${d.pick(["50%", "0.5%", "100%", "33.3%"])}`);
  // (names both the oracle's Linux and OpenBSD know: `wheel` is OpenBSD's group 0, Debian's is `root`)
  opt(0.05, () => (d.chance(0.5) ? `user ${d.pick(["root", "nobody", "0", "> 1000", "1 >< 100", "{ root nobody }"])}` : `group ${d.pick(["0", "> 1000", "1 >< 100", "{ 0 5 }"])}`));
  opt(0.05, () => `keep state (${d.pick(["max-src-conn 10, max-src-conn-rate 5/10, overload <bad> flush global", "source-track global, max-src-nodes 5", "max-src-conn 10, overload <bad>", "if-bound, no-sync", "tcp.established 600, udp.first 20"])})`);
  opt(0.04, () => "fragment");
  return p;
}

/** A pass or match rule's translation or route (none in two draws of five); `afTo`: af-to may be drawn (not on anchors: outside the model). */
function pfTranslation(d: Draw, pass: boolean, afTo = true): string {
  const k = d.upTo(100);
  if (k <= 20) return `nat-to ${pfPool(d)}${d.chance(0.3) ? ` port ${d.pick(["1024:65535", "5000", "*"])}` : ""}${pfPoolOpts(d)}`;
  if (k <= 35) return `rdr-to ${pfPool(d)}${d.chance(0.3) ? ` port ${d.pick(["8080", "8000:*", "2000:2010"])}` : ""}${pfPoolOpts(d)}`;
  if (k <= 45) return `binat-to ${d.pick(["192.0.2.5", "198.51.100.0/24", "2001:db8::5", "(em1)"])}`;
  if (k <= 55 && pass) return `${d.pick(["route-to", "reply-to", "dup-to"])} ${d.pick(["192.0.2.1", "(em1 192.0.2.1)", "{ 192.0.2.1, 192.0.2.2 }", "em1", "2001:db8::1"])}${pfPoolOpts(d)}`;
  if (k <= 60 && afTo) return `af-to ${d.pick(["inet", "inet6"])} from ${d.pick(["192.0.2.5", "2001:db8::5", "(em1)"])}${d.chance(0.4) ? ` to ${d.pick(["198.51.100.5", "2001:db8::9"])}` : ""}`;
  return "";
}

/** One pf.conf statement: mostly rules, and options, tables, antispoof, brace anchors; with `queues`, queue trees too. */
export function pfStatement(d: Draw, queues = false): string {
  if (queues && d.chance(0.5)) return d.chance(0.4) ? pfQueueTree(d) : pfQueueRule(d);
  const k = d.upTo(100);
  if (k <= 60) return pfRule(d);
  if (k <= 72)
    return d.pick([
      "set limit states 1000", "set limit { states 2000, frags 100 }", "set block-policy return", "set state-policy if-bound", "set skip on { lo0 enc0 }",
      "set optimization normal", "set timeout { udp.first 20, icmp.error 5 }", "set loginterface em0", "set reassemble yes no-df", "set syncookies adaptive (start 25%, end 12%)",
      "set debug warning", "set hostid 1", "set ruleset-optimization basic", "set ruleset-optimization none", "set state-defaults pflow", "set state-defaults no-sync, sloppy",
      "set limit table-entries 100000", "set limit { src-nodes 100, tables 10 }", "set timeout interval 10", "set timeout frag 30", "set timeout { tcp.first 120, adaptive.start 6000, adaptive.end 12000 }",
      "set limit pktdelay_pkts 100", "set reassemble no", "set block-policy drop", "set optimization aggressive", "set skip on $ext", "set loginterface none", "set debug 3",
    ]);
  if (k <= 80) return `table <${d.pick(["t2", "t3", "peers"])}> ${d.pick(["", "persist", "const", "counters"])} { ${Array.from({ length: d.upTo(3) }, () => `${d.pick([...V4, "!10.0.0.5", "em0", "self", "2001:db8::/32"])}${d.chance(0.2) ? ` weight ${d.pick(["2", "0"])}` : ""}`).join(" ")} }`;
  if (k <= 88) return `antispoof${d.chance(0.3) ? " log" : ""}${d.chance(0.3) ? " quick" : ""} for ${d.chance(0.5) ? d.pick(IFS) : `{ ${d.pick(IFS)} ${d.pick(IFS)} }`}${d.chance(0.3) ? ` ${d.pick(["inet", "inet6"])}` : ""}`;
  // an anchor rule takes the filter options too (pfctl refuses state and routing there, and drops translations)
  const words = [
    "anchor", d.chance(0.7) ? `"${d.pick(["a", "vpn", "a/b"])}"` : "", d.chance(0.4) ? d.pick(["in", "out"]) : "", d.chance(0.4) ? `on ${d.chance(0.2) ? `rdomain ${d.pick(["0", "2", "256"])}` : d.pick(IFS)}` : "",
    d.chance(0.15) ? `proto ${d.pick(["tcp", "udp", "icmp", "{ tcp udp }"])}` : "", d.chance(0.3) ? `from ${d.pick(V4)}` : "",
    ...(d.chance(0.4) ? pfOptions(d) : []), d.chance(0.05) ? pfTranslation(d, false, false) : "",
  ];
  const head = `${words.filter(Boolean).join(" ")} `;
  if (d.chance(0.25)) return head.trimEnd();
  return `${head}{\n  ${Array.from({ length: d.upTo(3) }, () => pfRule(d)).join("\n  ")}\n}`;
}

function pfQueueTree(d: Draw): string {
  const bw = () => d.pick(["10M", "5M", "1M", "100K", "2G", "50M", "3%", "50%", "0"]);
  const root = d.pick(["root", "wan"]);
  const lines = [`queue ${root} on ${d.pick(["em0", "em1"])} bandwidth ${bw()}${d.chance(0.3) ? `, max ${bw()}` : ""}${d.chance(0.2) ? ` flows ${d.pick(["1024", "0", "32768"])}` : ""}`];
  let def = false;
  for (let i = 0; i < d.upTo(4); i++) {
    const isDefault: boolean = !def && d.chance(0.5);
    def ||= isDefault;
    lines.push(`queue ${d.pick(["bulk", "voice", "ctl", "std"])}${i} parent ${d.chance(0.85) ? root : "bulk0"} bandwidth ${bw()}${d.chance(0.3) ? `, min ${bw()}` : ""}${d.chance(0.2) ? `, max ${bw()}${d.chance(0.3) ? " burst 2M for 100ms" : ""}` : ""}${isDefault ? " default" : ""}`);
  }
  return lines.join("\n");
}

function pfQueueRule(d: Draw): string {
  return `${d.pick(["pass", "match"])} ${d.pick(["out", "in"])} on ${d.pick(["em0", "em1"])} proto ${d.pick(["tcp", "udp"])} to port ${d.pick(["22", "5060"])} set queue ${d.pick(["bulk0", "voice1", "(bulk0, ctl1)", "nosuch", "root"])}`;
}

const PEERS4 = ["192.0.2.1", "198.51.100.2", "203.0.113.9", "any"];
const PEERS6 = ["2001:db8::2", "2001:db8::9"];
const ID = ["fqdn:gw.example.com", "ufqdn:vpn@example.com", "10.0.0.1", "2001:db8::1", '"asn1dn/C=US/CN=gw"', "gw.example.com"];

function ipsecHost(d: Draw, six: boolean): string {
  const k = d.upTo(100);
  if (k <= 75) return d.pick(six ? V6.filter((a) => a !== "::1") : [...V4, "any", "192.168.1.0/24"]);
  if (k <= 85) return d.pick(IFS);
  // a list's hosts may carry a NAT network each (`{ 10.1.0.0/24 (192.168.50.0/24), … }`), of either family
  const nat = () => (d.chance(0.2) ? ` (${d.pick(six ? ["2001:db8:99::/64", "192.168.50.0/24"] : ["192.168.50.0/24", "192.168.51.1", "2001:db8:99::/64"])})` : "");
  if (k <= 92) return `{ ${Array.from({ length: d.upTo(3) }, () => `${d.pick(six ? V6 : V4)}${nat()}`).join(", ")} }`;
  return d.pick(["any", "dynamic"]);
}

function ipsecHosts(d: Draw, six: boolean): string {
  if (d.chance(0.08)) return "from any to any";
  const port = () => (d.chance(0.15) ? ` port ${d.pick(["22", "500", "isakmp", "www", "1024", "0"])}` : "");
  return `from ${ipsecHost(d, six)}${port()} to ${ipsecHost(d, six)}${port()}`;
}

const AUTH = ["hmac-md5", "hmac-sha1", "hmac-ripemd160", "hmac-sha2-256", "hmac-sha2-384", "hmac-sha2-512"];

function hex(d: Draw, n: number): string {
  return Array.from({ length: n }, () => d.pick([..."0123456789abcdef"])).join("");
}

/** One ipsec.conf rule: an ike rule, a flow or a manually keyed SA. */
export function ipsecRule(d: Draw): string {
  const six = d.chance(0.2);
  const k = d.upTo(100);
  const enc = () => d.pick(["3des", "aes", "aes-128", "aes-192", "aes-256", "aesctr", "aes-128-ctr", "aes-256-ctr", "aes-128-gcm", "aes-256-gcm", "aes-128-gmac", "blowfish", "cast128", "null", "chacha20-poly1305"]);
  const group = () => d.pick(["modp768", "modp1024", "modp1536", "modp2048", "modp3072", "modp4096", "ecp256", "ecp384", "ecp521", "curve25519", "none", "grp14"]);
  const p: string[] = [];
  const opt = (chance: number, text: () => string) => void (d.chance(chance) && p.push(text()));
  if (k <= 55) {
    p.push("ike");
    opt(0.5, () => d.pick(["dynamic", "passive", "active"]));
    // route-based (sec(4)): `interface secN` instead of satype, mode and selectors (and no tag)
    const iface = d.chance(0.15);
    if (iface) p.push(`interface ${d.pick(["sec0", "sec1", "sec12", "sec", "em0", "sec-1", "sec4294967296"])}`);
    else {
      opt(0.5, () => d.pick(["esp", "ah"]));
      opt(0.4, () => d.pick(["tunnel", "transport"]));
      opt(0.15, () => `proto ${d.pick(["tcp", "udp", "icmp", "gre", "6"])}`);
      p.push(ipsecHosts(d, six));
    }
    opt(0.5, () => `local ${d.pick(six ? PEERS6 : PEERS4)}`);
    opt(0.8, () => `peer ${d.pick(six ? PEERS6 : PEERS4)}`);
    const phase = (name: string) => [name, ...[d.chance(0.6) ? `auth ${d.pick(AUTH)}` : "", d.chance(0.6) ? `enc ${enc()}` : "", d.chance(0.5) ? `group ${group()}` : "", d.chance(0.3) ? `lifetime ${d.pick(["3600", "1h", "30m", "2d"])}` : ""].filter(Boolean)].join(" ");
    if (d.chance(0.4)) p.push(phase("main"));
    else opt(0.1, () => `aggressive auth ${d.pick(AUTH)}`);
    opt(0.4, () => phase("quick"));
    opt(0.3, () => `srcid ${d.pick(ID)}`);
    opt(0.3, () => `dstid ${d.pick(ID)}`);
    const a = d.upTo(100);
    if (a <= 50) p.push(`psk "${d.pick(["secret", "x", "a b", "s3cr3t-long-key"])}"`);
    else if (a <= 65) p.push("rsa");
    opt(iface ? 0.02 : 0.1, () => `tag ${d.pick(["T1", "vpn-tag"])}`);
  } else if (k <= 80) {
    p.push("flow");
    opt(0.6, () => d.pick(["esp", "ah", "ipip", "ipcomp"]));
    opt(0.5, () => d.pick(["in", "out"]));
    opt(0.15, () => `proto ${d.pick(["tcp", "udp", "icmp", "17"])}`);
    p.push(ipsecHosts(d, six));
    opt(0.3, () => `local ${d.pick(six ? PEERS6 : PEERS4)}`);
    opt(0.7, () => `peer ${d.pick(six ? PEERS6 : PEERS4)}`);
    opt(0.2, () => `srcid ${d.pick(ID)}`);
    opt(0.2, () => `dstid ${d.pick(ID)}`);
    opt(0.4, () => `type ${d.pick(["use", "acquire", "require", "dontacq", "bypass", "deny"])}`);
  } else {
    const proto = d.pick(["esp", "ah", "ipcomp", "ipip", "tcpmd5"]);
    p.push(proto);
    if (proto !== "tcpmd5") opt(0.4, () => d.pick(["tunnel", "transport"]));
    p.push(`from ${d.pick(six ? PEERS6 : PEERS4.slice(0, 3))} to ${d.pick(six ? PEERS6 : PEERS4.slice(0, 3))}`);
    p.push(`spi 0x${hex(d, 8)}${d.chance(0.3) ? `:0x${hex(d, 8)}` : ""}`);
    if (proto === "esp" || proto === "ah") {
      opt(0.7, () => `auth ${d.pick(AUTH)}`);
      if (proto === "esp") opt(0.7, () => `enc ${enc()}`);
      p.push(`authkey 0x${hex(d, d.pick([32, 40, 64, 96, 128]))}`);
      if (proto === "esp") p.push(`enckey 0x${hex(d, d.pick([16, 32, 40, 48, 64]))}`);
    } else if (proto === "tcpmd5") p.push(`authkey 0x${hex(d, 32)}`);
    // SA bundles: a few names, so that rules of one file group (add_sabundle); on tcpmd5 a syntax error
    opt(0.3, () => `bundle ${d.pick(["b1", "b2", '"b 3"', "5"])}`);
  }
  return p.join(" ");
}

/** One iked.conf statement: mostly ikev2 policies, and `set` options and users. */
export function ikedStatement(d: Draw): string {
  // RADIUS lines (servers, retries, the attribute map, DAE), valid and not
  if (d.chance(0.08)) {
    const acct = d.chance(0.3) ? "accounting " : "";
    return d.pick([
      `radius ${acct}server ${d.pick(["192.0.2.10", "2001:db8::10", "radius.example.com", "10.1"])}${d.chance(0.4) ? ` port ${d.pick(["1812", "70000", "radius-acct", "nosuch"])}` : ""} secret "${d.pick(["s3cret", "a b"])}"`,
      `radius ${acct}max-tries ${d.pick(["3", "0", "-1"])}`, `radius ${acct}max-failovers ${d.pick(["0", "2", "-1"])}`,
      `radius config ${d.pick(["", "inet ", "inet6 "])}${d.pick(["address", "netmask", "name-server", "net", "none", "protected-subnet", "nosuch"])} ${d.pick(["8", "0 8", "0x137 28", "16777216 8", "0 256", "0x1g 8", "abc"])}`,
      `radius dae listen on ${d.pick(["0.0.0.0", "::1", "any", "localhost"])}${d.chance(0.3) ? " port 3799" : ""}`, `radius dae client ${d.pick(["192.0.2.11", "gw"])} secret "d"`,
    ]);
  }
  if (d.chance(0.15))
    return d.pick(["set dpd_check_interval 30", "set fragmentation", "set nofragmentation", "set mobike", "set nomobike", "set vendorid", "set enforcesingleikesa", "set stickyaddress", "set passive", "set active", "set couple", "set decouple", 'user "alice" "secret"',
      "set novendorid", "set noenforcesingleikesa", "set nostickyaddress", "set cert_partial_chain", "set ocsp \"http://ocsp.example.com/\"", "set ocsp \"http://ocsp.example.com/\" tolerate 60", "set radius server 192.0.2.9 secret \"x\"", 'user "bob" "a b"']);
  const six = d.chance(0.2);
  const p = ["ikev2"];
  const opt = (chance: number, text: () => string) => void (d.chance(chance) && p.push(text()));
  const enc = () => d.pick(["3des", "aes-128", "aes-256", "aes-128-ctr", "aes-128-gcm", "aes-256-gcm", "aes-128-gcm-12", "chacha20-poly1305", "null", "cast", "blowfish"]);
  const group = () => d.pick(["modp1024", "modp2048", "modp3072", "ecp256", "ecp384", "curve25519", "sntrup761x25519", "mlkem768x25519", "none", "grp14"]);
  opt(0.4, () => `"${d.pick(["s2s", "vpn", "a b"])}"`);
  opt(0.6, () => d.pick(["active", "passive"]));
  opt(0.2, () => d.pick(["ipcomp", "transport", "tunnel"]));
  opt(0.4, () => d.pick(["esp", "ah"]));
  opt(0.2, () => d.pick(["inet", "inet6"]));
  opt(0.15, () => `proto ${d.pick(["tcp", "udp", "icmp", "gre", "{ tcp udp }"])}`);
  p.push(ipsecHosts(d, six));
  opt(0.5, () => `local ${d.pick(six ? PEERS6 : PEERS4)}`);
  opt(0.7, () => `peer ${d.pick(six ? PEERS6 : PEERS4)}`);
  const sa = (name: string) => [name, ...[d.chance(0.6) ? `auth ${d.pick(AUTH)}` : "", d.chance(0.6) ? `enc ${enc()}` : "", name === "ikesa" && d.chance(0.5) ? `prf ${d.pick(AUTH)}` : "", d.chance(0.5) ? `group ${group()}` : ""].filter(Boolean)].join(" ");
  opt(0.5, () => sa("ikesa"));
  opt(0.1, () => sa("ikesa"));
  opt(0.4, () => sa("childsa") + (d.chance(0.2) ? ` ${d.pick(["esn", "noesn"])}` : ""));
  opt(0.08, () => `ikelifetime ${d.pick(["86400", "1h", "10m", "0"])}`);
  opt(0.06, () => `rdomain ${d.pick(["0", "1"])}`);
  opt(0.05, () => `iface ${d.pick(["enc0", "lo0", "em0"])}`);
  opt(0.3, () => `srcid ${d.pick(ID)}`);
  opt(0.3, () => `dstid ${d.pick(ID)}`);
  opt(0.1, () => `lifetime ${d.pick(["3600", "1h"])}${d.chance(0.4) ? ` bytes ${d.pick(["10M", "1G"])}` : ""}`);
  const a = d.upTo(100);
  if (a <= 45) p.push(`psk "${d.pick(["secret", "x", "a b"])}"`);
  else if (a <= 55) p.push(d.pick(["rsa", "ecdsa256", "rfc7427", "signature"]));
  else if (a <= 60) p.push(`eap "${d.pick(["mschap-v2", "radius"])}"`);
  opt(0.1, () => `config address ${d.pick(["10.9.0.0/24", "2001:db8:9::/64"])}`);
  opt(0.08, () => `config ${d.pick(["netmask 255.255.255.0", "name-server 192.0.2.53", "access-server 192.0.2.1", "protected-subnet 10.0.0.0/8", "dhcp-server 192.0.2.67", "name-server 2001:db8::53"])}`);
  opt(0.05, () => `request ${d.pick(["address any", "name-server any", "address 10.0.0.1"])}`);
  opt(0.1, () => `tag ${d.pick(["T1", '"vpn tag"'])}`);
  opt(0.08, () => `tap ${d.pick(["enc0", "enc1", "enc007"])}`);
  return p.join(" ");
}
