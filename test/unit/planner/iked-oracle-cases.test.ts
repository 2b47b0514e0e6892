/**
 * iked.conf files iked refused (`iked -n`) for programs our checks accepted, found by scripts/oracle-fuzz.ts:
 * now refused before any SSH with one clean error, or rendered as iked reads them.
 */
import { describe, expect, it } from "vitest";
import { planAndRender } from "../../../sdk/planner/run";
import { FP_KEY, gw, lines, PSK, topo, tunnel } from "./fixtures";
import type { PhaseSpec, PolicySpec, Topology } from "../../../sdk/planner/spec";

const ikedTopo = (phase1?: PhaseSpec, policies: PolicySpec[] = []): Topology =>
  topo({
    gateways: [gw("gw1", "192.0.2.153", "172.16.0.0/24", { ike: "iked" }), gw("gw2", "192.0.123.85", "192.168.15.0/24", { ike: "iked" })],
    tunnels: [tunnel({ keying: { kind: "ike", auth: { kind: "psk", psk: PSK }, ...(phase1 ? { phase1 } : {}) }, policies })],
  });

function refusal(t: Topology): string {
  try {
    planAndRender(t, { fingerprintKey: FP_KEY });
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error("planned without error");
}

describe("iked proposals iked refuses", () => {
  it("an AEAD ikesa enc with an auth: refused (iked: authentication is implicit for given encryption transforms)", () => {
    expect(refusal(ikedTopo({ enc: "aes-256-gcm-12", auth: "hmac-md5" }))).toBe(
      'SiteToSiteTunnel "net1-net2", Gateway "gw1", Gateway "gw2": main.auth = hmac-md5: aes-256-gcm-12 authenticates itself (AEAD): iked refuses an auth with it ("authentication is implicit for given encryption transforms"); remove `main.auth`, or choose an enc that is not AEAD, e.g. aes-256',
    );
  });
  it("ikesa group none: refused (iked: IKE group can not be \"none\".)", () => {
    expect(refusal(ikedTopo({ group: "none" }))).toBe(
      'SiteToSiteTunnel "net1-net2", Gateway "gw1", Gateway "gw2": main.group = none: the IKE SA needs a Diffie-Hellman group: iked refuses `none` in ikesa (IKE group can not be "none".); choose a group such as modp3072 or curve25519, or remove `main.group` (`none`, no PFS, is for `quick`)',
    );
  });
  it("an AEAD enc alone, and group none in childsa, are accepted", () => {
    const s = planAndRender(topo({ ...ikedTopo({ enc: "aes-256-gcm" }), tunnels: [tunnel({ keying: { kind: "ike", auth: { kind: "psk", psk: PSK }, phase1: { enc: "aes-256-gcm" }, phase2: { group: "none" } } })] }), { fingerprintKey: FP_KEY });
    expect(lines(s.states.gw1!.files["/etc/iked.conf"]!.content)).toEqual([`ikev2 "net1-net2" active tunnel esp from 172.16.0.0/24 to 192.168.15.0/24 local 192.0.2.153 peer 192.0.123.85 ikesa enc aes-256-gcm childsa group none psk "${PSK}"`]);
  });
  it("a policy for protocol esp or ah is written as its number: `esp`/`ah` are keywords of iked's grammar (syntax error)", () => {
    const s = planAndRender(ikedTopo(undefined, [{ proto: "esp" }, { proto: "ah" }, { proto: "tcp", port: 22 }]), { fingerprintKey: FP_KEY });
    expect(lines(s.states.gw1!.files["/etc/iked.conf"]!.content).map((l) => l.split(" from ")[0])).toEqual([
      'ikev2 "net1-net2-1" active tunnel esp proto 50',
      'ikev2 "net1-net2-2" active tunnel esp proto 51',
      'ikev2 "net1-net2-3" active tunnel esp proto tcp',
    ]);
  });
});

describe("a policy's protocol given as a number", () => {
  it("isakmpd: a number without an /etc/protocols name is written as the number (was refused: unknown protocol)", () => {
    const t = topo({ tunnels: [tunnel({ policies: [{ proto: "253" }] })] });
    const s = planAndRender(t, { fingerprintKey: FP_KEY });
    expect(lines(s.states.gw1!.files["/etc/ipsec.conf"]!.content)).toEqual([
      `ike esp proto 253 from 172.16.0.0/24 to 192.168.15.0/24 peer 192.0.123.85 main auth hmac-sha2-256 enc blowfish quick auth hmac-sha2-384 enc blowfish psk ${PSK}`,
    ]);
  });
});

describe("iked lifetimes", () => {
  it("main.lifetime is `ikelifetime`, quick.lifetime is `lifetime` (were dropped; a phase with only a lifetime failed as an empty proposal)", () => {
    const t = ikedTopo();
    t.tunnels[0]!.keying = { kind: "ike", auth: { kind: "psk", psk: PSK }, phase1: { lifetime: 3600 }, phase2: { lifetime: 600, enc: "aes-256" } };
    const s = planAndRender(t, { fingerprintKey: FP_KEY });
    expect(s.states.gw1!.files["/etc/iked.conf"]!.content).toBe(
      'ikev2 "net1-net2" active tunnel esp \\\n\tfrom 172.16.0.0/24 to 192.168.15.0/24 \\\n\tlocal 192.0.2.153 peer 192.0.123.85 \\\n\tchildsa enc aes-256 \\\n\tikelifetime 3600 lifetime 600 \\\n' +
        `\tpsk "${PSK}"\n`,
    );
  });
});

describe("a tunnel end's local address", () => {
  it("of another family than the peer: refused (iked: create_ike: peer address family mismatch)", () => {
    expect(refusal(topo({ tunnels: [tunnel({ left: { node: "gw1", networks: ["172.16.0.0/24"], mode: "active", rules: [], local: "2001:db8::1" } })] }))).toBe(
      'SiteToSiteTunnel "net1-net2", Gateway "gw1", Gateway "gw2": left.local = 2001:db8::1: it is IPv6 and the peer 192.0.123.85 is IPv4: IKE and ESP run between two addresses of one family; give an IPv4 address of Gateway "gw1" as left.local, or remove it',
    );
  });
});
