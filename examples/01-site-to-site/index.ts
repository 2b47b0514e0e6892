/**
 * Scenario 1 (seeds/000 "Building a Site-to-Site Tunnel"): gateway 1 (em1 192.0.2.153, network 1
 * 172.16.0.0/24) and gateway 2 (em1 192.0.123.85, network 2 192.168.15.0/24), ESP tunnel mode, PSK,
 * main mode hmac-sha2-256/blowfish, quick mode hmac-sha2-384/blowfish. The program renders both
 * ipsec.conf files, the pf rules for udp 500/4500 and esp between the peers, isakmpd -K and ipsec=YES.
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
    external: { interface: "em1", address: "192.0.2.153" },
    internal: { interface: "em0", network: "172.16.0.0/24" },
  });
  const gw2 = new openbsd.Gateway("gw2", {
    connection: connection(cfg, "gw2"),
    external: { interface: "em1", address: "192.0.123.85" },
    internal: { interface: "em0", network: "192.168.15.0/24" },
  });
  new openbsd.SiteToSiteTunnel("net1-net2", {
    left: gw1,
    right: gw2,
    psk: cfg.requireSecret("psk"),
    main: { auth: "hmac-sha2-256", enc: "blowfish" },
    quick: { auth: "hmac-sha2-384", enc: "blowfish" },
  });
  return { gw1: gw1.config.id, gw2: gw2.config.id };
}

// the program: Pulumi calls the function its module exports, and exports what it returns as the stack outputs
export = main;
