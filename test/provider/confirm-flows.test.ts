/**
 * The confirm (ARCHITECTURE.md D3) waits, bounded, for a declared tunnel's flows: gw1 is committed while
 * its peer gw2 has no IPsec yet; gw2 is configured a few seconds later, while gw1's confirm waits, so
 * gw1's confirm sees the negotiated flows (and records them as the flow baseline).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { labDown, labExec, labUp, type Lab } from "../lab/api";
import { commit } from "../../providers/gateway/commit";
import { confirmScript, flowWaitCap, flowWaitSeconds } from "../../providers/gateway/commit-script";
import { gwState, targetOf } from "./fixtures";

let lab: Lab;

beforeAll(async () => {
  lab = await labUp("site-to-site", { prefix: "h6cnf", quiet: true });
});
afterAll(async () => {
  if (lab) await labDown(lab);
});

describe("confirm waits for the declared tunnel's flows", () => {
  it("gw1's commit returns the flows negotiated once gw2 is configured during its confirm", async () => {
    const out = "flow esp out from 172.16.0.0/24 to 192.168.15.0/24 peer 192.0.123.85";
    expect((await labExec(lab, "gw1", "ipsecctl -sf")).stdout).not.toContain(out);
    const p1 = commit(targetOf(lab.gateways.gw1!), { news: gwState("gw1"), rollbackSeconds: 40 });
    const p2 = new Promise((r) => setTimeout(r, 4000)).then(() => commit(targetOf(lab.gateways.gw2!), { news: gwState("gw2"), rollbackSeconds: 40 }));
    const [r1, r2] = await Promise.all([p1, p2]);
    expect(r1.flows.some((f) => f.startsWith(out + " ") && f.endsWith(" type require"))).toBe(true);
    expect(r2.flows.some((f) => f.startsWith("flow esp out from 192.168.15.0/24 to 172.16.0.0/24 peer 192.0.2.153 "))).toBe(true);
  });

  it("the wait is bounded: at most 20 s and half the rollback timer", () => {
    expect([5, 20, 60, 600].map((r) => flowWaitSeconds(r))).toEqual([2, 10, 20, 20]);
    // PULUMI_OPENBSD_FLOW_WAIT lowers it (labs whose peer never comes up); nonsense leaves 20
    expect([5, 20, 60, 600].map((r) => flowWaitSeconds(r, flowWaitCap({ PULUMI_OPENBSD_FLOW_WAIT: "3" })))).toEqual([2, 3, 3, 3]);
    expect(["", "x", "-1", "2.5", "12345"].map((v) => flowWaitCap({ PULUMI_OPENBSD_FLOW_WAIT: v }))).toEqual([20, 20, 20, 20, 20]);
    expect(flowWaitCap({})).toBe(20);
    expect(confirmScript("0123456789ab", [])).not.toContain("ipsec-loaded");
  });
});
