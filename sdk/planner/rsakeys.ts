/**
 * RSA key pairs derived from a secret seed (issue 12: isakmpd public-key and X.509 authentication).
 *
 * Decision (ARCHITECTURE.md H2): isakmpd signs with RSA only (ike_auth.c reads `PEM_read_RSAPrivateKey`), and
 * the iked keys of keys.ts are *derived* so that preview needs no host, both ends know each other's public
 * key in the same `pulumi up`, and nothing random lands in the state. RSA keys are derived the same way:
 * node:crypto cannot generate an RSA key from a seed, but it tests primes (`checkPrimeSync`, OpenSSL's
 * Miller–Rabin with the rounds FIPS 186-4 asks for), so the key generation is ours and the primality test is
 * OpenSSL's:
 * - each prime starts from 1024 bits of HKDF-SHA256 output of the seed (purpose `…/p#i`, `…/q#i`), top two
 *   bits and the low bit set (so p·q has exactly 2048 bits), and walks up by 2 to the first value that is
 *   prime and has gcd(p−1, 65537) = 1 (a sieve of the first small primes skips most composites);
 * - p and q must differ in their top 100 bits (FIPS 186-4 B.3.1), else the next `i` is tried;
 * - d = e⁻¹ mod lcm(p−1, q−1), and the CRT values, as OpenSSL computes them; node:crypto builds the key from
 *   that JWK and writes PKCS#1 (`-----BEGIN RSA PRIVATE KEY-----`, what `openssl genrsa` writes) and the
 *   SubjectPublicKeyInfo (`openssl rsa -pubout`, what isakmpd and iked read from pubkeys/).
 * The walk is part of this file's contract: changing it rotates every derived RSA key, so it is versioned by
 * the purpose strings (`rsa2048/v1`). About 50–100 ms per key on one core; results are memoized per seed
 * and purpose, so a program derives each key once. Pure: no randomness, no clock, no I/O.
 */
import { checkPrimeSync, createPrivateKey, createPublicKey, createHash } from "node:crypto";
import { deriveBytes, type PemKeyPair } from "./keys";

const E = 65537n;
const BITS = 1024;
/** Odd primes below 2000, for the sieve. */
const SMALL: number[] = (() => {
  const out: number[] = [];
  for (let n = 3; n < 2000; n += 2) if (out.every((p) => p * p > n || n % p !== 0)) out.push(n);
  return out;
})();

const toBig = (b: Buffer): bigint => BigInt("0x" + b.toString("hex"));
const toB64u = (n: bigint): string => {
  let h = n.toString(16);
  if (h.length % 2) h = "0" + h;
  return Buffer.from(h, "hex").toString("base64url");
};

/** The first prime ≥ start (start odd) with gcd(p−1, e) = 1, below the next power of two. */
function nextPrime(start: bigint): bigint | undefined {
  const res = SMALL.map((p) => Number(start % BigInt(p)));
  const limit = 1n << BigInt(BITS);
  for (let c = start; c < limit; c += 2n) {
    let sieved = false;
    for (let i = 0; i < SMALL.length; i++) {
      if (res[i] === 0) sieved = true;
      res[i] = (res[i]! + 2) % SMALL[i]!;
    }
    if (sieved) continue;
    if ((c - 1n) % E === 0n) continue;
    if (checkPrimeSync(c, { checks: 64 })) return c;
  }
  return undefined;
}

function candidate(seed: string, purpose: string): bigint {
  const b = deriveBytes(seed, purpose, BITS / 8);
  b[0]! |= 0xc0;
  b[b.length - 1]! |= 1;
  return toBig(b);
}

function prime(seed: string, purpose: string): bigint {
  for (let i = 0; ; i++) {
    const p = nextPrime(candidate(seed, `${purpose}#${i}`));
    if (p !== undefined) return p;
  }
}

function modInverse(a: bigint, m: bigint): bigint {
  let [r0, r1] = [a % m, m];
  let [s0, s1] = [1n, 0n];
  while (r1 !== 0n) {
    const q = r0 / r1;
    [r0, r1] = [r1, r0 - q * r1];
    [s0, s1] = [s1, s0 - q * s1];
  }
  if (r0 !== 1n) throw new Error("not invertible");
  return ((s0 % m) + m) % m;
}

const gcd = (a: bigint, b: bigint): bigint => (b === 0n ? a : gcd(b, a % b));

const memo = new Map<string, PemKeyPair>();

/** A 2048-bit RSA key pair (e = 65537) derived from `seed` for `purpose`: PKCS#1 private key, SPKI public key. */
export function deriveRsaKeyPair(seed: string, purpose: string): PemKeyPair {
  // memoized by a hash of seed and purpose: the seed itself is never a map key that a heap dump would show twice
  const id = createHash("sha256").update(seed).update("\0").update(purpose).digest("hex");
  const hit = memo.get(id);
  if (hit) return hit;
  const base = `rsa2048/v1/${purpose}`;
  for (let i = 0; ; i++) {
    const p = prime(seed, `${base}/p/${i}`);
    const q = prime(seed, `${base}/q/${i}`);
    // |p − q| > 2^(1024−100) (FIPS 186-4 B.3.1)
    const diff = p > q ? p - q : q - p;
    if (diff >> BigInt(BITS - 100) === 0n) continue;
    const [P, Q] = p > q ? [p, q] : [q, p];
    const lambda = ((P - 1n) * (Q - 1n)) / gcd(P - 1n, Q - 1n);
    const d = modInverse(E, lambda);
    const jwk = {
      kty: "RSA", n: toB64u(P * Q), e: toB64u(E), d: toB64u(d),
      p: toB64u(P), q: toB64u(Q), dp: toB64u(d % (P - 1n)), dq: toB64u(d % (Q - 1n)), qi: toB64u(modInverse(Q, P)),
    };
    const key = createPrivateKey({ key: jwk, format: "jwk" });
    const pair: PemKeyPair = {
      privateKey: key.export({ type: "pkcs1", format: "pem" }).toString(),
      publicKey: createPublicKey(key).export({ type: "spki", format: "pem" }).toString(),
    };
    memo.set(id, pair);
    return pair;
  }
}

/**
 * A gateway's RSA key pair: isakmpd's /etc/isakmpd/private/local.key (and local.pub), and the key of its
 * X.509 certificates (isakmpd and iked). The gateway's name is part of the derivation, as for iked keys:
 * gateways sharing one seed (one SSH key for a fleet) still get distinct keys. Members of a CARP pair
 * answer with the first member's pair (both install it).
 */
export function gatewayRsaKeyPair(seed: string, gateway: string): PemKeyPair {
  return deriveRsaKeyPair(seed, `gateway-local-key:${gateway}`);
}

/**
 * A tinc 1.0 node's key pair: the same derivation, the public key in PKCS#1 (`-----BEGIN RSA PUBLIC KEY-----`),
 * as `tincd -K` writes it into hosts/NAME (tinc 1.0 reads it with `PEM_read_RSAPublicKey`).
 */
export function tincRsaKeyPair(seed: string, purpose: string): PemKeyPair {
  const pair = deriveRsaKeyPair(seed, purpose);
  return { privateKey: pair.privateKey, publicKey: createPublicKey(pair.privateKey).export({ type: "pkcs1", format: "pem" }).toString() };
}
