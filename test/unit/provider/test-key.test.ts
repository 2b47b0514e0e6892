/**
 * test/support/ssh-key.ts: the tests' throwaway keys are always keys ssh2 reads back. ssh2's generator writes about
 * 1 ed25519 key in 250 that its parser refuses; without the redraw, 2000 draws meet one with a probability above
 * 99.9 %, and every test of a process that drew it failed.
 */
import { describe, expect, it } from "vitest";
import ssh2 from "ssh2";
import { testKeyPair } from "../../support/ssh-key";

describe("testKeyPair", () => {
  it("returns only ed25519 keys that ssh2 parses, with a public key of 32 bytes", () => {
    const refused: string[] = [];
    for (let i = 0; i < 2000; i++) {
      const k = testKeyPair("ed25519");
      const parsed = ssh2.utils.parseKey(k.private);
      if (parsed instanceof Error) refused.push(parsed.message);
      else if ((Array.isArray(parsed) ? parsed[0]! : parsed).getPublicSSH().length !== 4 + 11 + 4 + 32) refused.push("short public key");
    }
    expect(refused).toEqual([]);
  });
});
