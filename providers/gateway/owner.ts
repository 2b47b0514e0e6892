/**
 * Who owns a gateway (ARCHITECTURE.md, D12): the host records `PROJECT/STACK`, the owning resource's URN, how it
 * reaches the gateway and its instance; a commit or destroy from another stack is refused, and adoption goes
 * through `pulumi import`.
 */
import { fingerprint } from "../secrets";
import { STATE_DIR } from "./state-dir";

/** Who owns a gateway. */
export interface Owner {
  /** `PROJECT/STACK`, compared. */
  stack: string;
  /** The owning resource's URN, recorded for the message. */
  urn: string;
  /** Adopt a gateway another stack owns (after `pulumi import`). */
  takeover?: boolean;
  /**
   * How the resource reaches the gateway, `HOST:PORT` as its connection gives it (default: the connection's own):
   * recorded, so that a replacement that reaches the same machine under another name (a DNS name swapped for its
   * address) is told apart from the resource it replaces, whose URN is the same.
   */
  target?: string;
  /**
   * Which incarnation of the resource (see {@link instanceOf}): a replacement (`pulumi up --replace`,
   * `replaceOnChanges`) has the URN and the connection of the resource it replaces, and is created before that one
   * is deleted; the instance recorded at each commit tells the old resource's delete that the gateway is its
   * replacement's now.
   */
  instance?: string;
}

/**
 * The instance of a resource: a fingerprint of a fixed text under its own fingerprint key, which a resource draws
 * when it is created (or imported) and keeps through every update and refresh. Recorded on the host in the
 * clear: it tells incarnations apart and says nothing of the key (HMAC-SHA256).
 */
export function instanceOf(fingerprintKey: string): string {
  return fingerprint(fingerprintKey, "pulumi-openbsd owner instance");
}

/**
 * The lines of the host's owner record (`$D/owner`, written at each confirm): `PROJECT/STACK`, the URN, the target
 * (empty when not known) and, when known, the instance. A record written by an older version has the first three.
 */
export function ownerLines(o: Owner): string[] {
  return [o.stack, o.urn, o.target ?? "", ...(o.instance ? [o.instance] : [])];
}

/** The owner of a URN `urn:pulumi:STACK::PROJECT::TYPE::NAME`: `PROJECT/STACK`. */
export function ownerOf(urn: string, takeover = false, instance?: string): Owner | undefined {
  const m = /^urn:pulumi:([^:]+)::([^:]+)::/.exec(urn);
  return m ? { stack: `${m[2]}/${m[1]}`, urn, ...(takeover ? { takeover } : {}), ...(instance ? { instance } : {}) } : undefined;
}

/**
 * Who takes the on-host lock (`$WHO`, script-lib.ts): the stack and the resource's URN, on one line (not how it
 * reaches the gateway: a commit and a destroy of one resource must match). The same resource of the same stack
 * finding its own earlier commit unconfirmed supersedes it at once.
 */
export function who(o: Owner): string {
  return `${o.stack} ${o.urn}`.replace(/[\r\n]/g, " ");
}

/** Prints the host's owner record between markers (nothing when there is none): see {@link recordedInstanceOf}. */
export function ownerRecordScript(marker: string): string {
  return `echo "@@${marker} owner"\n[ -f ${STATE_DIR}/owner ] && cat ${STATE_DIR}/owner 2>/dev/null\necho "@@${marker} done"\nexit 0\n`;
}

/**
 * The instance an owner record names (its fourth line), from {@link ownerRecordScript}'s output; undefined when the
 * host has no record, a record written before instances were recorded, or the output is incomplete.
 */
export function recordedInstanceOf(stdout: string, marker: string): string | undefined {
  const start = stdout.indexOf(`@@${marker} owner\n`);
  const end = stdout.indexOf(`@@${marker} done`);
  if (start < 0 || end < start) return undefined;
  const lines = stdout.slice(start + `@@${marker} owner\n`.length, end).split("\n");
  const i = lines[3]?.trim();
  return i ? i : undefined;
}
