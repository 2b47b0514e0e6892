/**
 * Scenario 11 (seeds/002 "Configuring a VPN with OpenSSH"): the guide's alice (gateway 1: em1 192.0.2.153,
 * network 172.16.0.0/24) opens `ssh -w 0:0` to bob (gateway 2: em1 192.0.123.85, network 192.168.15.0/24);
 * tun0 at both ends on the guide's interconnection network 172.16.2.0/30 (alice .1, bob .2), routes to
 * the other site through it.
 *
 * What each gateway gets:
 * - both: /etc/hostname.tun0 (`inet … 255.255.255.252`, `dest` the other end, `up`, `!route -q add …`),
 *   applied with `sh /etc/netstart tun0`; pf passing ssh between the egress addresses and traffic on tun0;
 * - bob: /etc/ssh/sshd_config with `PermitTunnel point-to-point` (checked with `sshd -t` before it replaces
 *   the working file; sshd reloaded after), and alice's key in /etc/ssh/sshtun_authorized_keys, restricted
 *   to the tunnel (`restrict,from="192.0.2.153",tunnel="0",command="/sbin/nologin"`);
 * - alice: the key (/etc/ssh/sshtun0_ed25519, 0600, derived from her key seed: a secret), bob's host key
 *   (/etc/ssh/sshtun0_known_hosts) and /etc/rc.d/sshtun0, enabled and started with rcctl: it keeps
 *   `ssh -N -w 0:0 …` running (started again 10 s after it exits) and comes back at every boot;
 * - bob's sshd drops alice's session when she stops answering (a `Match` block with ClientAliveInterval),
 *   freeing tun0 for her next attempt.
 *
 * Config: gw1Host, gw1Port, gw1HostKey, gw2Host, gw2Port, gw2HostKey, sshKey (secret); optional keySeed
 * (secret); optional sshdConfigFile: a copy of bob's sshd_config as it is (the base the tunnel edits;
 * default OpenBSD's stock file). bob's sshd must listen on 192.0.123.85 for alice to reach it.
 */
import { readFileSync } from "node:fs";
import * as pulumi from "@pulumi/pulumi";
import * as openbsd from "pulumi-openbsd";

function connection(cfg: pulumi.Config, gw: string): openbsd.ConnectionArgs {
  return { host: cfg.require(`${gw}Host`), port: cfg.getNumber(`${gw}Port`) ?? 22, privateKey: cfg.requireSecret("sshKey"), hostKey: cfg.require(`${gw}HostKey`) };
}

async function main() {
  const cfg = new pulumi.Config();
  const keySeed = cfg.getSecret("keySeed");
  const sshdConfigFile = cfg.get("sshdConfigFile");
  const alice = new openbsd.Gateway("gw1", {
    connection: connection(cfg, "gw1"),
    external: { interface: "em1", address: "192.0.2.153" },
    internal: { interface: "em0", network: "172.16.0.0/24" },
    ...(keySeed ? { keySeed } : {}),
  });
  const bob = new openbsd.Gateway("gw2", {
    connection: connection(cfg, "gw2"),
    external: { interface: "em1", address: "192.0.123.85" },
    internal: { interface: "em0", network: "192.168.15.0/24" },
    ...(keySeed ? { keySeed } : {}),
  });
  const tun = new openbsd.SshTunnel("alice-bob", {
    client: { gateway: alice, interface: "tun0", inner: "172.16.2.1/30" },
    server: { gateway: bob, interface: "tun0", inner: "172.16.2.2/30", ...(sshdConfigFile ? { sshdConfig: readFileSync(sshdConfigFile, "utf8") } : {}) },
  });
  return { gw1: alice.config.id, gw2: bob.config.id, clientPublicKey: tun.clientPublicKey, service: tun.service };
}

// the program: Pulumi calls the function its module exports, and exports what it returns as the stack outputs
export = main;
