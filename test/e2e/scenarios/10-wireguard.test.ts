/**
 * Scenario 10: WireGuard between the site-to-site lab's gateways, examples/10-wireguard. The keys are
 * derived from the `keySeed` config (so the expected files are known here); the emulated ifconfig runs
 * wireguard-go for wg0 (scripts/wireguard-go.sh), so h1 pings h2 through the tunnel.
 */
import { scenario } from "./harness";
import { deriveWgKeyPair } from "../../../sdk/planner/wgkeys";

const SEED = "e2e-wireguard-key-seed-0123456789";
const k1 = deriveWgKeyPair(SEED, "gw1", "wg0");
const k2 = deriveWgKeyPair(SEED, "gw2", "wg0");
const vpn = (peer: string) => `pass in on em1 proto udp from ${peer} to (em1) port 51820
pass out on em1 proto udp from em1 to ${peer} port 51820
pass on wg0 all
`;

scenario({
  example: "10-wireguard",
  project: "openbsd-wireguard",
  topology: "site-to-site",
  prefix: "s10",
  config: { keySeed: { value: SEED, secret: true } },
  files: {
    gw1: {
      "/etc/hostname.wg0": `wgkey ${k1.privateKey} wgport 51820
wgpeer ${k2.publicKey} wgpka 25 wgendpoint 192.0.123.85 51820 wgaip 10.9.0.2/32 wgaip 192.168.15.0/24
inet 10.9.0.1 255.255.255.0
up
!route -q add -inet 192.168.15.0/24 10.9.0.2
`,
      "/etc/pf.anchors/vpn": vpn("192.0.123.85"),
    },
    gw2: {
      "/etc/hostname.wg0": `wgkey ${k2.privateKey} wgport 51820
wgpeer ${k1.publicKey} wgpka 25 wgendpoint 192.0.2.153 51820 wgaip 10.9.0.1/32 wgaip 172.16.0.0/24
inet 10.9.0.2 255.255.255.0
up
!route -q add -inet 172.16.0.0/24 10.9.0.1
`,
      "/etc/pf.anchors/vpn": vpn("192.0.2.153"),
    },
  },
  // the first pings wait for the handshake (wireguard-go in the emulator); then three of three
  traffic: [{ host: "h1", command: "for i in 1 2 3 4 5 6 7 8 9 10; do ping -c 1 -W 1 192.168.15.10 >/dev/null && break; done; ping -c 3 -i 0.3 -W 2 192.168.15.10" }],
  edit: { gateway: "gw2", command: "echo 'description hand-edited' >> /etc/hostname.wg0", file: "/etc/hostname.wg0" },
  reboot: "gw1",
});
