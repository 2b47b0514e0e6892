/**
 * A second, independent set of bad inputs (issue 11, hidden-tester pass): one mistake each on a valid
 * topology, over every component and every field a user can set, in the three classes of the issue.
 * Shared by the unit table (through Pulumi's mocks) and a batched end-to-end preview.
 *
 * `s` is a suffix appended to every resource name so cases can share one process.
 */
import * as pulumi from "@pulumi/pulumi";
import * as openbsd from "pulumi-openbsd";
import { Kit, PSK, type BadClass } from "./bad-inputs";

/** The guide's topology plus the other VPNs, each overridable. */
export class HKit extends Kit {
  /** Guide's two gateways with a mistake in one of gw1's arguments. */
  g(over: Record<string, unknown>): openbsd.Gateway {
    return this.gw1(over as Partial<openbsd.GatewayArgs>);
  }
  /** A gateway whose arguments the case writes completely (for missing/wrong-typed fields). */
  raw(args: unknown, name = "gw1"): openbsd.Gateway {
    return new openbsd.Gateway(`${name}${this.s}`, args as openbsd.GatewayArgs);
  }
  /** The guide's CARP pair with mistakes written as plain JavaScript would. */
  cp(over: Record<string, unknown> = {}, seg: Record<string, unknown> = {}): openbsd.CarpPair {
    return this.carp(over as Partial<openbsd.CarpPairArgs>, seg as Partial<openbsd.CarpSegmentArgs>);
  }
  /** The guide's gif link with mistakes written as plain JavaScript would. */
  gi(over: Record<string, unknown> = {}, left: Record<string, unknown> = {}): openbsd.GifTunnel {
    return this.gif(over as Partial<openbsd.GifTunnelArgs>, left as Partial<openbsd.GifEndArgs>);
  }
  end(over: Record<string, unknown>): openbsd.TunnelEndArgs {
    return { gateway: this.gw1(), ...over } as openbsd.TunnelEndArgs;
  }
  t(over: Record<string, unknown>): openbsd.SiteToSiteTunnel {
    return this.tunnel(over as Partial<openbsd.SiteToSiteTunnelArgs>);
  }
  wg(over: Record<string, unknown> = {}, left: Record<string, unknown> = {}): openbsd.WireGuardTunnel {
    const a = this.gw1();
    const b = this.gw2();
    return new openbsd.WireGuardTunnel(`wg${this.s}`, {
      left: { gateway: a, interface: "wg0", inner: "10.9.0.1/24", ...left },
      right: { gateway: b, interface: "wg0", inner: "10.9.0.2/24" },
      ...over,
    } as openbsd.WireGuardTunnelArgs);
  }
  mesh(over: Record<string, unknown> = {}, first: Record<string, unknown> = {}): openbsd.WireGuardMesh {
    const a = this.gw1();
    const b = this.gw2();
    return new openbsd.WireGuardMesh(`mesh${this.s}`, {
      members: [
        { gateway: a, inner: "10.9.0.1/24", ...first },
        { gateway: b, inner: "10.9.0.2/24" },
      ],
      ...over,
    } as openbsd.WireGuardMeshArgs);
  }
  ssh(over: Record<string, unknown> = {}, client: Record<string, unknown> = {}, server: Record<string, unknown> = {}): openbsd.SshTunnel {
    const a = this.gw1();
    const b = this.gw2();
    return new openbsd.SshTunnel(`sshtun${this.s}`, {
      client: { gateway: a, interface: "tun0", inner: "172.16.2.1/30", ...client },
      server: { gateway: b, interface: "tun0", inner: "172.16.2.2/30", ...server },
      ...over,
    } as openbsd.SshTunnelArgs);
  }
  ovpn(over: Record<string, unknown> = {}, left: Record<string, unknown> = {}): openbsd.OpenVpnTunnel {
    const a = this.gw1();
    const b = this.gw2();
    return new openbsd.OpenVpnTunnel(`ovpn${this.s}`, {
      left: { gateway: a, interface: "tun0", inner: "10.8.0.1", ...left },
      right: { gateway: b, interface: "tun0", inner: "10.8.0.2" },
      ...over,
    } as openbsd.OpenVpnTunnelArgs);
  }
  tinc(over: Record<string, unknown> = {}, first: Record<string, unknown> = {}): openbsd.TincNetwork {
    const a = this.gw1();
    const b = this.gw2();
    return new openbsd.TincNetwork(`tinc${this.s}`, {
      netname: "vpn",
      members: [
        { gateway: a, name: "gw1", inner: "10.10.0.1/24", ...first },
        { gateway: b, name: "gw2", inner: "10.10.0.2/24" },
      ],
      ...over,
    } as openbsd.TincNetworkArgs);
  }
  anchor(over: Record<string, unknown>): openbsd.PfAnchor {
    const g = this.gw1();
    return new openbsd.PfAnchor(`anc${this.s}`, { gateway: g, name: "web", rules: "pass in proto tcp to port 80", ...over } as openbsd.PfAnchorArgs);
  }
  ca(over: Record<string, unknown>): openbsd.CertificateAuthority {
    return new openbsd.CertificateAuthority(`ca${this.s}`, { keySeed: "0123456789abcdef0123", ...over } as openbsd.CertificateAuthorityArgs);
  }
  /** An x509 tunnel whose CA has the mistake (a CA alone is never planned). */
  x509(over: Record<string, unknown>): openbsd.SiteToSiteTunnel {
    return this.tunnel({ psk: undefined, auth: "x509", ca: this.ca(over) });
  }
}

export interface HostileCase {
  name: string;
  class: BadClass;
  build(k: HKit): void;
  /** The whole message, for suffix `s`; undefined while exploring. */
  message?(s: string): string;
}

/** The secret values the cases give (none may appear in a message). */
export const SECRETS = ["YMl9M1y1Jm7F8qN0u0G2pGJj0qK7v6z7p3mYxk4v5Fw=", "not-a-key", "c2hvcnQ=", "garbage", "1234567", "            ", "0123456789abcdef0123", PSK, "ab".repeat(32)];
const sec = (v: string) => pulumi.secret(v);

export const HOSTILE: HostileCase[] = [
  // ------------------------------------------------------------------ Gateway
  { class: "injection", name: "NUL in the external interface", build: (k) => k.g({ external: { interface: "em1\0", address: "192.0.2.153" } }), message: (s) => `Gateway "gw1${s}": external.interface = em1\\0: holds a NUL byte (\\0), which an interface name cannot hold safely; give a driver name and unit number, e.g. \`em0\`` },
  { class: "injection", name: "zero-width space in the internal interface", build: (k) => k.g({ internal: { interface: "em0\u200b", network: "172.16.0.0/24" } }), message: (s) => `Gateway "gw1${s}": internal.interface = em0\\u200b: holds the invisible character U+200B, which an interface name cannot hold safely; give a driver name and unit number, e.g. \`em0\`` },
  { class: "injection", name: "`; reboot` after the external address", build: (k) => k.g({ external: { interface: "em1", address: "192.0.2.153;reboot" } }), message: (s) => `Gateway "gw1${s}": external.address = 192.0.2.153;reboot: not an IPv4 address; write e.g. \`192.0.2.153/24\`` },
  { class: "injection", name: "CR in the internal address", build: (k) => k.g({ internal: { interface: "em0", address: "172.16.0.1/24\r" } }), message: (s) => `Gateway "gw1${s}": internal.address = "172.16.0.1/24\\r": holds a carriage return (\\r), which an address cannot hold safely; write an address, e.g. \`192.0.2.153/24\`` },
  { class: "injection", name: "`$( )` in a sysctl value", build: (k) => k.g({ sysctls: { "net.inet.ip.mforwarding": "$(reboot)" } }), message: (s) => `Gateway "gw1${s}": sysctls["net.inet.ip.mforwarding"] = $(reboot): a sysctl value is one word of letters, digits and \`_.,:/+-\` (no spaces, \`#\` starts a comment); give e.g. \`1\`` },
  { class: "injection", name: "newline at the end of a sysctl name", build: (k) => k.g({ sysctls: { "net.inet.ip.mforwarding\n": "1" } }), message: (s) => `Gateway "gw1${s}": sysctls["net.inet.ip.mforwarding\\n"] = "net.inet.ip.mforwarding\\n": holds a newline (\\n), which /etc/sysctl.conf cannot hold safely; use a dotted MIB such as \`net.inet.ip.forwarding\`` },
  { class: "injection", name: "backquote in service flags", build: (k) => k.g({ services: { ntpd: { flags: "-s `reboot`" } } }), message: (s) => `Gateway "gw1${s}": services.ntpd.flags = -s \`reboot\`: flags are words of letters, digits and \`_.,:/=+@%-\` separated by single spaces (rc.conf.local is read by the shell); give plain flags, e.g. \`-v -d\`` },
  { class: "injection", name: "single quote in service flags", build: (k) => k.g({ services: { ntpd: { flags: "-s'" } } }), message: (s) => `Gateway "gw1${s}": services.ntpd.flags = -s': flags are words of letters, digits and \`_.,:/=+@%-\` separated by single spaces (rc.conf.local is read by the shell); give plain flags, e.g. \`-v -d\`` },
  { class: "injection", name: "upper case service name", build: (k) => k.g({ services: { "NTPD": {} } }), message: (s) => `Gateway "gw1${s}": services.NTPD = NTPD: not an rc.d service name (lower-case letters, digits and \`_\`, not starting with a digit); use the rc.d script's name, e.g. \`ntpd\`` },
  { class: "injection", name: "U+2066 in a pf skip interface", build: (k) => k.g({ pf: { skip: ["lo0\u2066"] } }), message: (s) => `Gateway "gw1${s}": pf.skip[0] = lo0\\u2066: holds a bidirectional override (U+2066), which an interface name cannot hold safely; give a driver name and unit number, e.g. \`em0\`` },
  { class: "injection", name: "`#` in an extra address", build: (k) => k.g({ extraInterfaces: [{ interface: "lo1", addresses: ["10.0.0.1/32#x"] }] }), message: (s) => `Gateway "gw1${s}": extraInterfaces[0].addresses[0] = 10.0.0.1/32#x: invalid netmask \`/32#x\`: a prefix length is 0–32; write e.g. \`192.0.2.153/24\`` },
  { class: "injection", name: "`;` in a package name", build: (k) => k.g({ packages: ["openvpn;reboot"] }), message: (s) => `Gateway "gw1${s}": packages[0] = openvpn;reboot: not a package stem (letters, digits and \`_+.\`, words joined by \`-\`); give the package's stem as pkg_add takes it, e.g. \`openvpn\`, \`tinc\`, \`vim--no_x11\` or \`python%3.11\`` },
  { class: "injection", name: "a package name that is a pkg_add option", build: (k) => k.g({ packages: ["-Dunsigned"] }), message: (s) => `Gateway "gw1${s}": packages[0] = -Dunsigned: starts with \`-\` (pkg_add would read it as an option); give the package's stem as pkg_add takes it, e.g. \`openvpn\`, \`tinc\`, \`vim--no_x11\` or \`python%3.11\`` },
  { class: "injection", name: "a path as a package name", build: (k) => k.g({ packages: ["../../tmp/evil.tgz"] }), message: (s) => `Gateway "gw1${s}": packages[0] = ../../tmp/evil.tgz: not a package stem (letters, digits and \`_+.\`, words joined by \`-\`); give the package's stem as pkg_add takes it, e.g. \`openvpn\`, \`tinc\`, \`vim--no_x11\` or \`python%3.11\`` },
  { class: "injection", name: "newline in a package name", build: (k) => k.g({ packages: ["tinc\n"] }), message: (s) => `Gateway "gw1${s}": packages[0] = "tinc\\n": holds a newline (\\n), which the pkg_add command line cannot hold safely; give the package's name as \`pkg_info -Q NAME\` lists it, e.g. \`openvpn\`` },
  { class: "injection", name: "newline in the SSH user", build: (k) => k.g({ connection: { ...k.conn("169.254.0.1"), user: "root\n" } }), message: (s) => `Gateway "gw1${s}": connection.user = "root\\n": not a user name; give e.g. \`root\`` },
  { class: "injection", name: "an ssh option as the SSH user", build: (k) => k.g({ connection: { ...k.conn("169.254.0.1"), user: "-oProxyCommand=sh" } }), message: (s) => `Gateway "gw1${s}": connection.user = -oProxyCommand=sh: not a user name; give e.g. \`root\`` },
  { class: "injection", name: "newline in the pinned host key", build: (k) => k.g({ connection: { ...k.conn("169.254.0.1"), hostKey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOiTE7+GTIvAgiHL8gWqtrDRhmHr6ugaoJ5R9CA1VeGy\nevil" } }), message: (s) => `Gateway "gw1${s}": connection.hostKey = ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOiTE7+GTIvAgiHL8gWqtrDRhmHr6ugaoJ5R9CA1VeGy… (85 bytes): holds a newline (\\n), which a known_hosts line cannot hold safely; give the key on one line, as \`ssh-keyscan -t ed25519 HOST\` prints it without the host name` },
  { class: "injection", name: "an option as the SSH host", build: (k) => k.g({ connection: k.conn("-oProxyCommand=x") }), message: (s) => `Gateway "gw1${s}": connection.host = -oProxyCommand=x: not a host name or address; give e.g. \`192.0.2.153\` or \`gw1.example.org\`` },
  { class: "injection", name: "U+202E in a Gateway's resource name", build: (k) => { new openbsd.Gateway(`gw1\u202e${k.s}`, { connection: k.conn("169.254.0.1"), external: { interface: "em1", address: "192.0.2.153" }, internal: { interface: "em0", network: "172.16.0.0/24" } }); }, message: (s) => `Gateway "gw1\\u202e${s}": name (the resource name) = gw1\\u202e${s}: holds a bidirectional override (U+202E), which a resource name cannot hold safely (it is recorded on the gateway in the stack's URN); use letters, digits and punctuation` },
  { class: "silently wrong", name: "host bits set in the internal network", build: (k) => k.g({ internal: { interface: "em0", network: "172.16.0.1/24" } }), message: (s) => `Gateway "gw1${s}": internal.network = 172.16.0.1/24: host bits set: this is the address 172.16.0.1 inside the network 172.16.0.0/24; write the network \`172.16.0.0/24\` (or the one host \`172.16.0.1/32\`)` },
  { class: "silently wrong", name: "a whitespace-only internal network", build: (k) => k.g({ internal: { interface: "em0", network: "   " } }), message: (s) => `Gateway "gw1${s}": internal.network = "   ": not an IP network; write e.g. \`172.16.0.0/24\` (no spaces)` },
  { class: "silently wrong", name: "an empty internal network", build: (k) => k.g({ internal: { interface: "em0", network: "" } }), message: (s) => `Gateway "gw1${s}": internal.network = "": not an IP network; write e.g. \`172.16.0.0/24\` (no spaces)` },
  { class: "silently wrong", name: "an octet of 256 in the external address", build: (k) => k.g({ external: { interface: "em1", address: "192.0.2.256" } }), message: (s) => `Gateway "gw1${s}": external.address = 192.0.2.256: not an IPv4 address; write e.g. \`192.0.2.153/24\`` },
  { class: "silently wrong", name: "an IPv6 prefix of 129", build: (k) => k.g({ external: { interface: "em1", address: "192.0.2.153", address6: "2001:db8::1/129" } }), message: (s) => `Gateway "gw1${s}": external.address6 = 2001:db8::1/129: invalid netmask \`/129\`: a prefix length is 0–128; write e.g. \`2001:db8::1/64\`` },
  { class: "silently wrong", name: "a NAT public address with a prefix", build: (k) => k.g({ external: { interface: "em1", address: "10.0.0.2", nat: { publicAddress: "198.51.100.2/24" } } }), message: (s) => `Gateway "gw1${s}": external.nat.publicAddress = 198.51.100.2/24: a host address takes no prefix length; write \`198.51.100.2\`` },
  { class: "silently wrong", name: "an IPv6 NAT public address", build: (k) => k.g({ external: { interface: "em1", address: "10.0.0.2", nat: { publicAddress: "2001:db8::2" } } }), message: (s) => `Gateway "gw1${s}": external.nat.publicAddress = 2001:db8::2: an IPv6 address where an IPv4 one is needed; give an IPv4 address, e.g. \`192.0.2.1\`` },
  { class: "silently wrong", name: "forwardsIke as a string", build: (k) => k.g({ external: { interface: "em1", address: "10.0.0.2", nat: { publicAddress: "198.51.100.2", forwardsIke: "yes" } } }), message: (s) => `Gateway "gw1${s}": external.nat.forwardsIke = yes: not a boolean (a string given); write \`true\` or \`false\`` },
  { class: "silently wrong", name: "a service enabled as the string \"no\"", build: (k) => k.g({ services: { ntpd: { enabled: "no" } } }), message: (s) => `Gateway "gw1${s}": services.ntpd.enabled = no: not a boolean (a string given); write \`true\` or \`false\`` },
  { class: "silently wrong", name: "a service running as the string \"false\"", build: (k) => k.g({ services: { ntpd: { running: "false" } } }), message: (s) => `Gateway "gw1${s}": services.ntpd.running = false: not a boolean (a string given); write \`true\` or \`false\`` },
  { class: "silently wrong", name: "an unknown pf policy", build: (k) => k.g({ pf: { policy: "deny" } }), message: (s) => `Gateway "gw1${s}": pf.policy = deny: not one of pass, block; use \`pass\` or \`block\`` },
  { class: "silently wrong", name: "an extra interface that is the internal one", build: (k) => k.g({ extraInterfaces: [{ interface: "em0", addresses: ["10.0.0.1/32"] }] }), message: (s) => `Gateway "gw1${s}": extraInterfaces[0].interface = em0: it is also internal.interface; give each interface once, e.g. \`lo1\`` },
  { class: "silently wrong", name: "a package with a version", build: (k) => k.g({ packages: ["openvpn-2.6.8"] }), message: (s) => `Gateway "gw1${s}": packages[0] = openvpn-2.6.8: holds a version (\`-\` followed by a digit): the provider installs a package by its stem; drop the version, e.g. \`openvpn\`` },
  { class: "silently wrong", name: "a package listed twice", build: (k) => k.g({ packages: ["tinc", "tinc"] }), message: (s) => `Gateway "gw1${s}": packages[1] = tinc: also packages[0]; list each package once` },
  { class: "silently wrong", name: "a fractional rollback delay", build: (k) => k.g({ rollbackSeconds: 30.5 }), message: (s) => `Gateway "gw1${s}": rollbackSeconds = 30.5: the rollback delay in seconds is an integer in 5–3600; this is not an integer; give an integer in 5–3600` },
  { class: "silently wrong", name: "a rollback delay given as an Output, too short", build: (k) => k.g({ rollbackSeconds: pulumi.output(1) }), message: (s) => `Gateway "gw1${s}": rollbackSeconds = 1: the rollback delay in seconds is an integer in 5–3600; this is out of range; give an integer in 5–3600` },
  { class: "silently wrong", name: "SSH port 0", build: (k) => k.g({ connection: { ...k.conn("169.254.0.1"), port: 0 } }), message: (s) => `Gateway "gw1${s}": connection.port = 0: a TCP port is an integer in 1–65535; this is out of range; give an integer in 1–65535` },
  { class: "silently wrong", name: "SSH port as a string", build: (k) => k.g({ connection: { ...k.conn("169.254.0.1"), port: "22" } }), message: (s) => `Gateway "gw1${s}": connection.port = 22: a TCP port is an integer in 1–65535; this is not a number (a string given: 22); give an integer in 1–65535` },
  { class: "silently wrong", name: "a key seed of 3 characters", build: (k) => k.g({ keySeed: sec("abc") }), message: (s) => `Gateway "gw1${s}": keySeed = (secret): a key seed is a string of at least 16 characters; generate one with \`openssl rand -hex 32\` and keep it with \`pulumi config set --secret\`` },
  { class: "silently wrong", name: "ipv6 forwarding 2", build: (k) => k.g({ forwarding: { ipv6: 2 } }), message: (s) => `Gateway "gw1${s}": forwarding.ipv6 = 2: net.inet6.ip6.forwarding is an integer in 0–1; this is out of range; use 0 or 1` },
  { class: "silently wrong", name: "esp as the string \"true\"", build: (k) => k.g({ esp: "true" }), message: (s) => `Gateway "gw1${s}": esp = true: not a boolean (a string given); write \`true\` or \`false\`` },
  { class: "silently wrong", name: "an empty ike", build: (k) => k.g({ ike: "" }), message: (s) => `Gateway "gw1${s}": ike = "": not one of isakmpd, iked; use \`isakmpd\` or \`iked\`` },
  { class: "messages", name: "pf skip as a string, not a list", build: (k) => k.g({ pf: { skip: "enc0" } }), message: (s) => `Gateway "gw1${s}": pf.skip = enc0: not a list (a string given); give a list, e.g. \`["enc0"]\`` },
  { class: "messages", name: "extra addresses as a string, not a list", build: (k) => k.g({ extraInterfaces: [{ interface: "lo1", addresses: "10.0.0.1/32" }] }), message: (s) => `Gateway "gw1${s}": extraInterfaces[0].addresses = 10.0.0.1/32: not a list (a string given); give a list, e.g. \`["10.0.0.1/32"]\`` },
  { class: "messages", name: "external as a list", build: (k) => k.g({ external: [{ interface: "em1", address: "192.0.2.153" }] }), message: (s) => `Gateway "gw1${s}": external = [{"interface":"em1","address":"192.0.2.153"}]: not an object (a list given); give e.g. \`external: { interface: "em1", address: "192.0.2.153" }\`` },
  { class: "messages", name: "external.interface missing", build: (k) => k.g({ external: { address: "192.0.2.153" } }), message: (s) => `Gateway "gw1${s}": external.interface = (none): not an interface name (nothing given); give an interface name, e.g. \`em0\`` },
  { class: "messages", name: "interface as a number", build: (k) => k.g({ internal: { interface: 0, network: "172.16.0.0/24" } }), message: (s) => `Gateway "gw1${s}": internal.interface = 0: not an interface name (number given); give an interface name, e.g. \`em0\`` },
  { class: "messages", name: "null arguments", build: (k) => { k.raw(null); }, message: (s) => `Gateway "gw1${s}": args = null: no arguments; pass \`{ connection, external, internal }\`` },
  { class: "messages", name: "sysctls as a list", build: (k) => k.g({ sysctls: ["net.inet.ip.mforwarding=1"] }), message: (s) => `Gateway "gw1${s}": sysctls = ["net.inet.ip.mforwarding=1"]: not an object (a list given); give e.g. \`{ "net.inet.ip.mforwarding": "1" }\`` },
  { class: "messages", name: "a service given as true", build: (k) => k.g({ services: { ntpd: true } }), message: (s) => `Gateway "gw1${s}": services.ntpd = true: not an object (a boolean given); give e.g. \`{ flags: "-s" }\`` },

  // ------------------------------------------------------------------ SiteToSiteTunnel
  { class: "injection", name: "whitespace-only PSK", build: (k) => k.t({ psk: "            " }), message: (s) => `SiteToSiteTunnel "net1-net2${s}": psk = (secret): holds a quote, backslash or whitespace, which the quoted \`psk\` word of ipsec.conf/iked.conf cannot hold; use letters, digits and punctuation without \`"\` and \`\\\`, e.g. \`openssl rand -hex 20\`` },
  { class: "injection", name: "zero-width joiner in a srcid", build: (k) => k.t({ left: k.end({ srcid: "gw1.example.org\u200d" }), right: k.gw2() }), message: (s) => `SiteToSiteTunnel "net1-net2${s}": left.srcid = gw1.example.org\\u200d: holds the invisible character U+200D, which ipsec.conf/iked.conf cannot hold safely; give an FQDN, \`user@fqdn\` or an address` },
  { class: "injection", name: "`#` at the start of a dstid", build: (k) => k.t({ left: k.end({ dstid: "#gw2" }), right: k.gw2() }), message: (s) => `SiteToSiteTunnel "net1-net2${s}": left.dstid = #gw2: an identity is an FQDN, \`user@fqdn\` or an address (letters, digits and \`_.:@/+=,-\`, at most 255 bytes); write e.g. \`gw1.example.org\`` },
  { class: "injection", name: "U+202E in a tag", build: (k) => k.t({ left: k.end({ tag: "net1\u202e" }), right: k.gw2() }), message: (s) => `SiteToSiteTunnel "net1-net2${s}": left.tag = net1\\u202e: holds a bidirectional override (U+202E), which a pf tag cannot hold safely; use letters, digits, \`_\`, \`.\` and \`-\`` },
  { class: "injection", name: "newline in a peer", build: (k) => k.t({ left: k.end({ peer: "192.0.123.85\nike esp from any to any" }), right: k.gw2() }), message: (s) => `SiteToSiteTunnel "net1-net2${s}": left.peer = 192.0.123.85\\nike esp from any to any: holds a newline (\\n), which an address cannot hold safely; write an IP address, e.g. \`192.0.2.1\`` },
  { class: "injection", name: "newline in a remote network", build: (k) => k.t({ left: k.end({ remoteNetworks: ["192.168.15.0/24\n"] }), right: k.gw2() }), message: (s) => `SiteToSiteTunnel "net1-net2${s}": left.remoteNetworks[0] = "192.168.15.0/24\\n": holds a newline (\\n), which an address cannot hold safely; write an IP network, e.g. \`172.16.0.0/24\`` },
  { class: "injection", name: "`include` in a tunnel end's pf rules text", build: (k) => k.t({ left: k.end({ rules: 'include "/etc/master.passwd"' }), right: k.gw2() }), message: (s) => `SiteToSiteTunnel "net1-net2${s}" left.rules:1:1: \`include\` is valid pf.conf but not part of this model's pf language: allowed statements: macros, set, table, pass, block, match, antispoof, anchor, load anchor` },
  { class: "injection", name: "NUL in a tunnel end's pf rules text", build: (k) => k.t({ left: k.end({ rules: "pass in on enc0\0" }), right: k.gw2() }), message: (s) => `SiteToSiteTunnel "net1-net2${s}": left.rules = (text): line 1 holds a NUL byte (\\0), which pf.conf cannot hold safely; write the rules in printable characters (tabs and newlines for layout)` },
  { class: "injection", name: "a srcid of 300 bytes", build: (k) => k.t({ left: k.end({ srcid: "a".repeat(296) + ".org" }), right: k.gw2() }), message: (s) => `SiteToSiteTunnel "net1-net2${s}": left.srcid = aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa… (300 bytes): an identity is an FQDN, \`user@fqdn\` or an address (letters, digits and \`_.:@/+=,-\`, at most 255 bytes); write e.g. \`gw1.example.org\`` },
  { class: "injection", name: "a transform with a newline", build: (k) => k.t({ main: { enc: "aes\nike esp" } }), message: (s) => `SiteToSiteTunnel "net1-net2${s}", Gateway "gw1${s}", Gateway "gw2${s}": main.enc = aes\\nike esp: unknown transform; use one of 3des-cbc, aes, aes-128, aes-192, aes-256, aesctr, aes-128-ctr, aes-192-ctr, aes-256-ctr, aes-128-gcm, aes-192-gcm, aes-256-gcm, aes-128-gmac, aes-192-gmac, aes-256-gmac, blowfish, cast128, chacha20-poly1305, null` },
  { class: "injection", name: "a policy protocol with a blank", build: (k) => k.t({ policies: [{ proto: "tcp port 22" }] }), message: (s) => `SiteToSiteTunnel "net1-net2${s}": policies[0].proto = tcp port 22: not an IP protocol of /etc/protocols; use e.g. \`tcp\`, \`udp\`, \`icmp\` or a number 1–255` },
  { class: "silently wrong", name: "a 7-byte PSK", build: (k) => k.t({ psk: "1234567" }), message: (s) => `SiteToSiteTunnel "net1-net2${s}": psk = (secret): 7 bytes is too short to resist an offline guess; give at least 8 bytes, e.g. \`openssl rand -hex 20\`` },
  { class: "silently wrong", name: "host bits set in a tunnel network", build: (k) => k.t({ left: k.end({ networks: ["172.16.0.1/24"] }), right: k.gw2() }), message: (s) => `SiteToSiteTunnel "net1-net2${s}": left.networks[0] = 172.16.0.1/24: host bits set: this is the address 172.16.0.1 inside the network 172.16.0.0/24; write the network \`172.16.0.0/24\` (or the one host \`172.16.0.1/32\`)` },
  { class: "silently wrong", name: "an IPv6 network in the remote networks of an IPv4 tunnel", build: (k) => k.t({ left: k.end({ remoteNetworks: ["::/0x"] }), right: k.gw2() }), message: (s) => `SiteToSiteTunnel "net1-net2${s}": left.remoteNetworks[0] = ::/0x: invalid netmask \`/0x\`: a prefix length is 0–128; write e.g. \`172.16.0.0/24\`` },
  { class: "silently wrong", name: "a natTo with a bad prefix", build: (k) => k.t({ left: k.end({ natTo: "10.0.0.1/33" }), right: k.gw2() }), message: (s) => `SiteToSiteTunnel "net1-net2${s}": left.natTo = 10.0.0.1/33: invalid netmask \`/33\`: a prefix length is 0–32; write e.g. \`192.0.2.1\`` },
  { class: "silently wrong", name: "a lifetime of 0", build: (k) => k.t({ main: { lifetime: 0 } }), message: (s) => `SiteToSiteTunnel "net1-net2${s}": main.lifetime = 0: a lifetime in seconds is an integer in 60–604800; this is out of range; give an integer in 60–604800` },
  { class: "silently wrong", name: "a lifetime given as a string", build: (k) => k.t({ quick: { lifetime: "3600" } }), message: (s) => `SiteToSiteTunnel "net1-net2${s}": quick.lifetime = 3600: a lifetime in seconds is an integer in 60–604800; this is not a number (a string given: 3600); give an integer in 60–604800` },
  { class: "silently wrong", name: "an unknown DH group", build: (k) => k.t({ main: { group: "modp9999" } }), message: (s) => `SiteToSiteTunnel "net1-net2${s}", Gateway "gw1${s}", Gateway "gw2${s}": main.group = modp9999: unknown group; use one of none, modp768, modp1024, modp1536, modp2048, modp3072, modp4096, modp6144, modp8192, ecp256, ecp384, ecp521, ecp224, bp224, bp256, bp384, bp512` },
  { class: "silently wrong", name: "a policy port 0", build: (k) => k.t({ policies: [{ proto: "tcp", port: 0 }] }), message: (s) => `SiteToSiteTunnel "net1-net2${s}": policies[0].port = 0: a port is an integer in 1–65535; this is out of range; give an integer in 1–65535` },
  { class: "silently wrong", name: "a fractional policy port", build: (k) => k.t({ policies: [{ proto: "tcp", port: 22.5 }] }), message: (s) => `SiteToSiteTunnel "net1-net2${s}": policies[0].port = 22.5: a port is an integer in 1–65535; this is not an integer; give an integer in 1–65535` },
  { class: "silently wrong", name: "a negative local port", build: (k) => k.t({ policies: [{ proto: "udp", localPort: -1 }] }), message: (s) => `SiteToSiteTunnel "net1-net2${s}": policies[0].localPort = -1: a port is an integer in 1–65535; this is out of range; give an integer in 1–65535` },
  { class: "silently wrong", name: "an unknown enc0 mode", build: (k) => k.t({ enc0: "skipp" }), message: (s) => `SiteToSiteTunnel "net1-net2${s}": enc0 = skipp: not one of skip, filter; use \`skip\` or \`filter\`` },
  { class: "silently wrong", name: "auth in upper case", build: (k) => k.t({ auth: "PSK" }), message: (s) => `SiteToSiteTunnel "net1-net2${s}": auth = PSK: not one of psk, publickey, x509; use \`psk\`, \`publickey\` or \`x509\`` },
  { class: "silently wrong", name: "a tunnel from a gateway to itself", build: (k) => { const a = k.gw1(); k.tunnel({}, [a, a]); }, message: (s) => `SiteToSiteTunnel "net1-net2${s}", Gateway "gw1${s}", Gateway "gw1${s}": left, right = gw1${s}, gw1${s}: both ends are the same gateway; connect two different gateways` },
  { class: "silently wrong", name: "two tunnels between the same gateways with the same networks", build: (k) => { const a = k.gw1(); const b = k.gw2(); k.tunnel({}, [a, b]); new openbsd.SiteToSiteTunnel(`again${k.s}`, { left: a, right: b, psk: PSK }); }, message: (s) => `2 problems in the declared topology:\n- SiteToSiteTunnel "again${s}", SiteToSiteTunnel "net1-net2${s}", Gateway "gw1${s}": networks = 192.168.15.0/24, 192.168.15.0/24: both tunnels of Gateway "gw1${s}" protect overlapping remote networks; route each remote network through one tunnel\n- SiteToSiteTunnel "again${s}", SiteToSiteTunnel "net1-net2${s}", Gateway "gw2${s}": networks = 172.16.0.0/24, 172.16.0.0/24: both tunnels of Gateway "gw2${s}" protect overlapping remote networks; route each remote network through one tunnel` },
  { class: "silently wrong", name: "a manual SPI that is fractional", build: (k) => k.t({ psk: undefined, manual: { spi: { leftToRight: 4096.5, rightToLeft: 4097 } } }), message: (s) => `SiteToSiteTunnel "net1-net2${s}": manual.spi.leftToRight = 4096.5: an SPI is an integer in 256–4294967294; this is not an integer; choose an SPI in 0x100–0xfffffffe (0–255 are reserved)` },
  { class: "silently wrong", name: "an unknown manual auth", build: (k) => k.t({ psk: undefined, manual: { auth: "hmac-md6" } }), message: (s) => `SiteToSiteTunnel "net1-net2${s}", Gateway "gw1${s}", Gateway "gw2${s}": manual.auth = hmac-md6: unknown transform; use one of hmac-md5, hmac-ripemd160, hmac-sha1, hmac-sha2-256, hmac-sha2-384, hmac-sha2-512` },
  { class: "messages", name: "a PSK given as a number", build: (k) => k.t({ psk: 12345678901234 }), message: (s) => `SiteToSiteTunnel "net1-net2${s}": psk = (secret): not a pre-shared key (number given); give a pre-shared key, e.g. \`$(openssl rand -hex 20)\`` },
  { class: "messages", name: "networks as a string, not a list", build: (k) => k.t({ left: k.end({ networks: "172.16.0.0/24" }), right: k.gw2() }), message: (s) => `SiteToSiteTunnel "net1-net2${s}": left.networks = 172.16.0.0/24: not a list of networks; give e.g. \`["172.16.0.0/24"]\`` },
  { class: "messages", name: "policies as an object", build: (k) => k.t({ policies: { proto: "tcp" } }), message: (s) => `SiteToSiteTunnel "net1-net2${s}": policies = {"proto":"tcp"}: not a list (an object given); give a list, e.g. \`[{ proto: "tcp", port: 22 }]\`` },
  { class: "messages", name: "a `ca` that is not a CertificateAuthority", build: (k) => k.t({ psk: undefined, auth: "x509", ca: { keySeed: "0123456789abcdef0123" } }), message: (s) => `SiteToSiteTunnel "net1-net2${s}": ca = object: \`auth: "x509"\` needs the CertificateAuthority that issues the certificates; pass \`ca: new openbsd.CertificateAuthority("vpn-ca", { keySeed: cfg.requireSecret("caSeed") })\`` },
  { class: "messages", name: "a null satype", build: (k) => k.t({ satype: null }), message: (s) => `SiteToSiteTunnel "net1-net2${s}": satype = (null): not one of esp, ah; use \`esp\` or \`ah\`` },
  { class: "messages", name: "an end's gateway missing", build: (k) => k.t({ left: { networks: ["172.16.0.0/24"] }, right: k.gw2() }), message: (s) => `SiteToSiteTunnel "net1-net2${s}": left = object: not a Gateway or CarpPair; pass a Gateway or CarpPair declared in this program` },

  // ------------------------------------------------------------------ CarpPair
  { class: "injection", name: "ZWJ in a carpdev", build: (k) => k.cp({}, { carpdev: "em0\u200d" }), message: (s) => `CarpPair "gw1${s}": segments[0].carpdev = em0\\u200d: holds the invisible character U+200D, which an interface name cannot hold safely; give a driver name and unit number, e.g. \`em0\`` },
  { class: "injection", name: "newline in the sharedkey", build: (k) => k.cp({ sharedkey: "ab".repeat(32) + "\n" }), message: (s) => `CarpPair "gw1${s}": sharedkey = (secret): not hex: a sasyncd sharedkey (AES) is written as hex digits 0-9 a-f; give 32, 48 or 64 hex digits, e.g. from \`openssl rand -hex 32\`` },
  { class: "injection", name: "newline in `external`", build: (k) => k.cp({ external: "carp2\n" }), message: (s) => `CarpPair "gw1${s}": external = "carp2\\n": no segment has this carp interface; name one of carp1, carp2` },
  { class: "injection", name: "a tab in a segment address", build: (k) => k.cp({}, { address: "172.16.0.1/24\t" }), message: (s) => `CarpPair "gw1${s}": segments[0].address = "172.16.0.1/24\\t": holds a tab (\\t), which an address cannot hold safely; write an address, e.g. \`192.0.2.153/24\`` },
  { class: "silently wrong", name: "vhid 0", build: (k) => k.cp({}, { vhid: 0 }), message: (s) => `CarpPair "gw1${s}": segments[0].vhid = 0: a vhid is an integer in 1–255; this is out of range; choose a vhid in 1–255, unique on the segment` },
  { class: "silently wrong", name: "a fractional vhid", build: (k) => k.cp({}, { vhid: 1.5 }), message: (s) => `CarpPair "gw1${s}": segments[0].vhid = 1.5: a vhid is an integer in 1–255; this is not an integer; choose a vhid in 1–255, unique on the segment` },
  { class: "silently wrong", name: "vhid as a string", build: (k) => k.cp({}, { vhid: "1" as unknown as number }), message: (s) => `CarpPair "gw1${s}": segments[0].vhid = 1: a vhid is an integer in 1–255; this is not a number (a string given: 1); choose a vhid in 1–255, unique on the segment` },
  { class: "silently wrong", name: "advbase 300", build: (k) => k.cp({}, { advbase: 300 }), message: (s) => `CarpPair "gw1${s}": segments[0].advbase = 300: advbase is an integer in 0–254; this is out of range; give an integer in 0–254` },
  { class: "silently wrong", name: "a negative advskew", build: (k) => { const a = k.member("gw1a", "172.16.0.2", "192.0.2.154"); const b = k.member("gw1b", "172.16.0.3", "192.0.2.155"); new openbsd.CarpPair(`gw1${k.s}`, { members: [{ gateway: a, advskew: -1, syncAddress: "172.16.0.2" }, { gateway: b, syncAddress: "172.16.0.3" }], segments: [{ interface: "carp2", carpdev: "em1", address: "192.0.2.153/24", vhid: 2 }], sharedkey: "ab".repeat(32) }); }, message: (s) => `CarpPair "gw1${s}": members[0].advskew = -1: advskew is an integer in 0–254; this is out of range; use 0 for the master and e.g. 100 for the backup` },
  { class: "silently wrong", name: "a sync address with a prefix", build: (k) => { const a = k.member("gw1a", "172.16.0.2", "192.0.2.154"); const b = k.member("gw1b", "172.16.0.3", "192.0.2.155"); new openbsd.CarpPair(`gw1${k.s}`, { members: [{ gateway: a, syncAddress: "172.16.0.2/24" }, { gateway: b, syncAddress: "172.16.0.3" }], segments: [{ interface: "carp2", carpdev: "em1", address: "192.0.2.153/24", vhid: 2 }], sharedkey: "ab".repeat(32) }); }, message: (s) => `CarpPair "gw1${s}": members[0].syncAddress = 172.16.0.2/24: a host address takes no prefix length; write \`172.16.0.2\`` },
  { class: "silently wrong", name: "a segment address with two prefixes", build: (k) => k.cp({}, { address: "172.16.0.1/24/24" }), message: (s) => `CarpPair "gw1${s}": segments[0].address = 172.16.0.1/24/24: more than one prefix length; write one \`ADDRESS/LEN\`, e.g. \`192.0.2.153/24\`` },
  { class: "silently wrong", name: "two segments with one vhid on one carpdev", build: (k) => k.cp({}, { carpdev: "em1", vhid: 2 }), message: (s) => `CarpPair "gw1${s}": segments[1].vhid = 2: segments[0] has this vhid on the same carpdev em1 (ifconfig: vhid already in use); give each segment on one carpdev its own vhid` },
  { class: "silently wrong", name: "two segments on one carp interface", build: (k) => k.cp({}, { interface: "carp2" }), message: (s) => `CarpPair "gw1${s}": segments[1].interface = carp2: two segments use this interface; one carp interface per segment` },
  { class: "silently wrong", name: "preempt as the string \"yes\"", build: (k) => k.cp({ preempt: "yes" }), message: (s) => `CarpPair "gw1${s}": preempt = yes: not a boolean (a string given); write \`true\` or \`false\`` },
  { class: "silently wrong", name: "an unknown flushmode", build: (k) => k.cp({ flushmode: "always" }), message: (s) => `CarpPair "gw1${s}": flushmode = always: not one of sync, startup, never; use \`sync\`, \`startup\` or \`never\`` },
  { class: "silently wrong", name: "`external` not one of the segments", build: (k) => k.cp({ external: "carp9" }), message: (s) => `CarpPair "gw1${s}": external = carp9: no segment has this carp interface; name one of carp1, carp2` },
  { class: "silently wrong", name: "an empty CARP password", build: (k) => k.cp({}, { password: "" }), message: (s) => `CarpPair "gw1${s}": segments[0].password = (secret): empty; give a password or omit \`password\`` },
  { class: "silently wrong", name: "one gateway as both members", build: (k) => { const a = k.member("gw1a", "172.16.0.2", "192.0.2.154"); k.carp({}, {}, [a, a]); }, message: (s) => `CarpPair "gw1${s}": members = gw1a${s}: a pair needs two different gateways; pass two Gateways` },
  { class: "messages", name: "segments as an object", build: (k) => k.cp({ segments: { interface: "carp1" } }), message: (s) => `CarpPair "gw1${s}": segments = {"interface":"carp1"}: not a list (an object given); give a list, e.g. \`[{ interface: "carp2", carpdev: "em1", address: "192.0.2.153/24", vhid: 2 }]\`` },
  { class: "messages", name: "an empty pfsync syncdev", build: (k) => k.cp({ pfsync: { syncdev: "" } }), message: (s) => `CarpPair "gw1${s}": pfsync.syncdev = "": not an interface name (driver letters then a unit number; netstart skips any other /etc/hostname.IF); write e.g. \`em0\`, \`carp1\`, \`gif0\`` },

  // ------------------------------------------------------------------ PfAnchor
  { class: "injection", name: "newline in an anchor name", build: (k) => k.anchor({ name: "web\nanchor evil" }), message: (s) => `PfAnchor "anc${s}": name = web\\nanchor evil: holds a newline (\\n), which pf.conf cannot hold safely; use letters, digits, \`_\`, \`.\` and \`-\`` },
  { class: "injection", name: "an anchor name of 300 characters", build: (k) => k.anchor({ name: "a".repeat(300) }), message: (s) => `PfAnchor "anc${s}": name = aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa… (300 bytes): longer than 63 bytes (PF_ANCHOR_NAME_SIZE); choose a shorter name` },
  { class: "injection", name: "`include` in anchor rules", build: (k) => k.anchor({ rules: 'include "/etc/master.passwd"' }), message: (s) => `PfAnchor "anc${s}" rules:1:1: \`include\` is valid pf.conf but not part of this model's pf language: allowed statements: macros, set, table, pass, block, match, antispoof, anchor, load anchor` },
  { class: "injection", name: "U+202E in anchor rules", build: (k) => k.anchor({ rules: "pass in proto tcp to port 80 # \u202e" }), message: (s) => `PfAnchor "anc${s}": rules = (text): line 1 holds a bidirectional override (U+202E), which pf.conf cannot hold safely; write the rules in printable characters (tabs and newlines for layout)` },
  { class: "injection", name: "`load anchor` in anchor rules", build: (k) => k.anchor({ rules: 'load anchor x from "/etc/passwd"' }), message: (s) => `PfAnchor "anc${s}": rules = load anchor x: a \`load anchor\` statement would make pfctl read another file of the host into the ruleset; declare the nested anchor with PfAnchor, whose rules this program installs` },
  { class: "silently wrong", name: "an empty anchor name", build: (k) => k.anchor({ name: "" }), message: (s) => `PfAnchor "anc${s}": name = "": empty (pfctl: anchor name must not be empty); give a name, e.g. \`web\`` },
  { class: "silently wrong", name: "anchor rules that pf cannot parse", build: (k) => k.anchor({ rules: "pass in proto tcp to port 70000" }), message: (s) => `PfAnchor "anc${s}" rules:1:27: illegal port value 70000: a port is 0-65535` },
  { class: "messages", name: "anchor rules as a number", build: (k) => k.anchor({ rules: 42 }), message: (s) => `PfAnchor "anc${s}": rules = number: not pf rules; give pf.conf text or a list of typed rules` },
  { class: "messages", name: "a CarpPair as an anchor's gateway", build: (k) => { const p = k.carp(); new openbsd.PfAnchor(`anc${k.s}`, { gateway: p as unknown as openbsd.Gateway, rules: "pass" }); }, message: (s) => `PfAnchor "anc${s}": gateway = object: not a Gateway; pass a Gateway declared in this program` },

  // ------------------------------------------------------------------ GifTunnel
  { class: "injection", name: "newline in a gif interface", build: (k) => k.gi({}, { interface: "gif0\n" }), message: (s) => `GifTunnel "gif${s}": left.interface = "gif0\\n": holds a newline (\\n), which an interface name cannot hold safely; give a driver name and unit number, e.g. \`em0\`` },
  { class: "silently wrong", name: "an unknown gif kind", build: (k) => k.gi({ kind: "vxlan" }), message: (s) => `GifTunnel "gif${s}": kind = vxlan: not one of gif, gre, eoip, etherip; use \`gif\`, \`gre\`, \`eoip\` or \`etherip\`` },
  { class: "silently wrong", name: "an unknown outer family", build: (k) => k.gi({ outer: "inet4" }), message: (s) => `GifTunnel "gif${s}": outer = inet4: not one of inet, inet6; use \`inet\` or \`inet6\`` },
  { class: "silently wrong", name: "a gre tunnel on a gif interface", build: (k) => k.gi({ kind: "gre" }), message: (s) => `2 problems in the declared topology:\n- GifTunnel "gif${s}", Gateway "gw1${s}", Gateway "gw2${s}": left.interface = gif0: a gre tunnel's interface is greN; use e.g. \`gre0\`\n- GifTunnel "gif${s}", Gateway "gw1${s}", Gateway "gw2${s}": right.interface = gif0: a gre tunnel's interface is greN; use e.g. \`gre0\`` },
  { class: "silently wrong", name: "an inner address with prefix 33", build: (k) => k.gi({}, { inner: "10.9.0.1/33" }), message: (s) => `GifTunnel "gif${s}": left.inner = 10.9.0.1/33: invalid netmask \`/33\`: a prefix length is 0–32; write e.g. \`192.0.2.153/24\`` },
  { class: "silently wrong", name: "keepalive period 0", build: (k) => k.gi({ kind: "gre", keepalive: { period: 0, count: 3 } }, { interface: "gre0" }), message: (s) => `GifTunnel "gif${s}": keepalive.period = 0: a keepalive period in seconds is an integer in 1–60; this is out of range; give an integer in 1–60` },
  { class: "silently wrong", name: "an unknown ipsec keying", build: (k) => k.gi({ ipsec: { keying: "auto" } }), message: (s) => `GifTunnel "gif${s}": ipsec.keying = auto: not one of manual, ike; use \`manual\` or \`ike\`` },
  { class: "silently wrong", name: "an unknown end role", build: (k) => k.gi({}, { role: "router" }), message: (s) => `GifTunnel "gif${s}": left.role = router: not one of gif, ipsec-tunnel; use \`gif\` or \`ipsec-tunnel\`` },
  { class: "silently wrong", name: "a fractional vnetid", build: (k) => k.gi({ kind: "gre", vnetid: 1.5 }, { interface: "gre0" }), message: (s) => `GifTunnel "gif${s}": vnetid = 1.5: a gre vnetid is an integer in 0–4294967295; this is not an integer; give an integer in 0–4294967295` },
  { class: "silently wrong", name: "a gif tunnel from a gateway to itself", build: (k) => { const a = k.gw1(); new openbsd.GifTunnel(`gif${k.s}`, { left: { gateway: a, interface: "gif0", inner: "10.9.0.1" }, right: { gateway: a, interface: "gif1", inner: "10.9.0.2" } }); }, message: (s) => `GifTunnel "gif${s}": left.gateway, right.gateway = gw1${s}: both ends are the same gateway; connect two different gateways` },

  // ------------------------------------------------------------------ WireGuard
  { class: "injection", name: "`;` in a wg interface", build: (k) => k.wg({}, { interface: "wg0;" }), message: (s) => `WireGuardTunnel "wg${s}": left.interface = wg0;: not an interface name (driver letters then a unit number; netstart skips any other /etc/hostname.IF); write e.g. \`em0\`, \`carp1\`, \`gif0\`` },
  { class: "injection", name: "newline in a WireGuard private key", build: (k) => k.wg({}, { privateKey: sec("YMl9M1y1Jm7F8qN0u0G2pGJj0qK7v6z7p3mYxk4v5Fw=\n!reboot") }), message: (s) => `WireGuardTunnel "wg${s}": left.privateKey = (secret): a wgkey (private key) is 32 bytes in base64 (44 characters of A-Z a-z 0-9 + / ending in =); this is not base64; generate one with \`openssl rand -base64 32\` (a private key) or \`wg pubkey\` (a public key)` },
  { class: "injection", name: "newline in a WireGuard endpoint", build: (k) => k.wg({}, { endpoint: "192.0.2.153\n!reboot" }), message: (s) => `WireGuardTunnel "wg${s}": left.endpoint = 192.0.2.153\\n!reboot: holds a newline (\\n), which an address cannot hold safely; write an IP address, e.g. \`192.0.2.1\`` },
  { class: "injection", name: "`!` in a WireGuard network", build: (k) => k.wg({}, { networks: ["!10.0.0.0/8"] }), message: (s) => `WireGuardTunnel "wg${s}": left.networks[0] = !10.0.0.0/8: not an IP network; write e.g. \`172.16.0.0/24\`` },
  { class: "silently wrong", name: "a wg inner with two prefixes", build: (k) => k.wg({}, { inner: "10.9.0.1/24/24" }), message: (s) => `WireGuardTunnel "wg${s}": left.inner = 10.9.0.1/24/24: more than one prefix length; write one \`ADDRESS/LEN\`, e.g. \`192.0.2.153/24\`` },
  { class: "silently wrong", name: "wg port 65536", build: (k) => k.wg({}, { port: 65536 }), message: (s) => `WireGuardTunnel "wg${s}": left.port = 65536: wgport is a UDP port, an integer in 1–65535; this is out of range; give a port such as 51820` },
  { class: "silently wrong", name: "wg port as a string", build: (k) => k.wg({}, { port: "51820" }), message: (s) => `WireGuardTunnel "wg${s}": left.port = 51820: wgport is a UDP port, an integer in 1–65535; this is not a number (a string given); give a port such as 51820` },
  { class: "silently wrong", name: "a WireGuard private key that is not base64", build: (k) => k.wg({}, { privateKey: sec("not-a-key") }), message: (s) => `WireGuardTunnel "wg${s}": left.privateKey = (secret): a wgkey (private key) is 32 bytes in base64 (44 characters of A-Z a-z 0-9 + / ending in =); this is not base64; generate one with \`openssl rand -base64 32\` (a private key) or \`wg pubkey\` (a public key)` },
  { class: "silently wrong", name: "an rtable of 300", build: (k) => k.wg({}, { rtable: 300 }), message: (s) => `WireGuardTunnel "wg${s}": left.rtable = 300: a routing table (wgrtable) is an integer in 0–255; this is out of range; give an integer in 0–255` },
  { class: "silently wrong", name: "a negative wg keepalive", build: (k) => k.wg({ keepalive: -1 }), message: (s) => `WireGuardTunnel "wg${s}": keepalive = -1: a keepalive interval in seconds (wgpka) is an integer in 0–43200; this is out of range; give an integer in 0–43200` },
  { class: "silently wrong", name: "a WireGuard psk that is not 32 bytes", build: (k) => k.wg({ psk: sec("c2hvcnQ=") }), message: (s) => `WireGuardTunnel "wg${s}": psk = (secret): a wgpsk is 32 bytes in base64 (44 characters ending in =); this decodes to 5 bytes; generate one with \`openssl rand -base64 32\` (a private key) or \`wg pubkey\` (a public key)` },
  { class: "silently wrong", name: "a mesh with one member", build: (k) => { const a = k.gw1(); new openbsd.WireGuardMesh(`mesh${k.s}`, { members: [{ gateway: a, inner: "10.9.0.1/24" }] }); }, message: (s) => `WireGuardMesh "mesh${s}": members = 1: a mesh needs at least two members; give two or more \`{ gateway, inner }\`` },
  { class: "silently wrong", name: "a mesh member's inner outside the others' subnet", build: (k) => k.mesh({}, { inner: "10.8.0.1/24" }), message: (s) => `WireGuardMesh "mesh${s}": members[1].inner = 10.9.0.2/24: not in the subnet 10.8.0.0/24 of members[0].inner: the members' wg interfaces share one inner subnet; give it an address of 10.8.0.0/24` },
  { class: "silently wrong", name: "a hub without spokes", build: (k) => { const a = k.gw1(); new openbsd.WireGuardHub(`hub${k.s}`, { hub: { gateway: a, inner: "10.9.0.1/24" }, spokes: [] }); }, message: (s) => `WireGuardHub "hub${s}": spokes = 0: a hub needs at least one spoke; give \`spokes: [{ gateway, inner }, …]\`` },

  { class: "silently wrong", name: "a WireGuard tunnel from a gateway to itself", build: (k) => { const a = k.gw1(); new openbsd.WireGuardTunnel(`wg${k.s}`, { left: { gateway: a, interface: "wg0", inner: "10.9.0.1/24" }, right: { gateway: a, interface: "wg1", inner: "10.9.0.2/24" } }); }, message: (s) => `WireGuardTunnel "wg${s}": left.gateway, right.gateway = gw1${s}: both ends are the same gateway; connect two different gateways` },

  // ------------------------------------------------------------------ SshTunnel
  { class: "silently wrong", name: "an SSH tunnel from a gateway to itself", build: (k) => { const a = k.gw1(); new openbsd.SshTunnel(`sshtun${k.s}`, { client: { gateway: a, interface: "tun0", inner: "172.16.2.1/30" }, server: { gateway: a, interface: "tun1", inner: "172.16.2.2/30" } }); }, message: (s) => `SshTunnel "sshtun${s}": client.gateway, server.gateway = gw1${s}: both ends are the same gateway; connect two different gateways` },
  { class: "injection", name: "a blank after the tun interface", build: (k) => k.ssh({}, { interface: "tun0 " }), message: (s) => `SshTunnel "sshtun${s}": client.interface = "tun0 ": not an interface name (driver letters then a unit number; netstart skips any other /etc/hostname.IF); write e.g. \`em0\`, \`carp1\`, \`gif0\`` },
  { class: "injection", name: "`;` in the tunnel user", build: (k) => k.ssh({ user: "root;reboot" }), message: (s) => `SshTunnel "sshtun${s}": user = root;reboot: not a user name; give e.g. \`root\`` },
  { class: "injection", name: "newline in the server's host key", build: (k) => k.ssh({}, {}, { hostKey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOiTE7+GTIvAgiHL8gWqtrDRhmHr6ugaoJ5R9CA1VeGy\n@cert-authority * ssh-ed25519 AAAA" }), message: (s) => `SshTunnel "sshtun${s}": server.hostKey = ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOiTE7+GTIvAgiHL8gWqtrDRhmHr6ugaoJ5R9CA1VeGy… (115 bytes): holds a newline (\\n), which a known_hosts line cannot hold safely; give the key on one line, as \`ssh-keyscan -t ed25519 HOST\` prints it without the host name` },
  { class: "injection", name: "NUL in the base sshd_config", build: (k) => k.ssh({}, {}, { sshdConfig: "PermitRootLogin prohibit-password\0\n" }), message: (s) => `SshTunnel "sshtun${s}": server.sshdConfig = (the base sshd_config): holds a NUL byte (\\0); give the gateway's sshd_config as it is on the host, without that line` },
  { class: "silently wrong", name: "server port 0", build: (k) => k.ssh({}, {}, { port: 0 }), message: (s) => `SshTunnel "sshtun${s}": server.port = 0: a TCP port is an integer in 1–65535; this is out of range; give an integer in 1–65535` },
  { class: "silently wrong", name: "ServerAliveInterval 0", build: (k) => k.ssh({ serverAliveInterval: 0 }), message: (s) => `SshTunnel "sshtun${s}": serverAliveInterval = 0: a ServerAliveInterval in seconds is an integer in 1–3600; this is out of range; give an integer in 1–3600` },
  { class: "silently wrong", name: "a negative restart delay", build: (k) => k.ssh({ restartDelay: -1 }), message: (s) => `SshTunnel "sshtun${s}": restartDelay = -1: a restart delay in seconds is an integer in 1–3600; this is out of range; give an integer in 1–3600` },
  { class: "silently wrong", name: "a source with a prefix", build: (k) => k.ssh({}, { source: "192.0.2.153/24" }), message: (s) => `SshTunnel "sshtun${s}": client.source = 192.0.2.153/24: a host address takes no prefix length; write \`192.0.2.153\`` },
  { class: "silently wrong", name: "a client private key that is not a key", build: (k) => k.ssh({}, { privateKey: sec("garbage") }), message: (s) => `SshTunnel "sshtun${s}": client.privateKey = (secret): not an unencrypted OpenSSH private key (\`-----BEGIN OPENSSH PRIVATE KEY-----\`); generate one with \`ssh-keygen -t ed25519 -N '' -f sshtun\`, or leave \`privateKey\` out to derive one` },
  { class: "silently wrong", name: "an ssh tunnel on a non-tun interface", build: (k) => k.ssh({}, { interface: "em3" }), message: (s) => `SshTunnel "sshtun${s}": client.interface = em3: not a tun interface; use \`tunN\`, e.g. \`tun1\`` },
  { class: "messages", name: "sshdConfig as a number", build: (k) => k.ssh({}, {}, { sshdConfig: 42 }), message: (s) => `SshTunnel "sshtun${s}": server.sshdConfig = 42: not the text of an sshd_config (number given); give the text of an sshd_config, e.g. \`readFileSync("sshd_config", "utf8")\`` },

  // ------------------------------------------------------------------ OpenVPN
  { class: "injection", name: "U+202E in an OpenVPN interface", build: (k) => k.ovpn({}, { interface: "tun0\u202e" }), message: (s) => `OpenVpnTunnel "ovpn${s}": left.interface = tun0\\u202e: holds a bidirectional override (U+202E), which an interface name cannot hold safely; give a driver name and unit number, e.g. \`em0\`` },
  { class: "injection", name: "newline in an OpenVPN endpoint", build: (k) => k.ovpn({}, { endpoint: "192.0.123.85\nscript-security 3" }), message: (s) => `OpenVpnTunnel "ovpn${s}": left.endpoint = 192.0.123.85\\nscript-security 3: holds a newline (\\n), which an address cannot hold safely; write an IPv4 address, e.g. \`192.0.2.1\`` },
  { class: "silently wrong", name: "an unknown OpenVPN cipher", build: (k) => k.ovpn({ cipher: "AES-256-XYZ" }), message: (s) => `OpenVpnTunnel "ovpn${s}": cipher = AES-256-XYZ: not one of AES-128-CBC, AES-192-CBC, AES-256-CBC; use \`AES-128-CBC\`, \`AES-192-CBC\` or \`AES-256-CBC\`` },
  { class: "silently wrong", name: "an unknown OpenVPN auth", build: (k) => k.ovpn({ auth: "md5" }), message: (s) => `OpenVpnTunnel "ovpn${s}": auth = md5: not one of SHA1, SHA256, SHA384, SHA512; use \`SHA1\`, \`SHA256\`, \`SHA384\` or \`SHA512\`` },
  { class: "silently wrong", name: "an OpenVPN key that is not a static key", build: (k) => k.ovpn({ key: sec("garbage") }), message: (s) => `OpenVpnTunnel "ovpn${s}": key = (secret): not an OpenVPN static key file (no \`-----BEGIN OpenVPN Static key V1-----\` … END lines); give the whole file \`openvpn --genkey secret FILE\` writes (BEGIN line, 16 lines of hex, END line)` },
  { class: "silently wrong", name: "OpenVPN port 0", build: (k) => k.ovpn({}, { port: 0 }), message: (s) => `OpenVpnTunnel "ovpn${s}": left.port = 0: lport is a UDP port, an integer in 1–65535; this is out of range; give a port such as 1194` },
  { class: "silently wrong", name: "an OpenVPN keepalive timeout shorter than its interval", build: (k) => k.ovpn({ keepalive: { interval: 60, timeout: 10 } }), message: (s) => `OpenVpnTunnel "ovpn${s}": keepalive.timeout = 10: not longer than the interval (60 s): the link would restart between two pings; give a timeout several intervals long, e.g. \`{ interval: 10, timeout: 60 }\`` },
  { class: "silently wrong", name: "an OpenVPN inner with prefix 33", build: (k) => k.ovpn({}, { inner: "10.8.0.1/33" }), message: (s) => `OpenVpnTunnel "ovpn${s}": left.inner = 10.8.0.1/33: invalid netmask \`/33\`: a prefix length is 0–32; write e.g. \`192.0.2.1\`` },

  { class: "silently wrong", name: "an OpenVPN tunnel from a gateway to itself", build: (k) => { const a = k.gw1(); new openbsd.OpenVpnTunnel(`ovpn${k.s}`, { left: { gateway: a, interface: "tun0", inner: "10.8.0.1" }, right: { gateway: a, interface: "tun1", inner: "10.8.0.2" } }); }, message: (s) => `OpenVpnTunnel "ovpn${s}": left.gateway, right.gateway = gw1${s}: both ends are the same gateway; connect two different gateways` },
  { class: "injection", name: "a path in an OpenVPN tunnel's resource name (it names /etc/openvpn/NAME.conf)", build: (k) => { const a = k.gw1(); const b = k.gw2(); new openbsd.OpenVpnTunnel(`../../etc/rc${k.s}`, { left: { gateway: a, interface: "tun0", inner: "10.8.0.1" }, right: { gateway: b, interface: "tun0", inner: "10.8.0.2" } }); }, message: (s) => `OpenVpnTunnel "../../etc/rc${s}": name = ../../etc/rc${s}: names /etc/openvpn/NAME.conf: letters, digits and \`_.-\`, starting with a letter or digit, at most 64 characters; name the resource e.g. \`site1-site2\`` },
  { class: "injection", name: "a newline in an OpenVPN tunnel's resource name", build: (k) => { const a = k.gw1(); const b = k.gw2(); new openbsd.OpenVpnTunnel(`x\ny${k.s}`, { left: { gateway: a, interface: "tun0", inner: "10.8.0.1" }, right: { gateway: b, interface: "tun0", inner: "10.8.0.2" } }); }, message: (s) => `OpenVpnTunnel "x\\ny${s}": name (the resource name) = x\\ny${s}: holds a newline (\\n), which a resource name cannot hold safely (it is recorded on the gateway in the stack's URN); use letters, digits and punctuation` },

  // ------------------------------------------------------------------ tinc
  { class: "injection", name: "a path as tinc netname", build: (k) => k.tinc({ netname: "../vpn" }), message: (s) => `TincNetwork "tinc${s}": netname = ../vpn: not a tinc name (letters, digits and \`_\` only: tinc refuses \`-\` and \`.\`); give e.g. \`gw1\` or \`site_a\`` },
  { class: "injection", name: "newline in a tinc netname", build: (k) => k.tinc({ netname: "vpn\n" }), message: (s) => `TincNetwork "tinc${s}": netname = "vpn\\n": not a tinc name (letters, digits and \`_\` only: tinc refuses \`-\` and \`.\`); give e.g. \`gw1\` or \`site_a\`` },
  { class: "injection", name: "a `-` in a tinc node name", build: (k) => k.tinc({}, { name: "gw-1" }), message: (s) => `TincNetwork "tinc${s}": members[0].name = gw-1: not a tinc name (letters, digits and \`_\` only: tinc refuses \`-\` and \`.\`); give e.g. \`gw1\` or \`site_a\`` },
  { class: "injection", name: "`;` in a tinc member address", build: (k) => k.tinc({}, { address: "gw1.example.org;reboot" }), message: (s) => `TincNetwork "tinc${s}": members[0].address = gw1.example.org;reboot: not an IPv4 address; write e.g. \`192.0.2.1\`` },
  { class: "silently wrong", name: "tinc port 0", build: (k) => k.tinc({}, { port: 0 }), message: (s) => `TincNetwork "tinc${s}": members[0].port = 0: a tinc port is a UDP port, an integer in 1–65535; this is out of range; give a port such as 655` },
  { class: "silently wrong", name: "a tinc subnet with two prefixes", build: (k) => k.tinc({}, { subnets: ["10.1.0.0/24/8"] }), message: (s) => `TincNetwork "tinc${s}": members[0].subnets[0] = 10.1.0.0/24/8: more than one prefix length; write one \`ADDRESS/LEN\`, e.g. \`172.16.0.0/24\`` },
  { class: "silently wrong", name: "a tinc network with one member", build: (k) => { const a = k.gw1(); new openbsd.TincNetwork(`tinc${k.s}`, { netname: "vpn", members: [{ gateway: a, name: "gw1", inner: "10.10.0.1/24" }] }); }, message: (s) => `TincNetwork "tinc${s}": members = 1: a network needs at least two members; give two or more \`{ gateway, inner }\`` },
  { class: "silently wrong", name: "two tinc members with one name", build: (k) => { const a = k.gw1(); const b = k.gw2(); new openbsd.TincNetwork(`tinc${k.s}`, { netname: "vpn", members: [{ gateway: a, name: "x", inner: "10.10.0.1/24" }, { gateway: b, name: "x", inner: "10.10.0.2/24" }] }); }, message: (s) => `TincNetwork "tinc${s}", Gateway "gw2${s}": members[1].name = x: also the name of members[0]; give each member its own tinc name` },

  // ------------------------------------------------------------------ CertificateAuthority
  { class: "injection", name: "a DN injection in a CA common name", build: (k) => k.x509({ commonName: "CA\n/CN=evil" }), message: (s) => `CertificateAuthority "ca${s}": commonName = CA\\n/CN=evil: a common name is 1–64 printable ASCII characters without leading or trailing blanks; write e.g. \`VPN CA\`` },
  { class: "injection", name: "a CA common name of 300 characters", build: (k) => k.x509({ commonName: "c".repeat(300) }), message: (s) => `CertificateAuthority "ca${s}": commonName = cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc… (300 bytes): a common name is 1–64 printable ASCII characters without leading or trailing blanks; write e.g. \`VPN CA\`` },
  { class: "silently wrong", name: "a CA notBefore that is no date", build: (k) => k.x509({ notBefore: "yesterday" }), message: (s) => `CertificateAuthority "ca${s}": notBefore = yesterday: not an ISO 8601 UTC time; write e.g. \`2025-01-01T00:00:00Z\`` },
  { class: "messages", name: "a CA key seed given as a number", build: (k) => k.x509({ keySeed: 1234567890123456789 }), message: (s) => `CertificateAuthority "ca${s}": keySeed = (secret): a key seed is a string of at least 16 characters; generate one with \`openssl rand -hex 32\` and keep it with \`pulumi config set --secret\`` },
];
