/**
 * `connection.privateKey` as users get it wrong (providers/transport/private-key.ts): each refusal says what the
 * value looks like and how to give a usable key, checked with ssh2's own parser, and never shows the value.
 */
import { describe, expect, it } from "vitest";
import { generateKeyPairSync } from "node:crypto";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { privateKeyProblem } from "../../../providers/transport/private-key";

const FIX = "give the key file's contents, e.g. `pulumi config set --secret sshKey < PATH_TO_KEY`";

/** An ed25519 key pair from ssh-keygen, OpenSSH's format, with `passphrase` ("" for none). */
function opensshKey(passphrase: string): { priv: string; pub: string } {
  const dir = mkdtempSync(path.join(tmpdir(), "pob-key-"));
  try {
    execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", passphrase, "-C", "", "-f", path.join(dir, "k")]);
    return { priv: readFileSync(path.join(dir, "k"), "utf8"), pub: readFileSync(path.join(dir, "k.pub"), "utf8") };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe("privateKeyProblem", () => {
  const plain = opensshKey("");
  it("takes an OpenSSH key and a traditional PEM RSA key", () => {
    expect(privateKeyProblem(plain.priv)).toBeUndefined();
    const rsa = generateKeyPairSync("rsa", { modulusLength: 2048, privateKeyEncoding: { type: "pkcs1", format: "pem" }, publicKeyEncoding: { type: "spki", format: "pem" } });
    expect(privateKeyProblem(rsa.privateKey)).toBeUndefined();
  });
  it.each([
    ["a path", "~/.ssh/id_ed25519", `looks like a file path, not a key (value not shown); ${FIX}`],
    ["an absolute path", "/root/.ssh/id_ed25519", `looks like a file path, not a key (value not shown); ${FIX}`],
    ["the public key", plain.pub, `is a public key, not a private one (value not shown); ${FIX}`],
    ["a password", "hunter2-secret", `is not an OpenSSH/PEM private key (value not shown); ${FIX}`],
    ["nothing", "", `missing (value not shown); ${FIX}`],
    ["a damaged key", "-----BEGIN OPENSSH PRIVATE KEY-----\nAAAA\n-----END OPENSSH PRIVATE KEY-----\n", `cannot be read as a private key: Malformed OpenSSH private key (value not shown); ${FIX}`],
  ])("refuses %s with what it looks like and the fix", (_, key, want) => {
    expect(privateKeyProblem(key)).toBe(want);
  });
  it("refuses a passphrase-protected key, OpenSSH's or PKCS#8, saying the provider cannot ask for the passphrase", () => {
    const want = "is encrypted with a passphrase (value not shown); the provider cannot ask for it: give an unencrypted key, kept as a Pulumi secret (`ssh-keygen -p -N '' -f COPY` on a copy of the file)";
    expect(privateKeyProblem(opensshKey("correct horse").priv)).toBe(want);
    const p8 = generateKeyPairSync("ed25519", { privateKeyEncoding: { type: "pkcs8", format: "pem", cipher: "aes-256-cbc", passphrase: "x" }, publicKeyEncoding: { type: "spki", format: "pem" } });
    expect(privateKeyProblem(p8.privateKey)).toBe(want);
  });
  it("refuses PKCS#8, which ssh2 cannot sign with, naming the conversion", () => {
    const p8 = generateKeyPairSync("ec", { namedCurve: "P-256", privateKeyEncoding: { type: "pkcs8", format: "pem" }, publicKeyEncoding: { type: "spki", format: "pem" } });
    expect(privateKeyProblem(p8.privateKey)).toBe("is a PKCS#8 key, a format ssh2 cannot sign with (value not shown); convert a copy to OpenSSH's format: `ssh-keygen -p -N '' -f COPY`");
  });
  it("names how the key's lines were mangled on their way into a config: escaped, lost, indented; takes CRLF", () => {
    const k = plain.priv;
    expect(privateKeyProblem(k.replace(/\n/g, "\\n"))).toBe(`has the two characters \`\\n\` where its line breaks should be (an escaped string), so it cannot be read (value not shown); ${FIX}`);
    expect(privateKeyProblem(k.replace(/\n/g, " "))).toBe(`is on one line: its line breaks were lost (e.g. pasted into a one-line field), so it cannot be read (value not shown); ${FIX}`);
    expect(privateKeyProblem(k.split("\n").map((l) => `  ${l}`).join("\n"))).toBe(`has indented lines (e.g. copied from a YAML or JSON block), so it cannot be read (value not shown); ${FIX}`);
    expect(privateKeyProblem(k.replace(/\n/g, "\r\n"))).toBeUndefined();
  });
  it("never quotes the value", () => {
    for (const k of ["hunter2-secret-value", "~/.ssh/hunter2", plain.pub])
      expect(privateKeyProblem(k)!).not.toContain(k.trim().slice(0, 12));
  });
});
