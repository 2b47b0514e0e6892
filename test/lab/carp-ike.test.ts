// IKE to a carp pair on the `carp` topology (seeds/000 "Adding Redundancy"): gw1a/gw1b run isakmpd -S -K with
// the rule bound to the carp address (`local 192.0.2.153`) and sasyncd; gw2 names the carp address as its peer.
// The elected MASTER negotiates with gw2, the BACKUP holds the same flows through sasyncd, demotion moves it.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { labDown, labExec, labUp, type Lab } from "./api";

const PSK = "carp-ike-test-psk";
const KEY = "da23169c9f49bb1fcdfab7d556588975433f831b3723d273a06e9d780f2cc0ab";
const PAIR_FLOWS =
  "flow esp in from 192.168.15.0/24 to 172.16.0.0/24 peer 192.0.123.85 srcid 192.0.2.153/32 dstid 192.0.123.85/32 type use\n" +
  "flow esp out from 172.16.0.0/24 to 192.168.15.0/24 peer 192.0.123.85 srcid 192.0.2.153/32 dstid 192.0.123.85/32 type require\n";
const GW2_FLOWS =
  "flow esp in from 172.16.0.0/24 to 192.168.15.0/24 peer 192.0.2.153 srcid 192.0.123.85/32 dstid 192.0.2.153/32 type use\n" +
  "flow esp out from 192.168.15.0/24 to 172.16.0.0/24 peer 192.0.2.153 srcid 192.0.123.85/32 dstid 192.0.2.153/32 type require\n";

const member = (skew: number, peer: string) => `cat > /etc/ipsec.conf <<'X'
ike esp from 172.16.0.0/24 to 192.168.15.0/24 local 192.0.2.153 peer 192.0.123.85 main auth hmac-sha2-256 enc blowfish quick auth hmac-sha2-384 enc blowfish psk ${PSK}
X
printf 'interface carp2\\npeer ${peer}\\nsharedkey 0x${KEY}\\n' > /etc/sasyncd.conf
printf 'inet 172.16.0.1 255.255.255.0 NONE vhid 1 carpdev em0 pass carp-secret advskew ${skew}\\n' > /etc/hostname.carp1
printf 'inet 192.0.2.153 255.255.255.0 NONE vhid 2 carpdev em1 pass carp-secret advskew ${skew}\\n' > /etc/hostname.carp2
chmod 600 /etc/ipsec.conf /etc/sasyncd.conf && chmod 640 /etc/hostname.carp1 /etc/hostname.carp2
sh /etc/netstart carp1 carp2
rcctl enable isakmpd && rcctl set isakmpd flags -K -S && rcctl start isakmpd && ipsecctl -f /etc/ipsec.conf && rcctl enable sasyncd && rcctl start sasyncd`;

describe("IKE between gw2 and the carp pair's shared address", () => {
  let lab: Lab;
  const sh = (gw: string, cmd: string) => labExec(lab, gw, cmd);
  const flows = async (gw: string) => (await sh(gw, "ipsecctl -sf")).stdout;
  beforeAll(async () => {
    lab = await labUp("carp", { prefix: "t9c", quiet: true });
    for (const [gw, cmd] of [["gw1a", member(0, "172.16.0.3")], ["gw1b", member(100, "172.16.0.2")], ["gw2", `cat > /etc/ipsec.conf <<'X'
ike esp from 192.168.15.0/24 to 172.16.0.0/24 peer 192.0.2.153 main auth hmac-sha2-256 enc blowfish quick auth hmac-sha2-384 enc blowfish psk ${PSK}
X
chmod 600 /etc/ipsec.conf && rcctl enable isakmpd && rcctl set isakmpd flags -K && rcctl start isakmpd && ipsecctl -f /etc/ipsec.conf`]] as const) {
      const r = await sh(gw, cmd);
      expect(r.code, `${gw}: ${r.stderr}`).toBe(0);
    }
  });
  afterAll(async () => { await labDown("t9c"); });

  it("establishes the tunnel between gw2 and the MASTER; the BACKUP holds it through sasyncd", async () => {
    expect((await sh("gw1a", "ifconfig carp2")).stdout).toContain("\tcarp: MASTER carpdev em1 vhid 2 advbase 1 advskew 0\n");
    expect(await flows("gw2")).toBe(GW2_FLOWS);
    expect(await flows("gw1a")).toBe(PAIR_FLOWS);
    expect(await flows("gw1b")).toBe(PAIR_FLOWS);
  });

  it("keeps the tunnel on the BACKUP only while its sasyncd runs", async () => {
    expect((await sh("gw1b", "rcctl stop sasyncd")).stdout).toBe("sasyncd(ok)\n");
    expect(await flows("gw1b")).toBe("");
    expect(await flows("gw2")).toBe(GW2_FLOWS);
    expect((await sh("gw1b", "rcctl start sasyncd")).stdout).toBe("sasyncd(ok)\n");
    expect(await flows("gw1b")).toBe(PAIR_FLOWS);
  });

  it("moves the negotiation to gw1b when gw1a is demoted", async () => {
    await sh("gw1a", "ifconfig -g carp carpdemote 50");
    expect((await sh("gw1b", "ifconfig carp2")).stdout).toContain("\tcarp: MASTER carpdev em1 vhid 2 advbase 1 advskew 100\n");
    expect((await sh("gw1a", "rcctl stop sasyncd")).code).toBe(0);
    expect(await flows("gw1a")).toBe("");
    expect(await flows("gw1b")).toBe(PAIR_FLOWS);
    expect(await flows("gw2")).toBe(GW2_FLOWS);
  });
});
