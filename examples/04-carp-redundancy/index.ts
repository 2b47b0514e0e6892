/**
 * Scenario 4 (seeds/000 "Adding Redundancy"): gateways 1a (em0 172.16.0.2, em1 192.0.2.154) and 1b
 * (em0 172.16.0.3, em1 192.0.2.155) share carp1 172.16.0.1 (internal) and carp2 192.0.2.153 (external);
 * the tunnel to gateway 2 is bound to the CARP address with `local`; sasyncd tracks carp2 and peers with
 * the other member (0600 sharedkey); pfsync on em2; isakmpd -S through rc.d; start order isakmpd →
 * ipsecctl → sasyncd. 1a (advskew 0) is the intended master: updates reach 1b first.
 *
 * Config: gw1aHost/Port/HostKey, gw1bHost/Port/HostKey, gw2Host/Port/HostKey, sshKey, psk,
 * sharedkey (secret, 64 hex digits), carpPass (secret).
 */
import * as pulumi from "@pulumi/pulumi";
import * as openbsd from "pulumi-openbsd";

function connection(cfg: pulumi.Config, gw: string): openbsd.ConnectionArgs {
  return { host: cfg.require(`${gw}Host`), port: cfg.getNumber(`${gw}Port`) ?? 22, privateKey: cfg.requireSecret("sshKey"), hostKey: cfg.require(`${gw}HostKey`) };
}

async function main() {
  const cfg = new pulumi.Config();
  const member = (name: string, em0: string, em1: string) =>
    new openbsd.Gateway(name, {
      connection: connection(cfg, name),
      external: { interface: "em1", address: em1 },
      internal: { interface: "em0", address: `${em0}/24` },
    });
  const gw1a = member("gw1a", "172.16.0.2", "192.0.2.154");
  const gw1b = member("gw1b", "172.16.0.3", "192.0.2.155");
  const gw2 = new openbsd.Gateway("gw2", {
    connection: connection(cfg, "gw2"),
    external: { interface: "em1", address: "192.0.123.85" },
    internal: { interface: "em0", network: "192.168.15.0/24" },
  });
  const carpPass = cfg.requireSecret("carpPass");
  const gw1 = new openbsd.CarpPair("gw1", {
    members: [
      { gateway: gw1a, advskew: 0, syncAddress: "172.16.0.2" },
      { gateway: gw1b, advskew: 100, syncAddress: "172.16.0.3" },
    ],
    segments: [
      { interface: "carp1", carpdev: "em0", address: "172.16.0.1/24", vhid: 1, password: carpPass },
      { interface: "carp2", carpdev: "em1", address: "192.0.2.153/24", vhid: 2, password: carpPass },
    ],
    pfsync: { syncdev: "em2" },
    sharedkey: cfg.requireSecret("sharedkey"),
  });
  new openbsd.SiteToSiteTunnel("net1-net2", {
    left: gw1,
    right: gw2,
    psk: cfg.requireSecret("psk"),
    main: { auth: "hmac-sha2-256", enc: "blowfish" },
    quick: { auth: "hmac-sha2-384", enc: "blowfish" },
  });
  return { master: gw1.master.config.id, backup: gw1.backup.config.id, gw2: gw2.config.id };
}

// the program: Pulumi calls the function its module exports, and exports what it returns as the stack outputs
export = main;
