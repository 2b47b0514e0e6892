/** Scenario 7: IKEv2 with iked, PSK, several from/to pairs, iked.conf 0600 (seeds/002), examples/07-iked. */
import { scenario } from "./harness";

scenario({
  example: "07-iked",
  project: "openbsd-iked",
  topology: "site-to-site",
  prefix: "s07",
  config: { psk: { value: "dont_use_psk_its_a_bad_idea", secret: true }, auth: { value: "psk" } },
  files: {
    // seeds/002 "Pre Shared Key (PSK) authentication" (its `iked2` typo fixed), on the site-to-site lab's addresses
    gw1: {
      "/etc/iked.conf": `ikev2 "net1-net2" passive tunnel esp \\
    from 172.16.0.0/24 to 192.168.15.0/24 \\
    from fdd0:48b3:1360:ab79::/64 to fdd0:48b3:1360:ab7a::/64 \\
    local 192.0.2.153 \\
    psk "dont_use_psk_its_a_bad_idea"
`,
      "/etc/sysctl.conf": "net.inet.ah.enable=1\nnet.inet.esp.enable=1\nnet.inet.ip.forwarding=1\n",
    },
    gw2: {
      "/etc/iked.conf": `ikev2 "net1-net2" active tunnel esp \\
    from 192.168.15.0/24 to 172.16.0.0/24 \\
    from fdd0:48b3:1360:ab7a::/64 to fdd0:48b3:1360:ab79::/64 \\
    local 192.0.123.85 peer 192.0.2.153 \\
    psk "dont_use_psk_its_a_bad_idea"
`,
    },
  },
  flows: { gw2: ["from 192.168.15.0/24 to 172.16.0.0/24"] },
  traffic: [
    // ESP (IP protocol 50) between the gateways (test/lab/emu/espd.py; IPv4 only); the first pings may wait for the data path
    { host: "h1", command: "for i in 1 2 3 4 5 6 7 8 9 10; do ping -c 1 -W 1 192.168.15.10 >/dev/null && break; done; ping -c 3 -i 0.3 -W 2 192.168.15.10" },
    { host: "h2", command: "ping -c 3 -i 0.3 -W 2 172.16.0.10" },
  ],
  edit: { gateway: "gw1", command: "sed -i 's/passive/active/' /etc/iked.conf", file: "/etc/iked.conf" },
  reboot: "gw1",
});
