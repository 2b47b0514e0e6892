import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { formatDiagnostic } from "../../../sdk/model/diagnostics";
import {
  lintRcConfLocal,
  parseRcConfLocal,
  rcConfFromServices,
  rcctlDisable,
  rcctlEnable,
  rcctlSetFlags,
  rcEnabled,
  rcFlags,
  renderRcConfLocal,
  serviceKind,
  type RcConfLocal,
} from "../../../sdk/model/rcconf";

const fixture = (n: string): string => readFileSync(new URL(`./fixtures/${n}`, import.meta.url), "utf8");
const empty: RcConfLocal = { vars: {} };

describe("rc.conf.local from the guides", () => {
  it("seed 000's hand-written lines are what rcctl enable/set writes, sorted and unquoted", () => {
    const r = parseRcConfLocal(fixture("guide-000-rc.conf.local"));
    expect(r.diagnostics).toEqual([]);
    const viaRcctl = rcConfFromServices({ isakmpd: { enabled: true, flags: "-K" }, ipsec: { enabled: true }, sasyncd: { enabled: true } });
    expect(viaRcctl).toEqual(r.value);
    expect(renderRcConfLocal(r.value)).toBe("ipsec=YES\nisakmpd_flags=-K\nsasyncd_flags=\n");
    expect(lintRcConfLocal(fixture("guide-000-rc.conf.local"))).toEqual([]);
  });
  it("seed 002: rcctl enable vmd", () => {
    expect(renderRcConfLocal(rcctlEnable(empty, "vmd"))).toBe("vmd_flags=\n");
  });
});

describe("rcctl semantics", () => {
  it("set before enable fails with rcctl's message", () => {
    expect(() => rcctlSetFlags(empty, "isakmpd", "-K")).toThrow("rcctl: isakmpd is not enabled");
    expect(() => rcctlSetFlags(rcctlEnable(empty, "isakmpd"), "isakmpd", "NO")).toThrow('rcctl: "flags NO" contradicts "set"');
  });
  it("defaults: isakmpd/iked/sasyncd off, pf on, ipsec off, sshd on", () => {
    expect([rcFlags(empty, "isakmpd"), rcFlags(empty, "iked"), rcFlags(empty, "sasyncd"), rcFlags(empty, "pf"), rcFlags(empty, "ipsec"), rcFlags(empty, "sshd")]).toEqual(["NO", "NO", "NO", "YES", "NO", ""]);
    expect([serviceKind("ipsec"), serviceKind("isakmpd"), serviceKind("nginx")]).toEqual(["special", "base", "pkg"]);
  });
  it("disable removes the lines; on-by-default daemons get _flags=NO; the file disappears when empty", () => {
    const c = rcctlSetFlags(rcctlEnable(empty, "isakmpd"), "isakmpd", "-K");
    expect(renderRcConfLocal(rcctlDisable(c, "isakmpd"))).toBe("");
    expect(renderRcConfLocal(rcctlDisable(empty, "sshd"))).toBe("sshd_flags=NO\n");
    expect(renderRcConfLocal(rcctlDisable(rcctlEnable(empty, "ipsec"), "ipsec"))).toBe("");
    expect(renderRcConfLocal(rcctlDisable(empty, "pf"))).toBe("pf=NO\n");
  });
  it("pkg daemons go to pkg_scripts in enable order", () => {
    const c = rcctlEnable(rcctlEnable(empty, "zebra"), "nginx");
    expect(renderRcConfLocal(c)).toBe("pkg_scripts=zebra nginx\n");
    expect(rcEnabled(rcctlDisable(c, "zebra"), "zebra")).toBe(false);
  });
  it("lint: iked and isakmpd together; ipsec without -K", () => {
    expect(lintRcConfLocal("iked_flags=\nisakmpd_flags=\nipsec=YES\n").map(formatDiagnostic)).toEqual([
      "rc.conf.local:1:1: warning: isakmpd_flags: ipsec=YES needs isakmpd started with -K (ipsecctl feeds isakmpd; without -K isakmpd loads isakmpd.policy)",
      "rc.conf.local:1:1: iked_flags and isakmpd_flags: both daemons enabled; they cannot share UDP 500/4500, pick one",
    ]);
    expect(lintRcConfLocal("ipsec=yes\nfoo=bar\n").map(formatDiagnostic)).toEqual([
      "rc.conf.local:1:7: ipsec: value `yes` is not allowed; one of YES, NO",
      "rc.conf.local:2:1: warning: foo: ignored by rc.subr; only NAME_flags/execdir/logger/rtable/timeout/user and accounting, amd_master, check_quotas, ipsec, library_aslr, multicast, nfs_server, pexp, pf, pkg_scripts, shlib_dirs, spamd_black are read",
    ]);
  });
});

const RUNS = 500;
const conf: fc.Arbitrary<RcConfLocal> = fc
  .dictionary(
    fc.oneof(fc.stringMatching(/^[a-z]{1,8}_(flags|user|timeout|rtable|logger|execdir)$/), fc.constantFrom("pkg_scripts")),
    // no shell metacharacters (the renderer refuses them): ! % * + , - . / 0-9 : = ? @ A-Z [ ] ^ _ a-z { } ~
    fc.stringMatching(/^([!%*-:=?-[\]^_a-{}~]([ !%*-:=?-[\]^_a-{}~]{0,12}[!%*-:=?-[\]^_a-{}~])?)?$/),
    { maxKeys: 6 },
  )
  .chain((vars) => fc.record({ ipsec: fc.constantFrom("YES", "NO"), pf: fc.constantFrom("YES", "NO") }, { requiredKeys: [] }).map((sp) => ({ vars: { ...vars, ...sp } })));

describe("rc.conf.local round trip", () => {
  it(`parse(render(x)) deep-equals x and render is sorted (${RUNS} runs)`, () => {
    let runs = 0;
    fc.assert(
      fc.property(conf, (c) => {
        runs++;
        const t = renderRcConfLocal(c);
        const lines = t.split("\n").filter(Boolean);
        expect([...lines].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)))).toEqual(lines);
        const r = parseRcConfLocal(t);
        expect(r.diagnostics).toEqual([]);
        expect(r.value).toEqual(c);
      }),
      { numRuns: RUNS },
    );
    expect(runs).toBe(RUNS);
  }, 60_000);
});

describe("rc.conf.local as rc.subr's _rc_parse_conf reads it", () => {
  const lint = (t: string) => lintRcConfLocal(t).map(formatDiagnostic);
  it("names are lower-cased, values cut at their first #, a last line with no newline is never read", () => {
    expect(parseRcConfLocal("NTPD_FLAGS=-s#x\nsshd_flags=-4").value.vars).toEqual({ ntpd_flags: "-s" });
    expect(lint("NTPD_FLAGS=-s\nsshd_flags=-4")).toEqual([
      "rc.conf.local:1:1: warning: `NTPD_FLAGS`: rc.subr lower-cases the name (`typeset -l`): this sets `ntpd_flags`",
      "rc.conf.local:2:1: warning: line 2 has no newline at its end: rc.subr reads this file with `read`, which then fails, so `sshd_flags=-4` is never read; end the file with a newline",
    ]);
  });
  it("a kept name that is no variable name is shell code to rc.subr's eval; flags with ; are a command to su -c", () => {
    expect(lint("x;reboot;y_flags=1\n")).toEqual(["rc.conf.local:1:1: `x;reboot;y_flags`: not a shell variable name, and rc.subr evals it (`eval \"x;reboot;y_flags=…\"`) in rc and every rc.d script: it runs as shell code, as root"]);
    expect(lint("ntpd_flags=-s;reboot\n")).toEqual(["rc.conf.local:1:12: warning: ntpd_flags: `;` in \"-s;reboot\": rc.subr starts the daemon with `su … -c \"DAEMON ${ntpd_flags}\"`, so the shell reads it (`;`, `|`, `&` run commands of their own, as root); give plain flags"]);
    expect(() => renderRcConfLocal({ vars: { ntpd_flags: "-s;reboot" } })).toThrow("; & | < > ( )");
  });
});
