/**
 * Render fidelity: every name and value the components accept renders into a file OpenBSD's own parsers accept
 * (found by scripts/oracle-fuzz.ts against pfctl/ipsecctl/iked built from OpenBSD's sources), or is refused at
 * preview with one clean error. Rendered lines asserted exactly.
 */
import { describe, expect, it } from "vitest";
import { planAndRender } from "../../../sdk/planner/index";
import type { HostState } from "../../../sdk/state";
import { FP_KEY, topo } from "./fixtures";

const plan = (t: Parameters<typeof planAndRender>[0]) => planAndRender(t, { fingerprintKey: FP_KEY });
const content = (s: HostState | undefined, path: string): string => {
  const f = s?.files[path];
  if (!f) throw new Error(`no ${path}`);
  return f.content;
};

describe("anchor names the PfAnchor rule accepts render", () => {
  // pfctl -nf: `anchor "9lives"` loads (only a component beginning with `_` is reserved)
  it("a name starting with a digit (`9lives`) and one of 63 bytes", () => {
    const long = "A".repeat(63);
    const r = plan(topo({ tunnels: [], anchors: [{ name: "9lives", gateway: "gw1", rules: [] }, { name: long, gateway: "gw1", rules: [] }] }));
    const pf = content(r.states.gw1, "/etc/pf.conf").split("\n");
    expect(pf.filter((l) => l.startsWith("anchor ") || l.startsWith("load anchor "))).toEqual([
      'anchor "9lives" all',
      'load anchor "9lives" from "/etc/pf.anchors/9lives"',
      `anchor "${long}" all`,
      `load anchor "${long}" from "/etc/pf.anchors/${long}"`,
    ]);
  });
});
