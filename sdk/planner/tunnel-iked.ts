/**
 * An iked tunnel end: one iked.conf policy per tunnel policy, and with public-key authentication the key
 * files (this gateway's pair, derived from its key seed, and the peer's public key by its address).
 */
import type { IkedAuth, IkedFlow, IkedTransforms } from "../model/iked/types";
import { useDaemon, type Acc } from "./acc";
import { netText } from "../model/address/index";
import { ikedKeyPair } from "./keys";
import { portOf, type EndCtx, type EndOnGateway } from "./tunnel-end";
import type { PolicySpec } from "./spec";
import type { PlanIssue } from "./errors";
import { installX509 } from "./x509-files";
import { setKeyFile } from "./key-files";
import { keyedIdentity, pubkeyName } from "./ike-ids";

/** The tunnel's iked proposals, resolved once for both ends. */
export interface IkedProposal {
  ikesa?: IkedTransforms[];
  childsa?: IkedTransforms[];
  /** `ikelifetime`: the IKE SA's rekey time, seconds (the tunnel's `main.lifetime`). */
  ikelifetime?: number;
  /** `lifetime`: the child SAs' lifetime, seconds (the tunnel's `quick.lifetime`). */
  lifetime?: number;
}

/**
 * iked public-key files: this gateway's private and public key, and the peer's public key under the
 * identity it presents (pubkeys/ipv4/ADDR, or pubkeys/fqdn/NAME with a `srcid`), as iked looks it up.
 */
function installKeys(acc: Acc, me: EndCtx, other: EndCtx, by: string[], issues: PlanIssue[]): void {
  // a pair end: both members answer for the CARP address, so both install its first member's key pair
  const owner = me.node.gateways[0]!;
  const mine = ikedKeyPair(owner.keySeed, owner.name);
  setKeyFile(acc, "/etc/iked/private/local.key", { content: mine.privateKey, mode: "0600", secret: true }, by, issues);
  setKeyFile(acc, "/etc/iked/local.pub", { content: mine.publicKey, mode: "0644", secret: false }, by, issues);
  const peerGw = other.node.gateways[0]!;
  const theirs = ikedKeyPair(peerGw.keySeed, peerGw.name);
  setKeyFile(acc, `/etc/iked/pubkeys/${pubkeyName(keyedIdentity(other))}`, { content: theirs.publicKey, mode: "0644", secret: false }, by, issues);
}

/** The flows of one policy: every pair of same-family networks of the two ends. */
function flowsOf(e: EndOnGateway, p: PolicySpec): IkedFlow[] {
  const flows: IkedFlow[] = [];
  const fromPort = portOf(p, e.flip, "from");
  const toPort = portOf(p, e.flip, "to");
  // natTo: `from ADDR (NET)`, the translated address negotiated, the SA installed for the true network
  const fromNat = e.me.spec.natTo !== undefined ? netText(e.me.nets[0]!) : undefined;
  for (const a of e.me.wire)
    for (const b of e.other.wire)
      if (a.family === b.family)
        flows.push({ from: netText(a), ...(fromNat !== undefined ? { fromNat } : {}), ...(fromPort !== undefined ? { fromPort } : {}), to: netText(b), ...(toPort !== undefined ? { toPort } : {}) });
  return flows;
}

export function planIkedEnd(e: EndOnGateway, policies: PolicySpec[], proposal: IkedProposal, issues: PlanIssue[]): void {
  const { t, acc, g, me, other, local, peer } = e;
  const k = t.tun.keying;
  if (k.kind !== "ike") return;
  useDaemon(acc, "iked", t.label);
  let auth: IkedAuth;
  if (k.auth.kind === "psk") auth = { kind: "psk", value: me.spec.psk ?? k.auth.psk };
  else if (k.auth.kind === "x509") {
    // RFC 7427 signatures with the certificate's RSA key; the peer's certificate is checked against ca/
    auth = { kind: "method", method: "rfc7427" };
    installX509(acc, "iked", me, k.auth.ca, e.label, issues);
  } else {
    auth = { kind: "method", method: "ecdsa256" };
    installKeys(acc, me, other, e.label, issues);
  }
  const publickey = k.auth.kind !== "psk";
  policies.forEach((p, i) => {
    const active = me.spec.mode !== "passive";
    acc.iked.push({
      name: policies.length > 1 ? `${t.tun.name}-${i + 1}` : t.tun.name,
      mode: active ? "active" : "passive",
      encapsulation: "tunnel",
      saProto: t.tun.satype,
      ...(p.proto !== undefined ? { proto: [/^\d+$/.test(p.proto) ? Number(p.proto) : p.proto] } : {}),
      flows: flowsOf(e, p),
      local: local ?? me.address,
      // the guide's passive responder names no peer; an active initiator must
      ...(active || me.spec.peer !== undefined ? { peer } : {}),
      ...(proposal.ikesa ? { ikesa: proposal.ikesa } : {}),
      ...(proposal.childsa ? { childsa: proposal.childsa } : {}),
      ...(proposal.ikelifetime !== undefined ? { ikelifetime: proposal.ikelifetime } : {}),
      ...(proposal.lifetime !== undefined ? { lifetime: { seconds: proposal.lifetime } } : {}),
      ...(me.spec.srcid ? { srcid: me.spec.srcid } : publickey ? { srcid: keyedIdentity(me) } : {}),
      ...(me.spec.dstid ? { dstid: me.spec.dstid } : publickey ? { dstid: keyedIdentity(other) } : {}),
      auth,
      ...(me.spec.tag ? { tag: me.spec.tag } : {}),
    });
  });
}
