import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { formatDiagnostic } from "../../../sdk/model/diagnostics";
import { KNOWN_MIBS, lintSysctlConf, parseSysctlConf, renderSysctlConf, sysctlConfFromSettings, sysctlSettings, validateSysctl, type SysctlConf } from "../../../sdk/model/sysctl";

const fixture = (n: string): string => readFileSync(new URL(`./fixtures/${n}`, import.meta.url), "utf8");

describe("sysctl.conf from the guides", () => {
  for (const f of ["guide-002-sysctl.conf", "guide-003-sysctl.conf"]) {
    it(`${f} parses and renders back line for line`, () => {
      const t = fixture(f);
      const r = parseSysctlConf(t, f);
      expect(r.diagnostics).toEqual([]);
      expect(lintSysctlConf(t, f)).toEqual([]);
      expect(renderSysctlConf(r.value)).toBe(t.replace(/^#/gm, "# "));
    });
  }
  it("guide 002's settings", () => {
    expect(Object.fromEntries(sysctlSettings(parseSysctlConf(fixture("guide-002-sysctl.conf")).value))).toEqual({
      "net.inet.ip.forwarding": "1",
      "net.inet6.ip6.forwarding": "1",
      "net.inet.gre.allow": "1",
    });
    expect(renderSysctlConf(sysctlConfFromSettings({ "net.inet.ip.forwarding": 1, "net.inet.esp.enable": 1 }))).toBe("net.inet.esp.enable=1\nnet.inet.ip.forwarding=1\n");
  });
});

describe("sysctl.conf errors, word for word", () => {
  it("value outside the MIB's range", () => {
    expect(lintSysctlConf("net.inet.ip.forwarding=3\n").map(formatDiagnostic)).toEqual(["sysctl.conf:1:24: net.inet.ip.forwarding: value `3` is not allowed; one of 0, 1, 2"]);
    expect(() => validateSysctl("net.inet.carp.allow", "yes")).toThrow("net.inet.carp.allow: value `yes` is not allowed; one of 0, 1");
    // the MIB name goes through the one sysctl-name rule the components, planner and provider use
    expect(() => validateSysctl("net.inet.IP.forwarding", "1")).toThrow("net.inet.IP.forwarding: `net.inet.IP.forwarding`: not a sysctl MIB name; use a dotted MIB such as `net.inet.ip.forwarding`");
  });
  it("spaces around = and duplicates", () => {
    expect(lintSysctlConf("net.inet.ip.forwarding = 1\nnet.inet.gre.allow=1\nnet.inet.gre.allow=0\n").map(formatDiagnostic)).toEqual([
      "sysctl.conf:1:1: `net.inet.ip.forwarding = 1`: no spaces around = (/etc/rc splits sysctl.conf into words, so `net.inet.ip.forwarding`, `=`, `1` are 3 sysctl commands)",
      "sysctl.conf:3:1: warning: net.inet.gre.allow: set again (line 2 has no effect)",
    ]);
  });
  it("every known MIB's default is allowed", () => {
    for (const [mib, info] of Object.entries(KNOWN_MIBS)) expect(() => validateSysctl(mib, info.default)).not.toThrow();
  });
});

const RUNS = 500;
// no backslash: /etc/rc's `read` would drop it (the renderer refuses it)
const comment = fc.stringMatching(/^[!-[\]-~]([ -[\]-~]{0,10}[!-[\]-~])?$/);
/** Arbitraries are built once per MIB (building them inside chain() is slow). */
const setLines = [
  ...Object.entries(KNOWN_MIBS).map(([m, info]) => fc.record({ kind: fc.constant("set" as const), mib: fc.constant(m), value: fc.constantFrom(...info.allowed), comment }, { requiredKeys: ["kind", "mib", "value"] })),
  fc.record({ kind: fc.constant("set" as const), mib: fc.stringMatching(/^kern\.[a-z]{1,8}$/), value: fc.stringMatching(/^[0-9a-z]{1,5}$/), comment }, { requiredKeys: ["kind", "mib", "value"] }),
];
const conf: fc.Arbitrary<SysctlConf> = fc.record({
  lines: fc.array(
    fc.oneof(
      fc.oneof(...setLines),
      fc.stringMatching(/^([!-[\]-~]([ -[\]-~]{0,10}[!-[\]-~])?)?$/).map((text) => ({ kind: "comment" as const, text })),
      fc.constant({ kind: "blank" as const }),
    ),
    { maxLength: 8 },
  ),
});

describe("sysctl.conf round trip", () => {
  it(`parse(render(x)) deep-equals x (${RUNS} runs)`, () => {
    let runs = 0;
    fc.assert(
      fc.property(conf, (c) => {
        runs++;
        const r = parseSysctlConf(renderSysctlConf(c));
        expect(r.diagnostics).toEqual([]);
        expect(r.value).toEqual(c);
      }),
      { numRuns: RUNS },
    );
    expect(runs).toBe(RUNS);
  }, 60_000);
});

describe("sysctl.conf as /etc/rc applies it (stripcom's `read`, then one sysctl per word)", () => {
  const lint = (t: string) => lintSysctlConf(t).map(formatDiagnostic);
  it("a last line with no newline is never applied", () => {
    expect(parseSysctlConf("net.inet.ip.forwarding=1").value.lines).toEqual([]);
    expect(lint("net.inet.ip.forwarding=1")).toEqual(["sysctl.conf:1:1: warning: line 1 has no newline at its end: /etc/rc reads this file with `read`, which then fails, so `net.inet.ip.forwarding=1` is never applied; end the file with a newline"]);
  });
  it("a comment ending in a backslash swallows the next line; the renderer refuses such a comment", () => {
    expect(parseSysctlConf("# old \\\nnet.inet.ip.forwarding=1\n").value.lines).toEqual([{ kind: "comment", text: "old net.inet.ip.forwarding=1" }]);
    expect(() => renderSysctlConf({ lines: [{ kind: "set", mib: "net.inet.ip.forwarding", value: "1", comment: "on\\" }] })).toThrow("must be one line without a backslash");
  });
  it("two settings on one line are two sysctls", () => {
    expect(parseSysctlConf("net.inet.ip.forwarding=1 net.inet.esp.enable=1\n").value.lines).toEqual([
      { kind: "set", mib: "net.inet.ip.forwarding", value: "1" },
      { kind: "set", mib: "net.inet.esp.enable", value: "1" },
    ]);
    expect(lint("net.inet.ip.forwarding=1 net.inet.esp.enable=1\n")).toEqual(["sysctl.conf:1:1: warning: 2 words on one line: /etc/rc runs sysctl with each word on its own; write one mib=value per line"]);
  });
});
