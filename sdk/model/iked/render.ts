/**
 * Canonical iked.conf writer. Sections in iked.conf(5) order (macros, `set`, `user`, `radius`, policies); each
 * policy's options in iked's grammar order, with full transform names, continued over several lines with
 * `\`. Secrets (PSKs, user passwords) are written as given: the file must be 0600 (iked refuses group-
 * or world-readable files).
 */
import { ModelError, oneOf } from "../diagnostics";
import { allowedNames, canonicalTransform, type IkedXfKind } from "./transforms";
import type { IkedConf, IkedPolicy, IkedSetting, IkedTransforms } from "./types";
import { IKED_KEYWORDS } from "./lexer";
import { protocolNumber } from "./parser-base";
import { shown, unsafeChar } from "../tokens/refusal";
import { renderRadius } from "./radius";

/** Quotes a string for iked's lexer (`"…"`, with `\"` for quotes). */
export function ikedQuote(field: string, s: string): string {
  if (/[\\\n\0]/.test(s) || unsafeChar(s) !== undefined) throw new ModelError(field, /psk|password|secret/.test(field) ? "(secret)" : shown(s), "must not contain a backslash, newline, NUL or other control or invisible character");
  return `"${s.replace(/"/g, '\\"')}"`;
}

/** A bare word if the lexer reads it back unchanged, else quoted. */
function word(field: string, s: string): string {
  return /^[A-Za-z0-9_:*][A-Za-z0-9_:*.@+%&'`~^|;?\]\[-]*$/.test(s) && !IKED_KEYWORDS.has(s) && !/^-?\d+$/.test(s) ? s : ikedQuote(field, s);
}

function transforms(sa: "ikesa" | "childsa", x: IkedTransforms, path: string): string {
  const parts: string[] = [sa];
  for (const kind of ["enc", "prf", "auth", "group"] as IkedXfKind[]) {
    for (const n of x[kind] ?? []) {
      const c = canonicalTransform(kind, sa, n);
      if (c !== n) throw new ModelError(`${path}.${kind}`, n, oneOf("transform", n, allowedNames(kind, sa)));
      parts.push(`${kind} ${n}`);
    }
  }
  for (const e of x.esn ?? []) parts.push(e);
  if (parts.length === 1) throw new ModelError(path, x, `empty proposal; give at least one of enc, prf, auth, group, esn`);
  return parts.join(" ");
}

function setting(s: IkedSetting): string {
  switch (s.kind) {
    case "flag":
      return `set ${s.flag}`;
    case "dpd_check_interval":
      return `set dpd_check_interval ${s.seconds}`;
    case "ocsp":
      return `set ocsp ${ikedQuote("ocsp", s.url)}${s.tolerate !== undefined ? ` tolerate ${s.tolerate}` : ""}${s.tolerate !== undefined && s.maxage !== undefined ? ` maxage ${s.maxage}` : ""}`;
  }
}

const port = (p: number | string | undefined): string => (p === undefined ? "" : ` port ${p}`);

/** Renders one `ikev2` policy (possibly over several `\`-continued lines). */
export function renderIkedPolicy(p: IkedPolicy, index = 0): string {
  const path = `policies[${index}]`;
  if (p.flows.length === 0) throw new ModelError(`${path}.flows`, p.flows, `a policy needs at least one \`from SRC to DST\``);
  const head: string[] = ["ikev2"];
  if (p.name !== undefined) head.push(ikedQuote(`${path}.name`, p.name));
  if (p.match) head.push(p.match);
  head.push(p.mode);
  if (p.ipcomp) head.push("ipcomp");
  head.push(p.encapsulation);
  if (p.natt) head.push("natt");
  head.push(p.saProto);
  if (p.af) head.push(p.af);
  if (p.proto?.length) {
    // parse.y protoval is a STRING or NUMBER: a protocol named like one of iked's keywords (`esp`, `ah`,
    // `ipcomp`) would lex as that keyword (`syntax error`), so it is written as its number
    const ps = p.proto.map((x) => (typeof x === "string" && IKED_KEYWORDS.has(x) ? String(protocolNumber(x) ?? x) : String(x)));
    head.push(ps.length === 1 ? `proto ${ps[0]}` : `proto { ${ps.join(", ")} }`);
  }
  if (p.rdomain !== undefined) head.push(`rdomain ${p.rdomain}`);
  const lines: string[] = [head.join(" ")];
  // parse.y `host: host_spec '(' host_spec ')'`: the NAT network follows the address, before the port
  for (const f of p.flows) lines.push(`from ${f.from}${f.fromNat ? ` (${f.fromNat})` : ""}${port(f.fromPort)} to ${f.to}${port(f.toPort)}`);
  const ends: string[] = [];
  if (p.local !== undefined) ends.push(`local ${p.local}`);
  if (p.peer !== undefined) ends.push(`peer ${p.peer}`);
  if (ends.length) lines.push(ends.join(" "));
  (p.ikesa ?? []).forEach((x, i) => lines.push(transforms("ikesa", x, `${path}.ikesa[${i}]`)));
  (p.childsa ?? []).forEach((x, i) => lines.push(transforms("childsa", x, `${path}.childsa[${i}]`)));
  const ids: string[] = [];
  if (p.srcid !== undefined) ids.push(`srcid ${word(`${path}.srcid`, p.srcid)}`);
  if (p.dstid !== undefined) ids.push(`dstid ${word(`${path}.dstid`, p.dstid)}`);
  if (ids.length) lines.push(ids.join(" "));
  const life: string[] = [];
  if (p.ikelifetime !== undefined) life.push(`ikelifetime ${p.ikelifetime}`);
  if (p.lifetime) life.push(`lifetime ${p.lifetime.seconds}${p.lifetime.bytes !== undefined ? ` bytes ${p.lifetime.bytes}` : ""}`);
  if (life.length) lines.push(life.join(" "));
  if (p.auth) {
    switch (p.auth.kind) {
      case "psk":
        if (p.auth.value === "") throw new ModelError(`${path}.auth.psk`, "", `empty pre-shared key`);
        lines.push(`psk ${ikedQuote(`${path}.auth.psk`, p.auth.value)}`);
        break;
      case "psk-file":
        lines.push(`psk file ${ikedQuote(`${path}.auth.path`, p.auth.path)}`);
        break;
      case "method":
        lines.push(p.auth.method);
        break;
      case "eap":
        lines.push(p.auth.method === "radius" ? "eap radius" : 'eap "MSCHAP-V2"');
        break;
    }
  }
  for (const c of p.config ?? []) lines.push(`${c.action} ${c.option} ${c.address}`);
  if (p.iface !== undefined) lines.push(`iface ${word(`${path}.iface`, p.iface)}`);
  const filters: string[] = [];
  if (p.tag !== undefined) filters.push(`tag ${ikedQuote(`${path}.tag`, p.tag)}`);
  if (p.tap !== undefined) filters.push(`tap ${p.tap}`);
  if (filters.length) lines.push(filters.join(" "));
  return lines.join(" \\\n\t");
}

/** Renders a whole iked.conf (ends with a newline). */
export function renderIkedConf(c: IkedConf): string {
  const out: string[] = [];
  for (const m of c.macros) {
    if (!/^[A-Za-z0-9_]+$/.test(m.name)) throw new ModelError(`macros.${m.name}`, m.name, "a macro name may only contain letters, digits and _");
    out.push(`${m.name} = ${ikedQuote(`macros.${m.name}`, m.value)}`);
  }
  for (const s of c.settings) out.push(setting(s));
  c.users.forEach((u, i) => out.push(`user ${ikedQuote(`users[${i}].name`, u.name)} ${ikedQuote(`users[${i}].password`, u.password)}`));
  c.radius?.forEach((r, i) => out.push(renderRadius(r, `radius[${i}]`, ikedQuote)));
  c.policies.forEach((p, i) => out.push(renderIkedPolicy(p, i)));
  return out.length ? `${out.join("\n")}\n` : "";
}
