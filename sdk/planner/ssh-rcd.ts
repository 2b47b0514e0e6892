/**
 * The rc.d(8) script that keeps an {@link SshTunnel}'s client running: /etc/rc.d/sshtunN.
 *
 * Decision: an ordinary rc.d script over rc.subr, as OpenBSD ships for every base daemon, with
 * `daemon="/usr/bin/ssh"` and the whole command line in `daemon_flags`, enabled and started with rcctl.
 * That is what an OpenBSD admin expects and can operate: it starts at boot (rc(8) starts every
 * enabled rc.d daemon), `rcctl check|stop|restart sshtunN` work, and it needs no package (autossh).
 * `rc_bg=YES` because `ssh -N` stays in the foreground (no `-f`). Supervision is the shell's, in the
 * script: `rc_start` runs `while :; do ssh …; sleep N; done` (the admin's classic loop, under rc_exec), so
 * a client whose link died is started again N seconds later; `rc_check` looks for that loop (the service
 * runs while it supervises, also between two attempts, so a start never times out waiting for a server
 * that is not up yet) and `rc_stop` ends the loop before ssh. The loop runs as root under `su -fl -c
 * daemon`, like every rc.d daemon.
 * The flags make a broken link end ssh instead of leaving a half-dead tunnel:
 * `ExitOnForwardFailure=yes` (the server refused the tun device), `ServerAliveInterval`/`CountMax` (the
 * server stopped answering), `BatchMode=yes` (never wait for a password prompt), `StrictHostKeyChecking=yes`
 * against the known_hosts file the provider installs (never trust a new host key), `BindAddress` (the
 * source the server's key restriction `from=` names). A supervisor killed by hand is shown by `rcctl check`,
 * reported by `pulumi refresh` as `running drifted`, and started again by the next `pulumi up`.
 * `-w N:M` with `Tunnel=point-to-point`: layer-3 tun(4), the same mode as the server's `PermitTunnel`.
 * Pure: no I/O.
 */

/** The rc.d service name of the client of tun unit `unit`. */
export const sshTunnelService = (unit: number) => `sshtun${unit}`;

/** What the script runs. Every value is a checked token (addresses, a user name, numbers, fixed paths). */
export interface SshTunnelRcd {
  clientUnit: number;
  serverUnit: number;
  user: string;
  server: string;
  port: number;
  bind: string;
  key: string;
  knownHosts: string;
  aliveInterval: number;
  aliveCountMax: number;
  /** Seconds between ssh's exit and the next attempt. */
  restartDelay: number;
}

/** The `daemon_flags` of the script (also what `pgrep -xf` matches, with the daemon). */
export function sshTunnelFlags(r: SshTunnelRcd): string {
  return [
    "-N", "-w", `${r.clientUnit}:${r.serverUnit}`,
    "-o", "Tunnel=point-to-point",
    "-o", "BatchMode=yes",
    "-o", "ExitOnForwardFailure=yes",
    "-o", `ServerAliveInterval=${r.aliveInterval}`,
    "-o", `ServerAliveCountMax=${r.aliveCountMax}`,
    "-o", "StrictHostKeyChecking=yes",
    "-o", `UserKnownHostsFile=${r.knownHosts}`,
    "-o", `BindAddress=${r.bind}`,
    "-i", r.key,
    "-p", String(r.port),
    "-l", r.user,
    r.server,
  ].join(" ");
}

/** /etc/rc.d/sshtunN (mode 0555, like the base rc.d scripts). */
export function renderSshTunnelRcd(r: SshTunnelRcd): string {
  return [
    "#!/bin/ksh",
    "#",
    `# ssh -w tunnel: tun${r.clientUnit} to tun${r.serverUnit} of ${r.user}@${r.server} (written by pulumi-openbsd)`,
    "",
    'daemon="/usr/bin/ssh"',
    `daemon_flags="${sshTunnelFlags(r)}"`,
    "",
    ". /etc/rc.d/rc.subr",
    "",
    "rc_bg=YES",
    "rc_reload=NO",
    "",
    `# supervise ssh: start it again ${r.restartDelay} seconds after it exits (the link or the server went away)`,
    "rc_start() {",
    `\trc_exec "while :; do \${daemon} \${daemon_flags}; sleep ${r.restartDelay}; done"`,
    "}",
    "",
    "rc_check() {",
    `\tpgrep -T "\${daemon_rtable}" -q -f "while :; do \${pexp}; sleep ${r.restartDelay}; done"`,
    "}",
    "",
    "rc_stop() {",
    `\tpkill -T "\${daemon_rtable}" -f "while :; do \${pexp}; sleep ${r.restartDelay}; done"`,
    "\t_rc_sendsig TERM",
    "}",
    "",
    "rc_cmd $1",
    "",
  ].join("\n");
}
