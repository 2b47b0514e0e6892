import { describe, expect, it } from "vitest";
import { clamp, deriveWgKeyPair, wgPublicKey, x25519PublicKey } from "../../../sdk/planner/wgkeys";
import { refusalOf } from "../../../sdk/model/tokens/refusal";
import { wgKey } from "../../../sdk/model/tokens/wg";

describe("WireGuard keys", () => {
  it("X25519 public keys match RFC 7748 §6.1", () => {
    const alice = Buffer.from("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a", "hex");
    const bob = Buffer.from("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb", "hex");
    expect(x25519PublicKey(alice).toString("hex")).toBe("8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a");
    expect(x25519PublicKey(bob).toString("hex")).toBe("de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f");
  });

  it("clamps as wg genkey does", () => {
    const c = clamp(Buffer.alloc(32, 0xff));
    expect(c[0]).toBe(0xf8);
    expect(c[31]).toBe(0x7f);
    expect(clamp(Buffer.alloc(32))[31]).toBe(0x40);
  });

  it("derives stable, distinct, valid key pairs from the seed", () => {
    const a = deriveWgKeyPair("seed-1", "gw1", "wg0");
    expect(deriveWgKeyPair("seed-1", "gw1", "wg0")).toEqual(a);
    expect(deriveWgKeyPair("seed-1", "gw1", "wg1").privateKey).not.toBe(a.privateKey);
    expect(deriveWgKeyPair("seed-2", "gw1", "wg0").privateKey).not.toBe(a.privateKey);
    expect(deriveWgKeyPair("seed-1", "gw2", "wg0").privateKey).not.toBe(a.privateKey);
    expect(refusalOf(wgKey("k"), a.privateKey)).toBeUndefined();
    expect(refusalOf(wgKey("k"), a.publicKey)).toBeUndefined();
    expect(wgPublicKey(a.privateKey)).toBe(a.publicKey);
    const raw = Buffer.from(a.privateKey, "base64");
    expect(raw[0]! & 7).toBe(0);
    expect(raw[31]! & 0xc0).toBe(0x40);
  });
});
