import * as pulumi from "@pulumi/pulumi";
import type { GatewaySpec, IfAddress, IkeDaemon, NatSpec } from "../planner/spec";
import { GatewayConfig, warnIfPluginUnfound, type ConnectionArgs } from "../resources/gateway-config";
import type { HostState } from "../state";
import { argError, ifAddress, networkOf } from "./common";
import { boolArg, isPlain, listArg, need, noHoles, objectArg, entryArg, take, takeOpt, labelOf } from "./check";
import { hostAddress, hostKeyMistake, integer, interfaceName, keySeed, network, oneOf, packageName, rcFlags, serviceName, sysctlName, userName } from "../model/tokens/index";
import { sysctlValueOf } from "../model/sysctl/index";
import { hold, openGroup, type Group } from "./registry";
import { publishFiles, publishState, wholeState, type GatewayFile } from "./outputs";
import { ikedKeyPair } from "../planner/keys";
import { hostProblem, parseHostKey, withConnectionDefaults } from "../connection";
import { aString, givenKind, refuseUnsafe, type TokenRule } from "../model/tokens/refusal";

/** A pinned host key is one line of known_hosts: blanks around it are trimmed (as the provider does), nothing unsafe inside. */
const hostKeyLine: TokenRule = (v) => {
  const s = aString(v, "an SSH host key", "ssh-ed25519 AAAAC3Nz…").trim();
  refuseUnsafe(s, "a known_hosts line", "give the key on one line, as `ssh-keyscan -t ed25519 HOST` prints it without the host name");
  return s;
};

/** The gateway's egress (Internet-facing) interface: the address IPsec peers use. */
export interface ExternalArgs {
  /** Interface name, e.g. `em1` (seeds/000: em1 192.0.2.153). */
  interface: string;
  /** IPv4 address, `ADDR` or `ADDR/LEN` (default /24 for the hostname.if netmask), e.g. `192.0.2.153`. The peers' `peer`. */
  address?: pulumi.Input<string>;
  /** IPv6 address, `ADDR/LEN` (default /64); the outer address of IPv6 tunnels (gif IPv4-in-IPv6). */
  address6?: pulumi.Input<string>;
  /** Write `/etc/hostname.IF` (`inet ADDR MASK`, `up`) and apply it with netstart. Default false: the interface is left as installed. */
  configure?: boolean;
  /**
   * The gateway sits behind a NAT router that masquerades `address` (seeds/002 "NAT traversal"). Its IPsec
   * peers then use `nat.publicAddress` as their `peer`, while this gateway keeps `address` as its own
   * endpoint; isakmpd and iked detect the NAT and move IKE and ESP to UDP 4500 (NAT-T). Default: none (the
   * gateway is reachable at `address`). IPv4 only; not on a CarpPair member.
   */
  nat?: NatArgs;
}

/** The NAT router in front of a gateway's egress. */
export interface NatArgs {
  /** The public IPv4 address the NAT router gives this gateway's traffic, e.g. `198.51.100.2`: what its peers see and name as `peer`. */
  publicAddress: pulumi.Input<string>;
  /**
   * The NAT router forwards udp 500 and 4500 on `publicAddress` to this gateway (a static port forward), so
   * peers can initiate IKE. Default false: only this gateway can start a tunnel (a tunnel end behind such a
   * NAT may not be `passive`, and two such ends cannot reach each other).
   */
  forwardsIke?: boolean;
}

/** An internal interface and the network it protects. */
export interface InternalArgs {
  /** Interface name, e.g. `em0`. */
  interface: string;
  /** The gateway's address on it with its prefix, e.g. `172.16.0.1/24`. The protected network defaults to its network. */
  address?: pulumi.Input<string>;
  /** The protected network, e.g. `172.16.0.0/24` (seeds/000 "Network 1"). Default: the network of `address`. */
  network?: pulumi.Input<string>;
  /** Write `/etc/hostname.IF`. Default false. */
  configure?: boolean;
}

/** An extra interface holding addresses (a loopback `lo1` or `vether0`), written to /etc/hostname.IF. */
export interface ExtraInterfaceArgs {
  /** e.g. `lo1`, `vether0`. */
  interface: string;
  /** Addresses with prefix, e.g. `172.16.1.1/24`, `fdd0:48b3:1360:ab79::1/64`. */
  addresses: pulumi.Input<string>[];
}

/** A daemon managed with rcctl(8) (rc.conf.local). */
export interface ServiceArgs {
  /** `rcctl enable` (true) or `rcctl disable` (false). Default true. */
  enabled?: boolean;
  /** `rcctl set NAME flags …`; absent keeps the rc.d default. */
  flags?: pulumi.Input<string>;
  /** Running now (`rcctl start`/`stop`). Default: as enabled. */
  running?: boolean;
}

/** Arguments of {@link Gateway}. */
export interface GatewayArgs {
  /** SSH connection: host (management address), port, user (root, or doas), private key (kept secret), pinned host key. */
  connection: pulumi.Input<ConnectionArgs>;
  /** Egress interface. */
  external: ExternalArgs;
  /** Internal interface(s) and the networks tunnels protect by default. */
  internal?: InternalArgs | InternalArgs[];
  /** IKE daemon for this gateway's tunnels: `isakmpd` (IKEv1, ipsec.conf; default) or `iked` (IKEv2, iked.conf). */
  ike?: IkeDaemon;
  /**
   * `net.inet.ip.forwarding` (default 1: a gateway forwards; 2 forwards only IPsec traffic) and
   * `net.inet6.ip6.forwarding` (default 0).
   */
  forwarding?: { ipv4?: 0 | 1 | 2; ipv6?: 0 | 1 };
  /** `net.inet.esp.enable` (OpenBSD default 1); written only when given. */
  esp?: boolean;
  /** `net.inet.ah.enable` (OpenBSD default 1); written only when given (set to 1 by AH tunnels). */
  ah?: boolean;
  /** `net.inet.ipcomp.enable` (OpenBSD default 0); written only when given. */
  ipcomp?: boolean;
  /** Further sysctls (MIB → value), persisted in /etc/sysctl.conf. */
  sysctls?: Record<string, pulumi.Input<string>>;
  /** Further daemons through rcctl (e.g. `{ ntpd: { flags: "-s" } }`). */
  services?: Record<string, ServiceArgs>;
  /** Base /etc/pf.conf: `policy` `pass` (OpenBSD's default ruleset, `block return` + `pass`; default) or `block` (block, pass out, ssh in); extra `skip` interfaces. */
  pf?: { policy?: "pass" | "block"; skip?: string[] };
  /** Loopback/vether interfaces with addresses (e.g. `lo1` for a tunnel-mode peer's inner address). */
  extraInterfaces?: ExtraInterfaceArgs[];
  /**
   * Secret seed of the gateway's derived keys (iked ECDSA key pair; RSA key pair of isakmpd public-key
   * authentication and of its X.509 certificates; manual SA keys of its links).
   * Default: the SSH private key. Rotating it rotates those keys.
   */
  keySeed?: pulumi.Input<string>;
  /**
   * Packages to install with `pkg_add -I` (names as pkg_add takes them: a stem such as `openvpn` or
   * `tinc`, optionally `--flavor` and `%branch`; no version). Read back with `pkg_info` on refresh (a
   * package removed by hand is drift); on destroy, or when dropped from this list, `pkg_delete` removes
   * only the packages this gateway's resource installed. VPN components add what they need (OpenVPN:
   * `openvpn`, tinc: `tinc`). Default none.
   */
  packages?: string[];
  /** Seconds before the on-host rollback restores the previous configuration if the commit is not confirmed. Default 60. */
  rollbackSeconds?: pulumi.Input<number>;
}

/**
 * An OpenBSD VPN gateway. Owns exactly one {@link GatewayConfig}: everything attached to the gateway
 * (tunnels, CARP pairs, anchors, gif links) is rendered into its state, committed in one SSH connection.
 */
export class Gateway extends pulumi.ComponentResource {
  /** The provider resource holding the gateway's whole desired state. */
  readonly config: GatewayConfig;
  /**
   * The desired state computed by the planner (available once the program's declarations are sealed).
   * A Pulumi secret as a whole when any of its files holds a secret; {@link files} keeps the others readable.
   */
  readonly state: pulumi.Output<HostState>;
  /**
   * Every file this gateway installs, by absolute path (`/etc/ipsec.conf`, `/etc/pf.conf`, `/etc/hostname.carp1` …),
   * as rendered: content, mode, owner, group. The content of a file that holds a secret (PSK, sasyncd
   * sharedkey, carp password, manual SA keys, private key) is a Pulumi secret, and such a file is 0600.
   * Registered as the component's `files` output.
   */
  readonly files: pulumi.Output<Record<string, GatewayFile>>;
  /**
   * The gateway's iked public key (ECDSA P-256, PEM `-----BEGIN PUBLIC KEY-----`), derived from its key
   * seed: what a peer needs in /etc/iked/pubkeys/ipv4/ADDR for `auth: "publickey"`. Installed at
   * /etc/iked/local.pub when a public-key tunnel uses this gateway (the peers of a CARP pair are given its
   * first member's key). Not secret. Registered as the component's `publicKey` output.
   */
  readonly publicKey: pulumi.Output<string>;
  /**
   * The gateway's RSA public key (2048 bits, PEM `-----BEGIN PUBLIC KEY-----`), derived from its key seed,
   * when an isakmpd public-key tunnel uses it (undefined otherwise: deriving an RSA key costs 50–100 ms):
   * /etc/isakmpd/local.pub, what a hand-configured peer needs in /etc/isakmpd/pubkeys/ipv4/ADDR (or
   * fqdn/NAME). Not secret. Registered as the component's `rsaPublicKey` output.
   */
  readonly rsaPublicKey: pulumi.Output<string | undefined>;
  /** The connection, ready for `@pulumi/command`'s `remote.Command` (`{ host, port, user, privateKey, hostKey }`). */
  readonly connection: pulumi.Output<{ host: string; port: number; user: string; privateKey: string; hostKey?: string }>;
  /** Default IKE daemon. */
  readonly ike: IkeDaemon;
  /** Names of the gateways whose commit must finish before this one's (CARP: the master waits for the backup). */
  readonly appliedAfter: pulumi.Output<string[]>;
  /** Egress interface name. */
  readonly externalInterface: string;
  /** @internal the declaration group. */
  readonly group: Group;
  /** @internal the key seed (secret). */
  readonly keySeed: pulumi.Output<string>;
  /** @internal */
  readonly gatewayName: string;

  constructor(name: string, args: GatewayArgs, opts?: pulumi.ComponentResourceOptions) {
    // said before any GatewayConfig reaches the engine, which fails at the first one when it cannot find the plugin:
    // the declarations are sealed (and their GatewayConfigs registered) once the engine has the warning
    const warned = warnIfPluginUnfound();
    if (warned) void hold(warned);
    super("openbsd:index:Gateway", name, {}, opts);
    const label = labelOf("Gateway", name);
    this.gatewayName = name;
    const internals = checkGatewayArgs(label, args);
    const internalField = (k: number, f: string) => (Array.isArray(args.internal) ? `internal[${k}].${f}` : `internal.${f}`);
    this.ike = args.ike ?? "isakmpd";
    this.externalInterface = args.external.interface;
    // checked when it resolves (still at preview); the group is known by then
    const conn = pulumi.output(args.connection).apply((c) => checkConnection(label, name, this.group, c));
    // defaults filled once, here, so the provider never sees an absent (null) field
    const connection = conn.apply(withConnectionDefaults);
    // as @pulumi/command's remote.Command takes it (no insecureSkipHostKeyCheck; a bastion is its `proxy`)
    this.connection = pulumi.secret(
      connection.apply(({ insecureSkipHostKeyCheck: _, proxy, ...c }) => {
        if (!proxy) return c;
        const { insecureSkipHostKeyCheck: _p, ...px } = proxy;
        return { ...c, proxy: { ...px, privateKey: px.privateKey ?? c.privateKey } };
      }),
    );
    this.keySeed = pulumi.secret(args.keySeed !== undefined ? pulumi.output(args.keySeed).apply((v) => take(label, "keySeed", v, keySeed, { secret: true })) : conn.apply((c) => c.privateKey));
    const fwd = args.forwarding ?? {};
    // each argument given as an Input is checked by itself when it resolves (still at preview): one not known yet
    // (an apply on a resource not created) holds back no check of the others
    // an empty string is a mistake to name, not "no address"
    const ext4 = pulumi.output(args.external.address).apply((v) => (given(v) ? ifAddress(label, "external.address", v, 24, 4) : undefined));
    const ext6 = pulumi.output(args.external.address6).apply((v) => (given(v) ? ifAddress(label, "external.address6", v, 64, 6) : undefined));
    const natPublic = args.external.nat ? pulumi.output(args.external.nat.publicAddress).apply((v) => take(label, "external.nat.publicAddress", v, hostAddress(4))) : pulumi.output(undefined);
    const ints = pulumi.all(internals.map((i, k) => pulumi.all([
      pulumi.output(i.address).apply((v) => (given(v) ? ifAddress(label, internalField(k, "address"), v, 24) : undefined)),
      pulumi.output(i.network).apply((v) => takeOpt(label, internalField(k, "network"), v, network())),
    ])));
    const sysctls = pulumi.all(Object.fromEntries(Object.entries(args.sysctls ?? {}).map(([k, v]) => [k, pulumi.output(v).apply((x) => take(label, `sysctls["${k}"]`, x, sysctlValueOf(k)))])));
    const svcFlags = pulumi.all(Object.fromEntries(Object.entries(args.services ?? {}).map(([k, s]) => [k, pulumi.output(s.flags).apply((x) => takeOpt(label, `services.${k}.flags`, x, rcFlags))])));
    const extraAddrs = pulumi.all((args.extraInterfaces ?? []).map((x, k) => pulumi.all(x.addresses.map((a, j) => pulumi.output(a).apply((v) => ifAddress(label, `extraInterfaces[${k}].addresses[${j}]`, v))))));
    // a rollback delay given as an Output is checked here, when it resolves; the provider reads the input itself
    const rollback = args.rollbackSeconds !== undefined ? pulumi.output(args.rollbackSeconds).apply((v) => take(label, "rollbackSeconds", v, ROLLBACK_SECONDS)) : pulumi.output(undefined);
    const spec: pulumi.Output<GatewaySpec> = pulumi
      .all([ext4, ext6, ints, sysctls, svcFlags, extraAddrs, this.keySeed, pulumi.all([natPublic, rollback])])
      .apply(([ext4, ext6, ints, sysctls, svcFlags, extraAddrs, seed, [natPublic]]): GatewaySpec => ({
        name,
        external: {
          interface: args.external.interface,
          ...(ext4 ? { address: ext4 } : {}),
          ...(ext6 ? { address6: ext6 } : {}),
          configure: args.external.configure ?? false,
          ...(args.external.nat ? { nat: natSpec(label, ext4, natPublic!, args.external.nat) } : {}),
        },
        internal: internals.map((i, k) => {
          const [a, net] = ints[k]!;
          const network_ = net ?? (a ? networkOf(a) : undefined);
          if (!network_) throw argError(label, Array.isArray(args.internal) ? `internal[${k}]` : "internal", i.interface, "neither `network` nor `address` given", "give the protected network, e.g. `network: \"172.16.0.0/24\"`");
          return { interface: i.interface, network: network_, ...(a ? { address: a } : {}), configure: i.configure ?? false };
        }),
        ike: this.ike,
        forwarding: { ipv4: fwd.ipv4 ?? 1, ipv6: fwd.ipv6 ?? 0 },
        ...(args.esp !== undefined ? { esp: args.esp } : {}),
        ...(args.ah !== undefined ? { ah: args.ah } : {}),
        ...(args.ipcomp !== undefined ? { ipcomp: args.ipcomp } : {}),
        sysctls: sysctls as Record<string, string>,
        services: Object.fromEntries(
          Object.entries(args.services ?? {}).map(([k, s]) => {
            const flags = (svcFlags as Record<string, string | undefined>)[k];
            return [k, { enabled: s.enabled ?? true, ...(flags !== undefined ? { flags } : {}), ...(s.running !== undefined ? { running: s.running } : {}) }];
          }),
        ),
        pfPolicy: args.pf?.policy ?? "pass",
        pfSkip: args.pf?.skip ?? [],
        extraInterfaces: (args.extraInterfaces ?? []).map((x, k) => ({ interface: x.interface, addresses: extraAddrs[k] as IfAddress[] })),
        ...(args.packages?.length ? { packages: [...args.packages] } : {}),
        keySeed: seed,
      }));
    this.group = openGroup();
    this.group.addGateway(name, spec, args);
    const group = this.group;
    const planned = group.fromPlan((p) => p.states[name]!);
    this.state = planned.apply(wholeState);
    this.files = planned.apply(publishFiles);
    // a public key is public: derived from the (secret) seed, it is deliberately not secret
    this.publicKey = pulumi.unsecret(this.keySeed.apply((seed) => ikedKeyPair(seed, name).publicKey));
    this.rsaPublicKey = pulumi.unsecret(planned.apply((s) => s.files["/etc/isakmpd/local.pub"]?.content));
    // CARP: the master's commit waits for the backup's (ARCHITECTURE.md H5); known from plain values at sealing
    this.appliedAfter = pulumi.output(group.sealedSignal.then(() => [...(group.order.get(name) ?? [])]));
    const deps: Promise<pulumi.Resource[]> = group.sealedSignal.then(() =>
      (group.order.get(name) ?? []).map((g) => gatewayRegistry.get(group)?.get(g)?.config).filter((r): r is GatewayConfig => r !== undefined),
    );
    this.config = new GatewayConfig(name, { connection, state: group.fromPlan((p) => publishState(p.states[name]!, p.marked)), rollbackSeconds: args.rollbackSeconds }, { parent: this, dependsOn: deps });
    let byName = gatewayRegistry.get(group);
    if (!byName) gatewayRegistry.set(group, (byName = new Map()));
    byName.set(name, this);
    this.registerOutputs({ files: this.files, publicKey: this.publicKey, rsaPublicKey: this.rsaPublicKey });
  }
}

/**
 * A Gateway's `connection` as the user gave it, checked: host, port, user, private key, the pinned host key (one line
 * of known_hosts, then the provider's own parse), and one Gateway per SSH `host:port` of the program.
 */
function checkConnection<C extends ConnectionArgs>(label: string, name: string, group: Group, c: C): C {
  if (!c || typeof c !== "object") throw argError(label, "connection", String(c), "not a connection", "give `{ host, privateKey, hostKey }`");
  if (typeof c.host !== "string" || c.host === "") throw argError(label, "connection.host", String(c.host), "required", "give the management address or host name, e.g. `192.0.2.153`");
  const hp = hostProblem(c.host);
  if (hp) throw argError(label, "connection.host", c.host, hp.reason, hp.fix);
  if (c.port !== undefined) take(label, "connection.port", c.port, integer("a TCP port", 1, 65535));
  if (c.user !== undefined) take(label, "connection.user", c.user, userName);
  if (c.privateKey === undefined || c.privateKey === null || c.privateKey === "") throw argError(label, "connection.privateKey", "(none)", "required", "pass `cfg.requireSecret(\"sshKey\")`");
  if (typeof c.privateKey !== "string") throw argError(label, "connection.privateKey", "(secret)", `not a private key (${givenKind(c.privateKey)} given)`, "pass the key's text, e.g. `cfg.requireSecret(\"sshKey\")`");
  // the provider pins the host key (it refuses to connect without one): refused here, at preview, like any bad input
  checkPinnedKey(label, "connection", c.hostKey, c.insecureSkipHostKeyCheck, "HOST", "each gateway's SSH host key is pinned, so that no one can pose as the gateway");
  if (c.proxy !== undefined && c.proxy !== null) checkProxy(label, c.proxy as unknown as Record<string, unknown>);
  // one host, one Gateway: two would overwrite each other's files and each other's commits (the same address behind
  // two bastions is two hosts)
  const via = c.proxy ? ` via ${String((c.proxy as { host?: unknown }).host)}:${String((c.proxy as { port?: unknown }).port ?? 22)}` : "";
  const at = `${c.host}:${c.port ?? 22}${via}`;
  let hosts = sshHosts.get(group);
  if (!hosts) sshHosts.set(group, (hosts = new Map()));
  const first = hosts.get(at);
  if (first !== undefined && first !== name)
    throw argError(label, "connection.host", c.host, `also the connection of Gateway "${first}" (port ${c.port ?? 22}): two Gateways would overwrite each other's files on one host`, "declare each gateway once, or give this one its own host or port");
  hosts.set(at, name);
  return c;
}

/** A connection's bastion (`connection.proxy`), checked as the connection itself is; its key may be left out (the gateway's). */
function checkProxy(label: string, p: Record<string, unknown>): void {
  if (typeof p !== "object") throw argError(label, "connection.proxy", String(p), "not a bastion", "give `{ host, hostKey }` (user, port and privateKey optional)");
  if (typeof p.host !== "string" || p.host === "") throw argError(label, "connection.proxy.host", String(p.host), "required", "give the bastion's address or host name, e.g. `198.51.100.7`");
  const hp = hostProblem(p.host);
  if (hp) throw argError(label, "connection.proxy.host", p.host, hp.reason, hp.fix);
  if (p.port !== undefined) take(label, "connection.proxy.port", p.port, integer("a TCP port", 1, 65535));
  if (p.user !== undefined) take(label, "connection.proxy.user", p.user, userName);
  if (p.privateKey !== undefined && typeof p.privateKey !== "string") throw argError(label, "connection.proxy.privateKey", "(secret)", `not a private key (${givenKind(p.privateKey)} given)`, "pass the key's text, e.g. `cfg.requireSecret(\"bastionKey\")`, or leave it out to use the gateway's");
  checkPinnedKey(label, "connection.proxy", p.hostKey, p.insecureSkipHostKeyCheck, "BASTION", "the bastion's SSH host key is pinned too, so that no one can pose as it");
}

/**
 * A pinned host key (`AT.hostKey`): required unless `insecureSkipHostKeyCheck`; one line of known_hosts without the
 * host name (a newline, control or invisible character refused first), then the provider's own parse.
 */
function checkPinnedKey(label: string, at: string, hostKey: unknown, insecure: unknown, scanned: string, why: string): void {
  // a string ("yes", "false") would count as true and drop the pin
  boolArg(label, `${at}.insecureSkipHostKeyCheck`, insecure);
  const keyFix = `give it as known_hosts holds it without the host name, e.g. \`ssh-ed25519 AAAAC3Nz…\` (\`ssh-keyscan -t ed25519 ${scanned}\` prints it)`;
  if (hostKey === undefined || hostKey === null) {
    if (insecure !== true) throw argError(label, `${at}.hostKey`, "(none)", `required: ${why}`, `${keyFix}, or set \`insecureSkipHostKeyCheck: true\` (dangerous)`);
    return;
  }
  const mistake = typeof hostKey === "string" ? hostKeyMistake(hostKey) : undefined;
  if (mistake) throw argError(label, `${at}.hostKey`, String(hostKey), mistake.reason, mistake.fix);
  if (typeof hostKey === "string") take(label, `${at}.hostKey`, hostKey, hostKeyLine);
  const k = typeof hostKey === "string" ? parseHostKey(hostKey.trim()) : "hostKey: not a string";
  if (typeof k === "string") throw argError(label, `${at}.hostKey`, String(hostKey), / is not an OpenSSH public key/.test(k) ? "not an OpenSSH public key (`TYPE BASE64`, e.g. `ssh-ed25519 AAAA…`)" : k.replace(/^hostKey: /, ""), keyFix);
}

/** The SSH `host:port` of each Gateway of a group, by Gateway name. */
const sshHosts = new WeakMap<Group, Map<string, string>>();

/** Gateways by group and name (to turn the planner's `dependsOn` into resources). */
const gatewayRegistry = new WeakMap<Group, Map<string, Gateway>>();

/** A value the user gave: not undefined or null (an empty string is given, and refused by its rule as empty). */
function given<T>(v: T | undefined | null): v is T {
  return v !== undefined && v !== null;
}

/**
 * The plain arguments of a Gateway, checked when it is declared (values given as Outputs are checked
 * when they resolve, still at preview). Returns the internal interfaces as a list.
 */
function checkGatewayArgs(label: string, args: GatewayArgs): InternalArgs[] {
  if (!args || typeof args !== "object") throw argError(label, "args", String(args), "no arguments", "pass `{ connection, external, internal }`");
  need(label, "connection", args.connection, "give `{ host, privateKey, hostKey }` (the SSH connection to the gateway)");
  need(label, "external", args.external, "give the egress interface, e.g. `external: { interface: \"em1\", address: \"192.0.2.153\" }`");
  objectArg(label, "external", args.external, 'external: { interface: "em1", address: "192.0.2.153" }');
  boolArg(label, "external.configure", args.external.configure);
  take(label, "external.interface", args.external.interface, interfaceName);
  // hostname.IF of the egress with no address is a bare `up`: the gateway would boot unnumbered on its Internet side
  if (args.external.configure === true && !given(args.external.address) && !given(args.external.address6))
    throw argError(label, "external.address", "(none)", "`configure: true` needs the gateway's address on the interface", "give `address` (e.g. `192.0.2.153/24`) or set `configure: false`");
  if (args.external.nat !== undefined) {
    if (!args.external.nat || typeof args.external.nat !== "object") throw argError(label, "external.nat", String(args.external.nat), "not a NAT description", "give `{ publicAddress: \"198.51.100.2\" }`");
    need(label, "external.nat.publicAddress", args.external.nat.publicAddress, "give the NAT router's public address, e.g. `198.51.100.2`");
    boolArg(label, "external.nat.forwardsIke", args.external.nat.forwardsIke);
  }
  if (args.ike !== undefined) take(label, "ike", args.ike, oneOf(["isakmpd", "iked"] as const));
  const internals = args.internal === undefined ? [] : Array.isArray(args.internal) ? noHoles(label, "internal", args.internal, '[{ interface: "em0", network: "172.16.0.0/24" }]') : [args.internal];
  const seen = new Map<string, string>([[args.external.interface, "external.interface"]]);
  internals.forEach((i, k) => {
    const f = Array.isArray(args.internal) ? `internal[${k}]` : "internal";
    if (!i || typeof i !== "object") throw argError(label, f, String(i), "not an internal interface", "give `{ interface, network }`");
    const iface = take(label, `${f}.interface`, i.interface, interfaceName);
    boolArg(label, `${f}.configure`, i.configure);
    // named here, by the field as written (`internal.address` or `internal[1].address`); the planner only knows the interface
    if (i.configure === true && (i.address === undefined || i.address === null))
      throw argError(label, `${f}.address`, "(none)", "`configure: true` needs the gateway's address on the interface", `give \`address\` (e.g. \`172.16.0.1/24\`) or set \`configure: false\``);
    const other = seen.get(iface);
    if (other !== undefined)
      throw argError(label, `${f}.interface`, iface, other === "external.interface" ? "it is also the external interface: its hostname.if would renumber the egress" : `it is also ${other}`, "give each interface once: the internal one faces the protected network, e.g. `em0`");
    seen.set(iface, `${f}.interface`);
  });
  objectArg(label, "forwarding", args.forwarding, "{ ipv4: 1 }");
  const fwd = args.forwarding ?? {};
  if (fwd.ipv4 !== undefined) take(label, "forwarding.ipv4", fwd.ipv4, integer("net.inet.ip.forwarding", 0, 2, "use 0, 1 (forward) or 2 (forward IPsec traffic only)"));
  if (fwd.ipv6 !== undefined) take(label, "forwarding.ipv6", fwd.ipv6, integer("net.inet6.ip6.forwarding", 0, 1, "use 0 or 1"));
  for (const k of ["esp", "ah", "ipcomp"] as const)
    boolArg(label, k, args[k]);
  objectArg(label, "sysctls", args.sysctls, '{ "net.inet.ip.mforwarding": "1" }');
  for (const [k, v] of Object.entries(args.sysctls ?? {})) {
    take(label, `sysctls["${k}"]`, k, sysctlName);
    const own = MANAGED_SYSCTLS[k];
    if (own) throw argError(label, `sysctls["${k}"]`, String(v), `the Gateway writes ${k} from its \`${own}\` field (two values for one sysctl: one would be lost)`, `set \`${own}\` instead`);
    if (isPlain(v)) take(label, `sysctls["${k}"]`, v, sysctlValueOf(k));
  }
  objectArg(label, "services", args.services, "{ ntpd: { flags: \"-s\" } }");
  for (const [k, s] of Object.entries(args.services ?? {})) {
    take(label, `services.${k}`, k, serviceName);
    objectArg(label, `services.${k}`, s, "{ flags: \"-s\" }");
    boolArg(label, `services.${k}.enabled`, s.enabled);
    boolArg(label, `services.${k}.running`, s.running);
    if (s?.flags !== undefined && isPlain(s.flags)) take(label, `services.${k}.flags`, s.flags, rcFlags);
  }
  if (args.pf?.policy !== undefined) take(label, "pf.policy", args.pf.policy, oneOf(["pass", "block"] as const));
  objectArg(label, "pf", args.pf, '{ policy: "block", skip: ["lo0"] }');
  listArg(label, "pf.skip", args.pf?.skip, '["enc0"]').forEach((x, k) => take(label, `pf.skip[${k}]`, x, interfaceName));
  listArg(label, "extraInterfaces", args.extraInterfaces, '[{ interface: "lo1", addresses: ["10.0.0.1/32"] }]').forEach((x, k) => {
    entryArg(label, `extraInterfaces[${k}]`, x, '{ interface: "lo1", addresses: ["10.0.0.1/32"] }');
    const iface = take(label, `extraInterfaces[${k}].interface`, x?.interface, interfaceName);
    need(label, `extraInterfaces[${k}].addresses`, x.addresses, 'give the interface\'s addresses with their prefix, e.g. `["10.0.0.1/32"]`');
    listArg(label, `extraInterfaces[${k}].addresses`, x.addresses, '["10.0.0.1/32"]');
    const other = seen.get(iface);
    if (other !== undefined) throw argError(label, `extraInterfaces[${k}].interface`, iface, `it is also ${other}`, "give each interface once, e.g. `lo1`");
    seen.set(iface, `extraInterfaces[${k}].interface`);
  });
  if (args.packages !== undefined) {
    if (!Array.isArray(args.packages)) throw argError(label, "packages", String(args.packages), "not a list", "give package names, e.g. `[\"openvpn\"]`");
    noHoles(label, "packages", args.packages, '["openvpn"]');
    const listed = new Map<string, number>();
    args.packages.forEach((p, k) => {
      const name = take(label, `packages[${k}]`, p, packageName);
      const first = listed.get(name);
      if (first !== undefined) throw argError(label, `packages[${k}]`, name, `also packages[${first}]`, "list each package once");
      listed.set(name, k);
    });
  }
  if (args.rollbackSeconds !== undefined && isPlain(args.rollbackSeconds)) take(label, "rollbackSeconds", args.rollbackSeconds, ROLLBACK_SECONDS);
  return internals;
}

/** The sysctls a Gateway field writes: a user's `sysctls` entry for one would silently replace or lose to it. */
const MANAGED_SYSCTLS: Record<string, string> = {
  "net.inet.ip.forwarding": "forwarding.ipv4",
  "net.inet6.ip6.forwarding": "forwarding.ipv6",
  "net.inet.esp.enable": "esp",
  "net.inet.ah.enable": "ah",
  "net.inet.ipcomp.enable": "ipcomp",
};

/** The rollback delay's rule (checked at declaration, or when an Output resolves). */
const ROLLBACK_SECONDS = integer("the rollback delay in seconds", 5, 3600);

/** `external.nat`, once its public address (checked by itself) and the egress address resolve: an address other than the egress one. */
function natSpec(label: string, ext4: IfAddress | undefined, pub: string, nat: NatArgs): NatSpec {
  if (!ext4) throw argError(label, "external.address", "(none)", "`external.nat` needs the gateway's own IPv4 egress address (the one the NAT router masquerades)", "give `external.address`, e.g. `10.0.0.2`");
  if (pub === ext4.address) throw argError(label, "external.nat.publicAddress", pub, "it is the gateway's own external.address: a gateway reachable at its own address is not behind NAT", "give the NAT router's public address, or remove `external.nat`");
  return { publicAddress: pub, forwardsIke: nat.forwardsIke ?? false };
}
