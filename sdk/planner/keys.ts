/**
 * Deterministic key material (ARCHITECTURE.md H2, and manual SA keys).
 *
 * Decision: key pairs and manual keys are *derived* (HKDF-SHA256) from a secret seed the program holds —
 * by default each Gateway's SSH private key, or an explicit `keySeed` secret — so that:
 * - preview touches no host and needs no provider round trip: both halves are known to the program,
 *   each gateway gets its private key and its peers' public keys in the same `pulumi up`;
 * - the keys are stable from one run to the next (no spurious diffs), and secret (they live only in
 *   secret file contents, shown as fingerprints);
 * - rotating the seed rotates the keys.
 * Public keys are ECDSA P-256 (iked `ecdsa256`), built from an HKDF scalar with node:crypto; isakmpd needs
 * RSA keys, derived the same way in rsakeys.ts (primes walked up from HKDF output, tested by OpenSSL), which
 * are also the keys of X.509 certificates (x509.ts).
 * Pure: no randomness, no clock, no I/O.
 */
import { createECDH, createHmac, createPrivateKey, createPublicKey, hkdfSync } from "node:crypto";

/** `n` bytes derived from `seed` for `purpose`. */
export function deriveBytes(seed: string, purpose: string, n: number): Buffer {
  return Buffer.from(hkdfSync("sha256", Buffer.from(seed, "utf8"), Buffer.from("pulumi-openbsd/v1"), Buffer.from(purpose, "utf8"), n));
}

/** Lower-case hex key of `n` bytes. */
export function deriveHexKey(seed: string, purpose: string, n: number): string {
  return deriveBytes(seed, purpose, n).toString("hex");
}

/** An SPI in 0x1000–0xfffffffe (ipsecctl refuses 0–255 and 0xffffffff). */
export function deriveSpi(seed: string, purpose: string): number {
  const v = deriveBytes(seed, purpose, 4).readUInt32BE(0);
  return 0x1000 + (v % (0xffffffff - 0x1000));
}

/** A PEM key pair. */
export interface PemKeyPair {
  /** PKCS#8 private key (`-----BEGIN PRIVATE KEY-----`). */
  privateKey: string;
  /** SubjectPublicKeyInfo (`-----BEGIN PUBLIC KEY-----`), as iked reads from pubkeys/. */
  publicKey: string;
}

const b64u = (b: Buffer): string => b.toString("base64url");

/** ECDSA P-256 key pair derived from `seed` for `purpose`. */
export function deriveEcdsaKeyPair(seed: string, purpose: string): PemKeyPair {
  for (let i = 0; ; i++) {
    const d = deriveBytes(seed, `${purpose}#${i}`, 32);
    try {
      const ecdh = createECDH("prime256v1");
      ecdh.setPrivateKey(d);
      const pub = ecdh.getPublicKey(undefined, "uncompressed");
      const jwk = { kty: "EC", crv: "P-256", d: b64u(d), x: b64u(pub.subarray(1, 33)), y: b64u(pub.subarray(33, 65)) };
      const key = createPrivateKey({ key: jwk, format: "jwk" });
      return {
        privateKey: key.export({ type: "pkcs8", format: "pem" }).toString(),
        publicKey: createPublicKey(key).export({ type: "spki", format: "pem" }).toString(),
      };
    } catch {
      // scalar out of range (probability ~2^-32): try the next one
    }
  }
}

/** Keyed fingerprint of a secret: `fp:` + 12 hex digits of HMAC-SHA256(key, secret). Equal secrets, equal fingerprints. */
export function fingerprint(key: string, secret: string): string {
  return "fp:" + createHmac("sha256", key).update(secret).digest("hex").slice(0, 12);
}

/**
 * A gateway's iked key pair (ECDSA P-256), derived from its key seed: the private key is installed at
 * /etc/iked/private/local.key (0600) and the public key at /etc/iked/local.pub and, on its peers, at
 * /etc/iked/pubkeys/ipv4/ADDR. Members of a CARP pair answer with the first member's pair (both install it).
 */
export function ikedKeyPair(seed: string, gateway: string): PemKeyPair {
  // the gateway's name is part of the derivation: gateways that share one SSH key (the default seed) must
  // not share one iked identity, or any of them could answer for any other
  return deriveEcdsaKeyPair(seed, `iked-local-key:${gateway}`);
}
