/**
 * Derived RSA keys (sdk/planner/rsakeys.ts): a known answer (changing the walk would rotate every user's
 * isakmpd key and certificate: this test fails first), valid 2048-bit keys that sign and verify, distinct per
 * purpose and seed, accepted by the host's `openssl rsa -check`.
 */
import { execFileSync } from "node:child_process";
import { createHash, createPrivateKey, createPublicKey, sign, verify } from "node:crypto";
import { describe, expect, it } from "vitest";
import { deriveRsaKeyPair, gatewayRsaKeyPair } from "../../../sdk/planner/rsakeys";

const spkiHash = (pem: string) => createHash("sha256").update(createPublicKey(pem).export({ type: "spki", format: "der" })).digest("hex");

describe("derived RSA keys", () => {
  it("gives the known key for a known seed and purpose", () => {
    expect(spkiHash(deriveRsaKeyPair("known-answer-seed", "kat").publicKey)).toBe("c861478eccc5377436eae739487ea1861f281303f80b3b16ee6af0f51cd37339");
  });

  it("is a 2048-bit RSA key (e = 65537) in PKCS#1, whose public half is its SPKI", () => {
    const k = gatewayRsaKeyPair("seed-gw1", "gw1");
    expect(k.privateKey).toMatch(/^-----BEGIN RSA PRIVATE KEY-----\n[A-Za-z0-9+/=\n]+-----END RSA PRIVATE KEY-----\n$/);
    expect(k.publicKey).toMatch(/^-----BEGIN PUBLIC KEY-----\n/);
    const priv = createPrivateKey(k.privateKey);
    expect(priv.asymmetricKeyDetails).toEqual({ modulusLength: 2048, publicExponent: 65537n });
    expect(spkiHash(createPublicKey(priv).export({ type: "spki", format: "pem" }).toString())).toBe(spkiHash(k.publicKey));
    const sig = sign("sha256", Buffer.from("x"), priv);
    expect(verify("sha256", Buffer.from("x"), k.publicKey, sig)).toBe(true);
    expect(execFileSync("openssl", ["rsa", "-check", "-noout"], { input: k.privateKey }).toString()).toBe("RSA key ok\n");
  });

  it("differs per gateway name and per seed", () => {
    const keys = [gatewayRsaKeyPair("seed-a", "gw1"), gatewayRsaKeyPair("seed-a", "gw2"), gatewayRsaKeyPair("seed-b", "gw1")].map((k) => spkiHash(k.publicKey));
    expect(new Set(keys).size).toBe(3);
  });
});
