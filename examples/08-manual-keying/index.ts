/**
 * Scenario 8 (seeds/000 "ipsecctl -s all", seeds/003 manual keying, keys of seeds/004): no IKE daemon;
 * ipsec.conf holds a flow between the networks and the pair of ESP tunnel SAs (`spi`, `authkey`, `enckey`),
 * loaded by ipsecctl at boot (ipsec=YES). The keys come from config as secrets; without them they are
 * derived from the gateways' key seeds and kept secret.
 *
 * Config: as 01-site-to-site (no psk); optional authkeyLR/authkeyRL/enckeyLR/enckeyRL secrets.
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
  const a = cfg.getSecret("authkeyLR");
  const e = cfg.getSecret("enckeyLR");
  new openbsd.SiteToSiteTunnel("net1-net2", {
    left: gw1,
    right: gw2,
    manual: {
      spi: { leftToRight: 0xdeadbeef, rightToLeft: 0xfeedbeef },
      auth: "hmac-sha2-256",
      enc: "aes",
      ...(a ? { authkey: { leftToRight: a, rightToLeft: cfg.requireSecret("authkeyRL") } } : {}),
      ...(e ? { enckey: { leftToRight: e, rightToLeft: cfg.requireSecret("enckeyRL") } } : {}),
    },
  });
  return { gw1: gw1.config.id, gw2: gw2.config.id };
}

// the program: Pulumi calls the function its module exports, and exports what it returns as the stack outputs
export = main;
