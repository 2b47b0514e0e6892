/**
 * The ports of translation pools, as pfctl reads and prints them: rdr-to `port N:M` and `port N:*` (the end
 * computed for each destination port item), af-to's `from … port` (a nat pool) and `to … port` (an rdr pool),
 * and apply_redirspec's refusals once per combination. Before, `rdr-to A port 8000:8010` lost its end and
 * `af-to … from A port N` was a syntax error. The words come from OpenBSD's pfctl (test/fixtures/oracle/pfctl:
 * rdr-port-ranges, rdr-port-range-reversed, af-to-port-errors).
 */
import { describe, expect, it } from "vitest";
import { ModelError } from "../../../sdk/model/diagnostics";
import { parsePfDetailed } from "../../../sdk/model/pf/parser";
import { formatStatement, formatStatementForFile, renderPfRule } from "../../../sdk/model/pf/render";
import type { PfFilterRule } from "../../../sdk/model/pf/types";

/** What `pfctl -o none -nv -f t.conf` prints: the loaded rules, or pfctl's errors without the file name. */
const nv = (text: string) => {
  const o = parsePfDetailed(text, "t.conf");
  return o.errors > 0 ? o.stderr.map((l) => l.replace(/^t\.conf:/, "")) : o.loaded.map(formatStatement);
};
const rdr = (extra: Partial<PfFilterRule>): PfFilterRule => ({
  kind: "filter", action: "pass", direction: "in", on: [{ name: "em0" }], protos: ["tcp"],
  from: { hosts: [], ports: [] }, to: { hosts: [], ports: [{ op: ":", port: 80, to: 90 }] }, ...extra,
});
const refusal = (rule: PfFilterRule): string => {
  try {
    renderPfRule(rule);
  } catch (e) {
    if (e instanceof ModelError) return `${e.field} = ${String(e.value)}: ${e.reason}`;
    throw e;
  }
  return "(accepted)";
};

describe("rdr-to and af-to port ranges in pf.conf text", () => {
  it("`N:M` keeps its end, `N:*` takes the width of each destination port item (mod 65536), port 0 is none", () => {
    expect(nv(
      "pass in on em0 proto tcp to port 80:90 rdr-to 10.0.0.1 port 8000:*\n" +
      "pass in on em0 proto tcp to port { 80 443 } rdr-to 10.0.0.1 port 8000:*\n" +
      "pass in on em0 proto tcp to port 80:90 rdr-to 10.0.0.1 port 65530:*\n" +
      "pass in on em0 proto tcp to port 81 rdr-to 10.0.0.1 port 0:8000\n" +
      "pass in on em0 proto tcp to port 82 rdr-to 10.0.0.1 port 8000:8010\n",
    )).toEqual([
      "pass in on em0 inet proto tcp from any to any port 80:90 flags S/SA rdr-to 10.0.0.1 port 8000:8010",
      "pass in on em0 inet proto tcp from any to any port = 80 flags S/SA rdr-to 10.0.0.1 port 8000:7920",
      "pass in on em0 inet proto tcp from any to any port = 443 flags S/SA rdr-to 10.0.0.1 port 8000:7557",
      "pass in on em0 inet proto tcp from any to any port 80:90 flags S/SA rdr-to 10.0.0.1 port 65530:4",
      "pass in on em0 inet proto tcp from any to any port = 81 flags S/SA rdr-to 10.0.0.1",
      "pass in on em0 inet proto tcp from any to any port = 82 flags S/SA rdr-to 10.0.0.1 port 8000:8010",
    ]);
  });
  it("af-to: the `from` pool's port is a nat range, the `to` pool's an rdr port", () => {
    expect(nv(
      "pass in on em0 inet6 from any to 64:ff9b::/96 af-to inet from 203.0.113.1 port 1024:2047\n" +
      "pass in on em0 inet6 proto tcp from any to 64:ff9b::/96 port 80 af-to inet from 203.0.113.1 port 1024 to 10.0.0.1 port 8080:*\n",
    )).toEqual([
      "pass in on em0 inet6 from any to 64:ff9b::/96 flags S/SA af-to inet from 203.0.113.1 port 1024:2047",
      "pass in on em0 inet6 proto tcp from any to 64:ff9b::/96 port = 80 flags S/SA af-to inet from 203.0.113.1 port 1024 to 10.0.0.1 port 8080:8000",
    ]);
  });
  it("apply_redirspec's refusals come once for each combination, nat's before rdr's before route's", () => {
    expect(nv("pass in on em0 proto tcp to port { 80 443 } rdr-to 10.0.0.1 port 9000:8000\n")).toEqual([
      "1: invalid rdr-to port range", "1: skipping rule due to errors",
      "1: invalid rdr-to port range", "1: skipping rule due to errors",
      "1: rule expands to no valid combination",
    ]);
    expect(nv("pass out on em1 nat-to 192.0.2.1 port 1024:2047 static-port route-to 10.0.0.1 static-port\n")).toEqual([
      "1: the 'static-port' option can't be used when specifying a port range",
      "1: the 'static-port' option is only valid with nat rules",
      "1: skipping rule due to errors",
      "1: rule expands to no valid combination",
    ]);
  });
});

describe("rdr-to and af-to port ranges in typed rules", () => {
  it("render as pfctl prints them, and the anchor file keeps `N:*` as written", () => {
    const r = rdr({ rdrTo: { host: { kind: "address", address: "10.0.0.1" }, port: 8000, portTo: "*" } });
    expect(renderPfRule(r)).toBe("pass in on em0 inet proto tcp from any to any port 80:90 flags S/SA rdr-to 10.0.0.1 port 8000:8010");
    const file = formatStatementForFile(r);
    expect(file).toBe("pass in on em0 proto tcp from any to any port 80:90 rdr-to 10.0.0.1 port 8000:*");
    expect(nv(file)).toEqual(["pass in on em0 inet proto tcp from any to any port 80:90 flags S/SA rdr-to 10.0.0.1 port 8000:8010"]);
  });
  it("a bad port is one clean error naming the field", () => {
    const host = { kind: "address" as const, address: "10.0.0.1" };
    expect(refusal(rdr({ rdrTo: { host, port: 9000, portTo: 8000 } }))).toBe(
      "rule.rdrTo.portTo = 8000: invalid rdr-to port range: 9000:8000 ends below its start; write the lower port first");
    expect(refusal(rdr({ rdrTo: { host, portTo: 8000 } }))).toBe("rule.rdrTo.portTo = 8000: portTo ends a range that port starts; give port too");
    expect(refusal(rdr({ rdrTo: { host, port: 70000 } }))).toBe("rule.rdrTo.port = 70000: a port is 0-65535");
    expect(refusal(rdr({ natTo: { kind: "address", address: "192.0.2.1" }, natPort: { port: 1024, to: 2047 }, staticPort: true, direction: "out" }))).toBe(
      "rule.staticPort = true: the 'static-port' option can't be used when specifying a port range (natPort 1024:2047); remove one of them");
    expect(refusal(rdr({ natPort: { port: 1024 } }))).toBe(
      "rule.natPort = 1024: a NAT port range belongs to `nat-to` or to af-to's `from`; give natTo or afTo, or remove natPort");
  });
});
