import * as pulumi from "@pulumi/pulumi";
import { tincMemberKeys, type TincMemberSpec, type TincSpec } from "../planner/tinc";
import { tincName } from "../model/tinc/index";
import { hostAddress, network, udpPort } from "../model/tokens/index";
import { argError, ifAddress, networksArg } from "./common";
import { need, noHoles, take, labelOf, notANode } from "./check";
import { Gateway } from "./gateway";
import { groupOf, nodeOf } from "./nodes";

/** tinc's registered port (tcp and udp); the planner applies it (planner/tinc.ts). */
export { TINC_DEFAULT_PORT } from "../planner/tinc";

/** One member of a {@link TincNetwork}. */
export interface TincMemberArgs {
  gateway: Gateway;
  /** The node's tinc name (`Name =`, /etc/tinc/NET/hosts/NAME): letters, digits, `_`. Default the gateway's name. */
  name?: string;
  /**
   * The node's address in the VPN with the VPN subnet's prefix, e.g. `10.10.0.1/24` (`ifconfig $INTERFACE …` in
   * tinc-up, and a `Subnet = 10.10.0.1/32`). Every member's must be in the same subnet. Without `/LEN`, /24.
   */
  inner: pulumi.Input<string>;
  /** `Port =`: tcp and udp port it listens on. Default 655. */
  port?: number;
  /** `Address =` in its hosts file (where the others connect to). Default: the gateway's external address. */
  address?: pulumi.Input<string>;
  /** `Subnet =` lines: IPv4 networks behind it, routed to it by the others. Default: the gateway's internal IPv4 networks. */
  subnets?: pulumi.Input<pulumi.Input<string>[]>;
}

/** Arguments of {@link TincNetwork}. */
export interface TincNetworkArgs {
  /** The network name (`tincd -n NET`, /etc/tinc/NET): letters, digits, `_`. Default the resource's name. */
  netname?: string;
  /** The members (two or more); every member connects to every other (`ConnectTo`). */
  members: TincMemberArgs[];
}

/**
 * A tinc mesh VPN (seeds/002 "Configuring a VPN with Tinc": `pkg_add tinc`) between N gateways, tinc 1.0 in
 * router mode on tun0: the `tinc` package; /etc/tinc/NET/tinc.conf, hosts/NAME of every member with its RSA
 * public key, rsa_key.priv (0600, a secret derived from the gateway's key seed), tinc-up (address and routes);
 * rc.d `tincd` enabled with flags `-n NET`, restarted when a file changes; pf rules for the tinc port.
 *
 * A restarted member of a mesh of three or more can take up to about 95 s to be reached again from one peer: tinc
 * 1.0 sends its new key to that peer twice (through a third member, then directly), and when the forwarded copy
 * arrives last the peer encrypts with the replaced key until tincd's path MTU discovery restarts (30 probes,
 * PingInterval 60 s, PingTimeout 5 s). tincd recovers by itself; seen with the real tincd in the lab's scenario 13.
 */
export class TincNetwork extends pulumi.ComponentResource {
  /** Each member's RSA public key (PKCS#1 PEM, not secret), by tinc node name. */
  readonly publicKeys: Record<string, pulumi.Output<string>> = {};
  /** The network name. */
  readonly netname: string;

  constructor(name: string, args: TincNetworkArgs, opts?: pulumi.ComponentResourceOptions) {
    super("openbsd:index:TincNetwork", name, {}, opts);
    const label = labelOf("TincNetwork", name);
    if (!args || typeof args !== "object") throw argError(label, "args", String(args), "no arguments", "pass `{ members: [{ gateway, inner }, …] }`");
    this.netname = take(label, args.netname === undefined ? "name" : "netname", args.netname ?? name, tincName);
    if (!Array.isArray(args.members) || args.members.length < 2) throw argError(label, "members", String(args.members?.length ?? "(none)"), "a network needs at least two members", "give two or more `{ gateway, inner }`");
    noHoles(label, "members", args.members, "[{ gateway: gw1, inner: \"10.9.0.1/24\" }, …]").forEach((m, i) => {
      need(label, `members[${i}]`, m, "give `{ gateway, inner }`");
      if (!(m.gateway instanceof Gateway)) throw argError(label, `members[${i}].gateway`, notANode(m.gateway), "not a Gateway", "pass a Gateway declared in this program");
      take(label, m.name === undefined ? `members[${i}].gateway` : `members[${i}].name`, m.name ?? m.gateway.gatewayName, tincName);
      need(label, `members[${i}].inner`, m.inner, "give the node's VPN address, e.g. `10.10.0.1/24`");
      if (m.port !== undefined) take(label, `members[${i}].port`, m.port, udpPort("a tinc port", 655));
    });
    const group = groupOf(label, args.members.map((m) => nodeOf(m.gateway)));
    const netname = this.netname;
    const member = (m: TincMemberArgs, i: number): pulumi.Output<TincMemberSpec> => {
      const nodeName = m.name ?? m.gateway.gatewayName;
      // each argument is checked by itself when it resolves: at preview one not known yet holds back no check of the others
      return pulumi
        .all([
          pulumi.output(m.inner).apply((v) => ifAddress(label, `members[${i}].inner`, v, 24, 4)),
          pulumi.output(m.address ?? null).apply((v) => (v !== null ? take(label, `members[${i}].address`, v, hostAddress(4)) : undefined)),
          networksArg(label, `members[${i}].subnets`, m.subnets, network(4)),
        ])
        .apply(([inner, address, subnets]): TincMemberSpec => ({
          node: m.gateway.gatewayName,
          name: nodeName,
          inner,
          ...(m.port !== undefined ? { port: m.port } : {}),
          ...(address !== undefined ? { address } : {}),
          ...(subnets !== undefined ? { subnets } : {}),
        }));
    };
    const members = args.members.map(member);
    // the planner derives each member's key pair (planner/tinc.ts tincMemberKeys); the public half is shown here
    for (const m of args.members) {
      const node = { node: m.gateway.gatewayName, name: m.name ?? m.gateway.gatewayName };
      this.publicKeys[node.name] = pulumi.unsecret(m.gateway.keySeed.apply((seed) => tincMemberKeys(node, netname, seed).publicKey));
    }
    const spec: pulumi.Output<TincSpec> = pulumi.all(members).apply((ms) => ({ resource: name, netname, members: ms }));
    group.add("tinc", { label, spec }, args);
    this.registerOutputs({ publicKeys: this.publicKeys });
  }
}
