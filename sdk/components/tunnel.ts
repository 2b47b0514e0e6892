import * as pulumi from "@pulumi/pulumi";
import type { PfFilterRule } from "../model/pf/types";
import type { IkeDaemon, KeyingSpec, PolicySpec, TunnelEndSpec, TunnelSpec } from "../planner/spec";
import { overlaps } from "../model/address/sets";
import { parseNet } from "../model/address/parse";
import { argError, checkPhase, phaseSpec, type PhaseArgs } from "./common";
import { need, take, takeOpt, labelOf, listArg, objectArg, entryArg, notANode } from "./check";
import { hostAddress, identity, integer, network, oneOf, psk as pskRule, tagName } from "../model/tokens/index";
import { canonicalProtocol } from "../model/pf/names";
import { Gateway } from "./gateway";
import { CertificateAuthority } from "./ca";
import type { EndIdentity } from "../planner/identities";
import { defaultNetworks, filterRules, groupOf, manualKeys, nodeOf, type ManualKeysArgs, type TunnelNode } from "./nodes";
import { publishMarked } from "./outputs";

/** One end of a {@link SiteToSiteTunnel}, with per-end settings. */
export interface TunnelEndArgs {
  /** The gateway (or CARP pair) at this end. */
  gateway: Gateway | TunnelNode;
  /** Networks protected behind this end (`from` of its rules). Default: the gateway's internal networks. */
  networks?: pulumi.Input<string>[];
  /** What this end expects behind the other end; checked against the other end's networks (mirrored selectors). Default: the other end's networks. */
  remoteNetworks?: pulumi.Input<string>[];
  /** `active` (initiate; default), `passive` (wait; iked's default) or `dynamic` (active + dead peer detection; isakmpd). */
  mode?: "active" | "passive" | "dynamic";
  /** This end's `peer`; checked against the other end's egress or CARP address. Default: that address. */
  peer?: pulumi.Input<string>;
  /** This end's `local` address. Default: the CARP address for a pair (seeds/000 "Adding Redundancy"), none otherwise. */
  local?: pulumi.Input<string>;
  /** Override of the PSK at this end (checked equal to the other end's by keyed fingerprint). Secret. */
  psk?: pulumi.Input<string>;
  /** Local identity (`srcid`). Default: the daemon's (the local address; iked: the host name, or the address with public keys). */
  srcid?: string;
  /** Remote identity (`dstid`). */
  dstid?: string;
  /** pf tag put on packets decapsulated at this end (`tag net1-to-net2`); with `enc0: "filter"` they are passed with `tagged`. */
  tag?: string;
  /** Extra pf rules at this end (typed, or pf.conf text), e.g. what may leave on enc0. Loaded in the `vpn` anchor. */
  rules?: PfFilterRule[] | string;
  /**
   * NAT of tunnel traffic on enc0 (seeds/001's readers; ipsec.conf(5) "OUTGOING NETWORK ADDRESS TRANSLATION"):
   * this end's one network leaves through the tunnel as this single address, e.g. `10.99.0.1`. The anchor
   * gets `match out on enc0 from NET to REMOTE nat-to ADDR` and `pass out on enc0 from ADDR to REMOTE keep
   * state (if-bound)`; the flow is negotiated as `from ADDR (NET)`, so the other end protects ADDR (its
   * `remoteNetworks`, if given, must say so). For a network that overlaps the peer's, or a peer that accepts
   * one address. Needs IKE and the tunnel's `enc0: "filter"` (pf must see enc0). Connections go out only.
   * Default: none.
   */
  natTo?: pulumi.Input<string>;
}

/** One traffic selector (one ike rule / iked policy per selector): seeds/000 "Filtering Traffic Using IKE Policy". */
export interface PolicyArgs {
  /** IP protocol (`tcp`, `udp`, `icmp`, a number). Default: all. */
  proto?: string;
  /** Port on the right side (e.g. 80 for a web server behind the right end). Needs proto tcp/udp. */
  port?: number;
  /** Port on the left side. */
  localPort?: number;
}

/** Arguments of {@link SiteToSiteTunnel}. */
export interface SiteToSiteTunnelArgs {
  /** Left end: a Gateway or CarpPair, or {@link TunnelEndArgs}. */
  left: Gateway | TunnelNode | TunnelEndArgs;
  /** Right end. */
  right: Gateway | TunnelNode | TunnelEndArgs;
  /** IKE daemon: `isakmpd` (IKEv1, ipsec.conf) or `iked` (IKEv2, iked.conf). Default: the gateways' `ike`. */
  ike?: IkeDaemon;
  /** Pre-shared key (`psk`). Always stored as a secret. Required unless `auth: "publickey"` or `manual`. */
  psk?: pulumi.Input<string>;
  /**
   * `psk` (default when `psk` is given), `publickey` or `x509`. `publickey`: key pairs derived from each
   * gateway's key seed — ECDSA for iked (/etc/iked/private/local.key, pubkeys/ipv4/PEER), RSA for isakmpd
   * (/etc/isakmpd/private/local.key, pubkeys/TYPE/ID) — each gateway's private key and its peer's public key
   * installed by this program. `x509`: certificates issued by `ca` for the identity each end presents.
   */
  auth?: "psk" | "publickey" | "x509";
  /** The {@link CertificateAuthority} that issues both ends' certificates (with `auth: "x509"`). */
  ca?: CertificateAuthority;
  /** Phase 1 transforms (ipsec.conf `main auth … enc … group …`; iked `ikesa`). Default: the daemon's. */
  main?: PhaseArgs;
  /** Phase 2 transforms (ipsec.conf `quick …`; iked `childsa`). Default: the daemon's. */
  quick?: PhaseArgs;
  /** Manually keyed instead of IKE: `flow` and `esp tunnel … spi … authkey … enckey …` in ipsec.conf (scenario 8). */
  manual?: ManualKeysArgs;
  /** `esp` (default) or `ah`. */
  satype?: "esp" | "ah";
  /** Traffic selectors; several give several ike rules (seeds/000: port 80 and port 443). Default: all traffic between the networks. */
  policies?: PolicyArgs[];
  /**
   * enc0 at both ends: `skip` (`set skip on enc0`: tunnel traffic unfiltered; default) or `filter`
   * (`block on enc0`, ipencap from the peer passed `keep state (if-bound)`, tagged traffic passed).
   */
  enc0?: "skip" | "filter";
}

function isEndArgs(x: Gateway | TunnelNode | TunnelEndArgs): x is TunnelEndArgs {
  // any plain object that is no Gateway or CarpPair is an end's settings (so a missing `gateway` is named as such)
  return typeof x === "object" && x !== null && !Array.isArray(x) && !isNode(x);
}

/**
 * A site-to-site IPsec tunnel between two gateways (seeds/000): both ends' ike rules (or iked policies),
 * and the pf rules each end needs. Attaches to its gateways: adding a tunnel never edits a Gateway.
 */
export class SiteToSiteTunnel extends pulumi.ComponentResource {
  /**
   * The left end's IKE identity as the daemons use it: its node, its outer address (egress or CARP
   * address, the other end's `peer`), and its ID (`srcid` when given; else isakmpd's local address, iked's
   * address with public keys, or `kind: "fqdn"`, the host's name, for iked with a PSK; `kind: "none"` when
   * manually keyed). Registered as the component's `left` output. Not secret.
   */
  readonly left: pulumi.Output<EndIdentity>;
  /** The right end's IKE identity (see {@link left}). Registered as the component's `right` output. */
  readonly right: pulumi.Output<EndIdentity>;

  constructor(name: string, args: SiteToSiteTunnelArgs, opts?: pulumi.ComponentResourceOptions) {
    super("openbsd:index:SiteToSiteTunnel", name, {}, opts);
    const label = labelOf("SiteToSiteTunnel", name);
    // the name is the tunnel's iked policy name (`ikev2 "NAME"`), a quoted word without backslashes
    if (name.includes("\\")) throw argError(label, "name (the resource name)", name, "it names the tunnel's iked policy (`ikev2 \"NAME\"`), which cannot hold a backslash", "use letters, digits, `-`, `_` and `.`");
    if (!args || typeof args !== "object") throw argError(label, "args", String(args), "no arguments", "pass `{ left, right, psk }`");
    need(label, "left", args.left, "pass a Gateway or CarpPair (or `{ gateway, … }`)");
    need(label, "right", args.right, "pass a Gateway or CarpPair (or `{ gateway, … }`)");
    const lArgs: TunnelEndArgs = isEndArgs(args.left) ? args.left : { gateway: args.left };
    const rArgs: TunnelEndArgs = isEndArgs(args.right) ? args.right : { gateway: args.right };
    for (const [e, side] of [[lArgs, "left"], [rArgs, "right"]] as const) checkEnd(label, side, e, isEndArgs(side === "left" ? args.left : args.right));
    const ln = nodeOf(lArgs.gateway);
    const rn = nodeOf(rArgs.gateway);
    const group = groupOf(label, [ln, rn]);
    if (args.ike !== undefined) take(label, "ike", args.ike, oneOf(["isakmpd", "iked"] as const));
    if (args.auth !== undefined) take(label, "auth", args.auth, oneOf(["psk", "publickey", "x509"] as const));
    if (args.satype !== undefined) take(label, "satype", args.satype, oneOf(["esp", "ah"] as const));
    if (args.enc0 !== undefined) take(label, "enc0", args.enc0, oneOf(["skip", "filter"] as const));
    checkPhase(label, "main", args.main);
    checkPhase(label, "quick", args.quick);
    // a PSK given at the ends only (`left.psk`, `right.psk`) is a PSK tunnel as much as one given for the tunnel
    const endPsk = lArgs.psk !== undefined ? "left.psk" : rArgs.psk !== undefined ? "right.psk" : undefined;
    const auth = args.auth ?? (args.psk !== undefined || endPsk ? "psk" : args.ca !== undefined ? "x509" : "publickey");
    if (auth === "x509" && !(args.ca instanceof CertificateAuthority)) throw argError(label, "ca", args.ca === undefined ? "(none)" : typeof args.ca, "`auth: \"x509\"` needs the CertificateAuthority that issues the certificates", "pass `ca: new openbsd.CertificateAuthority(\"vpn-ca\", { keySeed: cfg.requireSecret(\"caSeed\") })`");
    if (args.ca !== undefined && auth !== "x509") throw argError(label, "ca", "(CertificateAuthority)", "a CA is only used with `auth: \"x509\"`", "set `auth: \"x509\"` or remove `ca`");
    for (const f of [args.psk !== undefined ? "psk" : undefined, endPsk])
      if (f && auth !== "psk") throw argError(label, f, "(secret)", `\`auth: "${auth}"\` authenticates without it: the PSK would be ignored`, `remove \`${f}\`, or set \`auth: "psk"\``);
    objectArg(label, "manual", args.manual, "{ spi: { leftToRight: 0x1000, rightToLeft: 0x1001 } }");
    for (const part of ["spi", "authkey", "enckey"] as const) objectArg(label, `manual.${part}`, args.manual?.[part], "{ leftToRight: …, rightToLeft: … }");
    for (const f of [args.psk !== undefined ? "psk" : undefined, endPsk])
      if (f && args.manual) throw argError(label, f, "(secret)", "a manually keyed tunnel has no IKE and no PSK", `remove \`${f}\` or \`manual\``);
    // without the tunnel's `psk`, each end needs its own (the planner checks the two are equal)
    const missing = args.psk !== undefined ? undefined : lArgs.psk === undefined && rArgs.psk === undefined ? "psk" : lArgs.psk === undefined ? "left.psk" : rArgs.psk === undefined ? "right.psk" : undefined;
    if (!args.manual && auth === "psk" && missing) throw argError(label, missing, "(none)", missing === "psk" ? "`auth: \"psk\"` needs a pre-shared key" : `the other end has its own PSK, and the tunnel has no \`psk\` for this one`, missing === "psk" ? "pass `psk: cfg.requireSecret(\"psk\")`" : "pass `psk: cfg.requireSecret(\"psk\")` for the tunnel instead of per end");
    if (args.manual?.spi) for (const d of ["leftToRight", "rightToLeft"] as const) take(label, `manual.spi.${d}`, args.manual.spi[d], integer("an SPI", 256, 0xfffffffe, "choose an SPI in 0x100–0xfffffffe (0–255 are reserved)"));
    for (const [p, i] of listArg(label, "policies", args.policies, '[{ proto: "tcp", port: 22 }]').map((p, i) => [p, i] as const)) {
      entryArg(label, `policies[${i}]`, p, '{ proto: "tcp", port: 22 }');
      if (p.proto !== undefined && (typeof p.proto !== "string" || canonicalProtocol(p.proto) === undefined)) throw argError(label, `policies[${i}].proto`, String(p.proto), "not an IP protocol of /etc/protocols", "use e.g. `tcp`, `udp`, `icmp` or a number 1–255");
      if (p.port !== undefined) take(label, `policies[${i}].port`, p.port, integer("a port", 1, 65535));
      if (p.localPort !== undefined) take(label, `policies[${i}].localPort`, p.localPort, integer("a port", 1, 65535));
      if ((p.port !== undefined || p.localPort !== undefined) && !["tcp", "udp"].includes(canonicalProtocol(p.proto ?? "") ?? ""))
        throw argError(label, `policies[${i}].proto`, String(p.proto), "a port needs `proto: \"tcp\"` or `\"udp\"`", "set proto or remove the port");
    }

    const endSpec = (e: TunnelEndArgs, side: string, node: TunnelNode): pulumi.Output<TunnelEndSpec> => {
      const rules = filterRules(label, `${side}.rules`, e.rules);
      // each argument is checked by itself when it resolves: at preview one not known yet (an apply on a resource
      // not created) holds back no check of the others
      const nets = (k: "networks" | "remoteNetworks") =>
        pulumi.all(e[k]!.map((n, i) => pulumi.output(n).apply((v) => take(label, `${side}.${k}[${i}]`, v, network())))).apply((ns) => distinct(label, `${side}.${k}`, ns));
      // an empty string is a mistake to name, not "no address"
      const address = (k: "peer" | "local") => pulumi.output(e[k] ?? null).apply((v) => (v !== null ? take(label, `${side}.${k}`, v, hostAddress()) : undefined));
      return pulumi
        .all([
          e.networks ? nets("networks") : defaultNetworks(node),
          e.remoteNetworks ? nets("remoteNetworks") : pulumi.output(undefined),
          address("peer"),
          address("local"),
          e.psk !== undefined ? pulumi.secret(e.psk).apply((v) => take(label, `${side}.psk`, v, pskRule, { secret: true })) : pulumi.output(undefined),
          pulumi.output(e.natTo ?? null).apply((v) => (v !== null ? take(label, `${side}.natTo`, v, hostAddress()) : undefined)),
        ])
        .apply(([networks, remote, peer, local, psk, natTo]) => ({
          node: node.nodeName,
          networks,
          ...(e.networks ? {} : { networksFrom: `${node.nodeLabel} ${node.nodeLabel.startsWith("CarpPair") ? "members' internal.network" : "internal.network"}` }),
          ...(remote ? { remoteNetworks: remote } : {}),
          mode: e.mode ?? "active",
          ...(peer ? { peer } : {}),
          ...(local ? { local } : {}),
          ...(psk !== undefined ? { psk } : {}),
          ...(e.srcid ? { srcid: e.srcid } : {}),
          ...(e.dstid ? { dstid: e.dstid } : {}),
          ...(e.tag ? { tag: e.tag } : {}),
          ...(natTo !== undefined ? { natTo } : {}),
          rules,
        }));
    };
    const keying: pulumi.Output<KeyingSpec> = args.manual
      ? manualKeys(args.manual, label, "manual").apply((keys) => ({ kind: "manual" as const, keys }))
      : pulumi.all([auth === "psk" ? pulumi.secret((args.psk ?? lArgs.psk)!) : pulumi.output(""), args.ca ? args.ca.spec : pulumi.output(null)]).apply(([psk, ca]) => ({
          kind: "ike" as const,
          ...(args.ike ? { daemon: args.ike } : {}),
          auth: auth === "psk" ? { kind: "psk" as const, psk: take(label, "psk", psk, pskRule, { secret: true }) } : ca ? { kind: "x509" as const, ca } : { kind: "publickey" as const },
          ...(args.main ? { phase1: phaseSpec(args.main) } : {}),
          ...(args.quick ? { phase2: phaseSpec(args.quick) } : {}),
        }));
    // the protocol as /etc/protocols names it (`6` is `tcp`); a number without a name stays digits
    const policies: PolicySpec[] = (args.policies ?? []).map((p) => ({ ...(p.proto !== undefined ? { proto: canonicalProtocol(p.proto)! } : {}), ...(p.port !== undefined ? { port: p.port } : {}), ...(p.localPort !== undefined ? { localPort: p.localPort } : {}) }));
    const spec: pulumi.Output<TunnelSpec> = pulumi.all([endSpec(lArgs, "left", ln), endSpec(rArgs, "right", rn), keying]).apply(([left, right, k]) => ({
      name, left, right, keying: k, satype: args.satype ?? "esp", policies, enc0: args.enc0 ?? "skip",
    }));
    group.add("tunnels", { label, spec }, args);
    const identities = group.fromPlan((p) => publishMarked(p.tunnels[name]!, p.marked));
    this.left = identities.apply((i) => i.left);
    this.right = identities.apply((i) => i.right);
    this.registerOutputs({ left: this.left, right: this.right });
  }
}

/** `nets` (one end's list) when no two of them overlap; else the later one's error, naming the earlier. */
function distinct(label: string, field: string, nets: string[]): string[] {
  const parsed = nets.map((n) => parseNet(n)!);
  for (let j = 1; j < nets.length; j++)
    for (let i = 0; i < j; i++)
      if (overlaps(parsed[i]!, parsed[j]!))
        throw argError(label, `${field}[${j}]`, nets[j]!, `overlaps ${field}[${i}] (${nets[i]}): one end's networks are distinct`, nets[i] === nets[j] ? "give each network once" : "give the larger network alone");
  return nets;
}

/** What a tunnel end may name: a Gateway or a CarpPair. */
function isNode(x: unknown): x is Gateway | TunnelNode {
  return x instanceof Gateway || (typeof x === "object" && x !== null && "nodeName" in x && "group" in x && "nodeGateways" in x);
}

/** The plain settings of one end, checked when the tunnel is declared. */
function checkEnd(label: string, side: "left" | "right", e: TunnelEndArgs, explicit: boolean): void {
  const f = explicit ? `${side}.gateway` : side;
  if (!isNode(e.gateway)) throw argError(label, f, notANode(e.gateway), "not a Gateway or CarpPair", "pass a Gateway or CarpPair declared in this program");
  if (e.mode !== undefined) take(label, `${side}.mode`, e.mode, oneOf(["active", "passive", "dynamic"] as const));
  takeOpt(label, `${side}.srcid`, e.srcid, identity);
  takeOpt(label, `${side}.dstid`, e.dstid, identity);
  takeOpt(label, `${side}.tag`, e.tag, tagName);
  for (const k of ["networks", "remoteNetworks"] as const) if (e[k] !== undefined && !Array.isArray(e[k])) throw argError(label, `${side}.${k}`, String(e[k]), "not a list of networks", "give e.g. `[\"172.16.0.0/24\"]`");
}
