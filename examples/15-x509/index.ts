/**
 * X.509 authentication (seeds/003, OpenBSD FAQ 13.9 "How do I use isakmpd with X.509 certificates?";
 * isakmpd(8) and iked(8) "X.509 AUTHENTICATION"): a CA, and for each gateway a key and a certificate whose
 * SubjectAltName is the identity the tunnel uses. Gateway 1 is known by its address (SAN IP, isakmpd's
 * default ID), gateway 2 by an FQDN given as `srcid` (SAN DNS), as in the FAQ; both ike rules (or iked
 * policies) name both identities (`srcid`/`dstid`), the FAQ's answer to "isakmpd has never been told what
 * ID that should be". The CA's key is derived from its secret seed on every run and never stored or
 * installed; each gateway gets ca/vpn-ca.crt, certs/ID.crt and private/local.key (0600) under /etc/isakmpd
 * (or /etc/iked with `ike: iked`).
 *
 * Config: gw1Host, gw1Port, gw1HostKey, gw2Host, gw2Port, gw2HostKey, sshKey (secret), caSeed (secret),
 * ike (isakmpd | iked, default isakmpd), gw2Id (gateway 2's FQDN identity, default gw2.example.org).
 */
import * as pulumi from "@pulumi/pulumi";
import * as openbsd from "pulumi-openbsd";

function connection(cfg: pulumi.Config, gw: string): openbsd.ConnectionArgs {
  return { host: cfg.require(`${gw}Host`), port: cfg.getNumber(`${gw}Port`) ?? 22, privateKey: cfg.requireSecret("sshKey"), hostKey: cfg.require(`${gw}HostKey`) };
}

async function main() {
  const cfg = new pulumi.Config();
  const ike = (cfg.get("ike") ?? "isakmpd") as "isakmpd" | "iked";
  const ca = new openbsd.CertificateAuthority("vpn-ca", { keySeed: cfg.requireSecret("caSeed"), commonName: "VPN CA" });
  const gw1 = new openbsd.Gateway("gw1", {
    connection: connection(cfg, "gw1"),
    ike,
    external: { interface: "em1", address: "192.0.2.153" },
    internal: { interface: "em0", network: "172.16.0.0/24" },
  });
  const gw2 = new openbsd.Gateway("gw2", {
    connection: connection(cfg, "gw2"),
    ike,
    external: { interface: "em1", address: "192.0.123.85" },
    internal: { interface: "em0", network: "192.168.15.0/24" },
  });
  new openbsd.SiteToSiteTunnel("net1-net2", {
    left: ike === "iked" ? { gateway: gw1, mode: "passive" } : gw1,
    right: { gateway: gw2, srcid: cfg.get("gw2Id") ?? "gw2.example.org" },
    auth: "x509",
    ca,
  });
  return { gw1: gw1.config.id, gw2: gw2.config.id, caCertificate: ca.certificate };
}

// the program: Pulumi calls the function its module exports, and exports what it returns as the stack outputs
export = main;
