/**
 * RSA key pairs derived from a secret seed (ARCHITECTURE.md H2, for daemons that only speak RSA: tinc 1.0).
 *
 * Decision: node:crypto cannot generate an RSA key from a given seed, so the primes are searched here, in
 * BigInt, from HKDF output (keys.ts deriveBytes): a 1024-bit odd candidate with its two top bits set,
 * then the next candidates upwards, sieved by the primes below 2^14 and tested with OpenSSL's
 * BN_check_prime (node:crypto `checkPrimeSync`: Miller–Rabin with as many rounds as OpenSSL needs for an
 * error below 2^-128 — its random bases only decide how unlikely a wrong answer is, so the first candidate
 * that passes, and with it the key, is the same on every run), `e` = 65537 coprime to p−1 and q−1. The key
 * is built by node:crypto from its JWK and printed in PKCS#1 PEM, as tinc's `tincd -K` writes it. So
 * preview needs no host, the keys are stable across runs and rotate with the seed. Results are memoised per
 * seed and purpose. No clock, no I/O.
 */
import { checkPrimeSync, createPrivateKey, createPublicKey } from "node:crypto";
import { deriveBytes } from "./keys";

const SMALL: number[] = (() => {
  const n = 1 << 14;
  const sieve = new Uint8Array(n);
  const out: number[] = [];
  for (let i = 2; i < n; i++) {
    if (sieve[i]) continue;
    out.push(i);
    for (let j = i * i; j < n; j += i) sieve[j] = 1;
  }
  return out;
})();

const big = (b: Buffer): bigint => BigInt("0x" + (b.toString("hex") || "0"));

const E = 65537n;

/** A `bits`-bit prime p with gcd(e, p−1) = 1, from `seed`/`purpose`. */
function derivePrime(seed: string, purpose: string, bits: number): bigint {
  const bytes = bits / 8;
  const start = big(deriveBytes(seed, `${purpose}/start`, bytes)) | (3n << BigInt(bits - 2)) | 1n;
  const residues = SMALL.map((p) => Number(start % BigInt(p)));
  for (let k = 0; ; k += 2) {
    let composite = false;
    for (let i = 0; i < SMALL.length; i++) {
      if ((residues[i]! + k) % SMALL[i]! === 0) {
        composite = true;
        break;
      }
    }
    if (composite) continue;
    const n = start + BigInt(k);
    if ((n - 1n) % E === 0n) continue;
    if (checkPrimeSync(n)) return n;
  }
}

function gcdExt(a: bigint, b: bigint): [bigint, bigint, bigint] {
  let [r0, r1, s0, s1] = [a, b, 1n, 0n];
  while (r1 !== 0n) {
    const q = r0 / r1;
    [r0, r1] = [r1, r0 - q * r1];
    [s0, s1] = [s1, s0 - q * s1];
  }
  return [r0, s0, 0n];
}

function modInv(a: bigint, m: bigint): bigint {
  const [g, x] = gcdExt(((a % m) + m) % m, m);
  if (g !== 1n) throw new Error("not invertible");
  return ((x % m) + m) % m;
}

const b64u = (n: bigint): string => {
  let h = n.toString(16);
  if (h.length % 2) h = "0" + h;
  return Buffer.from(h, "hex").toString("base64url");
};

/** An RSA key pair in PKCS#1 PEM (`-----BEGIN RSA PRIVATE KEY-----`, `-----BEGIN RSA PUBLIC KEY-----`). */
export interface RsaKeyPair {
  /** Private key (a secret). */
  privateKey: string;
  /** Public key (not secret). */
  publicKey: string;
}

const cache = new Map<string, RsaKeyPair>();

/** The RSA key pair of `bits` (2048 by default) derived from `seed` for `purpose`. */
export function deriveRsaKeyPair(seed: string, purpose: string, bits = 2048): RsaKeyPair {
  const id = `${bits}\0${purpose}\0${seed}`;
  const hit = cache.get(id);
  if (hit) return hit;
  const p = derivePrime(seed, `rsa/${purpose}/p`, bits / 2);
  let q = derivePrime(seed, `rsa/${purpose}/q`, bits / 2);
  for (let i = 1; q === p; i++) q = derivePrime(seed, `rsa/${purpose}/q${i}`, bits / 2);
  const [hi, lo] = p > q ? [p, q] : [q, p];
  const n = hi * lo;
  const phi = (hi - 1n) * (lo - 1n);
  const d = modInv(E, phi);
  const jwk = { kty: "RSA", n: b64u(n), e: b64u(E), d: b64u(d), p: b64u(hi), q: b64u(lo), dp: b64u(d % (hi - 1n)), dq: b64u(d % (lo - 1n)), qi: b64u(modInv(lo, hi)) };
  const key = createPrivateKey({ key: jwk, format: "jwk" });
  const pair = {
    privateKey: key.export({ type: "pkcs1", format: "pem" }).toString(),
    publicKey: createPublicKey(key).export({ type: "pkcs1", format: "pem" }).toString(),
  };
  cache.set(id, pair);
  return pair;
}
