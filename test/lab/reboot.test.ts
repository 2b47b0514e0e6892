// labReboot replays /etc/rc from the files on disk: what was persisted survives, what was only applied live does
// not. Also gif IPv4-in-IPv4 and IPv4-in-IPv6 tunnels with real pings on the `gif` topology.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { labDown, labExec, labReboot, labUp, type Lab } from "./api";

describe("gif topology and labReboot", () => {
  let lab: Lab;
  const sh = (gw: string, cmd: string, stdin?: string) => labExec(lab, gw, cmd, stdin);
  beforeAll(async () => { lab = await labUp("gif", { prefix: "t5r", quiet: true }); });
  afterAll(async () => { await labDown("t5r"); });

  it("boots alice and bob with IPv4 and IPv6 on vio0", async () => {
    const out = (await sh("alice", "ifconfig vio0")).stdout;
    expect(out).toContain("\tinet 192.0.2.1 netmask 0xffffff00 broadcast 192.0.2.255\n\tinet6 2001:db8::1 prefixlen 64\n");
    expect((await sh("alice", "ping -c1 -W2 192.0.2.2")).code).toBe(0);
    expect((await sh("alice", "ping -c1 -W2 2001:db8::2")).code).toBe(0);
  });

  it("carries IPv4 in IPv6 through gif1", async () => {
    expect((await sh("alice", "ifconfig gif1 create && ifconfig gif1 tunnel 2001:db8::1 2001:db8::2 && ifconfig gif1 inet 10.8.0.1 10.8.0.2 netmask 255.255.255.252")).code).toBe(0);
    expect((await sh("bob", "ifconfig gif1 tunnel 2001:db8::2 2001:db8::1 && ifconfig gif1 inet 10.8.0.2 10.8.0.1 netmask 255.255.255.252")).code).toBe(0);
    expect((await sh("alice", "ifconfig gif1")).stdout).toContain("\ttunnel: inet6 2001:db8::1 --> 2001:db8::2 ttl 64 nodf ecn\n");
    const p = await sh("bob", "ping -c2 -W2 10.8.0.1");
    expect(p.stdout).toContain("2 packets transmitted, 2 received");
  });

  it("drops gre and etherip input until net.inet.gre.allow / net.inet.etherip.allow are 1 (C.7)", async () => {
    for (const [me, peer, n] of [["alice", "192.0.2.2", 1], ["bob", "192.0.2.1", 2]] as const) {
      const src = n === 1 ? "192.0.2.1" : "192.0.2.2";
      const r = await sh(me, `ifconfig gre0 create && ifconfig gre0 tunnel ${src} ${peer} && ifconfig gre0 10.7.0.${n} 10.7.0.${3 - n} netmask 255.255.255.252 && ifconfig etherip0 create && ifconfig etherip0 tunnel ${src} ${peer} && ifconfig etherip0 inet 10.6.0.${n}/24`);
      expect(r).toEqual({ stdout: "", stderr: "", code: 0 });
    }
    expect((await sh("alice", "ifconfig gre0")).stdout).toContain("\tencap: vnetid none txprio payload rxprio packet\n");
    const ping = async () => [(await sh("bob", "ping -c1 -W1 10.7.0.1")).code, (await sh("bob", "ping -c1 -W1 10.6.0.1")).code];
    // dropped: a 1 s wait per ping is enough to see nothing comes back (ARP for etherip's bridge may take longer,
    // but the packets are dropped at input either way)
    expect(await ping()).toEqual([1, 1]);
    await sh("alice", "sysctl -q net.inet.gre.allow=1 net.inet.etherip.allow=1");
    await sh("bob", "sysctl -q net.inet.gre.allow=1 net.inet.etherip.allow=1");
    // allowed: etherip carries Ethernet, so the first echo waits for ARP across the tunnel; on a loaded machine
    // that can take longer than one 1 s ping. Up to 5 tries of 2 s each, per tunnel.
    const answers = async (to: string) => {
      for (let i = 0; i < 5; i++) if ((await sh("bob", `ping -c1 -W2 ${to}`)).code === 0) return 0;
      return 1;
    };
    expect([await answers("10.7.0.1"), await answers("10.6.0.1")]).toEqual([0, 0]);
    await sh("alice", "ifconfig gre0 destroy && ifconfig etherip0 destroy");
  });

  it("keeps what is persisted across a reboot and forgets what was only live", async () => {
    const files = [
      "umask 077",
      "printf 'net.inet.ip.forwarding=1\\nnet.inet.gre.allow=1 # gre tunnels\\n' > /etc/sysctl.conf",
      "printf 'tunnel 192.0.2.1 192.0.2.2\\ninet 10.9.0.1 255.255.255.252\\ndest 10.9.0.2\\n!route -qn add -net 10.2.0.0/24 10.9.0.2\\n' > /etc/hostname.gif0",
      "chmod 640 /etc/hostname.gif0",
      "rcctl disable ntpd",
      "rcctl enable isakmpd && rcctl set isakmpd flags -K",
    ].join(" && ");
    expect(await sh("alice", files)).toEqual({ stdout: "", stderr: "", code: 0 });
    // live only: not in any file
    expect((await sh("alice", "ifconfig vio0 description temporary && sysctl net.inet.ipip.allow=1 && ifconfig gif1 destroy")).code).toBe(0);
    expect((await sh("bob", "printf 'tunnel 192.0.2.2 192.0.2.1\\ninet 10.9.0.2 255.255.255.252\\ndest 10.9.0.1\\n' > /etc/hostname.gif0 && chmod 640 /etc/hostname.gif0 && sh /etc/netstart gif0")).code).toBe(0);

    await labReboot(lab, "alice");

    expect((await sh("alice", "sysctl net.inet.ip.forwarding net.inet.gre.allow net.inet.ipip.allow")).stdout)
      .toBe("net.inet.ip.forwarding=1\nnet.inet.gre.allow=1\nnet.inet.ipip.allow=0\n");
    expect((await sh("alice", "cat /proc/sys/net/ipv4/ip_forward")).stdout).toBe("1\n");
    expect((await sh("alice", "ifconfig vio0")).stdout).not.toContain("description");
    expect((await sh("alice", "ifconfig gif1")).stderr).toBe("ifconfig: gif1: no such interface\n");
    expect((await sh("alice", "ifconfig gif0")).stdout).toContain("\ttunnel: inet 192.0.2.1 --> 192.0.2.2 ttl 64 nodf ecn\n\tinet 10.9.0.1 --> 10.9.0.2 netmask 0xfffffffc\n");
    expect((await sh("alice", "ip route show 10.2.0.0/24")).stdout).toContain("10.2.0.0/24 via 10.9.0.2 dev gif0");
    const started = (await sh("alice", "rcctl ls started")).stdout.split("\n");
    expect(started).toContain("isakmpd");
    expect(started).toContain("sshd");
    expect(started).not.toContain("ntpd");
    expect((await sh("alice", "rcctl get isakmpd flags")).stdout).toBe("-K\n");
    // the tunnel from the files is real again
    expect((await sh("bob", "ping -c2 -W2 10.9.0.1")).stdout).toContain("2 packets transmitted, 2 received");
  });
});
