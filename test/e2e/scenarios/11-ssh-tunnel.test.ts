/**
 * Scenario 11: the guide's OpenSSH VPN (seeds/002) between the site-to-site lab's gateways,
 * examples/11-ssh-tunnel. gw2's base sshd_config is the lab's own, listening on every address (the
 * client reaches sshd on gw2's external address); the tunnel key is derived from the `keySeed` config, so
 * the expected files are known here. A real `ssh -w 0:0` (the emulated rc.d runs /etc/rc.d/sshtun0's daemon)
 * logs in to gw2's real sshd and h1 pings h2 through tun0 — also after gw1 reboots. The hand edit turns
 * `PermitTunnel` off on gw2; refresh reports it and up puts it back (checked with sshd -t, sshd reloaded).
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { scenario } from "./harness";
import { sshdConfig } from "../../lab/api";
import { deriveSshTunnelKey } from "../../../sdk/planner/sshkeys";
import { renderSshdConfig } from "../../../sdk/planner/sshd-config";

const SEED = "e2e-ssh-tunnel-key-seed-0123456789";
const key = deriveSshTunnelKey(SEED, "gw1", 0);
const base = sshdConfig("0.0.0.0").split("\n").filter((l) => !l.startsWith("ListenAddress")).join("\n");
const baseFile = join(mkdtempSync(join(tmpdir(), "s11-")), "sshd_config");
writeFileSync(baseFile, base);

scenario({
  example: "11-ssh-tunnel",
  project: "openbsd-ssh-tunnel",
  topology: "site-to-site",
  prefix: "s11",
  config: { keySeed: { value: SEED, secret: true }, sshdConfigFile: { value: baseFile } },
  files: {
    gw1: {
      "/etc/hostname.tun0": "inet 172.16.2.1 255.255.255.252\ndest 172.16.2.2\nup\n!route -q add -inet 192.168.15.0/24 172.16.2.2\n",
      "/etc/ssh/sshtun0_ed25519": key.privateKey,
      "/etc/rc.d/sshtun0": `#!/bin/ksh
#
# ssh -w tunnel: tun0 to tun0 of root@192.0.123.85 (written by pulumi-openbsd)

daemon="/usr/bin/ssh"
daemon_flags="-N -w 0:0 -o Tunnel=point-to-point -o BatchMode=yes -o ExitOnForwardFailure=yes -o ServerAliveInterval=15 -o ServerAliveCountMax=3 -o StrictHostKeyChecking=yes -o UserKnownHostsFile=/etc/ssh/sshtun0_known_hosts -o BindAddress=192.0.2.153 -i /etc/ssh/sshtun0_ed25519 -p 22 -l root 192.0.123.85"

. /etc/rc.d/rc.subr

rc_bg=YES
rc_reload=NO

# supervise ssh: start it again 10 seconds after it exits (the link or the server went away)
rc_start() {
	rc_exec "while :; do \${daemon} \${daemon_flags}; sleep 10; done"
}

rc_check() {
	pgrep -T "\${daemon_rtable}" -q -f "while :; do \${pexp}; sleep 10; done"
}

rc_stop() {
	pkill -T "\${daemon_rtable}" -f "while :; do \${pexp}; sleep 10; done"
	_rc_sendsig TERM
}

rc_cmd $1
`,
      "/etc/pf.anchors/vpn": "pass out on em1 proto tcp from 192.0.2.153 to 192.0.123.85 port 22\npass on tun0 all\n",
    },
    gw2: {
      "/etc/hostname.tun0": "inet 172.16.2.2 255.255.255.252\ndest 172.16.2.1\nup\n!route -q add -inet 172.16.0.0/24 172.16.2.1\n",
      "/etc/ssh/sshd_config": renderSshdConfig(base, [{ user: "root", address: "192.0.2.153", aliveInterval: 15, aliveCountMax: 3 }]),
      "/etc/ssh/sshtun_authorized_keys": `restrict,from="192.0.2.153",tunnel="0",command="/sbin/nologin" ${key.publicKey}\n`,
      "/etc/pf.anchors/vpn": "pass in on em1 proto tcp from 192.0.2.153 to 192.0.123.85 port 22\npass on tun0 all\n",
    },
  },
  // ssh logs in and opens the tun devices after up returns: wait for the first answer, then three of three
  traffic: [{ host: "h1", command: "for i in $(seq 1 40); do ping -c 1 -W 1 192.168.15.10 >/dev/null 2>&1 && break; sleep 0.25; done; ping -c 3 -i 0.3 -W 2 192.168.15.10" }],
  edit: { gateway: "gw2", command: "sed -i 's/^PermitTunnel .*/PermitTunnel no/' /etc/ssh/sshd_config", file: "/etc/ssh/sshd_config" },
  reboot: "gw1",
  secrets: { "gw1 /etc/ssh/sshtun0_ed25519 (derived)": key.privateKey },
});
