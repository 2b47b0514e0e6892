/**
 * isakmpd (IKEv1) with public-key authentication (isakmpd(8) "PUBLIC KEY AUTHENTICATION", seeds/002
 * "Public Key authentication"): the site-to-site tunnel of scenario 1 without a PSK. Each gateway gets an
 * RSA key pair derived from its key seed (by default its SSH private key): /etc/isakmpd/private/local.key
 * (0600, a secret in the state) and local.pub, and its peer's public key under the identity the peer sends:
 * gateway 1 is known by its address (pubkeys/ipv4/192.0.2.153 on gateway 2), gateway 2 by the FQDN it
 * gives as `srcid` (pubkeys/fqdn/gw2.example.org on gateway 1). Both ike rules name both identities.
 *
 * Config: gw1Host, gw1Port, gw1HostKey, gw2Host, gw2Port, gw2HostKey, sshKey (secret).
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
    right: { gateway: gw2, srcid: "gw2.example.org" },
    auth: "publickey",
    main: { auth: "hmac-sha2-256", enc: "aes-256" },
    quick: { auth: "hmac-sha2-256", enc: "aes-256" },
  });
  return { gw1: gw1.config.id, gw2: gw2.config.id };
}

// the program: Pulumi calls the function its module exports, and exports what it returns as the stack outputs
export = main;
