/**
 * Portable POSIX sh helpers for the scripts the provider runs on a gateway. Everything emitted here
 * runs on OpenBSD's /bin/sh (ksh) and on the lab's sh alike: no bashisms, no GNU flags.
 */
import { randomBytes } from "node:crypto";

/** Single-quotes a word for sh. */
export function sq(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** A fresh token for heredoc delimiters and section markers. */
export function nonce(): string {
  return randomBytes(6).toString("hex");
}

/**
 * Lines that write `content` to `path` through a quoted heredoc (the content travels on the script's
 * stdin, never in argv). The caller sets `umask 077` first, so the file is 0600 from its creation.
 */
export function writeFileLines(path: string, content: string): string[] {
  let tag = `PULUMI_OPENBSD_EOF_${nonce()}`;
  while (content.split("\n").includes(tag)) tag = `PULUMI_OPENBSD_EOF_${nonce()}`;
  if (content.endsWith("\n")) return [`cat > ${sq(path)} <<'${tag}'`, content + tag];
  // the heredoc always ends with a newline: cut the file to its exact byte length
  const n = Buffer.byteLength(content, "utf8");
  return [`dd bs=1 count=${n} of=${sq(path)} 2>/dev/null <<'${tag}'`, content + "\n" + tag];
}

/** Interfaces created by `ifconfig IF create` (destroyed and recreated when their config shrinks). */
export function isClonedInterface(name: string): boolean {
  return /^(gif|gre|egre|mgre|nvgre|eoip|etherip|carp|vether|vlan|svlan|trunk|aggr|tpmr|veb|bridge|pfsync|wg|tun|tap|lo)\d+$/.test(name) && name !== "lo0";
}
