/**
 * `srcid`/`dstid` (ipsec.conf(5)): parse.y takes any STRING, so a file with `srcid "/C=US/O=Example Inc/CN=gw"` or
 * `srcid x"y` loads (get_id_type makes both FQDNs; recorded: test/fixtures/oracle/ipsecctl/id-*). isakmpd, though,
 * gets the identity as `C set [id-ID]:Name=ID force`, which its ui_config reads with `[%200[^]]]:%200[^=]=%200s`: a
 * space ends the value, a `]` ends the section, and a section past 200 characters is malformed. So lint warns of
 * such an identity in an `ike` rule, and a typed rule with one is refused before anything is written. The same holds
 * for the other strings ipsecctl hands isakmpd: `psk "a b"` loads and isakmpd's key is `a`, `psk ""` makes it `force`,
 * `tag "a b"` tags with `a` (recorded: psk-empty, psk-space, tag-space, tag-psk-tab).
 */
import { describe, expect, it } from "vitest";
import { parseIpsecConf, renderStatement, statementProblems, type FlowRule, type IkeRule } from "../../../sdk/model/ipsec";
import { hasErrors, lintFile } from "../../../sdk/lint";

const IKE = "ike esp from 10.1.0.0/24 to 10.2.0.0/24 peer 192.0.2.2";
const ike = (id: string) => parseIpsecConf(`${IKE} srcid ${id}\n`, "ipsec.conf").value.statements[0] as IkeRule;

describe("IKE identities and the values isakmpd reads", () => {
  it("any word or quoted string is read, as parse.y reads it", () => {
    expect(ike('"/C=US/O=Example Inc/CN=gw"').srcid).toBe("/C=US/O=Example Inc/CN=gw");
    expect(ike('x"y').srcid).toBe('x"y');
    expect(ike('"a\\"b"').srcid).toBe('a"b');
    for (const id of ['"/C=US/O=Example Inc/CN=gw"', 'x"y', '""', '"a]:x=y"']) {
      expect(hasErrors(lintFile("ipsec.conf", `${IKE} srcid ${id}\n`, { kind: "ipsec" })), id).toBe(false);
    }
  });

  it("lint warns of one isakmpd cannot read back, in OpenBSD's terms", () => {
    const d = lintFile("ipsec.conf", `${IKE} srcid "a]:x=y" dstid "/O=Example Inc"\n`, { kind: "ipsec" });
    expect(d.map((x) => `${x.severity} ${x.message}`)).toEqual([
      expect.stringMatching(/^warning srcid: identity `a\]:x=y` cannot reach isakmpd whole; `ipsecctl -n` takes it; ipsecctl passes it as `C set \[id-ID\]:Name=ID force`/),
      expect.stringMatching(/^warning dstid: identity `\/O=Example Inc` cannot reach isakmpd whole/),
    ]);
    // a flow's identity goes to the kernel whole: nothing to warn of
    expect(lintFile("ipsec.conf", 'flow esp out from 10.1.0.0/24 to 10.2.0.0/24 peer 192.0.2.2 srcid "a b"\n', { kind: "ipsec" })).toEqual([]);
  });

  it("a typed identity isakmpd or the file cannot hold is refused, naming the field", () => {
    const base = ike("gw1.example.org");
    for (const [bad, text] of [
      ["a b", "cannot reach isakmpd whole"],
      ["a]:Name=evil", "cannot reach isakmpd whole"],
      ["a".repeat(198), "cannot reach isakmpd whole"],
      ['gw1" psk "x', "invalid identity"],
      ["a\\b", "invalid identity"],
      ["gw1\nike esp from any to any", "invalid identity"],
      ["", "invalid identity"],
    ] as const) {
      const problems = statementProblems({ ...base, dstid: bad }).filter((p) => p.field === "dstid");
      expect(problems.map((p) => p.text), JSON.stringify(bad)).toEqual([expect.stringContaining(text)]);
    }
    expect(statementProblems({ ...base, srcid: "a".repeat(197) })).toEqual([]);
    // a flow's identity may hold a space: it is written quoted and read back as itself
    const flow = parseIpsecConf('flow esp out from 10.1.0.0/24 to 10.2.0.0/24 peer 192.0.2.2 srcid "a b"\n', "ipsec.conf").value.statements[0] as FlowRule;
    expect(statementProblems(flow)).toEqual([]);
    expect(renderStatement(flow)).toContain('srcid "a b"');
  });

  it("a PSK or tag isakmpd would cut at a space is warned of in a file and refused typed", () => {
    const d = lintFile("ipsec.conf", `${IKE} psk "two words" tag "a b"\n${IKE} psk ""\n`, { kind: "ipsec" });
    expect(d.map((x) => `${x.line} ${x.severity} ${x.message.split(";")[0]}`)).toEqual([
      "1 warning psk: pre-shared key cannot reach isakmpd whole",
      "1 warning tag: tag `a b` cannot reach isakmpd whole",
      "2 warning psk: pre-shared key cannot reach isakmpd whole",
    ]);
    // the secret itself is never shown
    expect(d.map((x) => x.message).join("\n")).not.toContain("two words");
    const base = ike("gw1.example.org");
    for (const psk of ["", "two words", "tab\there"]) {
      expect(statementProblems({ ...base, auth: { kind: "psk", psk } }).map((p) => `${p.field} ${p.value} ${p.text}`)).toEqual(["psk (secret) pre-shared key cannot reach isakmpd whole"]);
    }
    expect(statementProblems({ ...base, tag: "a b" }).map((p) => p.text)).toEqual(["tag `a b` cannot reach isakmpd whole"]);
    expect(statementProblems({ ...base, tag: "ipsec-gw1", auth: { kind: "psk", psk: "0123456789abcdef" } })).toEqual([]);
  });
});
