/**
 * Scenario 11 (DESIGN.md): NAT traversal, examples/16-nat-traversal on the `nat` lab — gw1 (em1 10.0.0.2) behind
 * a real NAT router (namespace nat1, nftables masquerade as 198.51.100.2), gw2 on the internet at 192.0.123.85.
 * Up renders gw2's `peer 198.51.100.2` and pf for udp 500/4500 and esp from it; the emulated isakmpds agree
 * only once gw1's IKE probes crossed the NAT on udp 500 and then 4500 (test/lab/emu/natt.ts), and then show the
 * flows each end would: gw1 to 192.0.123.85 from its own address, gw2 to the NAT's public address. h1 pings h2
 * through the tunnel: the lab kernel has no ESP, so test/lab/emu/espd.py carries the established NAT-T SA pair's
 * packets as ESP in UDP 4500 (RFC 4303 framing, NULL cipher) through the real NAT; the NAT router's counters
 * show that IKE (udp 500) and NAT-T (udp 4500) datagrams crossed it.
 */
import { scenario } from "./harness";
import { PSK } from "./common";

const ipsec = (from: string, to: string, peer: string, mode = "") => `ike ${mode}esp from ${from} to ${to} peer ${peer} \\
 main auth hmac-sha2-256 enc aes-256 quick auth hmac-sha2-256 enc aes-256 psk ${PSK}
`;
const peerRules = (peer: string) => `pass in on em1 proto udp from ${peer} to (em1) port { 500 4500 }
pass out on em1 proto udp from em1 to ${peer} port { 500 4500 }
pass in on em1 proto esp from ${peer} to (em1)
pass out on em1 proto esp from em1 to ${peer}
`;
const SYSCTL = "net.inet.esp.udpencap=1\nnet.inet.ip.forwarding=1\n";

scenario({
  example: "16-nat-traversal",
  project: "openbsd-nat-traversal",
  topology: "nat",
  prefix: "n16",
  config: { psk: { value: PSK, secret: true } },
  files: {
    gw1: { "/etc/ipsec.conf": ipsec("172.16.0.0/24", "192.168.15.0/24", "192.0.123.85"), "/etc/pf.anchors/vpn": peerRules("192.0.123.85"), "/etc/sysctl.conf": SYSCTL },
    gw2: { "/etc/ipsec.conf": ipsec("192.168.15.0/24", "172.16.0.0/24", "198.51.100.2", "passive "), "/etc/pf.anchors/vpn": peerRules("198.51.100.2"), "/etc/sysctl.conf": SYSCTL },
  },
  // gw1 first: its reads initiate (probes through the NAT); gw2 then knows 198.51.100.2 is gw1
  flows: {
    gw1: ["flow esp out from 172.16.0.0/24 to 192.168.15.0/24 peer 192.0.123.85 srcid 10.0.0.2/32 dstid 192.0.123.85/32 type require"],
    gw2: ["flow esp out from 192.168.15.0/24 to 172.16.0.0/24 peer 198.51.100.2 srcid 192.0.123.85/32 dstid 10.0.0.2/32 type require"],
  },
  traffic: [
    // the first pings may wait for the data path (espd.py) and the NAT mapping; then three of three
    { host: "h1", command: "for i in 1 2 3 4 5 6 7 8 9 10; do ping -c 1 -W 1 192.168.15.10 >/dev/null && break; done; ping -c 3 -i 0.3 -W 2 192.168.15.10" },
    { host: "h2", command: "ping -c 3 -i 0.3 -W 2 172.16.0.10" },
    // IKE (udp 500) and NAT-T (udp 4500) datagrams crossed the real NAT router
    { host: "nat1", command: "nft list chain ip nat postrouting | grep -E 'udp dport 500 counter packets [1-9]'" },
    { host: "nat1", command: "nft list chain ip nat postrouting | grep -E 'udp dport 4500 counter packets [1-9]'" },
  ],
  // someone drops NAT-T from gw2's pf: refresh reports the anchor, up restores it
  edit: { gateway: "gw2", command: "sed -i 's/ 4500 / /' /etc/pf.anchors/vpn", file: "/etc/pf.anchors/vpn" },
  reboot: "gw2",
});
