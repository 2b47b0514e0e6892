/** An isakmpd tunnel end: one ipsec.conf `ike` rule per policy (seeds/000). */
import type { IkeMainPhase, IkePhase, IkeRule } from "../model/ipsec/types";
import { MAX_ISAKMPD_ID } from "../model/ipsec/validate";
import { pushStatement, useDaemon } from "./acc";
import { ipsecAddress } from "../model/ipsec/address";
import type { PlanIssue } from "./errors";
import { portOf, type EndOnGateway } from "./tunnel-end";
import type { PolicySpec } from "./spec";
import { installIsakmpdPubkeys } from "./isakmpd-keys";
import { keyedIdentity } from "./ike-ids";
import { installX509 } from "./x509-files";

/** The tunnel's isakmpd proposal, resolved once for both ends. */
export interface IsakmpdProposal {
  main?: IkeMainPhase;
  quick?: IkePhase;
}

export function planIsakmpdEnd(e: EndOnGateway, policies: PolicySpec[], proposal: IsakmpdProposal, issues: PlanIssue[]): void {
  const { t, acc, me, other, flip, local, peer } = e;
  const k = t.tun.keying;
  if (k.kind !== "ike") return;
  useDaemon(acc, "isakmpd", t.label);
  const psk = k.auth.kind === "psk" ? (me.spec.psk ?? k.auth.psk) : undefined;
  const keyed = k.auth.kind !== "psk";
  if (k.auth.kind === "publickey") installIsakmpdPubkeys(acc, me, other, e.label, issues);
  if (k.auth.kind === "x509") installX509(acc, "isakmpd", me, k.auth.ca, e.label, issues);
  const port = (p: PolicySpec, side: "from" | "to") => {
    const n = portOf(p, flip, side);
    return n !== undefined ? { port: n } : {};
  };
  // isakmpd reads an identity back from ipsecctl's `C set [id-ID]:Name=ID force` (ui_config: `[%200[^]]]`)
  let tooLong = false;
  for (const [field, id] of [["srcid", me.spec.srcid], ["dstid", me.spec.dstid]] as const) {
    if (id === undefined || Buffer.byteLength(id) <= MAX_ISAKMPD_ID) continue;
    tooLong = true;
    issues.push({
      resources: e.label, field: `${e.side}.${field}`, value: id,
      reason: `isakmpd reads an identity of at most ${MAX_ISAKMPD_ID} bytes (ipsecctl passes it as \`C set [id-ID]:… force\`, whose section isakmpd cuts at 200 characters)`,
      fix: "use a shorter FQDN, `user@fqdn` or an address, or `ike: \"iked\"`",
    });
  }
  if (tooLong) return;
  for (const p of policies) {
    const r: IkeRule = {
      type: "ike",
      ...(me.spec.mode !== "active" ? { mode: me.spec.mode } : {}),
      satype: t.tun.satype,
      ...(p.proto !== undefined ? { proto: /^\d+$/.test(p.proto) ? Number(p.proto) : p.proto } : {}),
      // natTo: the peer negotiates the translated address; the local SA is for the true network (`from ADDR (NET)`)
      from: { addresses: me.wire.map(ipsecAddress), ...(me.spec.natTo !== undefined ? { nat: ipsecAddress(me.nets[0]!) } : {}), ...port(p, "from") },
      to: { addresses: other.wire.map(ipsecAddress), ...port(p, "to") },
      ...(local ? { local: { kind: "ip", address: local } } : {}),
      peer: { kind: "ip", address: peer },
      ...(proposal.main ? { main: proposal.main } : {}),
      ...(proposal.quick ? { quick: proposal.quick } : {}),
      // with keys, both identities are written (the FAQ's "isakmpd has never been told what ID that should be")
      ...(me.spec.srcid ? { srcid: me.spec.srcid } : keyed ? { srcid: keyedIdentity(me) } : {}),
      ...(me.spec.dstid ? { dstid: me.spec.dstid } : keyed ? { dstid: keyedIdentity(other) } : {}),
      ...(psk !== undefined ? { auth: { kind: "psk", psk } } : {}),
      ...(me.spec.tag ? { tag: me.spec.tag } : {}),
    };
    pushStatement(acc, r, e.label, issues);
  }
}
