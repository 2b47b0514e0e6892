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

/** The tunnel's iked proposals, resolved once for both ends. */
export interface IkedProposal {
  ikesa?: IkedTransforms[];
  childsa?: IkedTransforms[];
}

/** iked public-key files: this gateway's private and public key, and the peer's public key by its address. */
function installKeys(acc: Acc, me: EndCtx, other: EndCtx, family: 4 | 6): void {
  // a pair end: both members answer for the CARP address, so both install its first member's key pair
  const owner = me.node.gateways[0]!;
  const mine = ikedKeyPair(owner.keySeed, owner.name);
  acc.rawFiles.set("/etc/iked/private/local.key", { content: mine.privateKey, mode: "0600", secret: true });
  acc.rawFiles.set("/etc/iked/local.pub", { content: mine.publicKey, mode: "0644", secret: false });
  // a pair end: both members answer for the CARP address; they share the first member's key
  const peerGw = other.node.gateways[0]!;
  const theirs = ikedKeyPair(peerGw.keySeed, peerGw.name);
  // named by the peer's ID: its address as this end reaches it (a NAT's public address for a peer behind NAT)
  acc.rawFiles.set(`/etc/iked/pubkeys/${family === 4 ? "ipv4" : "ipv6"}/${other.reach}`, { content: theirs.publicKey, mode: "0644", secret: false });
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

export function planIkedEnd(e: EndOnGateway, policies: PolicySpec[], proposal: IkedProposal): void {
  const { t, acc, g, me, other, local, peer } = e;
  const k = t.tun.keying;
  if (k.kind !== "ike") return;
  useDaemon(acc, "iked", t.label);
  let auth: IkedAuth;
  if (k.auth.kind === "psk") auth = { kind: "psk", value: me.spec.psk ?? k.auth.psk };
  else {
    auth = { kind: "method", method: "ecdsa256" };
    installKeys(acc, me, other, t.family);
  }
  const publickey = k.auth.kind === "publickey";
  policies.forEach((p, i) => {
    const active = me.spec.mode !== "passive";
    acc.iked.push({
      name: policies.length > 1 ? `${t.tun.name}-${i + 1}` : t.tun.name,
      mode: active ? "active" : "passive",
      encapsulation: "tunnel",
      saProto: t.tun.satype,
      ...(p.proto !== undefined ? { proto: [p.proto] } : {}),
      flows: flowsOf(e, p),
      local: local ?? me.address,
      // the guide's passive responder names no peer; an active initiator must
      ...(active || me.spec.peer !== undefined ? { peer } : {}),
      ...(proposal.ikesa ? { ikesa: proposal.ikesa } : {}),
      ...(proposal.childsa ? { childsa: proposal.childsa } : {}),
      // with public keys the ID is the address the peer knows this end by (behind NAT: the NAT's public address)
      ...(me.spec.srcid ? { srcid: me.spec.srcid } : publickey ? { srcid: me.reach } : {}),
      ...(me.spec.dstid ? { dstid: me.spec.dstid } : publickey ? { dstid: peer } : {}),
      auth,
      ...(me.spec.tag ? { tag: me.spec.tag } : {}),
    });
  });
}
