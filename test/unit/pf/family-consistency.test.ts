/**
 * pfctl's address-family checks of one rule combination (parse.y apply_redirspec and rule_consistent), found by
 * scripts/oracle-fuzz.ts: rules our model accepted and pfctl refuses. Messages and their order are pfctl's, as
 * `pfctl -a NAME -nv -f` printed them.
 */
import { describe, expect, it } from "vitest";
import { parsePf } from "../../../sdk/model/pf/parser";

const errors = (text: string): string[] => parsePf(text, "a").diagnostics.map((d) => `${d.line}:${d.column}: ${d.message}`);
const SKIP = ["skipping rule due to errors", "rule expands to no valid combination"];

describe("pf rules whose address family contradicts a part (pfctl parse.y)", () => {
  it("an rdr-to or nat-to address of the other family: af mismatch in translation spec", () => {
    expect(errors("pass in proto esp from 2001:db8::1 to (em1:0) rdr-to 10.1.1.1\n")).toEqual(["af mismatch in translation spec", ...SKIP].map((m) => `1:62: ${m}`));
    expect(errors("pass out inet6 proto tcp nat-to 192.0.2.1\n")).toEqual(["af mismatch in translation spec", ...SKIP].map((m) => `1:42: ${m}`));
  });
  it("scrub no-df / random-id with inet6", () => {
    expect(errors("match in quick on enc0 inet6 from no-route tag a_b scrub (no-df random-id)\n")).toEqual(["address family inet6 does not support scrub options no-df, random-id", ...SKIP].map((m) => `1:75: ${m}`));
  });
  it("icmp with inet6, icmp6 with inet", () => {
    expect(errors("block return in proto ipv6-icmp from 192.0.2.0/24 icmp6-type 128\n")).toEqual(["proto icmp6 doesn't match address family inet", ...SKIP].map((m) => `1:65: ${m}`));
    expect(errors("pass in inet6 proto icmp\n")).toEqual(["proto icmp doesn't match address family inet6", ...SKIP].map((m) => `1:25: ${m}`));
  });
  it("one bad combination of several: its errors, and the rule still fails (pfctl exits 1) without `no valid combination`", () => {
    expect(errors("pass in proto { icmp ipv6-icmp } from any to 10.0.0.1\n")).toEqual(["proto icmp6 doesn't match address family inet", "skipping rule due to errors"].map((m) => `1:54: ${m}`));
  });
  it("nat-to or rdr-to without a direction, or on a pass rule without state", () => {
    expect(errors("match proto gre from any to (em1) nat-to egress\n")).toEqual(["nat-to and rdr-to require a direction", ...SKIP].map((m) => `1:48: ${m}`));
    expect(errors("pass out proto tcp nat-to 192.0.2.1 no state\n")).toEqual(["nat-to and rdr-to require keep state", ...SKIP].map((m) => `1:45: ${m}`));
  });
  it("`self` (without the host's interfaces) has addresses of both families: lo0's 127.0.0.1 and ::1", () => {
    expect(errors("pass out on em1 proto icmp from self to any\n")).toEqual(["proto icmp doesn't match address family inet6", "skipping rule due to errors"].map((m) => `1:44: ${m}`));
    expect(errors("block drop in quick on em0 proto ipv6-icmp from any to self tagged vpn\n")).toEqual(["proto icmp6 doesn't match address family inet", "skipping rule due to errors"].map((m) => `1:71: ${m}`));
    expect(errors("match in quick proto esp from any to self scrub (no-df random-id)\n")).toEqual(["address family inet6 does not support scrub options no-df, random-id", "skipping rule due to errors"].map((m) => `1:66: ${m}`));
    expect(errors("pass out on em1 inet proto icmp from self to any\n")).toEqual([]);
  });
  it("the family of the rule from its translation address when it has none: no error", () => {
    expect(errors("pass out proto tcp nat-to 192.0.2.1\n")).toEqual([]);
    expect(errors("match out on egress inet6 nat-to 2001:db8::1\n")).toEqual([]);
    expect(errors("pass in proto icmp from 10.0.0.0/8\n")).toEqual([]);
  });
});
