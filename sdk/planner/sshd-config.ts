/**
 * /etc/ssh/sshd_config of an {@link SshTunnel}'s server (sshd_config(5)).
 *
 * Decision: sshd_config is a managed file like every other (whole content, compared on refresh, put back
 * on destroy), rendered from a *base* — OpenBSD's stock file (usr.bin/ssh/sshd_config, rev. 1.105) unless
 * the program gives the gateway's own — with exactly two directives changed, as the guide's patch
 * does: `PermitTunnel point-to-point` (layer 3 only: what tun(4) in its default mode carries; `yes`
 * would also allow layer-2 tap forwarding nobody asked for) and `AuthorizedKeysFile` gaining
 * {@link TUNNEL_KEYS_FILE}, so the tunnel's restricted key never touches root's own authorized_keys (the
 * file the management connection logs in with). Preview touches no host, so the base cannot be read
 * from it: a gateway whose sshd_config differs from the stock file must give its own as `sshdConfig`.
 * For each tunnel client, a `Match User USER Address CLIENT` block at the end sets `ClientAliveInterval` and
 * `ClientAliveCountMax` (the client's ServerAlive values): sshd drops a client that stopped answering, which
 * frees the server's tun device for the client's next attempt (by default sshd keeps a dead session, and
 * its tun device, until TCP gives up, hours later). Only the tunnel's logins are concerned.
 * sshd takes the first value of a keyword outside `Match` blocks, so each directive replaces the first
 * active one before the first `Match`, else the commented default (`#PermitTunnel no`, as the guide's
 * patch does), else goes before the first `Match` (or at the end).
 *
 * The staged file is checked on the host with `sshd -t -f FILE` before the swap (FileCheck `sshd`), sshd
 * is reloaded after it (`rcctl reload sshd`: SIGHUP, sessions stay up), and the commit's confirmation over
 * a fresh SSH connection proves the management login still works — otherwise the rollback timer puts
 * the previous file back and reloads sshd (ARCHITECTURE.md D3).
 * Pure: no I/O.
 */
import { unsafeChar, charName } from "../model/tokens/refusal";

/** The file the tunnel clients' public keys are written to (root:wheel 0644: sshd's StrictModes). */
export const TUNNEL_KEYS_FILE = "/etc/ssh/sshtun_authorized_keys";

/** OpenBSD's stock /etc/ssh/sshd_config ($OpenBSD: sshd_config,v 1.105 2024/12/03). */
export const OPENBSD_SSHD_CONFIG = `#	$OpenBSD: sshd_config,v 1.105 2024/12/03 14:12:47 dtucker Exp $

# This is the sshd server system-wide configuration file.  See
# sshd_config(5) for more information.

# The strategy used for options in the default sshd_config shipped with
# OpenSSH is to specify options with their default value where
# possible, but leave them commented.  Uncommented options override the
# default value.

#Port 22
#AddressFamily any
#ListenAddress 0.0.0.0
#ListenAddress ::

#HostKey /etc/ssh/ssh_host_rsa_key
#HostKey /etc/ssh/ssh_host_ecdsa_key
#HostKey /etc/ssh/ssh_host_ed25519_key

# Ciphers and keying
#RekeyLimit default none

# Logging
#SyslogFacility AUTH
#LogLevel INFO

# Authentication:

#LoginGraceTime 2m
#PermitRootLogin prohibit-password
#StrictModes yes
#MaxAuthTries 6
#MaxSessions 10

#PubkeyAuthentication yes

# The default is to check both .ssh/authorized_keys and .ssh/authorized_keys2
# but this is overridden so installations will only check .ssh/authorized_keys
AuthorizedKeysFile	.ssh/authorized_keys

#AuthorizedPrincipalsFile none

#AuthorizedKeysCommand none
#AuthorizedKeysCommandUser nobody

# For this to work you will also need host keys in /etc/ssh/ssh_known_hosts
#HostbasedAuthentication no
# Change to yes if you don't trust ~/.ssh/known_hosts for
# HostbasedAuthentication
#IgnoreUserKnownHosts no
# Don't read the user's ~/.rhosts and ~/.shosts files
#IgnoreRhosts yes

# To disable tunneled clear text passwords, change to "no" here!
#PasswordAuthentication yes
#PermitEmptyPasswords no

# Change to "no" to disable keyboard-interactive authentication.  Depending on
# the system's configuration, this may involve passwords, challenge-response,
# one-time passwords or some combination of these and other methods.
#KbdInteractiveAuthentication yes

#AllowAgentForwarding yes
#AllowTcpForwarding yes
#GatewayPorts no
#X11Forwarding no
#X11DisplayOffset 10
#X11UseLocalhost yes
#PermitTTY yes
#PrintMotd yes
#PrintLastLog yes
#TCPKeepAlive yes
#PermitUserEnvironment no
#Compression delayed
#ClientAliveInterval 0
#ClientAliveCountMax 3
#UseDNS no
#PidFile /var/run/sshd.pid
#MaxStartups 10:30:100
#PermitTunnel no
#ChrootDirectory none
#VersionAddendum none

# no default banner path
#Banner none

# override default of no subsystems
Subsystem	sftp	/usr/libexec/sftp-server

# Example of overriding settings on a per-user basis
#Match User anoncvs
#	X11Forwarding no
#	AllowTcpForwarding no
#	PermitTTY no
#	ForceCommand cvs server
`;

/** Why a base sshd_config cannot be used, or undefined. */
export function sshdBaseProblem(base: string): string | undefined {
  for (const line of base.split("\n")) {
    const c = unsafeChar(line.replace(/\t/g, " "));
    if (c !== undefined) return `holds ${charName(c)}`;
  }
  const active = activeLines(base);
  const pt = active.find((l) => l.key === "permittunnel" && l.inMatch);
  if (pt) return `line ${pt.index + 1} sets PermitTunnel inside a Match block, which would override the tunnel's setting for some logins`;
  return lockout(active.filter((l) => !l.inMatch));
}

/**
 * A global setting that would shut out the management connection (root, with its key) once sshd reloads:
 * `sshd -t` accepts all of these, so they are refused here, before any host is touched. sshd takes the first
 * value of a keyword, as sshd_config(5) says.
 */
function lockout(global: Directive[]): string | undefined {
  const first = (key: string) => global.find((l) => l.key === key);
  const words = (d: Directive) => d.args.split(/[\s,]+/).filter(Boolean);
  const at = (d: Directive) => `line ${d.index + 1} (\`${d.text}\`)`;
  const force = first("forcecommand");
  if (force && force.args.toLowerCase() !== "none") return `${at(force)} makes every login, the management connection's included, run that command instead of the provider's`;
  const prl = first("permitrootlogin");
  if (prl && /^(no|forced-commands-only)$/i.test(prl.args.trim())) return `${at(prl)} refuses the management connection, which logs in as root with its key`;
  const pub = first("pubkeyauthentication");
  if (pub && /^no$/i.test(pub.args.trim())) return `${at(pub)} refuses the management connection's key`;
  const deny = first("denyusers");
  if (deny && words(deny).some((w) => /^(root|\*)(@.*)?$/.test(w))) return `${at(deny)} refuses root, the management connection's login`;
  const allow = first("allowusers");
  if (allow && !words(allow).some((w) => /^(root|\*)(@.*)?$/.test(w))) return `${at(allow)} does not allow root, the management connection's login`;
  const akf = first("authorizedkeysfile");
  if (akf && !words(akf).some((w) => /^(\.ssh\/authorized_keys|%h\/\.ssh\/authorized_keys|\/root\/\.ssh\/authorized_keys)$/.test(w)))
    return `${at(akf)} no longer reads root's .ssh/authorized_keys, which holds the management connection's key`;
  return undefined;
}

interface Directive {
  index: number;
  /** The line as written (trimmed). */
  text: string;
  key: string;
  args: string;
  inMatch: boolean;
}

function activeLines(text: string): Directive[] {
  const out: Directive[] = [];
  let inMatch = false;
  text.split("\n").forEach((raw, index) => {
    const l = raw.trim();
    if (!l || l.startsWith("#")) return;
    const m = /^(\S+?)(?:\s*=\s*|\s+)(.*)$/.exec(l);
    const key = (m?.[1] ?? l).toLowerCase();
    if (key === "match") inMatch = true;
    out.push({ index, text: l, key, args: m?.[2] ?? "", inMatch });
  });
  return out;
}

/** The base with `KEY VALUE` set (see the file's doc for where it goes). */
function setDirective(lines: string[], key: string, value: (current: string | undefined) => string): void {
  const text = lines.join("\n");
  const d = activeLines(text).find((x) => x.key === key.toLowerCase() && !x.inMatch);
  if (d) {
    lines[d.index] = `${key} ${value(d.args)}`;
    return;
  }
  const firstMatch = activeLines(text).find((x) => x.key === "match");
  const limit = firstMatch ? firstMatch.index : lines.length;
  const commented = lines.findIndex((l, i) => i < limit && new RegExp(`^#\\s*${key}(\\s|$)`, "i").test(l.trim()));
  if (commented >= 0) {
    lines[commented] = `${key} ${value(undefined)}`;
    return;
  }
  lines.splice(limit, 0, `${key} ${value(undefined)}`);
}

/** A tunnel client as the server's sshd sees it. */
export interface SshdTunnelClient {
  user: string;
  address: string;
  aliveInterval: number;
  aliveCountMax: number;
}

/**
 * The server's sshd_config: `base` with `PermitTunnel point-to-point` and {@link TUNNEL_KEYS_FILE} added
 * to `AuthorizedKeysFile` (after the files it lists, default `.ssh/authorized_keys`), then one `Match`
 * block per client.
 */
export function renderSshdConfig(base: string = OPENBSD_SSHD_CONFIG, clients: readonly SshdTunnelClient[] = []): string {
  const trailing = base.endsWith("\n");
  const lines = (trailing ? base.slice(0, -1) : base).split("\n");
  setDirective(lines, "PermitTunnel", () => "point-to-point");
  setDirective(lines, "AuthorizedKeysFile", (cur) => {
    const files = (cur ?? ".ssh/authorized_keys").split(/\s+/).filter(Boolean);
    if (files.length === 1 && files[0]!.toLowerCase() === "none") return TUNNEL_KEYS_FILE;
    return files.includes(TUNNEL_KEYS_FILE) ? files.join(" ") : [...files, TUNNEL_KEYS_FILE].join(" ");
  });
  for (const c of clients)
    lines.push("", `# ssh -w tunnel client (pulumi-openbsd): drop it when it stops answering, freeing its tun device`, `Match User ${c.user} Address ${c.address}`, `\tClientAliveInterval ${c.aliveInterval}`, `\tClientAliveCountMax ${c.aliveCountMax}`);
  return lines.join("\n") + "\n";
}
