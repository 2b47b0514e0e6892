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

/** A heredoc delimiter for `content`: random, and never equal to one of its lines. */
export function heredocTag(content: string): string {
  const lines = new Set(content.split("\n"));
  let tag = `PULUMI_OPENBSD_EOF_${nonce()}`;
  while (lines.has(tag)) tag = `PULUMI_OPENBSD_EOF_${nonce()}`;
  return tag;
}

/**
 * Lines that write `content` to `path` through a quoted heredoc (the content travels on the script's
 * stdin, never in argv) with the library's checked `put` (providers/gateway/script-lib.ts): a short
 * write (`No space left on device`) stops the script with the tool's message. The caller sets
 * `umask 077` first, so the file is 0600 from its creation. `path` is quoted unless `raw` (a sh word
 * such as `"$R/restore.sh"`).
 */
export function writeFileLines(path: string, content: string, raw = false): string[] {
  const tag = heredocTag(content);
  const p = raw ? path : sq(path);
  const n = Buffer.byteLength(content, "utf8");
  if (content.endsWith("\n") || content === "") {
    if (content === "") return [`put ${p} 0 < /dev/null`];
    return [`put ${p} ${n} <<'${tag}'`, content + tag];
  }
  // the heredoc always ends with a newline: cut the file to its exact byte length
  return [`put ${p} ${n} cut <<'${tag}'`, content + "\n" + tag];
}
