/**
 * Scenario 12 (seeds/002, "Configuring a VPN with OpenVPN": `pkg_add openvpn`): the guide's two sites
 * (gateway 1: em1 192.0.2.153, network 172.16.0.0/24; gateway 2: em1 192.0.123.85, network 192.168.15.0/24)
 * joined by an OpenVPN point-to-point tunnel on tun0, inner addresses 10.8.0.1 and 10.8.0.2. Each gateway
 * gets the `openvpn` package (pkg_add), /etc/openvpn/site1-site2.conf, the shared static key
 * /etc/openvpn/site1-site2.key (0600, a Pulumi secret), rc.d `openvpn` enabled with
 * `--config /etc/openvpn/site1-site2.conf` and started, a route to the other site through the tunnel, and pf
 * rules passing udp 1194 between the egress addresses.
 *
 * Config: gw1Host, gw1Port, gw1HostKey, gw2Host, gw2Port, gw2HostKey, sshKey (secret); optional openvpnKey
 * (secret): the static key (`openvpn --genkey secret /dev/stdout`); without it the key is derived from gw1's
 * key seed (its SSH key unless keySeed is given).
 */
import * as pulumi from "@pulumi/pulumi";
import * as openbsd from "pulumi-openbsd";

function connection(cfg: pulumi.Config, gw: string): openbsd.ConnectionArgs {
  return { host: cfg.require(`${gw}Host`), port: cfg.getNumber(`${gw}Port`) ?? 22, privateKey: cfg.requireSecret("sshKey"), hostKey: cfg.require(`${gw}HostKey`) };
}

async function main() {
  const cfg = new pulumi.Config();
  const keySeed = cfg.getSecret("keySeed");
  const key = cfg.getSecret("openvpnKey");
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
  const vpn = new openbsd.OpenVpnTunnel("site1-site2", {
    left: { gateway: gw1, interface: "tun0", inner: "10.8.0.1" },
    right: { gateway: gw2, interface: "tun0", inner: "10.8.0.2" },
    ...(key ? { key } : {}),
    cipher: "AES-256-CBC",
    auth: "SHA256",
  });
  return { gw1: gw1.config.id, gw2: gw2.config.id, configFile: vpn.configFile };
}

// the program: Pulumi calls the function its module exports, and exports what it returns as the stack outputs
export = main;
