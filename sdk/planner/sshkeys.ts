/**
 * SSH keys of an {@link SshTunnel}'s client (the key `ssh -w` logs in with), derived like the other keys
 * of the project (keys.ts): HKDF-SHA256 of the client gateway's secret key seed, for a purpose naming the
 * gateway and the tun unit, gives the 32-byte Ed25519 seed. So preview needs no host, the server's
 * authorized key is known in the same `pulumi up`, keys are stable across runs and rotating the seed
 * rotates them. The private key is written in OpenSSH's own format (`-----BEGIN OPENSSH PRIVATE KEY-----`,
 * PROTOCOL.key: unencrypted, `openssh-key-v1`), as `ssh-keygen -t ed25519 -N ''` writes it, so ssh(1)
 * of every OpenSSH release reads it; the public key in authorized_keys(5) form.
 * Pure: no randomness, no clock, no I/O.
 */
import { createPrivateKey, createPublicKey } from "node:crypto";
import { deriveBytes } from "./keys";

/** PKCS#8 prefix of an Ed25519 private key (RFC 8410); the last 32 bytes are the seed. */
const PKCS8_ED25519 = Buffer.from("302e020100300506032b657004220420", "hex");

/** An SSH key pair: the private key in OpenSSH format (a secret) and the public key line (`ssh-ed25519 AAAA… COMMENT`). */
export interface SshKeyPair {
  privateKey: string;
  publicKey: string;
}

const u32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n >>> 0);
  return b;
};
const str = (b: Buffer | string) => {
  const x = typeof b === "string" ? Buffer.from(b, "utf8") : b;
  return Buffer.concat([u32(x.length), x]);
};

/** The 32-byte Ed25519 public key of a 32-byte seed (node:crypto). */
export function ed25519PublicKey(seed: Buffer): Buffer {
  if (seed.length !== 32) throw new Error(`an Ed25519 seed is 32 bytes, got ${seed.length}`);
  const key = createPrivateKey({ key: Buffer.concat([PKCS8_ED25519, seed]), format: "der", type: "pkcs8" });
  const spki = createPublicKey(key).export({ type: "spki", format: "der" });
  return spki.subarray(spki.length - 32);
}

/**
 * The OpenSSH private key file of an Ed25519 seed (PROTOCOL.key). `check` is the pair of equal check
 * words OpenSSH fills with random bytes; derived here so the file is stable across runs.
 */
export function opensshEd25519(seed: Buffer, comment: string, check: number): SshKeyPair {
  const pub = ed25519PublicKey(seed);
  const pubBlob = Buffer.concat([str("ssh-ed25519"), str(pub)]);
  let priv = Buffer.concat([u32(check), u32(check), str("ssh-ed25519"), str(pub), str(Buffer.concat([seed, pub])), str(comment)]);
  const pad: number[] = [];
  for (let i = 1; (priv.length + pad.length) % 8 !== 0; i++) pad.push(i);
  priv = Buffer.concat([priv, Buffer.from(pad)]);
  const body = Buffer.concat([Buffer.from("openssh-key-v1\0", "latin1"), str("none"), str("none"), str(""), u32(1), str(pubBlob), str(priv)]);
  const b64 = body.toString("base64").replace(/(.{70})/g, "$1\n").replace(/\n$/, "");
  return {
    privateKey: `-----BEGIN OPENSSH PRIVATE KEY-----\n${b64}\n-----END OPENSSH PRIVATE KEY-----\n`,
    publicKey: `ssh-ed25519 ${pubBlob.toString("base64")}${comment ? ` ${comment}` : ""}`,
  };
}

/**
 * The tunnel key of tun unit `unit` on client gateway `gateway` whose key seed is `seed`. The comment
 * (`sshtunN@GATEWAY`) names where the key lives, as ssh-keygen's `user@host` does.
 */
export function deriveSshTunnelKey(seed: string, gateway: string, unit: number): SshKeyPair {
  const bytes = deriveBytes(seed, `ssh-tunnel-key/${gateway}/tun${unit}`, 36);
  return opensshEd25519(bytes.subarray(0, 32), `sshtun${unit}@${gateway}`, bytes.readUInt32BE(32));
}

/** The public key line (`ssh-ed25519 AAAA…`, no comment) of an OpenSSH Ed25519 private key file; undefined when it is not one. */
export function sshPublicKeyOf(privateKey: string): string | undefined {
  const m = /-----BEGIN OPENSSH PRIVATE KEY-----([\s\S]*?)-----END OPENSSH PRIVATE KEY-----/.exec(privateKey);
  if (!m) return undefined;
  const b = Buffer.from(m[1]!.replace(/\s+/g, ""), "base64");
  const magic = "openssh-key-v1\0";
  if (b.subarray(0, magic.length).toString("latin1") !== magic) return undefined;
  let o = magic.length;
  const next = (): Buffer | undefined => {
    if (o + 4 > b.length) return undefined;
    const n = b.readUInt32BE(o);
    if (o + 4 + n > b.length) return undefined;
    const x = b.subarray(o + 4, o + 4 + n);
    o += 4 + n;
    return x;
  };
  const cipher = next()?.toString();
  next();
  next();
  if (cipher !== "none" || o + 4 > b.length || b.readUInt32BE(o) !== 1) return undefined;
  o += 4;
  const blob = next();
  if (!blob || blob.length < 4) return undefined;
  const type = blob.subarray(4, 4 + blob.readUInt32BE(0)).toString();
  return `${type} ${blob.toString("base64")}`;
}
