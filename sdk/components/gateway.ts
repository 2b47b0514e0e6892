import * as pulumi from "@pulumi/pulumi";
import type { GatewaySpec, IkeDaemon } from "../planner/spec";
import { GatewayConfig, type ConnectionArgs } from "../resources/gateway-config";
import type { HostState } from "../state";
import { argError, ifAddress, networkOf } from "./common";
import { openGroup, type Group, type GroupPlan } from "./registry";
import { publishFiles, publishState, wholeState, type GatewayFile } from "./outputs";
import { ikedKeyPair } from "../planner/keys";

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
   * Secret seed of the gateway's derived keys (iked ECDSA key pair; manual SA keys of its links).
   * Default: the SSH private key. Rotating it rotates those keys.
   */
  keySeed?: pulumi.Input<string>;
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
    super("openbsd:index:Gateway", name, {}, opts);
    const label = `Gateway "${name}"`;
    this.gatewayName = name;
    this.ike = args.ike ?? "isakmpd";
    if (!["isakmpd", "iked"].includes(this.ike)) throw argError(label, "ike", String(args.ike), "unknown IKE daemon", "use `isakmpd` (IKEv1) or `iked` (IKEv2)");
    if (!/^[a-z]+\d+$/.test(args.external?.interface ?? "")) throw argError(label, "external.interface", String(args.external?.interface), "not an interface name", "give the egress interface, e.g. `em1`");
    this.externalInterface = args.external.interface;
    const conn = pulumi.output(args.connection);
    this.connection = pulumi.secret(
      conn.apply((c) => ({ host: c.host, port: c.port ?? 22, user: c.user ?? "root", privateKey: c.privateKey, ...(c.hostKey ? { hostKey: c.hostKey } : {}) })),
    );
    this.keySeed = pulumi.secret(args.keySeed ?? conn.apply((c) => c.privateKey));
    const internals = args.internal === undefined ? [] : Array.isArray(args.internal) ? args.internal : [args.internal];
    const fwd = args.forwarding ?? {};
    const spec: pulumi.Output<GatewaySpec> = pulumi
      .all([
        pulumi.output(args.external.address),
        pulumi.output(args.external.address6),
        pulumi.output(internals.map((i) => ({ address: i.address, network: i.network }))),
        pulumi.output(args.sysctls ?? {}),
        pulumi.output(Object.fromEntries(Object.entries(args.services ?? {}).map(([k, s]) => [k, { flags: s.flags }]))),
        pulumi.output((args.extraInterfaces ?? []).map((x) => x.addresses)),
        this.keySeed,
      ])
      .apply(([ext4, ext6, ints, sysctls, svcFlags, extraAddrs, seed]): GatewaySpec => ({
        name,
        external: {
          interface: args.external.interface,
          ...(ext4 ? { address: ifAddress(label, "external.address", ext4, 24) } : {}),
          ...(ext6 ? { address6: ifAddress(label, "external.address6", ext6, 64) } : {}),
          configure: args.external.configure ?? false,
        },
        internal: internals.map((i, k) => {
          const a = ints[k]!.address ? ifAddress(label, `internal[${k}].address`, ints[k]!.address!, 24) : undefined;
          const network = ints[k]!.network ?? (a ? networkOf(a) : undefined);
          if (!network) throw argError(label, `internal[${k}]`, i.interface, "neither `network` nor `address` given", "give the protected network, e.g. `network: \"172.16.0.0/24\"`");
          return { interface: i.interface, network, ...(a ? { address: a } : {}), configure: i.configure ?? false };
        }),
        ike: this.ike,
        forwarding: { ipv4: fwd.ipv4 ?? 1, ipv6: fwd.ipv6 ?? 0 },
        ...(args.esp !== undefined ? { esp: args.esp } : {}),
        ...(args.ah !== undefined ? { ah: args.ah } : {}),
        ...(args.ipcomp !== undefined ? { ipcomp: args.ipcomp } : {}),
        sysctls: sysctls as Record<string, string>,
        services: Object.fromEntries(
          Object.entries(args.services ?? {}).map(([k, s]) => [k, { enabled: s.enabled ?? true, ...((svcFlags as Record<string, { flags?: string }>)[k]?.flags !== undefined ? { flags: (svcFlags as Record<string, { flags?: string }>)[k]!.flags! } : {}), ...(s.running !== undefined ? { running: s.running } : {}) }]),
        ),
        pfPolicy: args.pf?.policy ?? "pass",
        pfSkip: args.pf?.skip ?? [],
        extraInterfaces: (args.extraInterfaces ?? []).map((x, k) => ({ interface: x.interface, addresses: (extraAddrs[k] ?? []).map((a, j) => ifAddress(label, `extraInterfaces[${k}].addresses[${j}]`, a)) })),
        keySeed: seed,
      }));
    this.group = openGroup();
    this.group.addGateway(name, spec);
    const group = this.group;
    const plan = (): pulumi.Output<GroupPlan> => group.plan!;
    const planned = pulumi.output(group.sealedSignal.then(() => 0)).apply(() => plan().apply((p) => p.states[name]!));
    this.state = planned.apply(wholeState);
    this.files = planned.apply(publishFiles);
    // a public key is public: derived from the (secret) seed, it is deliberately not secret
    this.publicKey = pulumi.unsecret(this.keySeed.apply((seed) => ikedKeyPair(seed).publicKey));
    // CARP: the master's commit waits for the backup's (Known hard problem 5); known from plain values at sealing
    this.appliedAfter = pulumi.output(group.sealedSignal.then(() => [...(group.order.get(name) ?? [])]));
    const deps: Promise<pulumi.Resource[]> = group.sealedSignal.then(() =>
      (group.order.get(name) ?? []).map((g) => gatewayRegistry.get(group)?.get(g)?.config).filter((r): r is GatewayConfig => r !== undefined),
    );
    // defaults filled here so the provider never sees an absent (null) field
    const connection = conn.apply((c) => ({
      host: c.host, port: c.port ?? 22, user: c.user ?? "root", privateKey: c.privateKey,
      ...(c.hostKey !== undefined ? { hostKey: c.hostKey } : {}),
      insecureSkipHostKeyCheck: c.insecureSkipHostKeyCheck ?? false,
    }));
    this.config = new GatewayConfig(name, { connection, state: planned.apply(publishState), rollbackSeconds: args.rollbackSeconds }, { parent: this, dependsOn: deps });
    let byName = gatewayRegistry.get(group);
    if (!byName) gatewayRegistry.set(group, (byName = new Map()));
    byName.set(name, this);
    this.registerOutputs({ files: this.files, publicKey: this.publicKey });
  }
}

/** Gateways by group and name (to turn the planner's `dependsOn` into resources). */
const gatewayRegistry = new WeakMap<Group, Map<string, Gateway>>();
