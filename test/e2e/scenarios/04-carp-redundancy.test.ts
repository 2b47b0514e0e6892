/** Scenario 4: redundant gateways, CARP + pfsync + sasyncd (seeds/000 "Adding Redundancy"), examples/04-carp-redundancy. */
import { expect } from "vitest";
import { labExec } from "../../lab/api";
import { scenario } from "./harness";
import { PSK } from "./common";

// seeds/000's key is 31 bytes (62 hex digits): sasyncd refuses it ("bad shared key length"); a 32-byte key is used
const SHAREDKEY = "da23169c9f49bb1fcdfab7d556588975433f831b3723d273a06e9d780f2cc0ab";
const member = (skew: number, peer: string) => ({
  "/etc/ipsec.conf": `ike esp from 172.16.0.0/24 to 192.168.15.0/24 \\
 local 192.0.2.153 peer 192.0.123.85 \\
 main auth hmac-sha2-256 enc blowfish \\
 quick auth hmac-sha2-384 enc blowfish \\
 psk ${PSK}
`,
  "/etc/sasyncd.conf": `interface carp2\npeer ${peer}\nsharedkey 0x${SHAREDKEY}\n`,
  "/etc/hostname.carp1": `inet 172.16.0.1 255.255.255.0 NONE vhid 1 carpdev em0 pass carp-secret advskew ${skew}\n`,
  "/etc/hostname.carp2": `inet 192.0.2.153 255.255.255.0 NONE vhid 2 carpdev em1 pass carp-secret advskew ${skew}\n`,
  "/etc/hostname.pfsync0": "syncdev em2\nup\n",
});
scenario({
  example: "04-carp-redundancy",
  project: "openbsd-carp-redundancy",
  topology: "carp",
  prefix: "s04",
  config: { psk: { value: PSK, secret: true }, sharedkey: { value: SHAREDKEY, secret: true }, carpPass: { value: "carp-secret", secret: true } },
  files: {
    gw1a: member(0, "172.16.0.3"),
    gw1b: member(100, "172.16.0.2"),
    gw2: { "/etc/ipsec.conf": `ike esp from 192.168.15.0/24 to 172.16.0.0/24 \\
 peer 192.0.2.153 \\
 main auth hmac-sha2-256 enc blowfish \\
 quick auth hmac-sha2-384 enc blowfish \\
 psk ${PSK}
` },
  },
  flows: { gw1a: ["flow esp out from 172.16.0.0/24 to 192.168.15.0/24 peer 192.0.123.85"], gw2: ["flow esp out from 192.168.15.0/24 to 172.16.0.0/24 peer 192.0.2.153"] },
  edit: { gateway: "gw1b", command: "sed -i 's/advskew 100/advskew 0/' /etc/hostname.carp2", file: "/etc/hostname.carp2" },
  reboot: "gw1a",
  checks: [
    {
      // seeds/000: "if isakmpd is already running … restart it by adding the -S flag"; rc.d adds it when sasyncd is
      // enabled, so sasyncd is enabled before isakmpd starts. rc.subr's run file holds the flags it really runs with.
      name: "isakmpd runs with -S on both members, as the guide says",
      run: async (lab) => {
        for (const gw of ["gw1a", "gw1b"]) expect((await labExec(lab, gw, "sed -n 's/^daemon_flags=//p' /var/run/rc.d/isakmpd")).stdout, gw).toBe("-S -K\n");
      },
    },
  ],
});
