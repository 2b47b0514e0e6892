/** X.509 with iked (iked(8) "X.509 AUTHENTICATION"), examples/15-x509 with `ike: iked`: gateway 1 passive. */
import { x509Scenario } from "./15-x509";

x509Scenario(
  "iked",
  "p16",
  {
    gw1: { "/etc/iked.conf": 'ikev2 "net1-net2" passive tunnel esp from 172.16.0.0/24 to 192.168.15.0/24 local 192.0.2.153 srcid 192.0.2.153 dstid gw2.example.org rfc7427\n' },
    gw2: { "/etc/iked.conf": 'ikev2 "net1-net2" active tunnel esp from 192.168.15.0/24 to 172.16.0.0/24 local 192.0.123.85 peer 192.0.2.153 srcid gw2.example.org dstid 192.0.2.153 rfc7427\n' },
  },
  "flow esp out from 172.16.0.0/24 to 192.168.15.0/24 peer 192.0.123.85",
  "flow esp out from 192.168.15.0/24 to 172.16.0.0/24 peer 192.0.2.153",
);
