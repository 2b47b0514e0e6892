/**
 * `import` of an existing gateway (resource option `import: ID`). The 3.248 engine sends no inputs
 * with an import read, so:
 * - the connection comes from the id, `[USER@]HOST[:PORT] HOSTKEY`, e.g.
 *   `root@192.0.2.153:22 ssh-ed25519 AAAAC3…` (user default root, port default 22, an IPv6 host in
 *   brackets: `root@[2001:db8::1]:22 ssh-ed25519 …`; the pinned host key as in known_hosts without the
 *   host name), followed for a gateway behind a bastion by ` via [USER@]BASTION[:PORT] BASTIONKEY`, and the
 *   private key (the bastion's too) from the provider configuration `openbsd:privateKey` (secret);
 * - what to read is discovered on the host: the well-known files that exist (/etc/ipsec.conf,
 *   /etc/iked.conf, /etc/sasyncd.conf, /etc/pf.conf, /etc/sysctl.conf, /etc/hostname.*, the anchors
 *   pf.conf loads), the sysctls sysctl.conf sets, and the IPsec daemons' rc settings. The contents of
 *   ipsec.conf, iked.conf, sasyncd.conf and every hostname.* are stored as Pulumi secrets.
 */
import type { HostState, ManagedFile, ServiceState } from "../../sdk/state";
import { parseSysctl } from "../../sdk/model/output";
import { managedHostnameIf } from "../../sdk/model/tokens/interface";
import { anchorName, refusalOf, userName } from "../../sdk/model/tokens";
import { hostId, readTimeoutMs, TransportError, withSession, type SshTarget } from "../transport/ssh";
import { sq, nonce } from "./shell";

/** The well-known files an import reads when present, with their validation. */
const WELL_KNOWN: Record<string, Pick<ManagedFile, "check" | "secret">> = {
  "/etc/ipsec.conf": { check: "ipsec", secret: true },
  "/etc/iked.conf": { check: "iked", secret: true },
  "/etc/sasyncd.conf": { check: "sasyncd", secret: true },
  "/etc/pf.conf": { check: "pf" },
  "/etc/sysctl.conf": { check: "none" },
};

/** The IPsec-related services an import reads (rc order). */
const SERVICES: Record<string, ServiceState> = {
  isakmpd: { order: 1, enabled: false, flags: "", running: false },
  iked: { order: 1, enabled: false, flags: "", running: false },
  ipsec: { order: 2, enabled: false, running: false },
  sasyncd: { order: 3, enabled: false, flags: "", running: false },
};

/** The import id format, for error messages. */
export const IMPORT_ID_FORMAT =
  "`[USER@]HOST[:PORT] HOSTKEY`, e.g. `root@192.0.2.153:22 ssh-ed25519 AAAAC3…`, and for a gateway behind a bastion ` via [USER@]BASTION[:PORT] BASTIONKEY` after it";

/**
 * Parses an import id into a connection without the private key (a bastion's, when the id names one, is the
 * gateway's: `openbsd:privateKey`); a string is the error.
 */
export function parseImportId(id: string): Omit<SshTarget, "privateKey"> | string {
  const [gateway, bastion, ...more] = id.trim().split(/\s+via\s+/);
  if (more.length) return `import id \`${id}\`: a bastion behind a bastion is not supported; give ${IMPORT_ID_FORMAT}`;
  const g = parseEndpoint(id, gateway!, "HOST");
  if (typeof g === "string" || bastion === undefined) return g;
  const b = parseEndpoint(id, bastion, "BASTION");
  return typeof b === "string" ? b : { ...g, proxy: b };
}

/** One `[USER@]HOST[:PORT] HOSTKEY` of an import id (`scan`: the host's name in the `ssh-keyscan` hint). */
function parseEndpoint(id: string, text: string, scan: string): Omit<SshTarget, "privateKey"> | string {
  // a key as its .pub file holds it may end in a comment (`root@gw1.example.org`): left out of the pinned key
  const m = /^(?:([^@\s]+)@)?(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9._-]+)(?::(\d{1,5}))?(?:\s+((?:ssh-|ecdsa-)\S+\s+\S+)(?:\s+\S.*)?|\s+(\S+\s+\S+))?\s*$/.exec(text.trim());
  if (!m || (m[1] !== undefined && refusalOf(userName, m[1]))) return `import id \`${id}\` is not ${IMPORT_ID_FORMAT}`;
  const port = m[3] === undefined ? undefined : Number(m[3]);
  if (port !== undefined && (port < 1 || port > 65535)) return `import id \`${id}\`: port ${port} is not 1–65535`;
  const key = m[4] ?? m[5];
  if (!key) return `import id \`${id}\` has no host key${scan === "HOST" ? "" : " for the bastion"}; give ${IMPORT_ID_FORMAT} (\`ssh-keyscan -t ed25519 ${scan}\` prints it)`;
  const host = m[2]!.replace(/^\[|\]$/g, "");
  return { host, ...(port !== undefined && port !== 22 ? { port } : {}), ...(m[1] && m[1] !== "root" ? { user: m[1] } : {}), hostKey: key };
}

/** The discovery script: existing candidate files, and the texts of pf.conf and sysctl.conf. */
export function discoveryScript(marker: string): string {
  const M = `@@${marker}`;
  return [
    "set +e",
    `echo "${M} ls"`,
    `for f in ${Object.keys(WELL_KNOWN).map(sq).join(" ")} /etc/hostname.* /etc/pf.anchors/*; do [ -f "$f" ] && echo "$f"; done`,
    `echo "${M} pf"`,
    // regular files only (read-script.ts): a named pipe would block the import, a link to /dev/zero never end
    "[ -f /etc/pf.conf ] && cat /etc/pf.conf 2>/dev/null",
    `echo "${M} sysctl"`,
    "[ -f /etc/sysctl.conf ] && cat /etc/sysctl.conf 2>/dev/null",
    `echo "${M} done"`,
    "exit 0",
  ].join("\n") + "\n";
}

/** The state an import reads, from the discovery script's output (pure). */
export function discoveredState(stdout: string, marker: string): HostState | string {
  if (!stdout.includes(`@@${marker} done`)) return "the discovery script's output is incomplete (no `done` section)";
  const sections: Record<string, string[]> = {};
  let cur = "";
  for (const l of stdout.split("\n")) {
    const h = l.startsWith(`@@${marker} `) ? l.slice(marker.length + 3) : undefined;
    if (h !== undefined) sections[(cur = h)] = [];
    else if (cur) sections[cur]!.push(l);
  }
  const present = new Set((sections.ls ?? []).filter(Boolean));
  const files: Record<string, ManagedFile> = {};
  const interfaces: string[] = [];
  const anchors: Record<string, { file: string }> = {};
  for (const p of [...present].sort()) {
    const known = WELL_KNOWN[p];
    const ifc = managedHostnameIf(p);
    if (known) files[p] = { content: "", mode: "0600", owner: "root", group: "wheel", ...known };
    else if (ifc) {
      // any hostname.if may hold a secret, whatever the interface: a carp `pass`, a wg `wgkey`/`wgpsk`, a pppoe
      // `authkey`, a wireless `wpakey`/`nwkey` (on a physical interface), a `!command` line; the content is not
      // known yet (the state is described before anyone reads it), so every one is stored as a secret
      files[p] = { content: "", mode: "0640", owner: "root", group: "wheel", check: "none", secret: true };
      interfaces.push(ifc);
    }
  }
  // anchors: what pf.conf loads (`load anchor NAME from "FILE"`), when the file exists
  for (const l of sections.pf ?? []) {
    const m = /^\s*load\s+anchor\s+(?:"([^"]*)"|(\S+))\s+from\s+"([^"]+)"/.exec(l);
    const name = m?.[1] ?? m?.[2];
    if (m && name !== undefined && !refusalOf(anchorName, name) && present.has(m[3]!)) {
      anchors[name] = { file: m[3]! };
      files[m[3]!] = { content: "", mode: "0600", owner: "root", group: "wheel", check: "pf-anchor" };
    }
  }
  const text = (sections.sysctl ?? []).map((l) => l.replace(/#.*$/, "").trim()).filter(Boolean).join("\n");
  const sysctls = { ...parseSysctl(text, { file: "/etc/sysctl.conf" }).value.values };
  const ruleFile = files["/etc/ipsec.conf"] ? "/etc/ipsec.conf" : undefined;
  return { files, sysctls, services: structuredClone(SERVICES), interfaces, anchors, ipsec: { daemon: "none", ...(ruleFile ? { ruleFile } : {}) } };
}

/** Which IPsec daemon an observed state runs (enabled wins). */
export function daemonOf(s: HostState): HostState["ipsec"]["daemon"] {
  if (s.services.iked?.enabled) return "iked";
  if (s.services.isakmpd?.enabled) return "isakmpd";
  return "none";
}

/** Runs the discovery script (one command on one connection). */
export async function discover(target: SshTarget): Promise<HostState> {
  const marker = nonce();
  const r = await withSession(target, (s) => s.run(discoveryScript(marker), { name: "discover the gateway's configuration for import", timeoutMs: readTimeoutMs() }));
  const st = discoveredState(r.stdout, marker);
  if (typeof st === "string") throw new TransportError(`${hostId(target)}: ${st}`, hostId(target));
  return st;
}
