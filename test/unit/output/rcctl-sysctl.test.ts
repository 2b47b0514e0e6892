import { describe, expect, it } from "vitest";
import { parseRcctlGet, parseRcctlLs, parseSysctl } from "../../../sdk/model/output";
import { fixture } from "./fixture";

// Fixtures follow reference/openbsd.md B.5 (rcctl output, rcctl.sh 1.122).
describe("parseRcctlGet (reference B.5)", () => {
  it("reads the 7 lines of `rcctl get isakmpd`", () => {
    const { value, diagnostics } = parseRcctlGet(fixture("rcctl-get-isakmpd.txt"), { name: "isakmpd" });
    expect(diagnostics).toEqual([]);
    expect(value).toEqual({
      kind: "daemon",
      name: "isakmpd",
      enabled: true,
      variables: { class: "daemon", execdir: "", flags: "-K", logger: "", rtable: "0", timeout: "30", user: "root" },
    });
  });

  it("reads a disabled daemon (flags=NO)", () => {
    const r = parseRcctlGet(fixture("rcctl-get-isakmpd.txt").replace("isakmpd_flags=-K", "isakmpd_flags=NO"), { name: "isakmpd" });
    expect(r.value.kind === "daemon" && r.value.enabled).toBe(false);
  });

  it("reads `rcctl get ipsec` (special service) as YES/NO", () => {
    expect(parseRcctlGet("ipsec=YES\n", { name: "ipsec" }).value).toEqual({ kind: "service", name: "ipsec", enabled: true });
    expect(parseRcctlGet("ipsec=NO\n", { name: "ipsec" }).value).toEqual({ kind: "service", name: "ipsec", enabled: false });
  });

  it("reads `rcctl get NAME flags`: a value, nothing (default flags) or NO", () => {
    expect(parseRcctlGet("-K\n", { name: "isakmpd", variable: "flags" }).value).toEqual({ kind: "variable", name: "isakmpd", variable: "flags", value: "-K" });
    expect(parseRcctlGet("", { name: "isakmpd", variable: "flags" }).value).toEqual({ kind: "variable", name: "isakmpd", variable: "flags", value: "" });
    expect(parseRcctlGet("NO\n", { name: "sasyncd", variable: "flags" }).value).toMatchObject({ value: "NO" });
  });

  it("reports unknown variables and a missing flags line", () => {
    const r = parseRcctlGet("isakmpd_colour=blue\n", { name: "isakmpd" });
    expect(r.diagnostics.map((d) => `${d.file}:${d.line}:${d.column}: ${d.message}`)).toEqual([
      "rcctl get isakmpd:1:1: rcctl get isakmpd: unknown variable `isakmpd_colour`; one of isakmpd_class, isakmpd_execdir, isakmpd_flags, isakmpd_logger, isakmpd_rtable, isakmpd_timeout, isakmpd_user",
    ]);
    expect(parseRcctlGet("", { name: "isakmpd" }).diagnostics[0]!.message).toBe("rcctl get isakmpd: no `isakmpd_flags` line");
  });
});

describe("parseRcctlLs (reference B.5)", () => {
  it("reads one service per line", () => {
    const { value, diagnostics } = parseRcctlLs(fixture("rcctl-ls-started.txt"));
    expect(diagnostics).toEqual([]);
    expect(value).toEqual(["cron", "isakmpd", "ntpd", "pflogd", "sasyncd", "slaacd", "smtpd", "sndiod", "sshd", "syslogd"]);
  });
  it("reports a line that is not a name", () => {
    expect(parseRcctlLs("sshd\nrcctl: need root privileges\n").diagnostics.map((d) => [d.line, d.message])).toEqual([[2, "rcctl ls: `rcctl: need root privileges` is not a service name"]]);
  });
});

// reference/openbsd.md B.6 and A.10 (sysctl output); unknown-name warnings from sysctl.c findname().
describe("parseSysctl (reference B.6)", () => {
  it("reads several `name=value` lines", () => {
    const { value, diagnostics } = parseSysctl(fixture("sysctl-read.txt"));
    expect(diagnostics).toEqual([]);
    expect(value.values).toEqual({ "net.inet.carp.allow": "1", "net.inet.carp.preempt": "0", "net.inet.esp.enable": "1" });
  });
  it("reads a write `name: old -> new`", () => {
    const { value } = parseSysctl(fixture("sysctl-write.txt"));
    expect(value.entries).toEqual([{ kind: "changed", name: "net.inet.ip.forwarding", old: "0", value: "1", line: 1 }]);
    expect(value.values).toEqual({ "net.inet.ip.forwarding": "1" });
  });
  it("matches `sysctl -n` values to the names asked for", () => {
    const { value, diagnostics } = parseSysctl("1\n0\n", { names: ["net.inet.ip.forwarding", "net.inet.gre.allow"] });
    expect(diagnostics).toEqual([]);
    expect(value.values).toEqual({ "net.inet.ip.forwarding": "1", "net.inet.gre.allow": "0" });
    expect(parseSysctl("1\n", { names: ["a.b", "c.d"] }).diagnostics[0]!.message).toBe("sysctl -n: no value printed for `c.d`");
  });
  it("reads unknown-MIB warnings as answers, not parse errors", () => {
    const out = "net.inet.ip.forwarding=1\nsysctl: third level name frobnicate in net.inet.frobnicate is invalid\nsysctl: net.inet: incomplete specification\n";
    const { value, diagnostics } = parseSysctl(out);
    expect(diagnostics).toEqual([]);
    expect(value.unknown).toEqual(["net.inet.frobnicate", "net.inet"]);
    expect(value.entries[1]).toEqual({ kind: "error", name: "net.inet.frobnicate", message: "third level name frobnicate in net.inet.frobnicate is invalid", line: 2 });
    const n = parseSysctl("sysctl: second level name foo in net.foo is invalid\n1\n", { names: ["net.foo", "net.inet.ip.forwarding"] });
    expect(n.value.values).toEqual({ "net.inet.ip.forwarding": "1" });
    expect(n.diagnostics).toEqual([]);
  });
  it("reports lines it does not understand", () => {
    expect(parseSysctl("hello world\n").diagnostics.map((d) => `${d.line}:${d.column}: ${d.message}`)).toEqual(["1:1: sysctl: expected `name=value` or `name: old -> new`, got `hello`"]);
  });
});
