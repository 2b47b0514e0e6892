/** Scenario 2: filtering on enc0, if-bound states and pf tags (seeds/000), examples/02-enc0-filtering. */
import { scenario } from "./harness";
import { GW1_IPSEC, GW2_IPSEC, PF_CONF, peerRules, PSK } from "./common";

scenario({
  example: "02-enc0-filtering",
  project: "openbsd-enc0-filtering",
  topology: "site-to-site",
  prefix: "s02",
  config: { psk: { value: PSK, secret: true } },
  files: {
    gw1: {
      "/etc/ipsec.conf": GW1_IPSEC,
      "/etc/pf.conf": PF_CONF(false),
      // seeds/000 "Filtering on enc0", gateway 1 ($int_if = em0, $www_server = 192.168.15.5, $www_ports = { 80 443 })
      "/etc/pf.anchors/vpn": `block on enc0
pass in on enc0 proto ipencap from 192.0.123.85 to (em1) \\
 keep state (if-bound)
${peerRules("192.0.123.85")}pass out on enc0 proto tcp from em0:network to 192.168.15.5 \\
 port { 80 443 } keep state (if-bound)
`,
    },
    gw2: {
      // seeds/000 "Filtering using pf Tags"
      "/etc/ipsec.conf": `${GW2_IPSEC.trimEnd()} \\\n tag net1-to-net2\n`,
      "/etc/pf.anchors/vpn": `block on enc0
pass in on enc0 proto ipencap from 192.0.2.153 to (em1) \\
 keep state (if-bound)
pass in on enc0 keep state (if-bound) tagged net1-to-net2
${peerRules("192.0.2.153")}pass out on em0 proto tcp to 192.168.15.5 port { 80 443 } \\
 keep state (if-bound) tagged net1-to-net2
`,
    },
  },
  flows: { gw1: ["flow esp out from 172.16.0.0/24 to 192.168.15.0/24 peer 192.0.123.85"], gw2: ["flow esp out from 192.168.15.0/24 to 172.16.0.0/24 peer 192.0.2.153"] },
  edit: { gateway: "gw2", command: "sed -i 's/tag net1-to-net2/tag hacked/' /etc/ipsec.conf", file: "/etc/ipsec.conf" },
  reboot: "gw1",
});
