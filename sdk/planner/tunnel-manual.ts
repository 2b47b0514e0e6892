/** A manually keyed tunnel end: an ipsec.conf `flow` and an `sa` with this end's outbound/inbound SPIs and keys. */
import type { AuthTransform, EncTransform } from "../model/ipsec/transforms";
import type { FlowRule, SaRule } from "../model/ipsec/types";
import { pushStatement, useManual } from "./acc";
import { ipsecAddress } from "../model/ipsec/address";
import type { PlanIssue } from "./errors";
import type { EndOnGateway } from "./tunnel-end";

export function planManualEnd(e: EndOnGateway, issues: PlanIssue[]): void {
  const { t, acc, me, other, flip, local, peer } = e;
  const keys = t.manual;
  if (t.tun.keying.kind !== "manual" || !keys) return;
  const satype = t.tun.satype;
  useManual(acc);
  const out = flip ? "rightToLeft" : "leftToRight";
  const inn = flip ? "leftToRight" : "rightToLeft";
  const flow: FlowRule = {
    type: "flow", satype, from: { addresses: me.nets.map(ipsecAddress) }, to: { addresses: other.nets.map(ipsecAddress) },
    ...(local ? { local: { kind: "ip", address: local } } : {}), peer: { kind: "ip", address: peer },
  };
  const sa: SaRule = {
    type: "sa", satype, encap: "tunnel", from: { kind: "ip", address: me.address }, to: { kind: "ip", address: peer },
    spi: { out: keys.spi[out], in: keys.spi[inn] },
    auth: keys.auth as AuthTransform,
    ...(satype === "esp" ? { enc: keys.enc as EncTransform, enckey: { out: keys.enckey[out], in: keys.enckey[inn] } } : {}),
    authkey: { out: keys.authkey[out], in: keys.authkey[inn] },
  };
  pushStatement(acc, flow, e.label, issues);
  pushStatement(acc, sa, e.label, issues);
}
