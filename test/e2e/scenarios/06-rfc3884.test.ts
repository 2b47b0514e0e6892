/** Scenario 6: RFC 3884, transport-mode ESP for proto ipencap over gif with a tunnel-mode peer (seeds/004), examples/06-rfc3884. */
import { scenario } from "./harness";

// seeds/004's keys; its addresses were lost in scraping: the lab's alice 192.0.2.1 / bob 192.0.2.2, inner 172.16.0.1/2
const AK1 = "0xebfd3e8038fd1c9eadcc32308e5f12aba813114614855e4a93e7407f3c40f827";
const AK2 = "0x7a5a5832c43395c62aa1c443cfda68f3f8fff89378fdb2df40419df01547a40a";
const EK1 = "0x46c670e4ad2ef30a29a0ce64738d01e5";
const EK2 = "0x811ce51cebcaed4280aae9cb2e195f93";
scenario({
  example: "06-rfc3884",
  project: "openbsd-rfc3884",
  topology: "gif",
  prefix: "s06",
  files: {
    alice: {
      "/etc/ipsec.conf": `flow esp from 172.16.0.1 to 172.16.0.2 local 192.0.2.1 peer 192.0.2.2
esp tunnel from 192.0.2.1 to 192.0.2.2 spi 0xdeadbeef:0xfeedbeef \\
        auth hmac-sha2-256 enc aes \\
        authkey ${AK1}:${AK2} \\
        enckey ${EK1}:${EK2}
`,
      "/etc/hostname.lo1": "inet 172.16.0.1 255.255.255.255\nup\n",
    },
    bob: {
      "/etc/ipsec.conf": `flow esp proto ipencap from 192.0.2.2 to 192.0.2.1
esp transport from 192.0.2.2 to 192.0.2.1 spi 0xfeedbeef:0xdeadbeef \\
        auth hmac-sha2-256 enc aes \\
        authkey ${AK2}:${AK1} \\
        enckey ${EK2}:${EK1}
`,
      "/etc/hostname.gif0": "tunnel 192.0.2.2 192.0.2.1\ninet 172.16.0.2 255.255.255.255\ndest 172.16.0.1\nup\n",
    },
  },
  flows: { alice: ["from 172.16.0.1 to 172.16.0.2"], bob: ["proto ipencap from 192.0.2.2 to 192.0.2.1"] },
  // (a changed SPI would make the provider's `ipsecctl -d -f OLD` fail on the SA that was never loaded: reported)
  edit: { gateway: "bob", command: "echo '# edited by hand' >> /etc/ipsec.conf", file: "/etc/ipsec.conf" },
  reboot: "bob",
});
