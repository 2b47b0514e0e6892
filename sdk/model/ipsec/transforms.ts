/**
 * The CRYPTO TRANSFORMS of ipsec.conf(5), as the tables of ipsecctl's parse.y 1.184 hold them
 * (reference/openbsd.md A.1.4), plus what ike.c 1.85 accepts in phase 1 and phase 2.
 *
 * ipsecctl matches a written name by PREFIX against these tables in table order (`parse_xf`):
 * `enc 3des` is 3des-cbc, `auth hmac-sha2` is hmac-sha2-256, `enc aes-1` is aes-128. The model always
 * stores and renders the full table name ({@link resolveTransform}).
 */

/** Authentication transforms (`auth`). */
export const AUTH_TRANSFORMS = [
  "hmac-md5",
  "hmac-ripemd160",
  "hmac-sha1",
  "hmac-sha2-256",
  "hmac-sha2-384",
  "hmac-sha2-512",
] as const;
/** Full name of an authentication transform. */
export type AuthTransform = (typeof AUTH_TRANSFORMS)[number];

/** Encryption transforms (`enc`), in parse.y table order (the order prefix matching uses). */
export const ENC_TRANSFORMS = [
  "3des-cbc",
  "aes",
  "aes-128",
  "aes-192",
  "aes-256",
  "aesctr",
  "aes-128-ctr",
  "aes-192-ctr",
  "aes-256-ctr",
  "aes-128-gcm",
  "aes-192-gcm",
  "aes-256-gcm",
  "aes-128-gmac",
  "aes-192-gmac",
  "aes-256-gmac",
  "blowfish",
  "cast128",
  "chacha20-poly1305",
  "null",
] as const;
/** Full name of an encryption transform. */
export type EncTransform = (typeof ENC_TRANSFORMS)[number];

/** Compression transforms (`comp`, ipcomp SAs only). */
export const COMP_TRANSFORMS = ["deflate"] as const;
/** Full name of a compression transform. */
export type CompTransform = (typeof COMP_TRANSFORMS)[number];

/** Diffie-Hellman groups (`group`), canonical names first; `none` (no PFS) is phase 2 only. */
export const GROUP_TRANSFORMS = [
  "none",
  "modp768",
  "modp1024",
  "modp1536",
  "modp2048",
  "modp3072",
  "modp4096",
  "modp6144",
  "modp8192",
  "ecp256",
  "ecp384",
  "ecp521",
  "ecp224",
  "bp224",
  "bp256",
  "bp384",
  "bp512",
] as const;
/** Canonical name of a DH group. */
export type GroupTransform = (typeof GROUP_TRANSFORMS)[number];

/** `grpN` aliases of the groups (parse.y lists each right after its modp/ecp/bp name). */
export const GROUP_ALIASES: Readonly<Record<string, GroupTransform>> = {
  grp1: "modp768",
  grp2: "modp1024",
  grp5: "modp1536",
  grp14: "modp2048",
  grp15: "modp3072",
  grp16: "modp4096",
  grp17: "modp6144",
  grp18: "modp8192",
  grp19: "ecp256",
  grp20: "ecp384",
  grp21: "ecp521",
  grp26: "ecp224",
  grp27: "bp224",
  grp28: "bp256",
  grp29: "bp384",
  grp30: "bp512",
};

/** Key length in bytes a manual SA needs for an authentication transform (parse.y authxfs keymin). */
export const AUTH_KEY_BYTES: Readonly<Record<AuthTransform, number>> = {
  "hmac-md5": 16,
  "hmac-ripemd160": 20,
  "hmac-sha1": 20,
  "hmac-sha2-256": 32,
  "hmac-sha2-384": 48,
  "hmac-sha2-512": 64,
};

/** Properties of an encryption transform (parse.y encxfs). */
export interface EncInfo {
  /** Minimum key length of a manual SA, bytes (includes the 4-byte nonce of CTR/GCM/GMAC/ChaCha). */
  keyMin: number;
  /** Maximum key length of a manual SA, bytes. */
  keyMax: number;
  /** AEAD or GMAC: carries its own authentication, so `auth` must not be given. */
  noAuth: boolean;
  /** Refused in manual (static key) SAs: "is disallowed with static keys". */
  noStatic: boolean;
  /** Accepted by ike.c in phase 1 (main/aggressive mode). */
  phase1: boolean;
}

export const ENC_INFO: Readonly<Record<EncTransform, EncInfo>> = {
  "3des-cbc": { keyMin: 24, keyMax: 24, noAuth: false, noStatic: false, phase1: true },
  aes: { keyMin: 16, keyMax: 32, noAuth: false, noStatic: false, phase1: true },
  "aes-128": { keyMin: 16, keyMax: 16, noAuth: false, noStatic: false, phase1: true },
  "aes-192": { keyMin: 24, keyMax: 24, noAuth: false, noStatic: false, phase1: true },
  "aes-256": { keyMin: 32, keyMax: 32, noAuth: false, noStatic: false, phase1: true },
  aesctr: { keyMin: 20, keyMax: 36, noAuth: false, noStatic: true, phase1: false },
  "aes-128-ctr": { keyMin: 20, keyMax: 20, noAuth: false, noStatic: true, phase1: false },
  "aes-192-ctr": { keyMin: 28, keyMax: 28, noAuth: false, noStatic: true, phase1: false },
  "aes-256-ctr": { keyMin: 36, keyMax: 36, noAuth: false, noStatic: true, phase1: false },
  "aes-128-gcm": { keyMin: 20, keyMax: 20, noAuth: true, noStatic: true, phase1: false },
  "aes-192-gcm": { keyMin: 28, keyMax: 28, noAuth: true, noStatic: true, phase1: false },
  "aes-256-gcm": { keyMin: 36, keyMax: 36, noAuth: true, noStatic: true, phase1: false },
  "aes-128-gmac": { keyMin: 20, keyMax: 20, noAuth: true, noStatic: true, phase1: false },
  "aes-192-gmac": { keyMin: 28, keyMax: 28, noAuth: true, noStatic: true, phase1: false },
  "aes-256-gmac": { keyMin: 36, keyMax: 36, noAuth: true, noStatic: true, phase1: false },
  blowfish: { keyMin: 5, keyMax: 56, noAuth: false, noStatic: false, phase1: true },
  cast128: { keyMin: 5, keyMax: 16, noAuth: false, noStatic: false, phase1: true },
  "chacha20-poly1305": { keyMin: 36, keyMax: 36, noAuth: true, noStatic: true, phase1: false },
  null: { keyMin: 0, keyMax: 0, noAuth: false, noStatic: false, phase1: false },
};

/** Authentication transforms ike.c accepts in phase 1 (hmac-ripemd160 is phase 2 only). */
export const PHASE1_AUTH: readonly AuthTransform[] = AUTH_TRANSFORMS.filter((a) => a !== "hmac-ripemd160");
/** Encryption transforms ike.c accepts in phase 1. */
export const PHASE1_ENC: readonly EncTransform[] = ENC_TRANSFORMS.filter((e) => ENC_INFO[e].phase1);
/**
 * Encryption transforms ike.c (ike_section_p2) turns into an isakmpd phase 2 ESP transform: every one but
 * chacha20-poly1305, which parse.y accepts and isakmpd cannot negotiate (`illegal transform chacha20-poly1305`).
 */
export const PHASE2_ESP_ENC: readonly EncTransform[] = ENC_TRANSFORMS.filter((e) => e !== "chacha20-poly1305");
/** Encryption transforms usable in manual SAs (no `nostatic`). */
export const STATIC_ENC: readonly EncTransform[] = ENC_TRANSFORMS.filter((e) => !ENC_INFO[e].noStatic);

/** Which table a transform keyword looks names up in. */
export type TransformKind = "auth" | "enc" | "comp" | "group";

/** Every name accepted for a kind, in table order, aliases included (the order prefix matching walks). */
const TABLES: Readonly<Record<TransformKind, readonly { name: string; canonical: string }[]>> = {
  auth: AUTH_TRANSFORMS.map((n) => ({ name: n, canonical: n })),
  enc: ENC_TRANSFORMS.map((n) => ({ name: n, canonical: n })),
  comp: COMP_TRANSFORMS.map((n) => ({ name: n, canonical: n })),
  group: GROUP_TRANSFORMS.flatMap((n) => {
    const alias = Object.entries(GROUP_ALIASES).find(([, c]) => c === n)?.[0];
    return alias ? [{ name: n, canonical: n }, { name: alias, canonical: n }] : [{ name: n, canonical: n }];
  }),
};

/** The canonical names allowed for a kind (for error messages). */
/** parse.y's auth and enc tables begin with these two (found by prefix like any other name; no transform). */
export const NULL_XF_NAMES: readonly string[] = ["unknown", "none"];

export function transformNames(kind: TransformKind): readonly string[] {
  switch (kind) {
    case "auth":
      return AUTH_TRANSFORMS;
    case "enc":
      return ENC_TRANSFORMS;
    case "comp":
      return COMP_TRANSFORMS;
    case "group":
      return GROUP_TRANSFORMS;
  }
}

/**
 * Resolves a written transform name the way ipsecctl's parse_xf does: the first table entry that
 * starts with `word`. Returns the canonical name, or undefined when nothing matches.
 */
export function resolveTransform(kind: "auth", word: string): AuthTransform | undefined;
export function resolveTransform(kind: "enc", word: string): EncTransform | undefined;
export function resolveTransform(kind: "comp", word: string): CompTransform | undefined;
export function resolveTransform(kind: "group", word: string): GroupTransform | undefined;
export function resolveTransform(kind: TransformKind, word: string): string | undefined;
export function resolveTransform(kind: TransformKind, word: string): string | undefined {
  if (word === "") return undefined;
  for (const e of TABLES[kind]) if (e.name.startsWith(word)) return e.canonical;
  return undefined;
}

/** isakmpd's GROUP_DESCRIPTION name of a group (ike.c), e.g. `MODP_3072`, `ECP_256`, `BP_224`. */
export function isakmpdGroupName(g: Exclude<GroupTransform, "none">): string {
  const m = /^(modp|ecp|bp)(\d+)$/.exec(g);
  if (!m) throw new Error(`no isakmpd name for group ${g}`);
  return `${m[1]!.toUpperCase()}_${m[2]}`;
}
