/**
 * iked(8) transform tables, transcribed from sbin/iked/parse.y 1.149 (ikeencxfs, ipsecencxfs, authxfs,
 * prfxfs, groupxfs, esnxfs, methodxfs). iked matches names by prefix (`strncmp(name, table, strlen(name))`),
 * taking the first entry in table order, and prints back the first entry with the same id and length;
 * {@link canonicalTransform} reproduces both steps so the model always stores the name iked prints.
 */

/** One row of an iked transform table. */
export interface IkedXf {
  /** Name accepted in iked.conf. */
  readonly name: string;
  /** Identity of the algorithm (rows with equal ids are aliases). */
  readonly id: string;
  /** Key length in bytes (0 when the algorithm has none). */
  readonly length: number;
  /** True for AEAD transforms (GCM, GMAC, ChaCha20-Poly1305): no separate `auth` is allowed. */
  readonly noauth?: boolean;
}

const x = (name: string, id: string, length = 0, noauth = false): IkedXf => (noauth ? { name, id, length, noauth } : { name, id, length });

/** IKE SA encryption (`ikesa enc`). There is no bare `aes`: `aes` prefix-matches `aes-128`. */
export const IKE_ENC: readonly IkedXf[] = [
  x("3des", "3des", 24), x("3des-cbc", "3des", 24),
  x("aes-128", "aes-cbc", 16), x("aes-192", "aes-cbc", 24), x("aes-256", "aes-cbc", 32),
  x("aes-128-gcm", "aes-gcm-16", 16, true), x("aes-256-gcm", "aes-gcm-16", 32, true),
  x("aes-128-gcm-12", "aes-gcm-12", 16, true), x("aes-256-gcm-12", "aes-gcm-12", 32, true),
];

/** Child SA encryption (`childsa enc`). */
export const CHILD_ENC: readonly IkedXf[] = [
  x("3des", "3des", 24), x("3des-cbc", "3des", 24),
  x("aes-128", "aes-cbc", 16), x("aes-192", "aes-cbc", 24), x("aes-256", "aes-cbc", 32),
  x("aes-128-ctr", "aes-ctr", 16), x("aes-192-ctr", "aes-ctr", 24), x("aes-256-ctr", "aes-ctr", 32),
  x("aes-128-gcm", "aes-gcm-16", 16, true), x("aes-192-gcm", "aes-gcm-16", 24, true), x("aes-256-gcm", "aes-gcm-16", 32, true),
  x("aes-128-gmac", "aes-gmac", 16, true), x("aes-192-gmac", "aes-gmac", 24, true), x("aes-256-gmac", "aes-gmac", 32, true),
  x("blowfish", "blowfish", 20), x("cast", "cast", 16),
  x("chacha20-poly1305", "chacha20-poly1305", 32, true),
  x("null", "null", 0),
];

/** Integrity (`auth`). */
export const AUTH: readonly IkedXf[] = [
  x("hmac-md5", "md5"), x("hmac-sha1", "sha1"), x("hmac-sha2-256", "sha2-256"), x("hmac-sha2-384", "sha2-384"), x("hmac-sha2-512", "sha2-512"),
];

/** Pseudo-random function (`prf`, IKE SA only). */
export const PRF: readonly IkedXf[] = AUTH;

const g = (names: string[], id: string): IkedXf[] => names.map((n) => x(n, id));
/** Diffie-Hellman groups (`group`); `grpN` are aliases printed back as the first name. */
export const GROUP: readonly IkedXf[] = [
  ...g(["none"], "none"),
  ...g(["modp768", "grp1"], "1"), ...g(["modp1024", "grp2"], "2"), ...g(["modp1536", "grp5"], "5"),
  ...g(["modp2048", "grp14"], "14"), ...g(["modp3072", "grp15"], "15"), ...g(["modp4096", "grp16"], "16"),
  ...g(["modp6144", "grp17"], "17"), ...g(["modp8192", "grp18"], "18"),
  ...g(["ecp256", "grp19"], "19"), ...g(["ecp384", "grp20"], "20"), ...g(["ecp521", "grp21"], "21"),
  ...g(["ecp224", "grp26"], "26"),
  ...g(["brainpool224", "grp27"], "27"), ...g(["brainpool256", "grp28"], "28"),
  ...g(["brainpool384", "grp29"], "29"), ...g(["brainpool512", "grp30"], "30"),
  ...g(["curve25519", "grp31"], "31"), ...g(["sntrup761x25519"], "sntrup761x25519"),
];

/** Public-key / signature authentication methods (the bare word after the policy's ids and lifetimes). */
export const AUTH_METHODS = ["rsa", "ecdsa256", "ecdsa384", "ecdsa521", "rfc7427", "signature"] as const;
/** One of {@link AUTH_METHODS}. */
export type IkedAuthMethod = (typeof AUTH_METHODS)[number];

/** Transform kinds as written in iked.conf. */
export type IkedXfKind = "enc" | "auth" | "prf" | "group";

/** The table for a kind; `enc` depends on whether it is in an `ikesa` or a `childsa`. */
export function xfTable(kind: IkedXfKind, sa: "ikesa" | "childsa"): readonly IkedXf[] {
  switch (kind) {
    case "enc":
      return sa === "ikesa" ? IKE_ENC : CHILD_ENC;
    case "auth":
      return AUTH;
    case "prf":
      return PRF;
    case "group":
      return GROUP;
  }
}

/** iked's parse_xf: first row whose name starts with `name`. */
export function lookupXf(name: string, table: readonly IkedXf[]): IkedXf | undefined {
  if (name === "") return undefined;
  return table.find((r) => r.name.startsWith(name));
}

/** The name iked prints for a row: the first row with the same id and length. */
export function printedName(row: IkedXf, table: readonly IkedXf[]): string {
  return (table.find((r) => r.id === row.id && (row.length === 0 || r.length === row.length)) ?? row).name;
}

/** Resolves a written name to the name iked prints back, or undefined when iked rejects it. */
export function canonicalTransform(kind: IkedXfKind, sa: "ikesa" | "childsa", name: string): string | undefined {
  const table = xfTable(kind, sa);
  const row = lookupXf(name, table);
  return row ? printedName(row, table) : undefined;
}

/** Canonical names of a kind (aliases removed), for error messages. */
export function allowedNames(kind: IkedXfKind, sa: "ikesa" | "childsa"): string[] {
  const table = xfTable(kind, sa);
  return [...new Set(table.map((r) => printedName(r, table)))];
}

/** Whether a canonical encryption name carries its own authentication (AEAD). */
export function isAead(sa: "ikesa" | "childsa", enc: string): boolean {
  return xfTable("enc", sa).find((r) => r.name === enc)?.noauth === true;
}
