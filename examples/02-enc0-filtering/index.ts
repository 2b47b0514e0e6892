/**
 * Scenario 2 (seeds/000 "Filtering Traffic on the Tunnel"): `block on enc0`, ipencap from the peer passed
 * with `keep state (if-bound)`; gateway 1 lets network 1 reach the web server 192.168.15.5 on ports 80 and
 * 443 only; gateway 2's ike rule tags decapsulated packets `net1-to-net2` and pf passes what is tagged.
 *
 * Config: as 01-site-to-site.
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
    left: {
      gateway: gw1,
      // users on network 1 may reach the web server, nothing else leaves on enc0
      rules: "pass out on enc0 proto tcp from em0:network to 192.168.15.5 port { 80 443 } keep state (if-bound)",
    },
    right: {
      gateway: gw2,
      tag: "net1-to-net2",
      rules: "pass out on em0 proto tcp to 192.168.15.5 port { 80 443 } keep state (if-bound) tagged net1-to-net2",
    },
    psk: cfg.requireSecret("psk"),
    main: { auth: "hmac-sha2-256", enc: "blowfish" },
    quick: { auth: "hmac-sha2-384", enc: "blowfish" },
    enc0: "filter",
  });
  return { gw1: gw1.config.id, gw2: gw2.config.id };
}

// the program: Pulumi calls the function its module exports, and exports what it returns as the stack outputs
export = main;
