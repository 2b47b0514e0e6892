/**
 * Scenario 9: host basics on gateway 1 — IPv4 and IPv6 forwarding, esp/ah enabled, NAT-T accepted,
 * ntpd with `-s` through rcctl (rc.conf.local) — and the gateway's connection handed to
 * `@pulumi/command`'s `remote.Command`, which runs after the gateway's commit and reports the
 * forwarding sysctl as the host sees it.
 *
 * Config: gw1Host/Port/HostKey, sshKey; `command` (true/false, default true) to use remote.Command.
 */
import * as pulumi from "@pulumi/pulumi";
import * as command from "@pulumi/command";
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
    forwarding: { ipv4: 1, ipv6: 1 },
    esp: true,
    ah: true,
    sysctls: { "net.inet.esp.udpencap": "1" },
    services: { ntpd: { flags: "-s" } },
  });
  if (cfg.getBoolean("command") === false) return { gw1: gw1.config.id };
  const check = new command.remote.Command(
    "forwarding",
    { connection: gw1.connection, create: "sysctl net.inet.ip.forwarding net.inet6.ip6.forwarding" },
    { dependsOn: [gw1.config] },
  );
  return { gw1: gw1.config.id, forwarding: check.stdout };
}

// the program: Pulumi calls the function its module exports, and exports what it returns as the stack outputs
export = main;
