/** X.509 with isakmpd (seeds/003 FAQ 13.9), examples/15-x509 with `ike: isakmpd`. */
import { x509Scenario } from "./15-x509";

x509Scenario(
  "isakmpd",
  "p15",
  {
    gw1: { "/etc/ipsec.conf": "ike esp from 172.16.0.0/24 to 192.168.15.0/24 peer 192.0.123.85 srcid 192.0.2.153 dstid gw2.example.org\n" },
    gw2: { "/etc/ipsec.conf": "ike esp from 192.168.15.0/24 to 172.16.0.0/24 peer 192.0.2.153 srcid gw2.example.org dstid 192.0.2.153\n" },
  },
  "flow esp out from 172.16.0.0/24 to 192.168.15.0/24 peer 192.0.123.85",
  "flow esp out from 192.168.15.0/24 to 172.16.0.0/24 peer 192.0.2.153",
);
