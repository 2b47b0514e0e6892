/**
 * `bundle NAME` on manual SAs (ipsec.conf(5) sarule's bundlestring): read, rendered, refused when a name cannot be
 * written, and no lint error on a file OpenBSD loads. ipsecctl's grouping itself (`[bundle …]` lines) is replayed
 * against OpenBSD's output (test/fixtures/oracle/ipsecctl/bundle-*, OpenBSD's regress sa25–sa27).
 */
import { describe, expect, it } from "vitest";
import { parseIpsecConf, renderStatement, statementProblems, type SaRule } from "../../../sdk/model/ipsec";
import { hasErrors, lintFile } from "../../../sdk/lint";

const AK = `0x${"a".repeat(64)}`;
const EK = `0x${"e".repeat(32)}`;
const FILE = `esp transport from 1.1.1.1 to 2.2.2.2 spi 0x1a000000:0x1b000000 authkey ${AK}:${AK} enckey ${EK}:${EK} bundle foo
ah transport from 1.1.1.1 to 2.2.2.2 spi 0x2a000000:0x2b000000 authkey ${AK}:${AK} bundle "two words"
`;

describe("SA bundles", () => {
  it("are read from a file and lint finds nothing wrong with it", () => {
    const conf = parseIpsecConf(FILE, "ipsec.conf").value;
    expect(conf.statements.map((s) => (s as SaRule).bundle)).toEqual(["foo", "two words"]);
    expect(hasErrors(lintFile("ipsec.conf", FILE, { kind: "ipsec" }))).toBe(false);
  });

  it("render as written, quoted where the word needs it", () => {
    const [a, b] = parseIpsecConf(FILE, "ipsec.conf").value.statements;
    expect(renderStatement(a!)).toMatch(/ bundle foo$/);
    expect(renderStatement(b!)).toMatch(/ bundle "two words"$/);
    expect(renderStatement({ ...(a as SaRule), bundle: "5" })).toMatch(/ bundle "5"$/);
  });

  it("a name a word cannot hold is refused, naming the field", () => {
    const [a] = parseIpsecConf(FILE, "ipsec.conf").value.statements;
    for (const bad of ["a\nesp from 1.1.1.1 to 3.3.3.3 spi 0x100", 'a"b', "a\\b", 5 as unknown as string]) {
      const problems = statementProblems({ ...(a as SaRule), bundle: bad });
      expect(problems.map((p) => p.field)).toContain("bundle");
      expect(() => renderStatement({ ...(a as SaRule), bundle: bad })).toThrow(/bundle/);
    }
  });

  it("is no word of a flow or tcpmd5 rule", () => {
    for (const text of ["flow esp from 1.1.1.0/24 to 2.2.2.0/24 peer 3.3.3.3 bundle f\n", `tcpmd5 from 1.1.1.1 to 2.2.2.2 spi 0x1000 authkey ${AK} bundle t\n`]) {
      expect(lintFile("ipsec.conf", text, { kind: "ipsec" }).find((d) => d.severity === "error")?.message).toMatch(/syntax error/);
    }
  });
});
