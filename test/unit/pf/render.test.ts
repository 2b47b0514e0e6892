import { describe, expect, it } from "vitest";
import { errorOf } from "../../support/model-error";
import {
  expandRules,
  lintPf,
  parsePf,
  parsePfctlSr,
  renderPfConf,
  renderPfRule,
  type PfFilterRule,
  type PfStatement,
} from "../../../sdk/model/pf";
import { GOLDEN_INTERFACES } from "../../lab/emu/pfctl-nv";

const base = { on: [], protos: [], from: { hosts: [], ports: [] }, to: { hosts: [], ports: [] } };
const pass = (r: Partial<PfFilterRule>): PfFilterRule => ({ kind: "filter", action: "pass", ...base, ...r });


describe("renderPfRule: the canonical form of pfctl -sr", () => {
  it("expands lists one rule per element and writes port = N", () => {
    const r = pass({
      direction: "in",
      on: [{ name: "em1" }],
      protos: ["udp"],
      from: { hosts: [{ kind: "address", address: "198.51.100.2" }], ports: [] },
      to: { hosts: [{ kind: "dynamic", name: "em1" }], ports: [{ op: "=", port: 500 }, { op: "=", port: 4500 }] },
    });
    expect(renderPfRule(r)).toBe(
      "pass in on em1 inet proto udp from 198.51.100.2 to (em1) port = 500\n" +
        "pass in on em1 inet proto udp from 198.51.100.2 to (em1) port = 4500",
    );
  });

  it("prints block drop, all, flags S/SA and keep state (if-bound)", () => {
    expect(renderPfRule({ kind: "filter", action: "block", ...base, on: [{ name: "enc0" }] })).toBe("block drop on enc0 all");
    expect(renderPfRule(pass({ direction: "in", on: [{ name: "enc0" }], stateOptions: { ifBound: true }, tagged: { name: "net1-to-net2" } }))).toBe(
      "pass in on enc0 all flags S/SA keep state (if-bound) tagged net1-to-net2",
    );
    expect(renderPfRule(pass({ quick: true, on: [{ name: "em0" }], protos: ["carp"], stateOptions: { noSync: true } }))).toBe(
      "pass quick on em0 proto carp all keep state (no-sync)",
    );
    expect(renderPfRule(pass({ protos: ["tcp"], state: "no" }))).toBe("pass proto tcp all no state");
    expect(renderPfRule({ kind: "anchor", name: "vpn/*", ...base })).toBe('anchor "vpn/*" all');
  });

  it("prints every port operator as pfctl does", () => {
    const ports = [
      { op: "!=" as const, port: 22 },
      { op: ":" as const, port: 500, to: 501 },
      { op: "><" as const, port: 8000, to: 8100 },
      { op: "<>" as const, port: 1, to: 1023 },
      { op: ">=" as const, port: 1024 },
    ];
    expect(renderPfRule(pass({ protos: ["tcp"], to: { hosts: [], ports } })).split("\n")).toEqual([
      "pass proto tcp from any to any port != 22 flags S/SA",
      "pass proto tcp from any to any port 500:501 flags S/SA",
      "pass proto tcp from any to any port 8000 >< 8100 flags S/SA",
      "pass proto tcp from any to any port 1 <> 1023 flags S/SA",
      "pass proto tcp from any to any port >= 1024 flags S/SA",
    ]);
  });

  it("expandRules replaces interface names by the host's addresses and keeps (if) dynamic", () => {
    const rs = parsePf('ext_if = "em1"\npass out on $ext_if proto esp from $ext_if to ($ext_if)\npass from em0:network to egress\n').value;
    expect(expandRules(rs, GOLDEN_INTERFACES).map(renderPfRule)).toEqual([
      "pass out on em1 inet proto esp from 203.0.113.1 to (em1)",
      "pass inet from 172.16.0.0/24 to 203.0.113.1 flags S/SA",
    ]);
  });

  it("renderPfConf writes a file that parses back to the same ruleset", () => {
    const text = [
      'peer = "198.51.100.2"',
      "set skip on { lo enc0 }",
      "table <vpn_peers> persist { 198.51.100.2 198.51.100.3 }",
      "pass in quick on em1 proto { esp ah } from <vpn_peers> to (em1)",
      'anchor "vpn" in on enc0 all',
      'load anchor "vpn" from "/etc/pf.anchors/vpn"',
      "",
    ].join("\n");
    const rs = parsePf(text).value;
    expect(renderPfConf(rs)).toBe(text);
  });
});

describe("parsePfctlSr", () => {
  it("parses pfctl -sr output, skipping -v counters and -vv numbers", () => {
    const out = [
      "@0 block return all",
      "  [ Evaluations: 10        Packets: 0         Bytes: 0           States: 0     ]",
      "@1 pass all flags S/SA",
      "@2 block return in on ! lo0 proto tcp from any to any port 6000:6010",
      "",
    ].join("\n");
    const r = parsePfctlSr(out);
    expect(r.diagnostics).toEqual([]);
    expect(r.value.map(renderPfRule)).toEqual(["block return all", "pass all flags S/SA", "block return in on ! lo0 proto tcp from any to any port 6000:6010"]);
  });

  it("reports garbage with pfctl's message", () => {
    expect(parsePfctlSr("pass in onn em1\n").diagnostics.map((d) => `${d.line}:${d.column}: ${d.message}`)).toEqual(["1:9: syntax error: unexpected `onn`"]);
  });
});

describe("error messages, word for word", () => {
  const lint = (text: string) => lintPf(text, "pf.conf", { interfaces: GOLDEN_INTERFACES }).map((d) => `${d.line}:${d.column}: ${d.message}`);

  it("parser errors start with pfctl's own words", () => {
    expect(lint("pass in onn em1 proto esp\n")).toEqual(["1:9: syntax error: unexpected `onn`"]);
    expect(lint("pass in on em1 proto tcp to port 70000\n")).toEqual(["1:34: illegal port value 70000: a port is 0-65535"]);
    expect(lint("pass proto blowfish\n")).toEqual([
      "1:12: unknown protocol blowfish: a name from /etc/protocols such as tcp, udp, esp, ah, ipencap, gre, carp, pfsync, or a number 1-255",
    ]);
    expect(lint("pass from em7\n")).toEqual([
      "1:11: could not parse host specification: `em7` is not an IPv4/IPv6 address or network, nor an interface or group of this host (em0, em1, lo0, enc0, carp1, carp2, gif0)",
    ]);
    expect(lint("pass on $ext_if\n")).toEqual(["1:9: macro 'ext_if' not defined", "1:9: syntax error: unexpected undefined macro"]);
    expect(lint("pass proto esp flags S/SA\n")).toEqual(["1:26: flags only apply to tcp: `flags S/SA` with proto esp"]);
    expect(lint("pass proto esp to port 500\n")).toEqual(["1:27: port only applies to tcp/udp", "1:27: skipping rule due to errors", "1:27: rule expands to no valid combination"]);
    expect(lint("pass keep state (if-bond)\n")).toEqual(["1:25: syntax error: unexpected `)`"]);
    expect(lint("set limit states 10000\n")).toEqual([]);
    expect(lint("set debug warning\n")).toEqual([]);
    expect(lint("set fingerprints \"/etc/pf.os\"\n")).toEqual([
      "1:5: `set fingerprints` is valid pf.conf but not part of this model's pf language: supported: set skip on, set block-policy, set state-policy, set state-defaults, set ruleset-optimization, set limit, set timeout, set optimization, set loginterface, set reassemble, set debug, set hostid, set syncookies",
    ]);
  });

  it("no second syntax error until three tokens were accepted (yacc recovery)", () => {
    expect(lint("pass ;\n;\npass in on em0 ;\n")).toEqual(["1:6: syntax error: unexpected `;`", "3:16: syntax error: unexpected `;`"]);
  });

  it("validation of typed rules names the field, the value, why and what is allowed", () => {
    expect(errorOf(() => renderPfRule(pass({ protos: ["udp"], to: { hosts: [], ports: [{ op: "=", port: 70000 }] } })))).toBe(
      "rule.to.ports[0].port: port 70000 out of range; a port is an integer 0-65535",
    );
    expect(errorOf(() => renderPfRule(pass({ protos: ["esp"], to: { hosts: [], ports: [{ op: "=", port: 500 }] } })))).toBe(
      "rule.protos: port only applies to tcp/udp; this rule has proto esp",
    );
    expect(errorOf(() => renderPfRule(pass({ protos: ["blowfish"] })))).toBe(
      "rule.protos[0]: unknown protocol `blowfish`; a name from /etc/protocols (tcp, udp, esp, ah, ipencap, gre, etherip, carp, pfsync, …) or a number 1-255",
    );
    expect(errorOf(() => renderPfRule(pass({ protos: ["50"] })))).toBe("rule.protos[0]: write protocol `50` as `esp` (as pfctl prints it)");
    expect(errorOf(() => renderPfRule(pass({ from: { hosts: [{ kind: "address", address: "10.1.2.3/24" }], ports: [] } })))).toBe(
      "rule.from.hosts[0].address: `10.1.2.3/24` is not in canonical form; write `10.1.2.0/24` (as pfctl prints it)",
    );
    expect(errorOf(() => renderPfRule(pass({ from: { hosts: [{ kind: "address", address: "10.0.0.256" }], ports: [] } })))).toBe(
      "rule.from.hosts[0].address: `10.0.0.256` is not an IPv4/IPv6 address or network; e.g. 192.0.2.1, 10.0.0.0/24, 2001:db8::/32",
    );
    expect(errorOf(() => renderPfRule({ kind: "filter", action: "pass", blockPolicy: "return", ...base }))).toBe(
      "rule.blockPolicy: blockPolicy applies to block rules only, not to `pass`",
    );
    expect(errorOf(() => renderPfRule({ ...pass({}), action: "allow" as PfFilterRule["action"] }))).toBe(
      "rule.action: unknown action `allow`; one of pass, block, match",
    );
    expect(errorOf(() => renderPfRule(pass({ protos: ["udp"], flags: "S/SA" })))).toBe("rule.flags: flags only apply to tcp; this rule is proto udp");
    expect(errorOf(() => renderPfConf({ macros: [], tables: [], options: [], rules: [pass({ on: [{ name: "a-very-long-interface-name" }] })] }))).toBe(
      "rules[0].on[0].name: invalid interface name `a-very-long-interface-name`; a interface name starts with a letter, holds letters, digits, `_`, `.`, `-` and has at most 15 characters",
    );
  });

  it("parsePf never throws on bad input", () => {
    for (const t of ["{", "pass {", 'a = "', "table <", "pass from <x", "pass port", "anchor", "$", "pass from ! ! 1"]) {
      expect(() => parsePf(t)).not.toThrow();
      expect(parsePf(t).diagnostics.length).toBeGreaterThan(0);
    }
  });

  it("a rule the model cannot hold is rejected, not dropped", () => {
    const r = parsePf("antispoof for rdomain 1\n");
    const rules: PfStatement[] = r.value.rules;
    expect(rules).toEqual([]);
    expect(r.diagnostics.map((d) => d.message)[0]).toMatch(/^`antispoof for rdomain N` is valid pf.conf but not part of this model's pf language/);
  });
});
