import { describe, expect, it } from "vitest";
import { formatStatement, optimizeRules, parsePfDetailed } from "../../../sdk/model/pf";
import { GOLDEN_INTERFACES } from "../../lab/emu/pfctl-nv";

/** Loaded rules of `text` after pfctl's basic optimizer, printed. */
function optimized(text: string): string[] {
  const out = parsePfDetailed(text, "o.conf", { interfaces: GOLDEN_INTERFACES, verbose: false });
  expect(out.diagnostics).toEqual([]);
  return optimizeRules(out.loaded).map(formatStatement);
}

// Beyond the golden cases, these follow pfctl_optimize.c (superblocks, remove_identical_rules,
// reorder_rules); they are the model's reading of that code, not recorded OpenBSD output.
describe("optimizeRules (pfctl -o basic)", () => {
  it("drops a rule made redundant by a broader one of the same superblock", () => {
    expect(optimized("pass in on em1 proto tcp\npass in on em1 proto tcp\npass\n")).toEqual(["pass all flags S/SA"]);
    // flags differ (esp has none, `pass` has S/SA), so pfctl keeps both
    expect(optimized("pass in on em1 proto esp\npass in on em1 proto esp\npass\n")).toEqual(["pass in on em1 proto esp all", "pass all flags S/SA"]);
  });

  it("never moves a rule across a different action, quick or an anchor call", () => {
    const text = "block in on em1 proto udp\npass in on em1 proto esp\nanchor vpn\npass in on em1 proto udp to port 500\n";
    expect(optimized(text)).toEqual([
      "block drop in on em1 proto udp all",
      "pass in on em1 proto esp all",
      'anchor "vpn" all',
      "pass in on em1 proto udp from any to any port = 500",
    ]);
  });

  it("groups rules sharing a protocol, largest group first (port-operators)", () => {
    const text = "pass in on em1 proto udp to port 500:501\npass in on em1 proto tcp to port != 22\npass in on em1 proto tcp from any port > 1023 to any port 8000 >< 8100\n";
    expect(optimized(text)).toEqual([
      "pass in on em1 proto tcp from any to any port != 22 flags S/SA",
      "pass in on em1 proto tcp from any port > 1023 to any port 8000 >< 8100 flags S/SA",
      "pass in on em1 proto udp from any to any port 500:501",
    ]);
  });
});
