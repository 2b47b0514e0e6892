/**
 * A `(NAT)` on an address inside a source list (`from { A (NAT), B }`, parse.y `host: host_spec '(' host_spec ')'`
 * as a host of `host_list`): read onto that address, rendered back in place, refused on the destination, in the
 * other family and nested. What isakmpd gets (a NAT-ID for that address's pairs) is replayed against OpenBSD's
 * output (test/fixtures/oracle/ipsecctl/nat-list-*, OpenBSD's regress ike61).
 */
import { describe, expect, it } from "vitest";
import { parseIpsecConf, renderStatement, statementProblems, validateStatement, type IkeRule } from "../../../sdk/model/ipsec";
import { hasErrors, lintFile } from "../../../sdk/lint";

const FILE = "ike esp from { 10.1.0.0/24 (192.168.50.0/24), 10.2.0.0/24 } to 10.9.0.0/24 peer 192.0.2.1\n";
const net = (address: string, prefix: number) => ({ kind: "ip" as const, address, prefix });

describe("a NAT network inside a source list", () => {
  it("is read onto its address, and lint finds nothing wrong with the file", () => {
    const [r] = parseIpsecConf(FILE, "ipsec.conf").value.statements as IkeRule[];
    expect(r!.from.addresses).toEqual([{ ...net("10.1.0.0", 24), nat: net("192.168.50.0", 24) }, net("10.2.0.0", 24)]);
    expect(r!.from.nat).toBeUndefined();
    expect(hasErrors(lintFile("ipsec.conf", FILE, { kind: "ipsec" }))).toBe(false);
  });

  it("renders in place, and reads back the same", () => {
    const [r] = parseIpsecConf(FILE, "ipsec.conf").value.statements;
    const text = renderStatement(r!);
    expect(text).toContain("from { 10.1.0.0/24 (192.168.50.0/24), 10.2.0.0/24 } to 10.9.0.0/24");
    expect(parseIpsecConf(`${text}\n`, "ipsec.conf").value.statements).toEqual([r]);
  });

  it("is refused on the destination, in the other family, and nested, naming the field", () => {
    const [r] = parseIpsecConf(FILE, "ipsec.conf").value.statements as IkeRule[];
    const dst: IkeRule = { ...r!, to: { addresses: [net("10.9.0.0", 24), { ...net("10.8.0.0", 24), nat: net("192.168.51.0", 24) }] } };
    expect(statementProblems(dst).map((p) => [p.field, p.text])).toContainEqual(["to.addresses[1].nat", "no flow NAT support for destination network"]);
    const fam: IkeRule = { ...r!, from: { addresses: [{ ...net("10.1.0.0", 24), nat: net("2001:db8::", 64) }, net("10.2.0.0", 24)] } };
    expect(statementProblems(fam).map((p) => [p.field, p.text])).toContainEqual(["from.addresses[0].nat", "Flow NAT address family mismatch"]);
    const nested: IkeRule = { ...r!, from: { addresses: [{ ...net("10.1.0.0", 24), nat: { ...net("192.168.50.0", 24), nat: net("192.168.52.0", 24) } }, net("10.2.0.0", 24)] } };
    expect(statementProblems(nested).map((p) => p.field)).toContain("from.addresses[0].nat");
    const twice: IkeRule = { ...r!, from: { addresses: [{ ...net("10.1.0.0", 24), nat: net("192.168.50.0", 24) }], nat: net("192.168.51.0", 24) } };
    expect(statementProblems(twice).map((p) => p.field)).toContain("from.nat");
    for (const bad of [dst, fam, nested, twice]) expect(() => validateStatement(bad)).toThrow(/nat/);
  });
});
