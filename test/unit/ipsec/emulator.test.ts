/**
 * The emulated `ipsecctl -n[v]` beyond the golden cases: -D macros, include, several rules, and that the
 * exit status follows parse errors only. (Golden agreement itself is in golden.test.ts.)
 */
import { describe, expect, it } from "vitest";
import { ipsecctlNv } from "../../lab/emu/ipsecctl-nv";

describe("ipsecctlNv", () => {
  it("-D macros are used but not echoed; file macros are echoed with -v", () => {
    const r = ipsecctlNv('nets = "10.1.0.0/24"\nflow esp from $nets to 10.2.0.0/24 peer $gw\n', "ipsec.conf", { verbose: true, defines: { gw: "192.0.2.2" } });
    expect(r).toEqual({
      stdout:
        'nets = "10.1.0.0/24"\n' +
        "flow esp out from 10.1.0.0/24 to 10.2.0.0/24 peer 192.0.2.2 type require\n" +
        "flow esp in from 10.2.0.0/24 to 10.1.0.0/24 peer 192.0.2.2 type require\n",
      stderr: "",
      rc: 0,
    });
  });

  it("include: errors carry the included file's name", () => {
    const r = ipsecctlNv('include "/etc/ipsec.d/a.conf"\n', "/etc/ipsec.conf", {
      include: (p) => (p === "/etc/ipsec.d/a.conf" ? "\n\nflow esp from 10.1.0.0/24 to 10.2.0.0/24\n" : undefined),
    });
    expect(r).toEqual({
      stdout: "",
      stderr: "/etc/ipsec.d/a.conf: 3: no peer specified for destination 10.2.0.0/24\nipsecctl: Syntax error in config file: ipsec rules not loaded\n",
      rc: 1,
    });
  });

  it("a bad rule does not stop the printing of the good ones, but the load fails", () => {
    const r = ipsecctlNv("flow esp from 10.1.0.0/24 to 10.1.0.0/24 type bypass\nike esp form x\nflow esp out from 10.3.0.0/24 to 10.4.0.0/24 type deny\n", "f.conf", { verbose: true });
    expect(r).toEqual({
      stdout:
        "flow esp out from 10.1.0.0/24 to 10.1.0.0/24 type bypass\n" +
        "flow esp in from 10.1.0.0/24 to 10.1.0.0/24 type bypass\n" +
        "flow esp out from 10.3.0.0/24 to 10.4.0.0/24 type deny\n",
      stderr: "f.conf: 2: syntax error\nipsecctl: Syntax error in config file: ipsec rules not loaded\n",
      rc: 1,
    });
  });

  it("manual SA -nv lines fill in the parser's default transforms and pad the SPI", () => {
    const r = ipsecctlNv(`ah transport from 192.0.2.1 to 192.0.2.2 spi 0x100 authkey 0x${"ab".repeat(32)}\n`, "f.conf", { verbose: true });
    expect(r).toEqual({ stdout: "ah transport from 192.0.2.1 to 192.0.2.2 spi 0x00000100 auth hmac-sha2-256\n", stderr: "", rc: 0 });
  });
});

describe("ipsecctlNv on the host's interfaces", () => {
  const interfaces = [{ name: "em1", addresses: [{ family: "inet" as const, address: "192.0.2.1" }], groups: ["egress"] }];
  it("expand_rule checks the families of an interface's addresses (validate_af) before the rule's peer", () => {
    // recorded with ../shared/oracle's ipsecctl (em1 holds IPv4 only): `source/destination address families do not
    // match`, not set_rule_peers' `no peer specified for destination`, which lint (knowing no interface) says
    expect(ipsecctlNv("flow ipip from em1 to 2001:db8:1::/48\n", "g32.conf", { interfaces })).toEqual({
      stdout: "",
      stderr: "g32.conf: 1: source/destination address families do not match\nipsecctl: Syntax error in config file: ipsec rules not loaded\n",
      rc: 1,
    });
  });
});
