/**
 * Scenario 5 (seeds/002 "Configuring IP over IP tunnel", "GRE", "EoIP"): alice (vio0 192.0.2.1,
 * 2001:db8::1) and bob (vio0 192.0.2.2, 2001:db8::2). gif0 carries IPv4 in IPv4 (172.16.0.1 ↔ 172.16.0.2),
 * gif1 IPv4 in IPv6 (172.16.1.1 ↔ 172.16.1.2), gre0 a GRE tunnel (10.0.0.1 ↔ 10.0.0.2, net.inet.gre.allow=1),
 * eoip0 a MikroTik EoIP tunnel (tunnel id 42). Each persisted in /etc/hostname.IF on both ends.
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
  const alice = new openbsd.Gateway("alice", {
    connection: connection(cfg, "alice"),
    external: { interface: "vio0", address: "192.0.2.1", address6: "2001:db8::1/64" },
  });
  const bob = new openbsd.Gateway("bob", {
    connection: connection(cfg, "bob"),
    external: { interface: "vio0", address: "192.0.2.2", address6: "2001:db8::2/64" },
  });
  new openbsd.GifTunnel("ip-in-ip", {
    left: { gateway: alice, interface: "gif0", inner: "172.16.0.1" },
    right: { gateway: bob, interface: "gif0", inner: "172.16.0.2" },
  });
  new openbsd.GifTunnel("ipv4-in-ipv6", {
    outer: "inet6",
    left: { gateway: alice, interface: "gif1", inner: "172.16.1.1" },
    right: { gateway: bob, interface: "gif1", inner: "172.16.1.2" },
  });
  new openbsd.GifTunnel("gre", {
    kind: "gre",
    left: { gateway: alice, interface: "gre0", inner: "10.0.0.1" },
    right: { gateway: bob, interface: "gre0", inner: "10.0.0.2" },
  });
  new openbsd.GifTunnel("eoip", {
    kind: "eoip",
    vnetid: 42,
    left: { gateway: alice, interface: "eoip0" },
    right: { gateway: bob, interface: "eoip0" },
  });
  return { alice: alice.config.id, bob: bob.config.id };
}

// the program: Pulumi calls the function its module exports, and exports what it returns as the stack outputs
export = main;
