/**
 * Bad inputs (issue 11, "Bad input"): one mistake each on the guide's valid topology, grouped by class,
 * with the exact message a user must see. Shared by the unit table (through Pulumi's mocks) and the
 * end-to-end test (through the real engine's `pulumi preview`).
 *
 * `s` is a suffix appended to every resource name so cases can share one process.
 */
import * as pulumi from "@pulumi/pulumi";
import * as openbsd from "pulumi-openbsd";

/** A syntactically valid pinned host key (never contacted: preview makes no connection). */
export const HOST_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOiTE7+GTIvAgiHL8gWqtrDRhmHr6ugaoJ5R9CA1VeGy";
export const PSK = "204931646879ae1265a7d0437a51cc08fe8d7484";
export const SHAREDKEY = "0x" + "ab".repeat(32);

export type BadClass = "injection" | "silently wrong" | "messages";

export interface BadCase {
  /** What the user got wrong. */
  name: string;
  class: BadClass;
  /** Declares the topology with the mistake. */
  build(k: Kit): void;
  /** The whole message, for suffix `s`. */
  message(s: string): string;
}

/** Builders of the guide's topology (seeds/000), each overridable. */
export class Kit {
  constructor(readonly s: string) {}
  conn(host: string): openbsd.ConnectionArgs {
    return { host, privateKey: pulumi.secret(`-----BEGIN OPENSSH PRIVATE KEY-----\n${host}\n`), hostKey: HOST_KEY };
  }
  gw1(over: Partial<openbsd.GatewayArgs> = {}): openbsd.Gateway {
    return new openbsd.Gateway(`gw1${this.s}`, { connection: this.conn("169.254.0.1"), external: { interface: "em1", address: "192.0.2.153" }, internal: { interface: "em0", network: "172.16.0.0/24" }, ...over });
  }
  gw2(over: Partial<openbsd.GatewayArgs> = {}): openbsd.Gateway {
    return new openbsd.Gateway(`gw2${this.s}`, { connection: this.conn("169.254.0.3"), external: { interface: "em1", address: "192.0.123.85" }, internal: { interface: "em0", network: "192.168.15.0/24" }, ...over });
  }
  tunnel(over: Partial<openbsd.SiteToSiteTunnelArgs> = {}, gws?: [openbsd.Gateway | openbsd.CarpPair, openbsd.Gateway]): openbsd.SiteToSiteTunnel {
    // ends given in `over` replace the guide's gateways (which are then not declared)
    const [a, b] = gws ?? (over.left || over.right ? [undefined, undefined] : [this.gw1(), this.gw2()]);
    return new openbsd.SiteToSiteTunnel(`net1-net2${this.s}`, { left: a, right: b, psk: PSK, ...over } as openbsd.SiteToSiteTunnelArgs);
  }
  member(name: string, em0: string, em1: string): openbsd.Gateway {
    return new openbsd.Gateway(`${name}${this.s}`, { connection: this.conn(`169.254.1.${em0.split(".")[3]}`), external: { interface: "em1", address: em1 }, internal: { interface: "em0", address: `${em0}/24` } });
  }
  carp(over: Partial<openbsd.CarpPairArgs> = {}, segOver: Partial<openbsd.CarpSegmentArgs> = {}, members?: [openbsd.Gateway, openbsd.Gateway], name = "gw1"): openbsd.CarpPair {
    const [a, b] = members ?? [this.member("gw1a", "172.16.0.2", "192.0.2.154"), this.member("gw1b", "172.16.0.3", "192.0.2.155")];
    return new openbsd.CarpPair(`${name}${this.s}`, {
      members: [{ gateway: a, advskew: 0, syncAddress: "172.16.0.2" }, { gateway: b, advskew: 100, syncAddress: "172.16.0.3" }],
      segments: [
        { interface: "carp1", carpdev: "em0", address: "172.16.0.1/24", vhid: 1, password: "p1", ...segOver },
        { interface: "carp2", carpdev: "em1", address: "192.0.2.153/24", vhid: 2, password: "p2" },
      ],
      sharedkey: SHAREDKEY,
      ...over,
    } as openbsd.CarpPairArgs);
  }
  gif(over: Partial<openbsd.GifTunnelArgs> = {}, left: Partial<openbsd.GifEndArgs> = {}): openbsd.GifTunnel {
    const a = this.gw1();
    const b = this.gw2();
    return new openbsd.GifTunnel(`gif${this.s}`, {
      left: { gateway: a, interface: "gif0", inner: "10.9.0.1", ...left },
      right: { gateway: b, interface: "gif0", inner: "10.9.0.2" },
      ...over,
    } as openbsd.GifTunnelArgs);
  }
}

const G1 = (s: string) => `Gateway "gw1${s}"`;
const T = (s: string) => `SiteToSiteTunnel "net1-net2${s}"`;
const P = (s: string) => `CarpPair "gw1${s}"`;
const L = (s: string) => `GifTunnel "gif${s}"`;
const IFACE = "not an interface name (driver letters then a unit number; netstart skips any other /etc/hostname.IF); write e.g. `em0`, `carp1`, `gif0`";
const CARP_SHELL = "holds a character the shell interprets: netstart `eval`s each line of /etc/hostname.carpN as root; use letters, digits and `_.,:@%+=-`, e.g. `openssl rand -hex 8`";
const PSK_QUOTE = "holds a quote, backslash or whitespace, which the quoted `psk` word of ipsec.conf/iked.conf cannot hold; use letters, digits and punctuation without `\"` and `\\`, e.g. `openssl rand -hex 20`";
const FLAGS = "flags are words of letters, digits and `_.,:/=+@%-` separated by single spaces (rc.conf.local is read by the shell); give plain flags, e.g. `-v -d`";
const ANCHOR = "an anchor name is letters, digits, `_`, `.` and `-`, starting with a letter or digit (it is also the file /etc/pf.anchors/NAME); choose e.g. `web` or `web.v2`";

export const BAD_INPUTS: BadCase[] = [
  // ---------------------------------------------------------------- injection: every string reaches a file or a shell
  { class: "injection", name: "newline + `!` line in a CARP password", build: (k) => k.carp({}, { password: "p1\n!reboot" }), message: (s) => `${P(s)}: segments[0].password = (secret): holds a newline (\\n): netstart runs each line of /etc/hostname.carpN through the shell as root; use letters, digits and \`_.,:@%+=-\`, e.g. \`openssl rand -hex 8\`` },
  { class: "injection", name: "`;` in a CARP password", build: (k) => k.carp({}, { password: "p1;reboot" }), message: (s) => `${P(s)}: segments[0].password = (secret): ${CARP_SHELL}` },
  { class: "injection", name: "command substitution in a CARP password", build: (k) => k.carp({}, { password: "$(reboot)" }), message: (s) => `${P(s)}: segments[0].password = (secret): ${CARP_SHELL}` },
  { class: "injection", name: "backquote in a CARP password", build: (k) => k.carp({}, { password: "`reboot`" }), message: (s) => `${P(s)}: segments[0].password = (secret): ${CARP_SHELL}` },
  { class: "injection", name: "a CARP password starting with `!`", build: (k) => k.carp({}, { password: "!reboot" }), message: (s) => `${P(s)}: segments[0].password = (secret): ${CARP_SHELL}` },
  { class: "injection", name: "a quote in a CARP password", build: (k) => k.carp({}, { password: 'p1"x' }), message: (s) => `${P(s)}: segments[0].password = (secret): ${CARP_SHELL}` },
  { class: "injection", name: "a blank in a CARP password", build: (k) => k.carp({}, { password: "p1 x" }), message: (s) => `${P(s)}: segments[0].password = (secret): ${CARP_SHELL}` },
  { class: "injection", name: "`#` in a CARP password", build: (k) => k.carp({}, { password: "p1#x" }), message: (s) => `${P(s)}: segments[0].password = (secret): ${CARP_SHELL}` },
  { class: "injection", name: "U+202E in a CARP password", build: (k) => k.carp({}, { password: "p1\u202ex" }), message: (s) => `${P(s)}: segments[0].password = (secret): holds a bidirectional override (U+202E): netstart runs each line of /etc/hostname.carpN through the shell as root; use letters, digits and \`_.,:@%+=-\`, e.g. \`openssl rand -hex 8\`` },
  { class: "injection", name: "newline in a PSK", build: (k) => k.tunnel({ psk: `${PSK}\nike esp from any to any` }), message: (s) => `${T(s)}: psk = (secret): holds a newline (\\n); use printable ASCII, e.g. \`openssl rand -hex 20\`` },
  { class: "injection", name: "a quote in a PSK", build: (k) => k.tunnel({ psk: `${PSK}" peer any` }), message: (s) => `${T(s)}: psk = (secret): ${PSK_QUOTE}` },
  { class: "injection", name: "a backslash in a PSK", build: (k) => k.tunnel({ psk: `${PSK}\\` }), message: (s) => `${T(s)}: psk = (secret): ${PSK_QUOTE}` },
  { class: "injection", name: "NUL in a PSK", build: (k) => k.tunnel({ psk: `${PSK}\0x` }), message: (s) => `${T(s)}: psk = (secret): holds a NUL byte (\\0); use printable ASCII, e.g. \`openssl rand -hex 20\`` },
  { class: "injection", name: "U+202E in a PSK", build: (k) => k.tunnel({ psk: `${PSK}\u202e` }), message: (s) => `${T(s)}: psk = (secret): holds a bidirectional override (U+202E); use printable ASCII, e.g. \`openssl rand -hex 20\`` },
  { class: "injection", name: "carriage return in a per-end PSK", build: (k) => k.tunnel({ left: { gateway: k.gw1(), psk: `${PSK}\r` }, right: k.gw2() }), message: (s) => `${T(s)}: left.psk = (secret): holds a carriage return (\\r); use printable ASCII, e.g. \`openssl rand -hex 20\`` },
  { class: "injection", name: "newline + `!` line in an extra interface name (hostname.if file name)", build: (k) => k.gw1({ extraInterfaces: [{ interface: "lo1\n!reboot", addresses: ["10.0.0.1/32"] }] }), message: (s) => `${G1(s)}: extraInterfaces[0].interface = lo1\\n!reboot: holds a newline (\\n), which an interface name cannot hold safely; give a driver name and unit number, e.g. \`em0\`` },
  { class: "injection", name: "`;` in the internal interface", build: (k) => k.gw1({ internal: { interface: "em0;reboot", network: "172.16.0.0/24" } }), message: (s) => `${G1(s)}: internal.interface = em0;reboot: ${IFACE}` },
  { class: "injection", name: "`!` as the external interface", build: (k) => k.gw1({ external: { interface: "!reboot", address: "192.0.2.153" } }), message: (s) => `${G1(s)}: external.interface = !reboot: ${IFACE}` },
  { class: "injection", name: "two words in a pf skip interface", build: (k) => k.gw1({ pf: { skip: ["enc0 }  pass all"] } }), message: (s) => `${G1(s)}: pf.skip[0] = enc0 }  pass all: ${IFACE}` },
  { class: "injection", name: "newline in a sysctl value", build: (k) => k.gw1({ sysctls: { "net.inet.ip.mforwarding": "1\nnet.inet.ip.forwarding=0" } }), message: (s) => `${G1(s)}: sysctls["net.inet.ip.mforwarding"] = 1\\nnet.inet.ip.forwarding=0: holds a newline (\\n), which /etc/sysctl.conf cannot hold safely; give one word such as \`1\`` },
  { class: "injection", name: "a comment in a sysctl value", build: (k) => k.gw1({ sysctls: { "net.inet.ip.mforwarding": "1#x" } }), message: (s) => `${G1(s)}: sysctls["net.inet.ip.mforwarding"] = 1#x: a sysctl value is one word of letters, digits and \`_.,:/+-\` (no spaces, \`#\` starts a comment); give e.g. \`1\`` },
  { class: "injection", name: "a sysctl name with `=`", build: (k) => k.gw1({ sysctls: { "net.inet.ip.forwarding=0 kern": "1" } }), message: (s) => `${G1(s)}: sysctls["net.inet.ip.forwarding=0 kern"] = net.inet.ip.forwarding=0 kern: not a sysctl MIB name; use a dotted MIB such as \`net.inet.ip.forwarding\`` },
  { class: "injection", name: "`;` in a service name", build: (k) => k.gw1({ services: { "ntpd;reboot": {} } }), message: (s) => `${G1(s)}: services.ntpd;reboot = ntpd;reboot: not an rc.d service name (lower-case letters, digits and \`_\`, not starting with a digit); use the rc.d script's name, e.g. \`ntpd\`` },
  { class: "injection", name: "`;` in service flags", build: (k) => k.gw1({ services: { ntpd: { flags: "-s; reboot" } } }), message: (s) => `${G1(s)}: services.ntpd.flags = -s; reboot: ${FLAGS}` },
  { class: "injection", name: "command substitution in service flags", build: (k) => k.gw1({ services: { ntpd: { flags: "$(reboot)" } } }), message: (s) => `${G1(s)}: services.ntpd.flags = $(reboot): ${FLAGS}` },
  { class: "injection", name: "newline in service flags (as an Output)", build: (k) => k.gw1({ services: { ntpd: { flags: pulumi.output("-s\nreboot") } } }), message: (s) => `${G1(s)}: services.ntpd.flags = -s\\nreboot: holds a newline (\\n), which /etc/rc.conf.local (sourced by the shell) cannot hold safely; give plain flags, e.g. \`-v\`` },
  { class: "injection", name: "a quote in srcid", build: (k) => k.tunnel({ left: { gateway: k.gw1(), srcid: 'gw1" psk "x' }, right: k.gw2() }), message: (s) => `${T(s)}: left.srcid = gw1" psk "x: an identity is an FQDN, \`user@fqdn\` or an address (letters, digits and \`_.:@/+=,-\`, at most 255 bytes); write e.g. \`gw1.example.org\`` },
  { class: "injection", name: "a blank in a tag", build: (k) => k.tunnel({ left: { gateway: k.gw1(), tag: "net1 pass" }, right: k.gw2() }), message: (s) => `${T(s)}: left.tag = net1 pass: a tag is letters, digits, \`_\`, \`.\` and \`-\` (it is written unquoted in ipsec.conf, iked.conf and pf.conf); choose e.g. \`net1-to-net2\`` },
  { class: "injection", name: "a path in an anchor name", build: (k) => { const g = k.gw1(); new openbsd.PfAnchor(`a${k.s}`, { gateway: g, name: "../../etc/rc", rules: "pass" }); }, message: (s) => `PfAnchor "a${s}": name = ../../etc/rc: ${ANCHOR}` },
  { class: "injection", name: "an anchor name pfctl reserves", build: (k) => { const g = k.gw1(); new openbsd.PfAnchor(`a${k.s}`, { gateway: g, name: "_x", rules: "pass" }); }, message: (s) => `PfAnchor "a${s}": name = _x: pfctl reserves anchor names beginning with \`_\` for internal use; drop the \`_\`, e.g. \`x\`` },
  { class: "injection", name: "a bidi override in an anchor name, echoed escaped", build: (k) => { const g = k.gw1(); new openbsd.PfAnchor(`a${k.s}`, { gateway: g, name: "web\u202etxt.exe", rules: "pass" }); }, message: (s) => `PfAnchor "a${s}": name = web\\u202etxt.exe: holds a bidirectional override (U+202E), which pf.conf cannot hold safely; use letters, digits, \`_\`, \`.\` and \`-\`` },
  { class: "injection", name: "`;` in the SSH host", build: (k) => k.gw1({ connection: k.conn("169.254.0.1;reboot") }), message: (s) => `${G1(s)}: connection.host = 169.254.0.1;reboot: not a host name or address; give e.g. \`192.0.2.153\` or \`gw1.example.org\`` },
  { class: "injection", name: "`!` after a blank in a carpdev", build: (k) => k.carp({}, { carpdev: "em0 !reboot" }), message: (s) => `${P(s)}: segments[0].carpdev = em0 !reboot: ${IFACE}` },
  { class: "injection", name: "`;` in the pfsync syncdev", build: (k) => k.carp({ pfsync: { syncdev: "em2;reboot" } }), message: (s) => `${P(s)}: pfsync.syncdev = em2;reboot: ${IFACE}` },
  { class: "injection", name: "newline + `!` line in a gif inner address", build: (k) => k.gif({}, { inner: "10.9.0.1\n!reboot" }), message: (s) => `${L(s)}: left.inner = 10.9.0.1\\n!reboot: holds a newline (\\n), which an address cannot hold safely; write an address, e.g. \`192.0.2.153/24\`` },
  { class: "injection", name: "command after a sasyncd peer address", build: (k) => { const a = k.member("gw1a", "172.16.0.2", "192.0.2.154"); const b = k.member("gw1b", "172.16.0.3", "192.0.2.155"); new openbsd.CarpPair(`gw1${k.s}`, { members: [{ gateway: a, advskew: 0, syncAddress: "172.16.0.2\nsharedkey 0x00" }, { gateway: b, advskew: 100, syncAddress: "172.16.0.3" }], segments: [{ interface: "carp2", carpdev: "em1", address: "192.0.2.153/24", vhid: 2 }], sharedkey: SHAREDKEY }); }, message: (s) => `${P(s)}: members[0].syncAddress = 172.16.0.2\\nsharedkey 0x00: holds a newline (\\n), which an address cannot hold safely; write an IP address, e.g. \`192.0.2.1\`` },
  { class: "injection", name: "newline in dstid", build: (k) => k.tunnel({ left: k.gw1(), right: { gateway: k.gw2(), dstid: "gw1\nike esp from any to any" } }), message: (s) => `${T(s)}: right.dstid = gw1\\nike esp from any to any: holds a newline (\\n), which ipsec.conf/iked.conf cannot hold safely; give an FQDN, \`user@fqdn\` or an address` },
  { class: "injection", name: "`;` in the SSH user", build: (k) => k.gw1({ connection: { ...k.conn("169.254.0.1"), user: "root;reboot" } }), message: (s) => `${G1(s)}: connection.user = root;reboot: not a user name; give e.g. \`root\`` },
  { class: "injection", name: "newline in a gif tunnel PSK", build: (k) => k.gif({ ipsec: { keying: "ike", psk: `${PSK}\n` } }), message: (s) => `${L(s)}: ipsec.psk = (secret): holds a newline (\\n); use printable ASCII, e.g. \`openssl rand -hex 20\`` },

  // ---------------------------------------------------------------- silently wrong: accepted today, does something else
  { class: "silently wrong", name: "an address with two prefixes", build: (k) => k.gw1({ external: { interface: "em1", address: "192.0.2.153/24/8" } }), message: (s) => `${G1(s)}: external.address = 192.0.2.153/24/8: more than one prefix length; write one \`ADDRESS/LEN\`, e.g. \`192.0.2.153/24\`` },
  { class: "silently wrong", name: "an IPv6 literal in the IPv4 external address", build: (k) => k.gw1({ external: { interface: "em1", address: "2001:db8::1" } }), message: (s) => `${G1(s)}: external.address = 2001:db8::1: an IPv6 address where an IPv4 one is needed; give an IPv4 address, e.g. \`192.0.2.153/24\`` },
  { class: "silently wrong", name: "an IPv4 literal in the IPv6 external address", build: (k) => k.gw1({ external: { interface: "em1", address: "192.0.2.153", address6: "192.0.2.1" } }), message: (s) => `${G1(s)}: external.address6 = 192.0.2.1: an IPv4 address where an IPv6 one is needed; give an IPv6 address, e.g. \`2001:db8::1/64\`` },
  { class: "silently wrong", name: "an internal network with two prefixes", build: (k) => k.gw1({ internal: { interface: "em0", network: "172.16.0.0/24/8" } }), message: (s) => `${G1(s)}: internal.network = 172.16.0.0/24/8: more than one prefix length; write one \`ADDRESS/LEN\`, e.g. \`172.16.0.0/24\`` },
  { class: "silently wrong", name: "a prefix length out of range", build: (k) => k.gw1({ internal: { interface: "em0", network: "172.16.0.0/33" } }), message: (s) => `${G1(s)}: internal.network = 172.16.0.0/33: invalid netmask \`/33\`: a prefix length is 0–32; write e.g. \`172.16.0.0/24\`` },
  { class: "silently wrong", name: "a bad network on a gateway no tunnel uses yet", build: (k) => { k.gw1({ internal: { interface: "em0", network: "172.16.0.0/24x" } }); }, message: (s) => `${G1(s)}: internal.network = 172.16.0.0/24x: invalid netmask \`/24x\`: a prefix length is 0–32; write e.g. \`172.16.0.0/24\`` },
  { class: "silently wrong", name: "the internal interface is the external one", build: (k) => k.gw1({ internal: { interface: "em1", network: "172.16.0.0/24" } }), message: (s) => `${G1(s)}: internal.interface = em1: it is also the external interface: its hostname.if would renumber the egress; give each interface once: the internal one faces the protected network, e.g. \`em0\`` },
  { class: "silently wrong", name: "two internal entries on one interface", build: (k) => k.gw1({ internal: [{ interface: "em0", network: "172.16.0.0/24" }, { interface: "em0", network: "172.16.1.0/24" }] }), message: (s) => `${G1(s)}: internal[1].interface = em0: it is also internal[0].interface; give each interface once: the internal one faces the protected network, e.g. \`em0\`` },
  { class: "silently wrong", name: "a tunnel `ike` naming no daemon", build: (k) => k.tunnel({ ike: "ikev2" as "iked" }), message: (s) => `${T(s)}: ike = ikev2: not one of isakmpd, iked; use \`isakmpd\` or \`iked\`` },
  { class: "silently wrong", name: "a gateway `ike` naming no daemon", build: (k) => k.gw1({ ike: "IKED" as "iked" }), message: (s) => `${G1(s)}: ike = IKED: not one of isakmpd, iked; use \`isakmpd\` or \`iked\`` },
  { class: "silently wrong", name: "a gateway in two CarpPairs", build: (k) => { const a = k.member("gw1a", "172.16.0.2", "192.0.2.154"); const b = k.member("gw1b", "172.16.0.3", "192.0.2.155"); k.carp({}, {}, [a, b]); k.carp({}, { interface: "carp3", vhid: 3 }, [a, b], "gw3"); }, message: (s) => `CarpPair "gw3${s}": members[0].gateway = gw1a${s}: Gateway "gw1a${s}" is already a member of ${P(s)}: a gateway has one sasyncd.conf, the second pair would overwrite the first's; put each gateway in one CarpPair (share more addresses with more \`segments\`)` },
  { class: "silently wrong", name: "a 3-byte PSK", build: (k) => k.tunnel({ psk: "abc" }), message: (s) => `${T(s)}: psk = (secret): 3 bytes is too short to resist an offline guess; give at least 8 bytes, e.g. \`openssl rand -hex 20\`` },
  { class: "silently wrong", name: "a 1 MiB PSK", build: (k) => k.tunnel({ psk: "a".repeat(1 << 20) }), message: (s) => `${T(s)}: psk = (secret): 1048576 bytes: iked holds at most 1023 (IKED_PSK_SIZE, "psk too long"); give a shorter key, e.g. \`openssl rand -hex 32\`` },
  { class: "silently wrong", name: "a `0x` PSK that is not hex", build: (k) => k.tunnel({ psk: "0xnothexatall" }), message: (s) => `${T(s)}: psk = (secret): starts with \`0x\`, so isakmpd and iked read it as hex, but the rest is not hex digits; give hex digits after \`0x\` or a key not starting with \`0x\`` },
  { class: "silently wrong", name: "a negative vnetid", build: (k) => k.gif({ kind: "gre", vnetid: -1 }, { interface: "gre0" }), message: (s) => `${L(s)}: vnetid = -1: a gre vnetid is an integer in 0–4294967295; this is out of range; give an integer in 0–4294967295` },
  { class: "silently wrong", name: "an eoip vnetid beyond 16 bits", build: (k) => k.gif({ kind: "eoip", vnetid: 70000 }, { interface: "eoip0" }), message: (s) => `${L(s)}: vnetid = 70000: an eoip vnetid is an integer in 0–65535; this is out of range; give an integer in 0–65535` },
  { class: "silently wrong", name: "a vnetid on a gif tunnel", build: (k) => k.gif({ vnetid: 5 }), message: (s) => `${L(s)}: vnetid = 5: a gif tunnel has no vnetid; remove \`vnetid\` (it is for gre and eoip)` },
  { class: "silently wrong", name: "pf skip not an interface", build: (k) => k.gw1({ pf: { skip: ["enc"] } }), message: (s) => `${G1(s)}: pf.skip[0] = enc: ${IFACE}` },
  { class: "silently wrong", name: "a tunnel network with two prefixes", build: (k) => k.tunnel({ left: { gateway: k.gw1(), networks: ["172.16.0.0/24/8"] }, right: k.gw2() }), message: (s) => `${T(s)}: left.networks[0] = 172.16.0.0/24/8: more than one prefix length; write one \`ADDRESS/LEN\`, e.g. \`172.16.0.0/24\`` },
  { class: "silently wrong", name: "a peer with a prefix", build: (k) => k.tunnel({ left: { gateway: k.gw1(), peer: "192.0.123.85/24" }, right: k.gw2() }), message: (s) => `${T(s)}: left.peer = 192.0.123.85/24: a host address takes no prefix length; write \`192.0.123.85\`` },
  { class: "silently wrong", name: "a vhid out of range", build: (k) => k.carp({}, { vhid: 256 }), message: (s) => `${P(s)}: segments[0].vhid = 256: a vhid is an integer in 1–255; this is out of range; choose a vhid in 1–255, unique on the segment` },
  { class: "silently wrong", name: "an advskew out of range", build: (k) => { const a = k.member("gw1a", "172.16.0.2", "192.0.2.154"); const b = k.member("gw1b", "172.16.0.3", "192.0.2.155"); new openbsd.CarpPair(`gw1${k.s}`, { members: [{ gateway: a, advskew: 255, syncAddress: "172.16.0.2" }, { gateway: b, syncAddress: "172.16.0.3" }], segments: [{ interface: "carp2", carpdev: "em1", address: "192.0.2.153/24", vhid: 2 }], sharedkey: SHAREDKEY }); }, message: (s) => `${P(s)}: members[0].advskew = 255: advskew is an integer in 0–254; this is out of range; use 0 for the master and e.g. 100 for the backup` },
  { class: "silently wrong", name: "a CARP password longer than carp keeps", build: (k) => k.carp({}, { password: "a".repeat(20) }), message: (s) => `${P(s)}: segments[0].password = (secret): 20 bytes: carp keeps 19 (CARP_KEY_LEN) and cuts the rest silently; give at most 19 characters, e.g. \`openssl rand -hex 8\`` },
  { class: "silently wrong", name: "a port out of range", build: (k) => k.tunnel({ policies: [{ proto: "tcp", port: 70000 }] }), message: (s) => `${T(s)}: policies[0].port = 70000: a port is an integer in 1–65535; this is out of range; give an integer in 1–65535` },
  { class: "silently wrong", name: "an unknown protocol", build: (k) => k.tunnel({ policies: [{ proto: "tcpx" }] }), message: (s) => `${T(s)}: policies[0].proto = tcpx: not an IP protocol of /etc/protocols; use e.g. \`tcp\`, \`udp\`, \`icmp\` or a number 1–255` },
  { class: "silently wrong", name: "an unknown end mode", build: (k) => k.tunnel({ left: { gateway: k.gw1(), mode: "dynamik" as "dynamic" }, right: k.gw2() }), message: (s) => `${T(s)}: left.mode = dynamik: not one of active, passive, dynamic; use \`active\`, \`passive\` or \`dynamic\`` },
  { class: "silently wrong", name: "an unknown satype", build: (k) => k.tunnel({ satype: "esp2" as "esp" }), message: (s) => `${T(s)}: satype = esp2: not one of esp, ah; use \`esp\` or \`ah\`` },
  { class: "silently wrong", name: "an IPv6 outer address on an IPv4 gif", build: (k) => k.gif({}, { outer: "2001:db8::1" }), message: (s) => `${L(s)}: left.outer = 2001:db8::1: an IPv6 address where an IPv4 one is needed; give an IPv4 address, e.g. \`192.0.2.1\`` },
  { class: "silently wrong", name: "a gif end on the egress interface", build: (k) => k.gif({}, { interface: "em1" }), message: (s) => `${L(s)}: left.interface = em1: it is Gateway "gw1${s}"'s external interface; use e.g. \`gif0\`` },
  { class: "silently wrong", name: "forwarding 3", build: (k) => k.gw1({ forwarding: { ipv4: 3 as 2 } }), message: (s) => `${G1(s)}: forwarding.ipv4 = 3: net.inet.ip.forwarding is an integer in 0–2; this is out of range; use 0, 1 (forward) or 2 (forward IPsec traffic only)` },
  { class: "silently wrong", name: "a CARP segment on a non-carp interface", build: (k) => k.carp({}, { interface: "em5" }), message: (s) => `${P(s)}: segments[0].interface = em5: not a carp interface; use \`carpN\`, e.g. \`carp1\`` },
  { class: "silently wrong", name: "a local address that is no address", build: (k) => k.tunnel({ left: { gateway: k.gw1(), local: "gw1.example.org" }, right: k.gw2() }), message: (s) => `${T(s)}: left.local = gw1.example.org: not an IP address; write e.g. \`192.0.2.1\`` },
  { class: "silently wrong", name: "a rollback delay too short to confirm", build: (k) => k.gw1({ rollbackSeconds: 1 }), message: (s) => `${G1(s)}: rollbackSeconds = 1: the rollback delay in seconds is an integer in 5–3600; this is out of range; give an integer in 5–3600` },
  { class: "silently wrong", name: "an extra address with two prefixes", build: (k) => k.gw1({ extraInterfaces: [{ interface: "lo1", addresses: ["10.0.0.1/24/8"] }] }), message: (s) => `${G1(s)}: extraInterfaces[0].addresses[0] = 10.0.0.1/24/8: more than one prefix length; write one \`ADDRESS/LEN\`, e.g. \`192.0.2.153/24\`` },
  { class: "silently wrong", name: "an SPI in the reserved range", build: (k) => k.tunnel({ psk: undefined, manual: { spi: { leftToRight: 5, rightToLeft: 0x1000 } } }), message: (s) => `${T(s)}: manual.spi.leftToRight = 5: an SPI is an integer in 256–4294967294; this is out of range; choose an SPI in 0x100–0xfffffffe (0–255 are reserved)` },
  { class: "silently wrong", name: "a keepalive count of 1", build: (k) => k.gif({ kind: "gre", keepalive: { period: 10, count: 1 } }, { interface: "gre0" }), message: (s) => `${L(s)}: keepalive.count = 1: a keepalive count is an integer in 2–255; this is out of range; give an integer in 2–255` },
  { class: "silently wrong", name: "a non-hex manual key on a gif link", build: (k) => k.gif({ ipsec: { keying: "manual", enckey: { leftToRight: "g".repeat(64), rightToLeft: "ab".repeat(32) } } }), message: (s) => `${L(s)}: ipsec.enckey.leftToRight = (secret): not hex: an aes key is written as hex digits 0-9 a-f; give 32–64 hex digits, e.g. from \`openssl rand -hex 32\`` },
  { class: "silently wrong", name: "a lifetime of 5 seconds", build: (k) => k.tunnel({ quick: { lifetime: 5 } }), message: (s) => `${T(s)}: quick.lifetime = 5: a lifetime in seconds is an integer in 60–604800; this is out of range; give an integer in 60–604800` },

  // ---------------------------------------------------------------- messages: the field as written, the right resource, a fix
  { class: "messages", name: "a tunnel without `left`", build: (k) => { const b = k.gw2(); new openbsd.SiteToSiteTunnel(`net1-net2${k.s}`, { right: b, psk: PSK } as unknown as openbsd.SiteToSiteTunnelArgs); }, message: (s) => `${T(s)}: left = (none): required; pass a Gateway or CarpPair (or \`{ gateway, … }\`)` },
  { class: "messages", name: "a tunnel end that is a name, not a Gateway", build: (k) => { const b = k.gw2(); new openbsd.SiteToSiteTunnel(`net1-net2${k.s}`, { left: "gw1" as unknown as openbsd.Gateway, right: b, psk: PSK }); }, message: (s) => `${T(s)}: left = string: not a Gateway or CarpPair; pass a Gateway or CarpPair declared in this program` },
  { class: "messages", name: "a gateway without `connection`", build: (k) => { new openbsd.Gateway(`gw1${k.s}`, { external: { interface: "em1", address: "192.0.2.153" } } as openbsd.GatewayArgs); }, message: (s) => `${G1(s)}: connection = (none): required; give \`{ host, privateKey, hostKey }\` (the SSH connection to the gateway)` },
  { class: "messages", name: "a gateway without `external`", build: (k) => { new openbsd.Gateway(`gw1${k.s}`, { connection: k.conn("169.254.0.1") } as openbsd.GatewayArgs); }, message: (s) => `${G1(s)}: external = (none): required; give the egress interface, e.g. \`external: { interface: "em1", address: "192.0.2.153" }\`` },
  { class: "messages", name: "a CarpPair with one member", build: (k) => { const a = k.member("gw1a", "172.16.0.2", "192.0.2.154"); new openbsd.CarpPair(`gw1${k.s}`, { members: [{ gateway: a, syncAddress: "172.16.0.2" }] as unknown as openbsd.CarpPairArgs["members"], segments: [], sharedkey: SHAREDKEY }); }, message: (s) => `${P(s)}: members = 1: a pair has exactly two members; pass two \`{ gateway, syncAddress }\`` },
  { class: "messages", name: "a CarpPair without `sharedkey`", build: (k) => k.carp({ sharedkey: undefined }), message: (s) => `${P(s)}: sharedkey = (none): required; give 64 hex digits, e.g. \`cfg.requireSecret("sasyncdKey")\` from \`openssl rand -hex 32\`` },
  { class: "messages", name: "a GifTunnel without `right`", build: (k) => { const a = k.gw1(); new openbsd.GifTunnel(`gif${k.s}`, { left: { gateway: a, interface: "gif0", inner: "10.9.0.1" } } as openbsd.GifTunnelArgs); }, message: (s) => `${L(s)}: right = (none): required; give \`{ gateway, interface, inner }\`` },
  { class: "messages", name: "a PfAnchor without `gateway`", build: (k) => { new openbsd.PfAnchor(`a${k.s}`, { rules: "pass" } as openbsd.PfAnchorArgs); }, message: (s) => `PfAnchor "a${s}": gateway = (none): not a Gateway; pass a Gateway declared in this program` },
  { class: "messages", name: "a bad internal network blames the Gateway's field, not the tunnel's", build: (k) => k.tunnel({}, [k.gw1({ internal: { interface: "em0", network: "172.16.0.0/240" } }), k.gw2()]), message: (s) => `${G1(s)}: internal.network = 172.16.0.0/240: invalid netmask \`/240\`: a prefix length is 0–32; write e.g. \`172.16.0.0/24\`` },
  { class: "messages", name: "overlapping gateways' networks blame their internal.network, not the tunnel", build: (k) => k.tunnel({}, [k.gw1(), k.gw2({ internal: { interface: "em0", network: "172.16.0.0/16" } })]), message: (s) => `${T(s)}, ${G1(s)}, Gateway "gw2${s}": ${G1(s)} internal.network, Gateway "gw2${s}" internal.network = 172.16.0.0/24, 172.16.0.0/16: the protected networks overlap: traffic between them would never enter the tunnel; renumber one side or narrow the networks` },
  { class: "messages", name: "a bad internal network in a list names its index", build: (k) => k.gw1({ internal: [{ interface: "em0", network: "172.16.0.0/24" }, { interface: "em2", network: "10.0.0.0/8/8" }] }), message: (s) => `${G1(s)}: internal[1].network = 10.0.0.0/8/8: more than one prefix length; write one \`ADDRESS/LEN\`, e.g. \`172.16.0.0/24\`` },
  { class: "messages", name: "a non-hex sharedkey is reported as not hex, not as a length", build: (k) => k.carp({ sharedkey: "zz".repeat(32) }), message: (s) => `${P(s)}: sharedkey = (secret): not hex: a sasyncd sharedkey (AES) is written as hex digits 0-9 a-f; give 32, 48 or 64 hex digits, e.g. from \`openssl rand -hex 32\`` },
  { class: "messages", name: "a short sharedkey names the sizes", build: (k) => k.carp({ sharedkey: "abcdef0123" }), message: (s) => `${P(s)}: sharedkey = (secret): 5 bytes; a sasyncd sharedkey (AES) is 16, 24 or 32 bytes; give 32, 48 or 64 hex digits, e.g. from \`openssl rand -hex 32\`` },
  { class: "messages", name: "a non-hex manual authkey is reported as not hex", build: (k) => k.tunnel({ psk: undefined, manual: { authkey: { leftToRight: "xy".repeat(32), rightToLeft: "ab".repeat(32) } } }), message: (s) => `${T(s)}: manual.authkey.leftToRight = (secret): not hex: a hmac-sha2-256 key is written as hex digits 0-9 a-f; give 64 hex digits, e.g. from \`openssl rand -hex 32\`` },
  { class: "messages", name: "a short manual enckey names its field as written", build: (k) => k.tunnel({ psk: undefined, manual: { enckey: { leftToRight: "ab".repeat(16), rightToLeft: "ab" } } }), message: (s) => `${T(s)}: manual.enckey.rightToLeft = (secret): 1 bytes; an aes key is 16–32 bytes; give 32–64 hex digits, e.g. from \`openssl rand -hex 32\`` },
  { class: "messages", name: "a bidi override in a field is echoed escaped", build: (k) => k.gw1({ external: { interface: "em1\u202e", address: "192.0.2.153" } }), message: (s) => `${G1(s)}: external.interface = em1\\u202e: holds a bidirectional override (U+202E), which an interface name cannot hold safely; give a driver name and unit number, e.g. \`em0\`` },
  { class: "messages", name: "an escape sequence in a field is echoed escaped", build: (k) => k.gw1({ pf: { skip: ["\u001b[2Jem0"] } }), message: (s) => `${G1(s)}: pf.skip[0] = \\u001b[2Jem0: holds an escape (\\u001b), which an interface name cannot hold safely; give a driver name and unit number, e.g. \`em0\`` },
  { class: "messages", name: "a PfAnchor named by its resource when it has no `name`", build: (k) => { const g = k.gw1(); new openbsd.PfAnchor(`web v2${k.s}`, { gateway: g, rules: "pass" }); }, message: (s) => `PfAnchor "web v2${s}": name (default: the resource name) = web v2${s}: ${ANCHOR}` },
  { class: "messages", name: "an anchor named `vpn`", build: (k) => { const g = k.gw1(); new openbsd.PfAnchor(`a${k.s}`, { gateway: g, name: "vpn", rules: "pass" }); }, message: (s) => `PfAnchor "a${s}": name = vpn: \`vpn\` is the anchor the tunnels' rules are generated into; choose another anchor name` },
  { class: "messages", name: "a typed pf rule's bad port names the tunnel end's field", build: (k) => k.tunnel({ left: { gateway: k.gw1(), rules: [{ kind: "filter", action: "pass", on: [], protos: ["tcp"], from: { hosts: [], ports: [] }, to: { hosts: [], ports: [{ op: "=", port: 70000 }] } }] }, right: k.gw2() }), message: (s) => `${T(s)}: left.rules[0].to.ports[0].port = 70000: port 70000 out of range; a port is an integer 0-65535; see pf.conf(5)` },
  { class: "messages", name: "two PfAnchors with one anchor name are named by resource", build: (k) => { const g = k.gw1(); new openbsd.PfAnchor(`web-a${k.s}`, { gateway: g, name: "web", rules: "pass" }); new openbsd.PfAnchor(`web-b${k.s}`, { gateway: g, name: "web", rules: "pass" }); }, message: (s) => `PfAnchor "web-b${s}", ${G1(s)}: name = web: two anchors of this gateway have this name; merge their rules or rename one` },
  { class: "messages", name: "a transform typo names the field as written", build: (k) => k.tunnel({ quick: { enc: "blowfsh" } }), message: (s) => `${T(s)}, ${G1(s)}, Gateway "gw2${s}": quick.enc = blowfsh: unknown transform; use one of 3des-cbc, aes, aes-128, aes-192, aes-256, aesctr, aes-128-ctr, aes-192-ctr, aes-256-ctr, aes-128-gcm, aes-192-gcm, aes-256-gcm, aes-128-gmac, aes-192-gmac, aes-256-gmac, blowfish, cast128, chacha20-poly1305, null` },
  // ---------------------------------------------------------------- issue 12: public keys and X.509
  { class: "injection", name: "a path in a public-key identity (it names pubkeys/fqdn/ID)", build: (k) => k.tunnel({ psk: undefined, auth: "publickey", left: { gateway: k.gw1(), srcid: "../../../etc/rc" }, right: k.gw2() }), message: (s) => `${T(s)}, ${G1(s)}, Gateway "gw2${s}": left.srcid = ../../../etc/rc: with public keys or certificates the identity names a file (pubkeys/TYPE/ID, certs/ID.crt) and a certificate's SubjectAltName: it cannot hold \`/\` or start or end with \`.\`; use an FQDN (\`gw1.example.org\`), \`user@fqdn\` or an address` },
  { class: "injection", name: "a path in a CertificateAuthority name (it names ca/NAME.crt)", build: (k) => { new openbsd.CertificateAuthority(`../ca${k.s}`, { keySeed: "0123456789abcdef0123" }); }, message: (s) => `CertificateAuthority "../ca${s}": name = ../ca${s}: the name is the file name of the CA certificate on the gateways (ca/NAME.crt); use letters, digits and \`_.-\`, starting with a letter or digit` },
  { class: "messages", name: "x509 without a CA", build: (k) => k.tunnel({ psk: undefined, auth: "x509" }), message: (s) => `${T(s)}: ca = (none): \`auth: "x509"\` needs the CertificateAuthority that issues the certificates; pass \`ca: new openbsd.CertificateAuthority("vpn-ca", { keySeed: cfg.requireSecret("caSeed") })\`` },
  { class: "messages", name: "a short CA key seed is refused without showing it", build: (k) => k.tunnel({ psk: undefined, auth: "x509", ca: new openbsd.CertificateAuthority(`ca${k.s}`, { keySeed: "short" }) }), message: (s) => `CertificateAuthority "ca${s}": keySeed = (secret): a key seed is a string of at least 16 characters; generate one with \`openssl rand -hex 32\` and keep it with \`pulumi config set --secret\`` },
  { class: "messages", name: "a CA validity that ends before it starts", build: (k) => { new openbsd.CertificateAuthority(`ca${k.s}`, { keySeed: "0123456789abcdef0123", notBefore: "2030-01-01T00:00:00Z", notAfter: "2029-01-01T00:00:00Z" }); }, message: (s) => `CertificateAuthority "ca${s}": notBefore, notAfter = 2030-01-01T00:00:00Z, 2029-01-01T00:00:00Z: the validity ends before it starts; give a notAfter later than notBefore` },
  { class: "messages", name: "a dstid that is not what the other end presents (public keys)", build: (k) => k.tunnel({ psk: undefined, auth: "publickey", left: { gateway: k.gw1(), dstid: "gw2.example.org" }, right: k.gw2() }), message: (s) => `${T(s)}, ${G1(s)}, Gateway "gw2${s}": left.dstid = gw2.example.org: Gateway "gw2${s}" presents the identity 192.0.123.85 (its address): phase 1 would fail with an unexpected ID; set left.dstid to 192.0.123.85, or set the other end's srcid to gw2.example.org` },
];
