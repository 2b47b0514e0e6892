/**
 * enc0 filtering (issue 10): `enc0: "filter"` renders `block on enc0` and passes only ipencap (and tagged
 * packets); an end that passes nothing else on enc0 would carry no traffic, silently. The planner refuses
 * it at preview with the guide's rule (seeds/001 "Filtering on enc0") as the fix, and accepts the guide's
 * configurations (a pass rule on enc0, or a tag).
 */
import { describe, expect, it } from "vitest";
import { planAndRender, planTopology, PlanError } from "../../../sdk/planner/index";
import { FP_KEY, lines, topo, tunnel } from "./fixtures";

const webRule = {
  kind: "filter" as const, action: "pass" as const, direction: "out" as const, on: [{ name: "enc0" }], protos: ["tcp"],
  from: { hosts: [{ kind: "interface" as const, name: "em0", modifier: "network" as const }], ports: [] },
  to: { hosts: [{ kind: "address" as const, address: "192.168.15.5" }], ports: [{ op: "=" as const, port: 80 }] },
  state: "keep" as const, stateOptions: { ifBound: true },
};

function error(t: Parameters<typeof planTopology>[0]): string {
  try {
    planTopology(t, { fingerprintKey: FP_KEY });
  } catch (e) {
    expect(e).toBeInstanceOf(PlanError);
    return (e as Error).message;
  }
  throw new Error("planned without error");
}

describe('enc0: "filter" never leaves a tunnel silently closed', () => {
  it("refuses ends that pass nothing on enc0, naming the guide's rule as the fix", () => {
    const m = error(topo({ tunnels: [tunnel({ enc0: "filter" })] }));
    expect(m).toContain("left.rules");
    expect(m).toContain('with enc0: "filter" only ipencap is passed on enc0, so no traffic can cross the tunnel');
    expect(m).toContain("`pass out on enc0 from 172.16.0.0/24 to 192.168.15.0/24 keep state (if-bound)`");
    expect(m).toContain("right.rules");
    expect(m).toContain("`pass out on enc0 from 192.168.15.0/24 to 172.16.0.0/24 keep state (if-bound)`");
  });

  it("accepts the guide's configuration: a pass rule on enc0 at one end, a tag at the other", () => {
    const r = planAndRender(topo({ tunnels: [tunnel({
      enc0: "filter",
      left: { node: "gw1", networks: ["172.16.0.0/24"], mode: "active", rules: [webRule] },
      right: { node: "gw2", networks: ["192.168.15.0/24"], mode: "active", rules: [], tag: "net1-to-net2" },
    })] }), { fingerprintKey: FP_KEY });
    const vpn = lines(r.states.gw1!.files["/etc/pf.anchors/vpn"]!.content);
    expect(vpn).toContain("block on enc0 all");
    expect(vpn.at(-1)).toBe("pass out on enc0 proto tcp from em0:network to 192.168.15.5 port = 80 keep state (if-bound)");
    expect(lines(r.states.gw2!.files["/etc/pf.anchors/vpn"]!.content)).toContain("pass in on enc0 all keep state (if-bound) tagged net1-to-net2");
  });
});
