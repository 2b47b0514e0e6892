/** Scenario 8: manually keyed flows and SAs in ipsec.conf, examples/08-manual-keying (keys of seeds/004). */
import { scenario } from "./harness";

const AK1 = "ebfd3e8038fd1c9eadcc32308e5f12aba813114614855e4a93e7407f3c40f827";
const AK2 = "7a5a5832c43395c62aa1c443cfda68f3f8fff89378fdb2df40419df01547a40a";
const EK1 = "46c670e4ad2ef30a29a0ce64738d01e5";
const EK2 = "811ce51cebcaed4280aae9cb2e195f93";
scenario({
  example: "08-manual-keying",
  project: "openbsd-manual-keying",
  topology: "site-to-site",
  prefix: "s08",
  config: { authkeyLR: { value: AK1, secret: true }, authkeyRL: { value: AK2, secret: true }, enckeyLR: { value: EK1, secret: true }, enckeyRL: { value: EK2, secret: true } },
  files: {
    gw1: {
      "/etc/ipsec.conf": `flow esp from 172.16.0.0/24 to 192.168.15.0/24 peer 192.0.123.85
esp tunnel from 192.0.2.153 to 192.0.123.85 spi 0xdeadbeef:0xfeedbeef auth hmac-sha2-256 enc aes \\
 authkey 0x${AK1}:0x${AK2} enckey 0x${EK1}:0x${EK2}
`,
    },
    gw2: {
      "/etc/ipsec.conf": `flow esp from 192.168.15.0/24 to 172.16.0.0/24 peer 192.0.2.153
esp tunnel from 192.0.123.85 to 192.0.2.153 spi 0xfeedbeef:0xdeadbeef auth hmac-sha2-256 enc aes \\
 authkey 0x${AK2}:0x${AK1} enckey 0x${EK2}:0x${EK1}
`,
    },
  },
  flows: { gw1: ["flow esp out from 172.16.0.0/24 to 192.168.15.0/24 peer 192.0.123.85"], gw2: ["flow esp out from 192.168.15.0/24 to 172.16.0.0/24 peer 192.0.2.153"] },
  // someone changes an SPI and loads it: the repair must remove the stray SA and restore the declared one
  edit: { gateway: "gw1", command: "sed -i 's/spi 0xdeadbeef:0xfeedbeef/spi 0xdeadbee0:0xfeedbeef/' /etc/ipsec.conf && ipsecctl -f /etc/ipsec.conf", file: "/etc/ipsec.conf" },
  reboot: "gw2",
});
