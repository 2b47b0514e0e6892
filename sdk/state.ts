/**
 * The desired state of one OpenBSD gateway: the contract between the planner (sdk/planner),
 * which computes it from the user's components, and the provider (providers/), which commits
 * it to the host in one SSH connection and reads it back on refresh (DESIGN.md D2, D5).
 *
 * Pure data: JSON-serialisable, no functions, no Pulumi types. Secret file contents are
 * marked `secret: true`; the provider stores them as Pulumi secrets and shows fingerprints in diffs.
 */

/** A file the provider owns on the host. */
export interface ManagedFile {
  /** Absolute path on the host, e.g. `/etc/ipsec.conf`. */
  path: string;
  /** Full file content (UTF-8). Rendered by the model in canonical form. */
  content: string;
  /** Octal mode as a 4-digit string, e.g. `0600` for ipsec.conf/iked.conf/sasyncd.conf, `0640` for hostname.if. */
  mode: string;
  /** Owner user name; default `root`. */
  owner: string;
  /** Owner group name; default `wheel`. */
  group: string;
  /** True when the content holds key material (PSK, sharedkey, manual SA keys). */
  secret?: boolean;
  /**
   * How the host validates the staged file before the swap:
   * `pf` = `pfctl -nf`, `pf-anchor` = `pfctl -a ANCHOR -nf`, `ipsec` = `ipsecctl -nf`,
   * `iked` = `iked -n -f`, `sasyncd` = mode and key-length checks, `none` = nothing.
   */
  check: FileCheck;
}

export type FileCheck = "pf" | "pf-anchor" | "ipsec" | "iked" | "sasyncd" | "none";

/** A daemon managed through rcctl(8) / rc.conf.local. */
export interface ServiceState {
  /** rc.d script name: `isakmpd`, `iked`, `sasyncd`, `ipsec` (the pseudo-service that runs ipsecctl -f at boot), `pf`… */
  name: string;
  /** `rcctl enable` / `disable`. */
  enabled: boolean;
  /** `rcctl set NAME flags …`; undefined leaves the default. e.g. `-K` for isakmpd. */
  flags?: string;
  /** Whether it should be running now (`rcctl start`/`stop`). Ignored for `ipsec` and `pf`. */
  running: boolean;
}

/** A pf anchor loaded with `pfctl -a NAME -f FILE` and at boot by `load anchor` in pf.conf. */
export interface AnchorState {
  /** Anchor name, e.g. `vpn`. */
  name: string;
  /** Path of the file holding its rules (also listed in `files`), e.g. `/etc/pf.anchors/vpn`. */
  file: string;
}

/** The whole desired state of one host, applied in /etc/rc order. */
export interface HostState {
  /** Every file the provider owns, including /etc/hostname.*, /etc/pf.conf, /etc/ipsec.conf. */
  files: ManagedFile[];
  /** sysctl MIB → value, persisted in /etc/sysctl.conf (which is also in `files`) and set live. */
  sysctls: Record<string, string>;
  /** Services in start order (isakmpd → ipsec → sasyncd for a CARP pair). */
  services: ServiceState[];
  /** Interfaces whose /etc/hostname.IF is managed; applied with `sh /etc/netstart IF` when changed. */
  interfaces: string[];
  /** pf anchors managed on this host. */
  anchors: AnchorState[];
  /** Which IKE daemon owns the IPsec configuration, and the ipsecctl rule file loaded with `ipsecctl -f`. */
  ipsec: { daemon: "isakmpd" | "iked" | "none"; ruleFile?: string };
}

/** An empty state (nothing managed). */
export function emptyHostState(): HostState {
  return { files: [], sysctls: {}, services: [], interfaces: [], anchors: [], ipsec: { daemon: "none" } };
}
