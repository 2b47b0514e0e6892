/**
 * Scenario 3 (seeds/000 "Filtering Traffic Using IKE Policy"): only TCP port 80 and 443 from network 1
 * to network 2 enter the tunnel: one ike rule per port on each end (mirrored on gateway 2).
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
  new openbsd.SiteToSiteTunnel("net1-net2-www", {
    left: gw1,
    right: gw2,
    psk: cfg.requireSecret("psk"),
    main: { auth: "hmac-sha2-256", enc: "blowfish" },
    quick: { auth: "hmac-sha2-384", enc: "blowfish" },
    policies: [
      { proto: "tcp", port: 80 },
      { proto: "tcp", port: 443 },
    ],
  });
  return { gw1: gw1.config.id, gw2: gw2.config.id };
}

// the program: Pulumi calls the function its module exports, and exports what it returns as the stack outputs
export = main;
