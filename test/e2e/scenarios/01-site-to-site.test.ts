/** Scenario 1: site-to-site IKEv1 tunnel with a PSK (seeds/000), examples/01-site-to-site. */
import { scenario } from "./harness";
import { GW1_IPSEC, GW2_IPSEC, PF_CONF, peerRules, PSK } from "./common";

scenario({
  example: "01-site-to-site",
  project: "openbsd-site-to-site",
  topology: "site-to-site",
  prefix: "s01",
  config: { psk: { value: PSK, secret: true } },
  files: {
    gw1: { "/etc/ipsec.conf": GW1_IPSEC, "/etc/pf.conf": PF_CONF(true), "/etc/pf.anchors/vpn": peerRules("192.0.123.85"), "/etc/sysctl.conf": "net.inet.ip.forwarding=1\n" },
    gw2: { "/etc/ipsec.conf": GW2_IPSEC, "/etc/pf.anchors/vpn": peerRules("192.0.2.153") },
  },
  flows: {
    gw1: ["flow esp out from 172.16.0.0/24 to 192.168.15.0/24 peer 192.0.123.85"],
    gw2: ["flow esp out from 192.168.15.0/24 to 172.16.0.0/24 peer 192.0.2.153"],
  },
  traffic: [
    // ESP (IP protocol 50) between the gateways (test/lab/emu/espd.py); the first pings may wait for the data path
    { host: "h1", command: "for i in 1 2 3 4 5 6 7 8 9 10; do ping -c 1 -W 1 192.168.15.10 >/dev/null && break; done; ping -c 3 -i 0.3 -W 2 192.168.15.10" },
    { host: "h2", command: "ping -c 3 -i 0.3 -W 2 172.16.0.10" },
  ],
  edit: { gateway: "gw1", command: "echo 'pass in on em1 proto tcp to port 22' >> /etc/pf.anchors/vpn", file: "/etc/pf.anchors/vpn" },
  reboot: "gw2",
});
