/** SshTunnel in the planner: the files of both ends line for line, and both-end mistakes refused at preview. */
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { planAndRender, PlanError } from "../../../sdk/planner/index";
import { deriveSshTunnelKey, sshPublicKeyOf } from "../../../sdk/planner/sshkeys";
import type { SshTunnelSpec } from "../../../sdk/planner/ssh-tunnel";
import { OPENBSD_SSHD_CONFIG, renderSshdConfig } from "../../../sdk/planner/sshd-config";
import { FP_KEY, gw, gw1, gw2, topo } from "../planner/fixtures";

const key = deriveSshTunnelKey("seed-gw1", "gw1", 0);
const PUB = key.publicKey.split(" ").slice(0, 2).join(" ");
const HOSTKEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl";
const st = (more: Partial<SshTunnelSpec> = {}, server: Partial<SshTunnelSpec["server"]> = {}, client: Partial<SshTunnelSpec["client"]> = {}): SshTunnelSpec => ({
  name: "alice-bob",
  client: { node: "gw1", unit: 0, inner: { address: "172.16.2.1", prefix: 30 }, ...client },
  server: { node: "gw2", unit: 0, inner: { address: "172.16.2.2", prefix: 30 }, port: 22, user: "root", hostKey: HOSTKEY, ...server },
  privateKey: key.privateKey, publicKey: key.publicKey, aliveInterval: 15, aliveCountMax: 3,
  ...more,
});
const plan = (ts: SshTunnelSpec[], gateways = [gw1(), gw2()]) => planAndRender(topo({ gateways, tunnels: [], sshTunnels: ts }), { fingerprintKey: FP_KEY });
const issuesOf = (ts: SshTunnelSpec[], gateways = [gw1(), gw2()]): string[] => {
  try {
    plan(ts, gateways);
  } catch (e) {
    if (e instanceof PlanError) return e.message.split("\n");
    throw e;
  }
  return [];
};
const T = 'SshTunnel "alice-bob", Gateway "gw1", Gateway "gw2"';

describe("SshTunnel in the planner", () => {
  it("writes hostname.tun0 on both ends: point-to-point, up, routes to the other end's networks", () => {
    const r = plan([st()]);
    expect(r.states.gw1!.files["/etc/hostname.tun0"]).toMatchObject({ mode: "0640", content: "inet 172.16.2.1 255.255.255.252\ndest 172.16.2.2\nup\n!route -q add -inet 192.168.15.0/24 172.16.2.2\n" });
    expect(r.states.gw2!.files["/etc/hostname.tun0"]!.content).toBe("inet 172.16.2.2 255.255.255.252\ndest 172.16.2.1\nup\n!route -q add -inet 172.16.0.0/24 172.16.2.1\n");
    expect(r.states.gw1!.interfaces).toEqual(["tun0"]);
    expect(r.states.gw2!.interfaces).toEqual(["tun0"]);
  });

  it("gives the client its key (0600, secret), the server's host key and an rc.d daemon, enabled and running", () => {
    const r = plan([st()]);
    const c = r.states.gw1!;
    expect(c.files["/etc/ssh/sshtun0_ed25519"]).toMatchObject({ mode: "0600", secret: true, content: key.privateKey });
    expect(c.secrets).toContain(key.privateKey.trim());
    expect(c.files["/etc/ssh/sshtun0_known_hosts"]).toMatchObject({ mode: "0644", content: `192.0.123.85 ${HOSTKEY}\n` });
    expect(c.files["/etc/rc.d/sshtun0"]!.mode).toBe("0555");
    expect(c.files["/etc/rc.d/sshtun0"]!.content.split("\n")).toEqual([
      "#!/bin/ksh",
      "#",
      "# ssh -w tunnel: tun0 to tun0 of root@192.0.123.85 (written by pulumi-openbsd)",
      "",
      'daemon="/usr/bin/ssh"',
      'daemon_flags="-N -w 0:0 -o Tunnel=point-to-point -o BatchMode=yes -o ExitOnForwardFailure=yes -o ServerAliveInterval=15 -o ServerAliveCountMax=3 -o StrictHostKeyChecking=yes -o UserKnownHostsFile=/etc/ssh/sshtun0_known_hosts -o BindAddress=192.0.2.153 -i /etc/ssh/sshtun0_ed25519 -p 22 -l root 192.0.123.85"',
      "",
      ". /etc/rc.d/rc.subr",
      "",
      "rc_bg=YES",
      "rc_reload=NO",
      "",
      "# supervise ssh: start it again 10 seconds after it exits (the link or the server went away)",
      "rc_start() {",
      '\trc_exec "while :; do ${daemon} ${daemon_flags}; sleep 10; done"',
      "}",
      "",
      "rc_check() {",
      '\tpgrep -T "${daemon_rtable}" -q -f "while :; do ${pexp}; sleep 10; done"',
      "}",
      "",
      "rc_stop() {",
      '\tpkill -T "${daemon_rtable}" -f "while :; do ${pexp}; sleep 10; done"',
      "\t_rc_sendsig TERM",
      "}",
      "",
      "rc_cmd $1",
      "",
    ]);
    expect(c.services).toEqual({ sshtun0: { order: 10, enabled: true, running: true } });
    // the server gets the public half only
    expect(JSON.stringify(r.states.gw2)).not.toContain(key.privateKey.split("\n")[2]);
  });

  it("edits the server's sshd_config (checked with sshd -t) and authorizes the key for the tunnel only", () => {
    const r = plan([st({}, { port: 2222 })]);
    const s = r.states.gw2!;
    const f = s.files["/etc/ssh/sshd_config"]!;
    expect(f).toMatchObject({ mode: "0644", check: "sshd" });
    const stock = OPENBSD_SSHD_CONFIG.split("\n");
    const got = f.content.split("\n");
    // the stock file edited in place, then one Match block for the client
    expect(got.slice(stock.length - 1)).toEqual([
      "",
      "# ssh -w tunnel client (pulumi-openbsd): drop it when it stops answering, freeing its tun device",
      "Match User root Address 192.0.2.153",
      "\tClientAliveInterval 15",
      "\tClientAliveCountMax 3",
      "",
    ]);
    expect(got.slice(0, stock.length - 1).flatMap((l, i) => (l === stock[i] ? [] : [`${stock[i]} -> ${l}`]))).toEqual([
      "AuthorizedKeysFile\t.ssh/authorized_keys -> AuthorizedKeysFile .ssh/authorized_keys /etc/ssh/sshtun_authorized_keys",
      "#PermitTunnel no -> PermitTunnel point-to-point",
    ]);
    expect(s.files["/etc/ssh/sshtun_authorized_keys"]).toMatchObject({ mode: "0644", content: `restrict,from="192.0.2.153",tunnel="0",command="/sbin/nologin" ${PUB} sshtun0@gw1\n` });
    expect(r.states.gw1!.files["/etc/ssh/sshtun0_known_hosts"]!.content).toBe(`[192.0.123.85]:2222 ${HOSTKEY}\n`);
  });

  it("passes ssh between the egress addresses and everything on tunN (vpn anchor)", () => {
    const r = plan([st()]);
    expect(r.states.gw1!.files["/etc/pf.anchors/vpn"]!.content).toBe("pass out on em1 proto tcp from 192.0.2.153 to 192.0.123.85 port = 22\npass on tun0 all\n");
    expect(r.states.gw2!.files["/etc/pf.anchors/vpn"]!.content).toBe("pass in on em1 proto tcp from 192.0.2.153 to 192.0.123.85 port = 22\npass on tun0 all\n");
  });

  it("serves two clients from one sshd: one sshd_config, both keys, each on its own tun unit", () => {
    const k3 = deriveSshTunnelKey("seed-gw3", "gw3", 0);
    const gw3 = gw("gw3", "198.51.100.7", "10.3.0.0/24");
    const r = plan([st(), st({ name: "carol-bob", privateKey: k3.privateKey, publicKey: k3.publicKey }, { unit: 1, inner: { address: "172.16.3.2", prefix: 30 } }, { node: "gw3", inner: { address: "172.16.3.1", prefix: 30 } })], [gw1(), gw2(), gw3]);
    expect(r.states.gw2!.files["/etc/ssh/sshtun_authorized_keys"]!.content.split("\n")).toEqual([
      `restrict,from="192.0.2.153",tunnel="0",command="/sbin/nologin" ${PUB} sshtun0@gw1`,
      `restrict,from="198.51.100.7",tunnel="1",command="/sbin/nologin" ${k3.publicKey.split(" ").slice(0, 2).join(" ")} sshtun0@gw3`,
      "",
    ]);
    expect(r.states.gw2!.interfaces).toEqual(["tun0", "tun1"]);
  });

  it("refuses both-end mistakes at preview, naming resources, field, value and fix", () => {
    expect(issuesOf([st({}, { node: "gw1" })])).toEqual([
      'SshTunnel "alice-bob", Gateway "gw1": client.gateway, server.gateway = gw1: both ends are the same gateway; connect two different gateways',
    ]);
    expect(issuesOf([st({}, { inner: { address: "172.16.2.1", prefix: 30 } })])).toEqual([
      `${T}: client.inner, server.inner = 172.16.2.1: both ends have the same inner address; give each end its own address of the subnet, e.g. \`172.16.2.1/30\` and \`172.16.2.2/30\``,
    ]);
    expect(issuesOf([st({}, { inner: { address: "172.16.9.2", prefix: 30 } })])).toEqual([
      `${T}: client.inner, server.inner = 172.16.2.1/30, 172.16.9.2/30: the inner addresses are not in the same subnet; give both ends addresses of one subnet, e.g. \`172.16.2.1/30\` at one end and another address of 172.16.2.0/30 at the other`,
    ]);
    // both sites number their LAN alike: each would route the other's into the tunnel
    expect(issuesOf([st()], [gw1(), gw("gw2", "192.0.123.85", "172.16.0.0/24")])).toEqual([
      "3 problems in the declared topology:",
      `- ${T}: client.networks = 172.16.0.0/24: overlaps Gateway "gw2"'s own internal network 172.16.0.0/24, which it would route into the tunnel; give each end distinct networks`,
      `- ${T}: server.networks = 172.16.0.0/24: overlaps Gateway "gw1"'s own internal network 172.16.0.0/24, which it would route into the tunnel; give each end distinct networks`,
      `- ${T}: client.networks, server.networks = 172.16.0.0/24, 172.16.0.0/24: the networks of the two ends overlap; give each end distinct networks`,
    ]);
    expect(issuesOf([st({}, { address: "2001:db8::2" })])).toEqual([
      `${T}: client.source, server.address = 192.0.2.153, 2001:db8::2: ssh cannot connect from an address of one family to an address of the other; give two IPv4 or two IPv6 addresses`,
    ]);
    expect(issuesOf([st({}, { hostKey: undefined })])).toEqual([
      `${T}: server.hostKey = (none): the client must check the server's host key, and Gateway "gw2"'s connection pins none; give \`server.hostKey\` (\`ssh-ed25519 AAAA…\`, from \`ssh-keyscan\`) or the server gateway's \`connection.hostKey\``,
    ]);
  });

  it("refuses a tun unit written twice on one gateway", () => {
    const k3 = deriveSshTunnelKey("seed-gw3", "gw3", 0);
    const gw3 = gw("gw3", "198.51.100.7", "10.3.0.0/24");
    expect(issuesOf([st(), st({ name: "carol-bob", privateKey: k3.privateKey, publicKey: k3.publicKey }, { inner: { address: "172.16.3.2", prefix: 30 } }, { node: "gw3", inner: { address: "172.16.3.1", prefix: 30 } })], [gw1(), gw2(), gw3])).toEqual([
      'SshTunnel "carol-bob", Gateway "gw2", SshTunnel "alice-bob": server.interface = tun0: SshTunnel "alice-bob" already uses tun0 on Gateway "gw2"; give each ssh tunnel its own tun unit on a gateway, e.g. `tun1`',
    ]);
    // and a different base sshd_config for one server
    expect(issuesOf([st(), st({ name: "carol-bob", privateKey: k3.privateKey, publicKey: k3.publicKey }, { unit: 1, sshdConfig: "PermitRootLogin yes\n", inner: { address: "172.16.3.2", prefix: 30 } }, { node: "gw3", inner: { address: "172.16.3.1", prefix: 30 } })], [gw1(), gw2(), gw3])).toEqual([
      'SshTunnel "carol-bob", SshTunnel "alice-bob", Gateway "gw2": server.sshdConfig = (a different file): SshTunnel "alice-bob" gives Gateway "gw2" another base sshd_config; give every SshTunnel served by this gateway the same `server.sshdConfig`',
    ]);
  });
});

describe("sshd_config edit", () => {
  it("replaces the first active directive before any Match, and refuses PermitTunnel inside a Match", () => {
    const base = "Port 2222\nPermitTunnel no\nAuthorizedKeysFile none\nMatch User git\n\tPermitTTY no\n";
    expect(renderSshdConfig(base)).toBe("Port 2222\nPermitTunnel point-to-point\nAuthorizedKeysFile /etc/ssh/sshtun_authorized_keys\nMatch User git\n\tPermitTTY no\n");
    expect(renderSshdConfig("Port 22\nMatch User git\n\tPermitTTY no\n")).toBe("Port 22\nPermitTunnel point-to-point\nAuthorizedKeysFile .ssh/authorized_keys /etc/ssh/sshtun_authorized_keys\nMatch User git\n\tPermitTTY no\n");
    expect(issuesOf([st({}, { sshdConfig: "Match User git\n\tPermitTunnel no\n" })])).toEqual([
      'SshTunnel "alice-bob": server.sshdConfig = (the base sshd_config): line 2 sets PermitTunnel inside a Match block, which would override the tunnel\'s setting for some logins; give the gateway\'s sshd_config as it is on the host, without that line',
    ]);
  });

  it("refuses a base that would shut out the management connection (sshd -t accepts every one of these)", () => {
    const refused = (base: string) => issuesOf([st({}, { sshdConfig: base })]);
    const msg = (reason: string) => [`SshTunnel "alice-bob": server.sshdConfig = (the base sshd_config): ${reason}; give the gateway's sshd_config as it is on the host, without that line`];
    expect(refused("PermitRootLogin yes\nForceCommand /bin/sh -c 'reboot'\n")).toEqual(msg("line 2 (`ForceCommand /bin/sh -c 'reboot'`) makes every login, the management connection's included, run that command instead of the provider's"));
    expect(refused("PermitRootLogin no\n")).toEqual(msg("line 1 (`PermitRootLogin no`) refuses the management connection, which logs in as root with its key"));
    expect(refused("PubkeyAuthentication no\n")).toEqual(msg("line 1 (`PubkeyAuthentication no`) refuses the management connection's key"));
    expect(refused("AllowUsers git admin\n")).toEqual(msg("line 1 (`AllowUsers git admin`) does not allow root, the management connection's login"));
    expect(refused("DenyUsers root\n")).toEqual(msg("line 1 (`DenyUsers root`) refuses root, the management connection's login"));
    expect(refused("AuthorizedKeysFile none\n")).toEqual(msg("line 1 (`AuthorizedKeysFile none`) no longer reads root's .ssh/authorized_keys, which holds the management connection's key"));
    // the first value of a keyword wins, and a Match block's settings are the user's business
    expect(refused("PermitRootLogin prohibit-password\nPermitRootLogin no\nAllowUsers root git\nMatch User git\n\tForceCommand /usr/local/bin/git-shell\n")).toEqual([]);
  });
});

describe("derived tunnel keys", () => {
  it("are stable, distinct per gateway and unit, and read by OpenSSH's own ssh-keygen", () => {
    expect(deriveSshTunnelKey("seed-gw1", "gw1", 0)).toEqual(key);
    expect(deriveSshTunnelKey("seed-gw1", "gw1", 1).publicKey).not.toBe(key.publicKey);
    expect(deriveSshTunnelKey("seed-gw1", "gw2", 0).publicKey).not.toBe(key.publicKey);
    expect(sshPublicKeyOf(key.privateKey)).toBe(PUB);
    if (!existsSync("/usr/bin/ssh-keygen")) return;
    const d = mkdtempSync(join(tmpdir(), "sshtun-"));
    try {
      writeFileSync(join(d, "k"), key.privateKey, { mode: 0o600 });
      expect(execFileSync("/usr/bin/ssh-keygen", ["-y", "-f", join(d, "k")], { encoding: "utf8" }).trim()).toBe(key.publicKey);
    } finally {
      rmSync(d, { recursive: true, force: true });
    }
  });
});
