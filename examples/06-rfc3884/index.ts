/**
 * Scenario 6 (seeds/004 "OpenBSD IPsec and RFC 3884"): alice runs ordinary tunnel-mode IPsec with her
 * inner address 172.16.0.1 on lo1; bob runs a gif0 IP-in-IP tunnel (172.16.0.2 → 172.16.0.1) protected by
 * transport-mode ESP for `proto ipencap`. Both are manually keyed with the guide's SPIs and keys (the guide
 * warns: do not reuse them; omit `authkey`/`enckey` and they are derived and kept secret).
 * The guide's own addresses were lost; the lab's alice (192.0.2.1) and bob (192.0.2.2) are used.
 *
 * Config: aliceHost/Port/HostKey, bobHost/Port/HostKey, sshKey.
 */
import * as pulumi from "@pulumi/pulumi";
import * as openbsd from "pulumi-openbsd";

function connection(cfg: pulumi.Config, gw: string): openbsd.ConnectionArgs {
  return { host: cfg.require(`${gw}Host`), port: cfg.getNumber(`${gw}Port`) ?? 22, privateKey: cfg.requireSecret("sshKey"), hostKey: cfg.require(`${gw}HostKey`) };
}

async function main() {
  const cfg = new pulumi.Config();
  const alice = new openbsd.Gateway("alice", { connection: connection(cfg, "alice"), external: { interface: "vio0", address: "192.0.2.1" } });
  const bob = new openbsd.Gateway("bob", { connection: connection(cfg, "bob"), external: { interface: "vio0", address: "192.0.2.2" } });
  new openbsd.GifTunnel("rfc3884", {
    left: { gateway: alice, interface: "lo1", inner: "172.16.0.1", role: "ipsec-tunnel" },
    right: { gateway: bob, interface: "gif0", inner: "172.16.0.2" },
    ipsec: {
      keying: "manual",
      spi: { leftToRight: 0xdeadbeef, rightToLeft: 0xfeedbeef },
      auth: "hmac-sha2-256",
      enc: "aes",
      authkey: {
        leftToRight: pulumi.secret("0xebfd3e8038fd1c9eadcc32308e5f12aba813114614855e4a93e7407f3c40f827"),
        rightToLeft: pulumi.secret("0x7a5a5832c43395c62aa1c443cfda68f3f8fff89378fdb2df40419df01547a40a"),
      },
      enckey: {
        leftToRight: pulumi.secret("0x46c670e4ad2ef30a29a0ce64738d01e5"),
        rightToLeft: pulumi.secret("0x811ce51cebcaed4280aae9cb2e195f93"),
      },
    },
  });
  return { alice: alice.config.id, bob: bob.config.id };
}

// the program: Pulumi calls the function its module exports, and exports what it returns as the stack outputs
export = main;
