import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { formatDiagnostic } from "../../../sdk/model/diagnostics";
import { formatIPv6 } from "../../../sdk/model/iked";
import { interfaceKind, lintHostnameIf, parseHostnameIf, renderHostnameIf, type HostnameIf, type HostnameIfLine } from "../../../sdk/model/hostnameif";

const fixture = (n: string): string => readFileSync(new URL(`./fixtures/${n}`, import.meta.url), "utf8");

describe("hostname.if from the guides and the reference", () => {
  const cases: [string, string, string][] = [
    ["guide-002-alice-hostname.vio0", "vio0", "inet 192.168.1.1 255.255.255.0\ninet6 fd3e:62ee:99db:bb1a::1 64\nup\n"],
    ["guide-002-alice-hostname.gif0", "gif0", "tunnel 192.168.1.1 192.168.1.2\nalias 172.16.0.1 172.16.0.2\nup\n"],
    ["guide-002-alice-hostname.vether0", "vether0", "alias 172.16.1.1/24 up\n"],
    ["guide-002-hostname.bridge1", "bridge1", "up\n"],
    ["reference-A4-hostname.em0", "em0", "inet 192.0.2.10 255.255.255.0\n"],
    ["reference-A4-hostname.carp1", "carp1", "inet 192.0.2.1 255.255.255.0 NONE vhid 1 carpdev em0 pass s3cr3t advskew 0\n"],
    ["reference-A4-hostname.gif0", "gif0", "tunnel 192.0.2.1 198.51.100.2\ninet 10.255.0.1 255.255.255.252\ndest 10.255.0.2\n!route -qn add -net 10.2.0.0/24 10.255.0.2\n"],
    ["reference-A4-hostname.pfsync0", "pfsync0", "syncdev em2\nup\n"],
  ];
  for (const [file, iface, canonical] of cases) {
    it(`${file}: parses clean, lints clean, renders line for line`, () => {
      const t = fixture(file);
      const r = parseHostnameIf(t, `/etc/hostname.${iface}`);
      expect(r.diagnostics).toEqual([]);
      expect(r.value.interface).toBe(iface);
      expect(lintHostnameIf(t, `/etc/hostname.${iface}`).filter((d) => d.severity === "error")).toEqual([]);
      const out = renderHostnameIf(r.value);
      expect(out).toBe(canonical);
      expect(parseHostnameIf(out, `/etc/hostname.${iface}`).value).toEqual(r.value);
    });
  }
  it("carp1 keeps its carp options on the address line", () => {
    const r = parseHostnameIf(fixture("reference-A4-hostname.carp1"), "/etc/hostname.carp1");
    expect(r.value.lines).toEqual([{ kind: "inet", address: "192.0.2.1", prefixlen: 24, options: ["vhid", "1", "carpdev", "em0", "pass", "s3cr3t", "advskew", "0"] }]);
  });
});

describe("hostname.if errors, word for word", () => {
  const lint = (t: string, f: string): string[] => lintHostnameIf(t, f).map(formatDiagnostic);
  it("CIDR followed by options (fields are positional)", () => {
    expect(lint("inet 10.0.0.1/24 vhid 1 carpdev em0\n", "hostname.carp1")).toEqual([
      "hostname.carp1:1:1: inet: `10.0.0.1/24 vhid 1 carpdev em0`: fields are positional, so netstart reads `vhid` as the netmask; write `inet 10.0.0.1 255.255.255.0 NONE vhid 1 carpdev em0`",
      "hostname.carp1:1:1: carp1: carp interface without vhid; add `vhid N` (1-255)",
      "hostname.carp1:1:1: warning: carp1: no carpdev; carp guesses the parent from the address's subnet, set `carpdev IF` explicitly",
    ]);
  });
  it("carp values out of range", () => {
    expect(lint("vhid 300 carpdev em0\n", "hostname.carp1")).toEqual([
      "hostname.carp1:1:1: vhid: `300` is out of range; 1-255",
      "hostname.carp1:1:1: carp1: carp interface without vhid; add `vhid N` (1-255)",
      "hostname.carp1:1:1: warning: carp1: no carpdev; carp guesses the parent from the address's subnet, set `carpdev IF` explicitly",
    ]);
  });
  it("tunnel families", () => {
    expect(lint("tunnel 192.0.2.1 2001:db8::1\n", "hostname.gif0")).toEqual([
      "hostname.gif0:1:1: tunnel: source and destination address families do not match (192.0.2.1, 2001:db8::1)",
      "hostname.gif0:1:1: gif0: gif interface without `tunnel SRC DST`",
    ]);
  });
  it("bad netmask", () => {
    expect(lint("inet 10.0.0.1 255.0.255.0\n", "hostname.em0")).toEqual(["hostname.em0:1:1: inet: netmask `255.0.255.0` is not a contiguous netmask (e.g. 255.255.255.0 or 0xffffff00)"]);
  });
  it("renderer refuses options without a netmask and bad vhid", () => {
    const h: HostnameIf = { interface: "carp1", lines: [{ kind: "inet", address: "10.0.0.1", options: ["vhid", "1"] }] };
    expect(() => renderHostnameIf(h)).toThrow("hostname.carp1[0].prefixlen: required when a broadcast address or options follow (fields are positional)");
    expect(() => renderHostnameIf({ interface: "carp1", lines: [{ kind: "carp", vhid: 0 }] })).toThrow("hostname.carp1[0].vhid: 0 is out of range; 1-255");
    expect(() => renderHostnameIf({ interface: "carp", lines: [] })).toThrow("interface: `carp` is not an interface name (driver followed by a unit number, e.g. em0, carp1)");
  });
});

describe("interfaceKind: netstart's passes", () => {
  it("orders physical before carp before tunnels", () => {
    expect(["gif0", "carp1", "em0", "lo0", "vether0", "gre0", "pfsync0", "enc0"].map((n) => [n, interfaceKind(n).pass, interfaceKind(n).cloned])).toEqual([
      ["gif0", 4, true],
      ["carp1", 3, true],
      ["em0", 2, false],
      ["lo0", 1, false],
      ["vether0", 2, true],
      ["gre0", 4, true],
      ["pfsync0", 2, true],
      ["enc0", 2, false],
    ]);
    expect(interfaceKind("eoip0").kind).toBe("eoip");
    expect(interfaceKind("em1").kind).toBe("physical");
  });
});

const RUNS = 500;
const v4 = fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255)).map((o) => o.join("."));
const v6 = fc.bigInt(0n, (1n << 128n) - 1n).map(formatIPv6);
const word = fc.stringMatching(/^[a-z][a-z0-9]{0,6}$/);
/** Option words that are not carp keywords (those are validated). */
const opt = fc.stringMatching(/^x[a-z0-9]{0,5}$/);
const line: fc.Arbitrary<HostnameIfLine> = fc.oneof(
  fc.record({ kind: fc.constant("inet" as const), alias: fc.constant(true as const), address: v4, prefixlen: fc.nat(32), broadcast: v4, options: fc.array(opt, { minLength: 1, maxLength: 3 }) }, { requiredKeys: ["kind", "address"] }).filter((l) => l.prefixlen !== undefined || (l.broadcast === undefined && l.options === undefined)),
  fc.record({ kind: fc.constant("inet6" as const), alias: fc.constant(true as const), address: v6, prefixlen: fc.nat(128), options: fc.array(opt, { minLength: 1, maxLength: 3 }) }, { requiredKeys: ["kind", "address"] }).filter((l) => l.prefixlen !== undefined || l.options === undefined),
  fc.record({ kind: fc.constant("autoconf" as const), af: fc.constantFrom("inet" as const, "inet6" as const) }),
  fc.record({ kind: fc.constant("dest" as const), address: fc.oneof(v4, v6) }),
  fc.constant({ kind: "up" as const }),
  fc.constant({ kind: "down" as const }),
  // the renderer writes only what netstart's read/split/eval keeps unchanged (ARCHITECTURE.md D11): words of safe characters, one space apart
  fc.record({ kind: fc.constant("description" as const), text: fc.array(fc.stringMatching(/^[A-Za-z0-9_.,:@%+=/-]{1,6}$/), { maxLength: 3 }).map((ws) => ws.join(" ")) }),
  fc.record({ kind: fc.constant("carp" as const), vhid: fc.integer({ min: 1, max: 255 }), carpdev: word, pass: fc.stringMatching(/^[a-zA-Z0-9]{1,10}$/), advbase: fc.nat(254), advskew: fc.nat(254) }, { requiredKeys: ["kind", "vhid"] }),
  fc.oneof(fc.tuple(v4, v4), fc.tuple(v6, v6)).map(([src, dst]) => ({ kind: "tunnel" as const, src, dst })),
  fc.nat(255).map((rdomain) => ({ kind: "tunneldomain" as const, rdomain })),
  fc.nat(100000).map((id) => ({ kind: "vnetid" as const, id })),
  fc.record({ kind: fc.constant("pfsync" as const), syncdev: word, syncpeer: v4 }, { requiredKeys: ["kind", "syncdev"] }),
  // no backslash: netstart's `read` would eat it (the renderer refuses it)
  fc.stringMatching(/^[ -[\]-~]{1,30}$/).map((command) => ({ kind: "command" as const, command })),
  fc.stringMatching(/^[!-[\]-~]([ -[\]-~]{0,20}[!-[\]-~])?$/).map((text) => ({ kind: "comment" as const, text })),
  fc.array(fc.constantFrom("group", "egress", "mtu", "1400", "lladdr", "media", "autoselect"), { minLength: 1, maxLength: 3 }).filter((a) => !["up", "down", "dhcp", "inet", "inet6", "dest", "tunnel", "description", "vhid", "carpdev", "pass", "advbase", "advskew", "carppeer", "syncdev", "syncpeer", "tunneldomain", "vnetid"].includes(a[0])).map((args) => ({ kind: "ifconfig" as const, args })),
);

describe("hostname.if round trip", () => {
  it(`parse(render(x)) deep-equals x (${RUNS} runs)`, () => {
    let runs = 0;
    fc.assert(
      fc.property(fc.constantFrom("em0", "carp1", "gif0", "pfsync0", "vether0"), fc.array(line, { maxLength: 6 }), (iface, lines) => {
        runs++;
        const h: HostnameIf = { interface: iface, lines };
        const r = parseHostnameIf(renderHostnameIf(h), `/etc/hostname.${iface}`);
        expect(r.diagnostics).toEqual([]);
        expect(r.value).toEqual(h);
      }),
      { numRuns: RUNS },
    );
    expect(runs).toBe(RUNS);
  }, 60_000);
});

describe("hostname.if renderer refuses what netstart would run", () => {
  const render = (lines: HostnameIfLine[], iface = "carp1") => () => renderHostnameIf({ interface: iface, lines });
  it("refuses a newline, a `!` line, quotes or shell characters in any word, never escaping them", () => {
    expect(render([{ kind: "inet", address: "172.16.0.1", prefixlen: 24, options: ["vhid", "1", "pass", "x\n!reboot"] }])).toThrow(
      "hostname.carp1[0].options[3]: holds a newline (\\n), which /etc/hostname.IF (run through the shell by netstart) cannot hold safely; use letters, digits and `_.,:@%+=/-`",
    );
    expect(render([{ kind: "carp", vhid: 1, pass: "a;reboot" }])).toThrow(
      "hostname.carp1[0].pass: holds a character the shell interprets: netstart `eval`s each line of /etc/hostname.IF as root; use letters, digits and `_.,:@%+=/-`",
    );
    expect(render([{ kind: "description", text: 'uplink $(reboot)' }], "em0")).toThrow(
      "hostname.em0[0].description: holds a character the shell interprets: netstart `eval`s each line of /etc/hostname.IF as root; use letters, digits and `_.,:@%+=/-`",
    );
    expect(render([{ kind: "ifconfig", args: ["group", "egress`reboot`"] }], "em0")).toThrow(/hostname\.em0\[0\]\.args\[1\]: holds a character the shell interprets/);
    expect(render([{ kind: "description", text: "uplink to ISP" }], "em0")()).toBe('description "uplink to ISP"\n');
  });
});

describe("lint follows what etc/netstart parse_hn_line does with each line kind", () => {
  const lint = (t: string) => lintHostnameIf(t, "hostname.em0").map((d) => `${d.severity}: ${d.message}`);
  it("bare inet/inet6 lines are skipped by netstart (netstart:49, 63): a warning, not an error", () => {
    expect(lint("inet\ninet6\n")).toEqual([
      "warning: inet: netstart skips an `inet` line without an address",
      "warning: inet6: netstart skips an `inet6` line without an address",
    ]);
  });
  it("`inet6 autoconf OPTIONS` is passed to ifconfig whole (64-68); `dhcp` drops what follows (82-84)", () => {
    expect(lint("inet6 autoconf -temporary\n")).toEqual([]);
    expect(lint("dhcp lease\n")).toEqual(["warning: dhcp: netstart ignores `lease` after dhcp"]);
  });
  it("a trailing # comment after an address line is fine (the shell drops it when netstart evals the line)", () => {
    expect(lint("inet 10.0.0.1 255.255.255.0 NONE # lan\n")).toEqual([]);
  });
});

describe("hostname.if as netstart reads it (`while IFS= read -- _line`, then eval)", () => {
  const lint = (text: string) => lintHostnameIf(text, "/etc/hostname.em0").map((d) => `${d.severity} ${d.line}: ${d.message}`);
  it("a last line with no newline is never applied, and lint says so", () => {
    const r = parseHostnameIf("inet 10.0.0.1 255.255.255.0 NONE\nup", "/etc/hostname.em0");
    expect(r.value.lines).toEqual([{ kind: "inet", address: "10.0.0.1", prefixlen: 24 }]);
    expect(lint("inet 10.0.0.1 255.255.255.0 NONE\nup")).toEqual(["warning 2: line 2 has no newline at its end: netstart's `read` returns it as the file ends and stops, so this line is never applied; end the file with a newline"]);
  });
  it("a trailing backslash joins the next line; a comment ending in one swallows it", () => {
    expect(parseHostnameIf("# old \\\ninet 10.0.0.1 255.255.255.0 NONE\nup\n", "/etc/hostname.em0").value.lines).toEqual([{ kind: "comment", text: "old inet 10.0.0.1 255.255.255.0 NONE" }, { kind: "up" }]);
    expect(lint("description x\\\nup\n")).toEqual(["warning 1: the backslash ending line 1 joins the next line to it: netstart reads this file with `read`, not `read -r`, so these 2 lines are one"]);
    expect(lint("up\\\n")).toEqual(["warning 1: the backslash ending line 1 asks for a line the file does not have: netstart's `read` then fails and stops, so this line is never applied"]);
  });
  it("what eval would run besides ifconfig is a warning naming it", () => {
    expect(lint("description my;reboot\n")).toEqual(["warning 1: `;` ends the ifconfig command when netstart evals the line: what follows runs as a command of its own, as root at boot; if it is part of a value, put the value in single quotes"]);
    expect(lint("description $(reboot)\n")).toEqual(["warning 1: `$(` runs a command when netstart evals the line, as root at boot; if it is part of a value, put the value in single quotes"]);
    expect(lint("description 'my;x'\n")).toEqual([]);
    expect(lint("!route add default 10.0.0.1 >/dev/null\n")).toEqual([]);
  });
  it("the renderer refuses a backslash in a comment or a `!` command", () => {
    expect(() => renderHostnameIf({ interface: "em0", lines: [{ kind: "comment", text: "a\\" }] })).toThrow("hostname.em0[0].text: ");
    expect(() => renderHostnameIf({ interface: "em0", lines: [{ kind: "command", command: "echo a\\;b" }] })).toThrow("netstart reads hostname.if with `read`, not `read -r`");
  });
});
