/**
 * IKE identities of tunnel ends as the daemons send them, and where isakmpd and iked look up a peer's key
 * or certificate by identity; the checks of identities that need both ends (preview, before any SSH).
 *
 * An identity's type follows ipsecctl's `get_id_type` (parse.y) and iked's: an IPv4 or IPv6 literal is
 * IPV4_ADDR/IPV6_ADDR, a value with `@` is USER_FQDN, anything else FQDN. isakmpd (`get_raw_key_from_file`,
 * ike_auth.c) and iked read a peer's public key from `pubkeys/ipv4/A.B.C.D`, `ipv6/ADDR`, `ufqdn/USER@HOST`
 * or `fqdn/NAME` under /etc/isakmpd or /etc/iked.
 */
import { parseNet } from "../model/address/index";
import type { PlanIssue } from "./errors";
import { endPairs, type EndCtx, type TunnelCtx } from "./tunnel-end";

/** The type of an identity, as ipsecctl and iked decide it. */
export type IdType = "ipv4" | "ipv6" | "ufqdn" | "fqdn";

export function idType(id: string): IdType {
  const n = parseNet(id);
  if (n && !id.includes("/")) return n.family === 4 ? "ipv4" : "ipv6";
  return id.includes("@") ? "ufqdn" : "fqdn";
}

/** `pubkeys/` sub-path of a peer's key: `ipv4/192.0.2.1`, `fqdn/gw1.example.org`. */
export function pubkeyName(id: string): string {
  const type = idType(id);
  // an address ID is printed back canonically (inet_ntop) when isakmpd and iked build the file name
  return `${type}/${type === "ipv4" || type === "ipv6" ? parseNet(id)!.address : id}`;
}

/**
 * The identity one end presents when it authenticates with keys or certificates: its `srcid`, else the
 * address of its local endpoint — isakmpd's default (`local`, else the egress or CARP address: behind a NAT
 * isakmpd still sends its own address); iked with keys uses the address its peer reaches it at (the egress or
 * CARP address, or its NAT's public address), which tunnel-iked.ts writes as `srcid`.
 */
export function keyedIdentity(end: EndCtx): string {
  if (end.spec.srcid) return end.spec.srcid;
  if (end.daemon === "isakmpd") return end.spec.local ?? end.address;
  return end.reach;
}

/**
 * With public keys or certificates, identities name files (`pubkeys/fqdn/NAME`, `certs/NAME.crt`) and
 * certificate SubjectAltNames: each must be a plain name; each end's `dstid`, when given, must be what the
 * other end presents (else phase 1 fails with "unexpected ID").
 */
export function checkKeyedIdentities(t: TunnelCtx, issues: PlanIssue[]): void {
  for (const [me, other, side] of endPairs(t)) {
    const id = keyedIdentity(me);
    if (me.spec.srcid && (id.includes("/") || id.startsWith(".") || id.endsWith("."))) {
      issues.push({
        resources: t.both, field: `${side}.srcid`, value: id,
        reason: "with public keys or certificates the identity names a file (pubkeys/TYPE/ID, certs/ID.crt) and a certificate's SubjectAltName: it cannot hold `/` or start or end with `.`",
        fix: "use an FQDN (`gw1.example.org`), `user@fqdn` or an address",
      });
    }
    const theirs = keyedIdentity(other);
    if (me.spec.dstid !== undefined && me.spec.dstid !== theirs) {
      issues.push({
        resources: t.both, field: `${side}.dstid`, value: me.spec.dstid,
        reason: `${other.node.label} presents the identity ${theirs} (its ${other.spec.srcid ? "srcid" : "address"}): phase 1 would fail with an unexpected ID`,
        fix: `set ${side}.dstid to ${theirs}, or set the other end's srcid to ${me.spec.dstid}`,
      });
    }
  }
}
