/**
 * providers/transport/signed-first.ts: ssh2's public-key query ("publickey -- check", then USERAUTH_PK_OK) becomes
 * the signed request at once, signed as ssh2 would sign it after PK_OK. The keys are ssh2's own parsed keys, and
 * each signature is checked against the public key.
 */
import { describe, expect, it } from "vitest";
import { createRequire } from "node:module";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { signatureHash, signedFirst } from "../../../providers/transport/signed-first";

const require = createRequire(import.meta.url);
const { parseKey } = require("ssh2/lib/protocol/keyParser.js") as { parseKey: (k: string) => unknown };
/** ssh2's parsed public key: verifies a signature as sshd would (the hash for RSA's algorithm). */
interface PublicKey { verify(data: Buffer, signature: Buffer, hash?: string): boolean | Error }

type Sign = (data: Buffer, done: (sig: Buffer) => void) => void;

/** A client as ssh2 1.17.0 lays it out: `authPK` on its protocol, recording what would be sent. */
function fakeClient() {
  const sent: { algo?: string; signature?: Buffer; data?: Buffer }[] = [];
  const proto = {
    authPK(_user: string, _key: unknown, algo?: string, cbSign?: Sign) {
      if (!cbSign) return void sent.push({ algo });
      const data = Buffer.from("session id and request");
      cbSign(data, (signature) => sent.push({ algo, signature, data }));
    },
  };
  return { client: { _protocol: proto }, proto, sent };
}

/** A key pair as users make one (`ssh-keygen`, OpenSSH's format), both halves parsed by ssh2. */
function keyPair(type: "ed25519" | "ecdsa" | "rsa") {
  const dir = mkdtempSync(join(tmpdir(), "signed-first-"));
  try {
    execFileSync("ssh-keygen", ["-q", "-t", type, ...(type === "rsa" ? ["-b", "2048"] : []), "-N", "", "-f", join(dir, "k")]);
    return { key: parseKey(readFileSync(join(dir, "k"), "utf8")), publicKey: parseKey(readFileSync(join(dir, "k.pub"), "utf8")) as PublicKey };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe("public-key authentication signed from the first request", () => {
  it("ssh2's query for a private key is sent as the signed request, with no query before it (ed25519, ECDSA, RSA)", () => {
    for (const [type, algo, hash] of [["ed25519", undefined, null], ["ecdsa", undefined, "sha256"], ["rsa", "rsa-sha2-512", "sha512"]] as const) {
      const { client, proto, sent } = fakeClient();
      signedFirst(client);
      const { key, publicKey } = keyPair(type);
      proto.authPK("root", key, algo);
      expect(sent.length, type).toBe(1);
      const s = sent[0]!;
      expect(s.algo).toBe(algo);
      expect(s.signature, type).toBeInstanceOf(Buffer);
      expect(publicKey.verify(s.data!, s.signature!, hash ?? undefined), type).toBe(true);
      expect(publicKey.verify(Buffer.from("other data"), s.signature!, hash ?? undefined), type).toBe(false);
    }
  });

  it("a request ssh2 signs itself (after PK_OK) passes through unchanged", () => {
    const { client, proto, sent } = fakeClient();
    signedFirst(client);
    const own: Sign = (_d, done) => done(Buffer.from("ssh2's own"));
    proto.authPK("root", keyPair("ed25519").key, undefined, own);
    expect(sent.map((s) => s.signature?.toString())).toEqual(["ssh2's own"]);
  });

  it("a key that cannot sign, or a public key alone, is asked about first, as ssh2 does", () => {
    const { client, proto, sent } = fakeClient();
    signedFirst(client);
    proto.authPK("root", { isPrivateKey: () => true, sign: () => new Error("no") }, undefined);
    proto.authPK("root", { isPrivateKey: () => false, sign: () => Buffer.alloc(1) }, undefined);
    expect(sent).toEqual([{ algo: undefined }, { algo: undefined }]);
  });

  it("RSA signs with the hash of the algorithm ssh2 chose; other key types choose their own", () => {
    expect(["rsa-sha2-512", "rsa-sha2-256", "ssh-rsa", "ssh-ed25519", undefined].map(signatureHash)).toEqual(["sha512", "sha256", "sha1", undefined, undefined]);
  });

  it("an ssh2 without the protocol object this expects is left as it is", () => {
    const c = { _protocol: undefined };
    signedFirst(c);
    expect(c).toEqual({ _protocol: undefined });
  });
});
