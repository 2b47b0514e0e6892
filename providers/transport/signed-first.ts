/**
 * Public-key authentication in one round trip: the signed request at once, instead of ssh2's query first.
 *
 * ssh2 (pinned at 1.17.0) asks first whether the key would do (`USERAUTH_REQUEST` without a signature, "publickey --
 * check"), waits for `USERAUTH_PK_OK`, then signs and asks again. RFC 4252 section 7 lets a client send the signed
 * request straight away; OpenSSH's sshd takes either. Asking first pays when a client holds many keys and signing
 * is dear (an agent, a token); the provider holds one key in memory. Signing at once saves, on every connection, a
 * round trip (on a WAN, one RTT per gateway per operation) and, on the gateway, a second look-up of the key:
 * sshd's auth2-pubkey.c checks authorized_keys through its privilege-separation monitor for the query and again for
 * the signed request.
 *
 * ssh2 offers no option for this: its protocol's `authPK` is wrapped so that a query for a private key it holds
 * becomes the signed request, with the signature ssh2 itself would make after `USERAUTH_PK_OK` (client.js). When the
 * key cannot sign, or ssh2's internals are not where this expects them, ssh2's own query is sent, as before.
 */

/** ssh2's parsed key, as far as this needs it. */
interface ParsedKey {
  isPrivateKey?: () => boolean;
  sign?: (data: Buffer, hash?: string) => Buffer | Error;
}

type SignCallback = (data: Buffer, done: (signature: Buffer) => void) => void;
type AuthPK = (username: string, key: unknown, keyAlgo?: string | SignCallback, cbSign?: SignCallback) => unknown;

/**
 * The hash ssh2 signs with for a key algorithm (client.js getKeyAlgos: RSA's SHA-2 names, `ssh-rsa` SHA-1); other
 * key types choose their own (undefined).
 */
export function signatureHash(keyAlgo: string | undefined): string | undefined {
  switch (keyAlgo) {
    case "rsa-sha2-512":
      return "sha512";
    case "rsa-sha2-256":
      return "sha256";
    case "ssh-rsa":
      return "sha1";
    default:
      return undefined;
  }
}

/** Makes `client`'s public-key requests signed from the first (see above). A no-op on an unexpected ssh2. */
export function signedFirst(client: unknown): void {
  const proto = (client as { _protocol?: { authPK?: AuthPK } })._protocol;
  const authPK = proto?.authPK;
  if (!proto || typeof authPK !== "function") return;
  proto.authPK = function (this: unknown, username, key, keyAlgo, cbSign) {
    const k = key as ParsedKey | undefined;
    const canSign = typeof k?.sign === "function" && typeof k.isPrivateKey === "function" && k.isPrivateKey();
    if (cbSign || typeof keyAlgo === "function" || !canSign) return authPK.call(this, username, key, keyAlgo, cbSign);
    let signed = false;
    const r = authPK.call(this, username, key, keyAlgo, (data, done) => {
      const signature = k!.sign!(data, signatureHash(keyAlgo));
      if (signature instanceof Error) return;
      signed = true;
      done(signature);
    });
    // the key could not sign: ssh2's own query, whose PK_OK path reports the signing error as ssh2 always has
    return signed ? r : authPK.call(this, username, key, keyAlgo);
  } as AuthPK;
}
