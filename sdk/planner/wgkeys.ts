/**
 * WireGuard keys (Curve25519, RFC 7748 X25519), derived like the iked keys (keys.ts): HKDF-SHA256 of the
 * gateway's secret key seed, for a purpose naming the interface, gives 32 bytes, clamped as `wg genkey`
 * clamps them. So preview needs no host, keys are stable across runs, and rotating the seed rotates
 * them. The public key comes from node:crypto's X25519 (the private key wrapped in its PKCS#8 DER).
 * Pure: no randomness, no clock, no I/O.
 */
import { createPrivateKey, createPublicKey } from "node:crypto";
import { deriveBytes } from "./keys";

/** PKCS#8 prefix of an X25519 private key (RFC 8410): SEQUENCE { 0, { 1.3.101.110 }, OCTET STRING { OCTET STRING (32) } }. */
const PKCS8_X25519 = Buffer.from("302e020100300506032b656e04220420", "hex");
/** SubjectPublicKeyInfo prefix of an X25519 public key; the last 32 bytes of the DER are the key. */
const SPKI_LEN = 44;

/** The X25519 public key of a 32-byte private key (clamping as X25519 does). */
export function x25519PublicKey(privateKey: Buffer): Buffer {
  if (privateKey.length !== 32) throw new Error(`an X25519 private key is 32 bytes, got ${privateKey.length}`);
  const key = createPrivateKey({ key: Buffer.concat([PKCS8_X25519, privateKey]), format: "der", type: "pkcs8" });
  const spki = createPublicKey(key).export({ type: "spki", format: "der" });
  if (spki.length !== SPKI_LEN) throw new Error("unexpected X25519 SubjectPublicKeyInfo");
  return spki.subarray(SPKI_LEN - 32);
}

/** Clamps 32 random bytes into a Curve25519 private key (RFC 7748 §5, as `wg genkey`). */
export function clamp(k: Buffer): Buffer {
  const c = Buffer.from(k);
  c[0]! &= 248;
  c[31]! &= 127;
  c[31]! |= 64;
  return c;
}

/** A WireGuard key pair in base64 (as `wgkey` takes and `wgpubkey` prints them). */
export interface WgKeyPair {
  /** Private key (a secret). */
  privateKey: string;
  /** Public key (not a secret: the peer's `wgpeer`). */
  publicKey: string;
}

/** The public key of a base64 private key. */
export function wgPublicKey(privateKey: string): string {
  return x25519PublicKey(Buffer.from(privateKey, "base64")).toString("base64");
}

/**
 * The key pair of `iface` on gateway `gateway` whose key seed is `seed`. The gateway's name is part of
 * the derivation: gateways that share a seed (one SSH key for a fleet) still get distinct keys, which
 * WireGuard needs (a peer is identified by its public key).
 */
export function deriveWgKeyPair(seed: string, gateway: string, iface: string): WgKeyPair {
  const priv = clamp(deriveBytes(seed, `wg-key/${gateway}/${iface}`, 32));
  return { privateKey: priv.toString("base64"), publicKey: x25519PublicKey(priv).toString("base64") };
}
