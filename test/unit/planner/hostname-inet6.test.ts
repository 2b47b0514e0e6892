/**
 * hostname.if(5) of interfaces the user asked to configure, with IPv6 addresses (found by scripts/oracle-fuzz.ts:
 * an internal IPv6 address failed at render with "is not an IPv4 address").
 */
import { describe, expect, it } from "vitest";
import { planAndRender } from "../../../sdk/planner/run";
import { FP_KEY, gw, topo } from "./fixtures";

describe("hostname.if of configured interfaces with IPv6 addresses", () => {
  it("an internal IPv6 address is an inet6 line; two internal networks on one interface are both written", () => {
    const g = gw("gw1", "192.0.2.153", "172.16.0.0/24", {
      internal: [
        { interface: "em0", address: { address: "172.16.0.1", prefix: 24 }, network: "172.16.0.0/24", configure: true },
        { interface: "em0", address: { address: "2001:db8:16::1", prefix: 64 }, network: "2001:db8:16::/64", configure: true },
        { interface: "em2", address: { address: "2001:db8:17::1", prefix: 64 }, network: "2001:db8:17::/64", configure: true },
      ],
    });
    const s = planAndRender(topo({ gateways: [g], tunnels: [] }), { fingerprintKey: FP_KEY });
    expect(s.states.gw1!.files["/etc/hostname.em0"]!.content).toBe("inet 172.16.0.1 255.255.255.0\ninet6 2001:db8:16::1 64\nup\n");
    expect(s.states.gw1!.files["/etc/hostname.em2"]!.content).toBe("inet6 2001:db8:17::1 64\nup\n");
  });
  it("a second IPv4 network on one interface is `inet alias` (a plain `inet` line would replace the first address)", () => {
    const g = gw("gw1", "192.0.2.153", "172.16.0.0/24", {
      internal: [
        { interface: "em0", address: { address: "172.16.0.1", prefix: 24 }, network: "172.16.0.0/24", configure: true },
        { interface: "em0", address: { address: "172.16.1.1", prefix: 24 }, network: "172.16.1.0/24", configure: true },
      ],
    });
    const s = planAndRender(topo({ gateways: [g], tunnels: [] }), { fingerprintKey: FP_KEY });
    expect(s.states.gw1!.files["/etc/hostname.em0"]!.content).toBe("inet 172.16.0.1 255.255.255.0\ninet alias 172.16.1.1 255.255.255.0\nup\n");
  });
});
