/**
 * Scenario 10 (wg(4), beyond the guides): the guide's two sites (gateway 1: em1 192.0.2.153, network
 * 172.16.0.0/24; gateway 2: em1 192.0.123.85, network 192.168.15.0/24) joined by WireGuard on wg0,
 * inner subnet 10.9.0.0/24. Each gateway gets /etc/hostname.wg0 (mode 0600: `wgkey`, `wgport 51820`,
 * the other as `wgpeer … wgendpoint … wgaip`), applied with `sh /etc/netstart wg0`, and pf rules
 * passing udp 51820 between the two egress addresses. Private keys are derived from each gateway's key
 * seed (its SSH key unless `keySeed` is given) and stay secret; the public keys are stack outputs.
 *
 * Config: gw1Host, gw1Port, gw1HostKey, gw2Host, gw2Port, gw2HostKey, sshKey (secret); optional keySeed
 * (secret): what both gateways derive their keys from instead of the SSH key (keys then survive an SSH
 * key rotation; each gateway still gets its own key pair).
 */
import * as pulumi from "@pulumi/pulumi";
import * as openbsd from "pulumi-openbsd";

function connection(cfg: pulumi.Config, gw: string): openbsd.ConnectionArgs {
  return { host: cfg.require(`${gw}Host`), port: cfg.getNumber(`${gw}Port`) ?? 22, privateKey: cfg.requireSecret("sshKey"), hostKey: cfg.require(`${gw}HostKey`) };
}

async function main() {
  const cfg = new pulumi.Config();
  const keySeed = cfg.getSecret("keySeed");
  const gw1 = new openbsd.Gateway("gw1", {
    connection: connection(cfg, "gw1"),
    external: { interface: "em1", address: "192.0.2.153" },
    internal: { interface: "em0", network: "172.16.0.0/24" },
    ...(keySeed ? { keySeed } : {}),
  });
  const gw2 = new openbsd.Gateway("gw2", {
    connection: connection(cfg, "gw2"),
    external: { interface: "em1", address: "192.0.123.85" },
    internal: { interface: "em0", network: "192.168.15.0/24" },
    ...(keySeed ? { keySeed } : {}),
  });
  const wg = new openbsd.WireGuardTunnel("site1-site2", {
    left: { gateway: gw1, interface: "wg0", inner: "10.9.0.1/24" },
    right: { gateway: gw2, interface: "wg0", inner: "10.9.0.2/24" },
    keepalive: 25,
  });
  return { gw1: gw1.config.id, gw2: gw2.config.id, gw1PublicKey: wg.leftPublicKey, gw2PublicKey: wg.rightPublicKey };
}

// the program: Pulumi calls the function its module exports, and exports what it returns as the stack outputs
export = main;
