/**
 * One place that writes key and certificate files, so that two tunnels of a gateway never silently
 * overwrite each other's (an iked public-key tunnel wants an ECDSA local.key, an X.509 one the RSA key of its
 * certificate): a second, different content for one path is a preview error.
 */
import type { Acc } from "./acc";
import type { RawFile } from "./docs";
import type { PlanIssue } from "./errors";

/** Sets a key file, reporting a different content already set there by another tunnel. */
export function setKeyFile(acc: Acc, path: string, file: RawFile, by: string[], issues: PlanIssue[]): void {
  const had = acc.rawFiles.get(path);
  if (had && had.content !== file.content) {
    issues.push({
      resources: by, field: "auth", value: path,
      reason: `another tunnel of this gateway installs a different ${path} (public keys and certificates need different keys, or two CAs sign for one identity)`,
      fix: "use the same `auth` (and `ca`) for every tunnel of the gateway's IKE daemon",
    });
    return;
  }
  acc.rawFiles.set(path, file);
}

