/**
 * Scenario 5: gif IPv4-in-IPv4 and IPv4-in-IPv6, gre and eoip (seeds/002), examples/05-gif-tunnels.
 * The guide persists `alias 172.16.0.1 172.16.0.2` (ifconfig's alias form); the canonical hostname.if form
 * is the equivalent `inet 172.16.0.1 255.255.255.255` + `dest 172.16.0.2`. Outer addresses are the lab's.
 */
import { scenario } from "./harness";

const gif = (src: string, dst: string, inner: string, peer: string) => `tunnel ${src} ${dst}\ninet ${inner} 255.255.255.255\ndest ${peer}\nup\n`;
scenario({
  example: "05-gif-tunnels",
  project: "openbsd-gif-tunnels",
  topology: "gif",
  prefix: "s05",
  files: {
    alice: {
      "/etc/hostname.gif0": gif("192.0.2.1", "192.0.2.2", "172.16.0.1", "172.16.0.2"),
      "/etc/hostname.gif1": gif("2001:db8::1", "2001:db8::2", "172.16.1.1", "172.16.1.2"),
      "/etc/hostname.gre0": gif("192.0.2.1", "192.0.2.2", "10.0.0.1", "10.0.0.2"),
      "/etc/hostname.eoip0": "tunnel 192.0.2.1 192.0.2.2\nvnetid 42\nup\n",
      "/etc/sysctl.conf": "net.inet.gre.allow=1\nnet.inet.ip.forwarding=1\n",
    },
    bob: {
      "/etc/hostname.gif0": gif("192.0.2.2", "192.0.2.1", "172.16.0.2", "172.16.0.1"),
      "/etc/hostname.gif1": gif("2001:db8::2", "2001:db8::1", "172.16.1.2", "172.16.1.1"),
    },
  },
  edit: { gateway: "bob", command: "echo 'description hand-edited' >> /etc/hostname.gif0", file: "/etc/hostname.gif0" },
  reboot: "alice",
});
