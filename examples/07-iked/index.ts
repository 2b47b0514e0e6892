/**
 * Scenario 7 (seeds/002 "IPSec VPN with iked (IKEv2)"): gateway 1 is the passive responder, gateway 2 the
 * active initiator; one policy with several from/to pairs (IPv4 and IPv6 networks); iked.conf 0600.
 * `auth` = `psk` (the guide's "dont_use_psk_its_a_bad_idea", from config) or `publickey`: ECDSA key pairs
 * derived from each gateway's key seed; each gateway gets its private key and the other's public key in
 * /etc/iked/pubkeys/ipv4/PEER (Known hard problem 2). The guide's lab addresses are mapped onto the
 * site-to-site lab's gateways.
 *
 * Config: as 01-site-to-site, plus `auth` (psk | publickey, default psk).
 */
import * as pulumi from "@pulumi/pulumi";
import * as openbsd from "pulumi-openbsd";

function connection(cfg: pulumi.Config, gw: string): openbsd.ConnectionArgs {
  return { host: cfg.require(`${gw}Host`), port: cfg.getNumber(`${gw}Port`) ?? 22, privateKey: cfg.requireSecret("sshKey"), hostKey: cfg.require(`${gw}HostKey`) };
}

async function main() {
  const cfg = new pulumi.Config();
  const auth = (cfg.get("auth") ?? "psk") as "psk" | "publickey";
  const gw1 = new openbsd.Gateway("gw1", {
    connection: connection(cfg, "gw1"),
    ike: "iked",
    external: { interface: "em1", address: "192.0.2.153" },
    internal: { interface: "em0", network: "172.16.0.0/24" },
    esp: true,
    ah: true,
  });
  const gw2 = new openbsd.Gateway("gw2", {
    connection: connection(cfg, "gw2"),
    ike: "iked",
    external: { interface: "em1", address: "192.0.123.85" },
    internal: { interface: "em0", network: "192.168.15.0/24" },
    esp: true,
    ah: true,
  });
  new openbsd.SiteToSiteTunnel("net1-net2", {
    left: { gateway: gw1, mode: "passive", networks: ["172.16.0.0/24", "fdd0:48b3:1360:ab79::/64"] },
    right: { gateway: gw2, mode: "active", networks: ["192.168.15.0/24", "fdd0:48b3:1360:ab7a::/64"] },
    auth,
    ...(auth === "psk" ? { psk: cfg.requireSecret("psk") } : {}),
  });
  return { gw1: gw1.config.id, gw2: gw2.config.id };
}

// the program: Pulumi calls the function its module exports, and exports what it returns as the stack outputs
export = main;
