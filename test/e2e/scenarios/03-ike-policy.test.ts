/** Scenario 3: filtering by IKE policy, one ike rule per port (seeds/000), examples/03-ike-policy. */
import { scenario } from "./harness";
import { PSK } from "./common";

const rule = (from: string, to: string, peer: string) => `ike esp proto tcp from ${from} to ${to} \\
 peer ${peer} \\
 main auth hmac-sha2-256 enc blowfish \\
 quick auth hmac-sha2-384 enc blowfish \\
 psk ${PSK}
`;
scenario({
  example: "03-ike-policy",
  project: "openbsd-ike-policy",
  topology: "site-to-site",
  prefix: "s03",
  config: { psk: { value: PSK, secret: true } },
  files: {
    gw1: { "/etc/ipsec.conf": rule("172.16.0.0/24", "192.168.15.0/24 port 80", "192.0.123.85") + rule("172.16.0.0/24", "192.168.15.0/24 port 443", "192.0.123.85") },
    // "A matching policy needs to be created on gateway #2": the mirror image
    gw2: { "/etc/ipsec.conf": rule("192.168.15.0/24 port 80", "172.16.0.0/24", "192.0.2.153") + rule("192.168.15.0/24 port 443", "172.16.0.0/24", "192.0.2.153") },
  },
  // ipsecctl prints ports by /etc/services name
  flows: {
    gw1: ["flow esp out proto tcp from 172.16.0.0/24 to 192.168.15.0/24 port www peer 192.0.123.85", "flow esp out proto tcp from 172.16.0.0/24 to 192.168.15.0/24 port https peer 192.0.123.85"],
    gw2: ["flow esp out proto tcp from 192.168.15.0/24 port www to 172.16.0.0/24 peer 192.0.2.153"],
  },
  edit: { gateway: "gw1", command: "sed -i 's/port 443/port 8443/' /etc/ipsec.conf", file: "/etc/ipsec.conf" },
  reboot: "gw1",
});
