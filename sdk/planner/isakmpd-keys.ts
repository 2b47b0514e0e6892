/**
 * isakmpd public-key authentication (isakmpd(8) "PUBLIC KEY AUTHENTICATION"): an `ike` rule without `psk`
 * makes ipsecctl write `AUTHENTICATION_METHOD=RSA_SIG`; isakmpd then signs with
 * /etc/isakmpd/private/local.key (an RSA key, owned by root, mode 0600: `check_file_secrecy_fd`) and checks
 * the peer's signature with /etc/isakmpd/pubkeys/TYPE/ID, named after the identity the peer sends
 * (`ipv4/192.0.2.1`, or `fqdn/NAME` with a `srcid`). Both halves are derived from each gateway's key seed
 * (rsakeys.ts), so each gateway gets its private key and its peer's public key in the same `pulumi up`.
 */
import type { Acc } from "./acc";
import { keyedIdentity, pubkeyName } from "./ike-ids";
import { gatewayRsaKeyPair } from "./rsakeys";
import type { EndCtx } from "./tunnel-end";
import type { PlanIssue } from "./errors";
import { setKeyFile } from "./key-files";

/** The RSA key pair a tunnel end answers with: a pair's first member's (both members install it). */
export function endRsaKeyPair(end: EndCtx) {
  const owner = end.node.gateways[0]!;
  return gatewayRsaKeyPair(owner.keySeed, owner.name);
}

/** This gateway's local.key and local.pub, and the peer's public key under the identity it presents. */
export function installIsakmpdPubkeys(acc: Acc, me: EndCtx, other: EndCtx, by: string[], issues: PlanIssue[]): void {
  const mine = endRsaKeyPair(me);
  setKeyFile(acc, "/etc/isakmpd/private/local.key", { content: mine.privateKey, mode: "0600", secret: true }, by, issues);
  setKeyFile(acc, "/etc/isakmpd/local.pub", { content: mine.publicKey, mode: "0644", secret: false }, by, issues);
  setKeyFile(acc, `/etc/isakmpd/pubkeys/${pubkeyName(keyedIdentity(other))}`, { content: endRsaKeyPair(other).publicKey, mode: "0644", secret: false }, by, issues);
}
