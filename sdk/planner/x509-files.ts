/**
 * Where isakmpd and iked read X.509 material, and one place that writes key files so that two tunnels of a
 * gateway never silently overwrite each other's (an iked public-key tunnel wants an ECDSA local.key, an
 * X.509 one the RSA key of its certificate): a second, different content for one path is a preview error.
 *
 * Layout (isakmpd(8) and iked(8) FILES): `ca/NAME.crt` (the CA certificate, named after the
 * CertificateAuthority resource, so several CAs can be trusted), `certs/ID.crt` (this gateway's certificate,
 * named after the identity in its subjectAltName), `private/local.key` (its key, 0600), under /etc/isakmpd
 * or /etc/iked.
 */
import type { Acc } from "./acc";
import type { RawFile } from "./docs";
import type { PlanIssue } from "./errors";
import { keyedIdentity } from "./ike-ids";
import { endRsaKeyPair } from "./isakmpd-keys";
import type { EndCtx } from "./tunnel-end";
import { caCertificate, gatewayCertificate, type CaSpec } from "./x509";

/** Sets a key file, reporting a different content already set there by another tunnel. */
export function setKeyFile(acc: Acc, path: string, file: RawFile, by: string[], issues: PlanIssue[]): void {
  const had = acc.rawFiles.get(path);
  if (had && had.content !== file.content) {
    issues.push({
      resources: by, field: "auth", value: path,
      reason: `another tunnel of this gateway installs a different ${path} (public keys and certificates need different keys, or two CAs sign for one identity)`,
      fix: "use the same `auth` (and `ca`) for every tunnel of the gateway's IKE daemon",
    });
    return;
  }
  acc.rawFiles.set(path, file);
}

/** A gateway's X.509 files for one tunnel end: the CA certificate, its certificate for the identity it presents, its key. */
export function installX509(acc: Acc, daemon: "isakmpd" | "iked", me: EndCtx, ca: CaSpec, by: string[], issues: PlanIssue[]): void {
  const dir = `/etc/${daemon}`;
  const id = keyedIdentity(me);
  const key = endRsaKeyPair(me);
  setKeyFile(acc, `${dir}/ca/${ca.name}.crt`, { content: caCertificate(ca), mode: "0644", secret: false }, by, issues);
  setKeyFile(acc, `${dir}/certs/${id}.crt`, { content: gatewayCertificate(ca, id, key.publicKey), mode: "0644", secret: false }, by, issues);
  setKeyFile(acc, `${dir}/private/local.key`, { content: key.privateKey, mode: "0600", secret: true }, by, issues);
}
