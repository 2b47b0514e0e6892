/**
 * Where isakmpd and iked read X.509 material (written through key-files.ts).
 *
 * Layout (isakmpd(8) and iked(8) FILES): `ca/NAME.crt` (the CA certificate, named after the
 * CertificateAuthority resource, so several CAs can be trusted), `certs/ID.crt` (this gateway's certificate,
 * named after the identity in its subjectAltName), `private/local.key` (its key, 0600), under /etc/isakmpd
 * or /etc/iked.
 */
import type { Acc } from "./acc";
import type { PlanIssue } from "./errors";
import { setKeyFile } from "./key-files";
import { keyedIdentity } from "./ike-ids";
import { endRsaKeyPair } from "./isakmpd-keys";
import type { EndCtx } from "./tunnel-end";
import { caCertificate, gatewayCertificate, type CaSpec } from "./x509";

/** A gateway's X.509 files for one tunnel end: the CA certificate, its certificate for the identity it presents, its key. */
export function installX509(acc: Acc, daemon: "isakmpd" | "iked", me: EndCtx, ca: CaSpec, by: string[], issues: PlanIssue[]): void {
  const dir = `/etc/${daemon}`;
  const id = keyedIdentity(me);
  const key = endRsaKeyPair(me);
  setKeyFile(acc, `${dir}/ca/${ca.name}.crt`, { content: caCertificate(ca), mode: "0644", secret: false }, by, issues);
  setKeyFile(acc, `${dir}/certs/${id}.crt`, { content: gatewayCertificate(ca, id, key.publicKey), mode: "0644", secret: false }, by, issues);
  setKeyFile(acc, `${dir}/private/local.key`, { content: key.privateKey, mode: "0600", secret: true }, by, issues);
}
