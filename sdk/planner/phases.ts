/**
 * Transforms and manual keys as the user named them, resolved once per tunnel or link (both ends use the
 * same proposal): isakmpd's `main`/`quick` phases, iked's `ikesa`/`childsa` proposals, and the lengths of
 * manual keys against their transforms.
 */
import { allowedNames, canonicalTransform, isAead } from "../model/iked/transforms";
import type { IkedTransforms } from "../model/iked/types";
import { AUTH_KEY_BYTES, ENC_INFO, resolveTransform, transformNames, type GroupTransform } from "../model/ipsec/transforms";
import type { IkeMainPhase, IkePhase } from "../model/ipsec/types";
import type { PlanIssue } from "./errors";
import type { ManualKeys, PhaseSpec } from "./spec";

export function resolvePhase1(p: PhaseSpec | undefined, field: string, by: string[], issues: PlanIssue[]): IkeMainPhase | undefined {
  if (!p) return undefined;
  return resolvePhase(p, field, by, issues) as IkeMainPhase;
}

export function resolvePhase(p: PhaseSpec | undefined, field: string, by: string[], issues: PlanIssue[]): IkePhase | undefined {
  if (!p) return undefined;
  const out: IkePhase = {};
  if (p.auth !== undefined) {
    const a = resolveTransform("auth", p.auth);
    if (a) out.auth = a;
    else issues.push({ resources: by, field: `${field}.auth`, value: p.auth, reason: "unknown transform", fix: `use one of ${transformNames("auth").join(", ")}` });
  }
  if (p.enc !== undefined) {
    const e = resolveTransform("enc", p.enc);
    if (e) out.enc = e;
    else issues.push({ resources: by, field: `${field}.enc`, value: p.enc, reason: "unknown transform", fix: `use one of ${transformNames("enc").join(", ")}` });
  }
  if (p.group !== undefined) {
    const g = resolveTransform("group", p.group);
    if (g) out.group = g as GroupTransform;
    else issues.push({ resources: by, field: `${field}.group`, value: p.group, reason: "unknown group", fix: `use one of ${transformNames("group").join(", ")}` });
  }
  if (p.lifetime !== undefined) out.lifetime = p.lifetime;
  if (p.prf !== undefined) issues.push({ resources: by, field: `${field}.prf`, value: p.prf, reason: "isakmpd has no prf setting (an ipsec.conf phase takes auth, enc and group): it would be ignored", fix: "remove `prf`, or use `ike: \"iked\"` (its ikesa takes one)" });
  return out;
}

export function ikedTransforms(p: PhaseSpec | undefined, sa: "ikesa" | "childsa", field: string, by: string[], issues: PlanIssue[]): IkedTransforms[] | undefined {
  if (!p) return undefined;
  const out: IkedTransforms = {};
  const one = (kind: "enc" | "auth" | "prf" | "group", v: string | undefined) => {
    if (v === undefined) return;
    const c = canonicalTransform(kind, sa, v);
    if (c) out[kind] = [c];
    else issues.push({ resources: by, field: `${field}.${kind}`, value: v, reason: `iked does not accept it in ${sa}`, fix: `use one of ${allowedNames(kind, sa).join(", ")}` });
  };
  one("enc", p.enc);
  one("auth", p.auth);
  if (sa === "ikesa") one("prf", p.prf);
  else if (p.prf !== undefined) issues.push({ resources: by, field: `${field}.prf`, value: p.prf, reason: "iked's childsa has no prf (only the ikesa, `main`, takes one): it would be ignored", fix: "move `prf` to `main`, or remove it" });
  one("group", p.group);
  // create_ike (parse.y): the IKE SA needs a Diffie-Hellman exchange
  if (sa === "ikesa" && out.group?.[0] === "none")
    issues.push({ resources: by, field: `${field}.group`, value: p.group!, reason: 'the IKE SA needs a Diffie-Hellman group: iked refuses `none` in ikesa (IKE group can not be "none".)', fix: `choose a group such as modp3072 or curve25519, or remove \`${field}.group\` (\`none\`, no PFS, is for \`quick\`)` });
  // create_ike (parse.y): an AEAD cipher (GCM, GMAC, ChaCha20-Poly1305) authenticates itself
  if (out.enc && out.auth && isAead(sa, out.enc[0]!))
    issues.push({ resources: by, field: `${field}.auth`, value: p.auth!, reason: `${p.enc} authenticates itself (AEAD): iked refuses an auth with it ("authentication is implicit for given encryption transforms")`, fix: `remove \`${field}.auth\`, or choose an enc that is not AEAD, e.g. aes-256` });
  // a phase with only a lifetime is no proposal: iked's defaults, with the lifetime (tunnel.ts proposalOf)
  return Object.keys(out).length > 0 ? [out] : undefined;
}

export function checkManualKeys(keys: ManualKeys, satype: "esp" | "ah", by: string[], field: string, issues: PlanIssue[]): void {
  const auth = resolveTransform("auth", keys.auth);
  const enc = resolveTransform("enc", keys.enc);
  if (!auth) issues.push({ resources: by, field: `${field}.auth`, value: keys.auth, reason: "unknown transform", fix: `use one of ${transformNames("auth").join(", ")}` });
  if (satype === "esp" && !enc) issues.push({ resources: by, field: `${field}.enc`, value: keys.enc, reason: "unknown transform", fix: `use one of ${transformNames("enc").join(", ")}` });
  for (const dir of ["leftToRight", "rightToLeft"] as const) {
    const spi = keys.spi[dir];
    if (!Number.isInteger(spi) || spi < 256 || spi > 0xfffffffe) issues.push({ resources: by, field: `${field}.spi.${dir}`, value: String(spi), reason: "an SPI is 256–0xfffffffe (0–255 are reserved)", fix: "choose another SPI" });
    if (auth) {
      const want = AUTH_KEY_BYTES[auth] * 2;
      const got = keys.authkey[dir];
      if (!/^[0-9a-f]*$/i.test(got))
        issues.push({ resources: by, field: `${field}.authkey.${dir}`, value: "(secret)", reason: "not hex: a key is written as hex digits 0-9 a-f", fix: `give ${want} hex digits, e.g. from \`openssl rand -hex ${AUTH_KEY_BYTES[auth]}\`, or omit the keys to have them derived` });
      else if (got.length !== want)
        issues.push({ resources: by, field: `${field}.authkey.${dir}`, value: `(secret, ${got.length / 2} bytes)`, reason: `${auth} needs a ${AUTH_KEY_BYTES[auth]}-byte key`, fix: `give ${want} hex digits, e.g. from \`openssl rand -hex ${AUTH_KEY_BYTES[auth]}\`, or omit the keys to have them derived` });
    }
    if (satype === "esp" && enc) {
      const info = ENC_INFO[enc];
      const got = keys.enckey[dir];
      const bytes = got.length / 2;
      if (!/^[0-9a-f]*$/i.test(got))
        issues.push({ resources: by, field: `${field}.enckey.${dir}`, value: "(secret)", reason: "not hex: a key is written as hex digits 0-9 a-f", fix: `give ${info.keyMin * 2}${info.keyMin === info.keyMax ? "" : `–${info.keyMax * 2}`} hex digits, or omit the keys to have them derived` });
      else if (bytes < info.keyMin || bytes > info.keyMax || got.length % 2)
        issues.push({
          resources: by, field: `${field}.enckey.${dir}`, value: `(secret, ${bytes} bytes)`,
          reason: `${enc} needs a ${info.keyMin === info.keyMax ? info.keyMin : `${info.keyMin}–${info.keyMax}`}-byte key`,
          fix: `give ${info.keyMin * 2}${info.keyMin === info.keyMax ? "" : `–${info.keyMax * 2}`} hex digits, or omit the keys to have them derived`,
        });
    }
  }
}
