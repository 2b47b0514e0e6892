/**
 * Scenario 11 (seeds/002 "NAT traversal configuration"): gateway 1 sits behind a NAT router — its egress em1
 * has the private address 10.0.0.2, and the router masquerades it as 198.51.100.2 — while gateway 2 is on the
 * Internet at 192.0.123.85. Gateway 1 declares the NAT's public address (`external.nat`): gateway 2's ipsec.conf
 * names 198.51.100.2 as its `peer` and its pf passes udp 500 and 4500 (and esp) from it; gateway 1 keeps its own
 * address and initiates (its NAT forwards nothing, so gateway 2 only answers: `passive`). isakmpd finds the NAT
 * during phase 1 and moves IKE and ESP to udp 4500 (NAT-T); both gateways pin `net.inet.esp.udpencap=1`.
 *
 * A mistake that needs both ends is refused at preview: gateway 2 waiting passively for a gateway whose NAT
 * drops its packets, a `dstid` naming the NAT's address (isakmpd behind a NAT sends its own), both ends behind
 * NAT, or manual keying across the NAT.
 *
 * Config: gw1Host, gw1Port, gw1HostKey, gw2Host, gw2Port, gw2HostKey, sshKey (secret), psk (secret).
 */
import * as pulumi from "@pulumi/pulumi";
import * as openbsd from "pulumi-openbsd";

function connection(cfg: pulumi.Config, gw: string): openbsd.ConnectionArgs {
  return { host: cfg.require(`${gw}Host`), port: cfg.getNumber(`${gw}Port`) ?? 22, privateKey: cfg.requireSecret("sshKey"), hostKey: cfg.require(`${gw}HostKey`) };
}

async function main() {
  const cfg = new pulumi.Config();
  const gw1 = new openbsd.Gateway("gw1", {
    connection: connection(cfg, "gw1"),
    external: { interface: "em1", address: "10.0.0.2", nat: { publicAddress: "198.51.100.2" } },
    internal: { interface: "em0", network: "172.16.0.0/24" },
  });
  const gw2 = new openbsd.Gateway("gw2", {
    connection: connection(cfg, "gw2"),
    external: { interface: "em1", address: "192.0.123.85" },
    internal: { interface: "em0", network: "192.168.15.0/24" },
  });
  new openbsd.SiteToSiteTunnel("net1-net2", {
    left: gw1,
    right: { gateway: gw2, mode: "passive" },
    psk: cfg.requireSecret("psk"),
    main: { auth: "hmac-sha2-256", enc: "aes-256" },
    quick: { auth: "hmac-sha2-256", enc: "aes-256" },
  });
  return { gw1: gw1.config.id, gw2: gw2.config.id };
}

// the program: Pulumi calls the function its module exports, and exports what it returns as the stack outputs
export = main;
