/**
 * Scenario 13 (seeds/002, "Configuring a VPN with Tinc": `pkg_add tinc`, a meshed VPN where every node is
 * both client and server, TCP/UDP 655): three sites on one Internet segment (gateway N: em1 10.254.0.N,
 * network 10.N.0.0/24) joined by the tinc network `vpn` on tun0, VPN addresses 10.10.0.N/24. Each gateway gets
 * the `tinc` package (pkg_add), /etc/tinc/vpn/tinc.conf (`ConnectTo` the two others), hosts/gw1..gw3 (address,
 * subnets, RSA public key), its rsa_key.priv (0600, a Pulumi secret derived from its key seed), tinc-up
 * (address and routes to the other sites), rc.d `tincd` enabled with `-n vpn`, and pf rules for port 655.
 *
 * Config: gwNHost, gwNPort, gwNHostKey for N = 1..3, sshKey (secret); optional keySeed (secret).
 */
import * as pulumi from "@pulumi/pulumi";
import * as openbsd from "pulumi-openbsd";

function connection(cfg: pulumi.Config, gw: string): openbsd.ConnectionArgs {
  return { host: cfg.require(`${gw}Host`), port: cfg.getNumber(`${gw}Port`) ?? 22, privateKey: cfg.requireSecret("sshKey"), hostKey: cfg.require(`${gw}HostKey`) };
}

async function main() {
  const cfg = new pulumi.Config();
  const keySeed = cfg.getSecret("keySeed");
  const gateways = [1, 2, 3].map(
    (n) =>
      new openbsd.Gateway(`gw${n}`, {
        connection: connection(cfg, `gw${n}`),
        external: { interface: "em1", address: `10.254.0.${n}/16` },
        internal: { interface: "em0", network: `10.${n}.0.0/24` },
        ...(keySeed ? { keySeed } : {}),
      }),
  );
  const vpn = new openbsd.TincNetwork("vpn", {
    members: gateways.map((gateway, i) => ({ gateway, inner: `10.10.0.${i + 1}/24` })),
  });
  return { gateways: gateways.map((g) => g.config.id), publicKeys: vpn.publicKeys };
}

// the program: Pulumi calls the function its module exports, and exports what it returns as the stack outputs
export = main;
