/**
 * Route-based IPsec with sec(4): `ike [mode] interface secN …` (ipsecctl parse.y ikerule's second form). Read,
 * written back and checked as ipsecctl does (recorded: test/fixtures/oracle/ipsecctl/ike-interface*); such a rule
 * installs no flow (what is routed into secN is protected). Lint used to call `interface` a syntax error.
 */
import { describe, expect, it } from "vitest";
import { flowsOf, parseIpsecConf, renderIpsecConf, validateIpsecConf, type IkeRule } from "../../../sdk/model/ipsec";

const TEXT = 'ike dynamic interface sec1 local 192.0.2.1 peer 198.51.100.3 quick enc aes-256-gcm group modp2048 psk "x"\n';

describe("ike interface secN", () => {
  it("reads as an interface rule with 0.0.0.0/0 selectors, and is written back as it was", () => {
    const r = parseIpsecConf(TEXT);
    expect(r.diagnostics).toEqual([]);
    const rule = r.value.statements[0] as IkeRule;
    expect(rule).toMatchObject({ type: "ike", mode: "dynamic", iface: 1, from: { addresses: [{ kind: "ip", address: "0.0.0.0", prefix: 0 }] } });
    const written = renderIpsecConf(r.value);
    expect(written).toMatch(/^ike dynamic interface sec1 local 192\.0\.2\.1 peer 198\.51\.100\.3 quick /);
    expect(parseIpsecConf(written).value).toEqual(r.value);
    expect(flowsOf(r.value)).toEqual([]);
  });

  it("refuses what is not a sec(4) unit, in ipsecctl's words", () => {
    const first = (t: string) => parseIpsecConf(t).diagnostics[0]?.message;
    expect(first("ike interface em0 peer 198.51.100.2\n")).toMatch(/^iface: invalid sec interface name/);
    expect(first("ike interface sec4294967296 peer 198.51.100.2\n")).toMatch(/^iface: invalid sec interface unit: too large/);
    expect(first("ike interface sec0 peer 198.51.100.2 tag t\n")).toMatch(/syntax error/);
  });

  it("a typed interface rule with selectors, proto or tag of its own is refused, naming the field", () => {
    const rule = parseIpsecConf(TEXT).value.statements[0] as IkeRule;
    const errors = validateIpsecConf({ statements: [{ ...rule, proto: "tcp", tag: "t" }] });
    expect(errors.map((e) => e.field)).toEqual(["statements[0].proto", "statements[0].tag"]);
    expect(errors[0]!.message).toContain("an interface rule (sec1) has no proto of its own");
  });
});
