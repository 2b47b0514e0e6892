/**
 * The desired state of one OpenBSD gateway: the contract between the planner (sdk/planner),
 * which computes it from the user's components, and the provider (providers/), which commits
 * it to the host in one SSH connection and reads it back on refresh (ARCHITECTURE.md D2, D5).
 *
 * Pure data: JSON-serialisable, no functions, no Pulumi types (the model's types of what it holds). A file holding a secret is marked
 * `secret: true` (and is mode 0600); the values themselves are listed in {@link HostState.secrets}
 * (sdk/planner/secrets.ts). The components hand both to Pulumi as secrets; the provider stores them as
 * secrets, shows keyed fingerprints in diffs and redacts the values from every error and log line.
 */

import type { ExpectedKernel } from "./model/ipsec/kernel";

/** A file the provider owns on the host (keyed by its absolute path in {@link HostState.files}). */
export interface ManagedFile {
  /** Full file content (UTF-8). Rendered by the model in canonical form. */
  content: string;
  /** Octal mode as a 4-digit string, e.g. `0600` for ipsec.conf/iked.conf/sasyncd.conf, `0640` for hostname.if. */
  mode: string;
  /** Owner user name; default `root`. */
  owner: string;
  /** Owner group name; default `wheel`. */
  group: string;
  /** True when the content holds a secret (PSK, sasyncd sharedkey, carp password, manual SA keys, a private key); such a file is 0600. */
  secret?: boolean;
  /**
   * How the host validates the staged file before the swap:
   * `pf` = `pfctl -nf`, `pf-anchor` = `pfctl -a ANCHOR -nf`, `ipsec` = `ipsecctl -nf`,
   * `iked` = `iked -n -f`, `sasyncd` = mode and key-length checks, `sshd` = `sshd -t -f` (and sshd is
   * reloaded once it is swapped in), `none` = nothing.
   */
  check: FileCheck;
}

export type FileCheck = "pf" | "pf-anchor" | "ipsec" | "iked" | "sasyncd" | "sshd" | "none";

/** A daemon managed through rcctl(8) / rc.conf.local (keyed by its rc.d name in {@link HostState.services}). */
export interface ServiceState {
  /** Start position: services start in ascending `order` (isakmpd 1 → ipsec 2 → sasyncd 3 for a CARP pair). */
  order: number;
  /** `rcctl enable` / `disable`. */
  enabled: boolean;
  /** `rcctl set NAME flags …`; undefined leaves the default. e.g. `-K` for isakmpd. */
  flags?: string;
  /** Whether it should be running now (`rcctl start`/`stop`). Ignored for `ipsec` and `pf`. */
  running: boolean;
  /** Files (paths in {@link HostState.files}) the daemon reads at start: a change to one restarts it (`rcctl restart`). */
  restartOn?: string[];
}

/** A pf anchor loaded with `pfctl -a NAME -f FILE` and at boot by `load anchor` in pf.conf (keyed by anchor name). */
export interface AnchorState {
  /** Path of the file holding its rules (also listed in `files`), e.g. `/etc/pf.anchors/vpn`. */
  file: string;
}

/** The whole desired state of one host, applied in /etc/rc order. */
export interface HostState {
  /**
   * Every file the provider owns, by absolute path (`/etc/ipsec.conf`, `/etc/hostname.em0`, `/etc/pf.conf` …).
   * Maps, not arrays, so that diffs name items: `files["/etc/ipsec.conf"]`.
   */
  files: Record<string, ManagedFile>;
  /** sysctl MIB → value, persisted in /etc/sysctl.conf (which is also in `files`) and set live. */
  sysctls: Record<string, string>;
  /** Services by rc.d name (`isakmpd`, `iked`, `sasyncd`, `ipsec` — the pseudo-service that runs `ipsecctl -f` at boot —, `pf`). */
  services: Record<string, ServiceState>;
  /** Interfaces whose /etc/hostname.IF is managed; applied with `sh /etc/netstart IF` when changed. */
  interfaces: string[];
  /** pf anchors managed on this host, by anchor name (`vpn`). */
  anchors: Record<string, AnchorState>;
  /**
   * Packages installed with `pkg_add -I NAME` before the files are staged (their rc.d scripts must exist
   * for `rcctl`), by name as pkg_add takes it (a stem: `openvpn`, `tinc`; sdk/model/tokens/package.ts),
   * sorted. Read back with `pkg_info -q`; a package the provider installed is removed with `pkg_delete`
   * when it leaves this list or the resource is destroyed, one that was there before is left alone.
   * Absent when none.
   */
  packages?: string[];
  /** Which IKE daemon owns the IPsec configuration, and the ipsecctl rule file loaded with `ipsecctl -f`. */
  ipsec: { daemon: "isakmpd" | "iked" | "none"; ruleFile?: string };
  /**
   * What the kernel must hold once the IPsec configuration is loaded, typed (model/ipsec/kernel.ts): the
   * manual flows and SAs (keyless) `ipsecctl -f` loads, checked after the load; the flows isakmpd installs
   * for the declared tunnels, awaited by the confirm; the peers, named when one end of a tunnel fails.
   * Computed by the planner from the typed ipsec.conf/iked.conf it renders: the provider never parses a
   * rendered file to find them. Absent when the gateway has no IPsec (nothing to verify or wait for).
   */
  ipsecKernel?: ExpectedKernel;
  /**
   * The secret values held by this host's files (PSKs, sharedkey, carp passwords, manual keys, derived
   * private keys), as the planner knows them: the provider redacts each from any error or log it emits.
   * Never shown; stored as a Pulumi secret. Absent when no file holds a secret.
   */
  secrets?: string[];
}

/** An empty state (nothing managed). */
export function emptyHostState(): HostState {
  return { files: {}, sysctls: {}, services: {}, interfaces: [], anchors: {}, ipsec: { daemon: "none" } };
}
