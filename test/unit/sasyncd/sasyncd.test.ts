import { readFileSync, readdirSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { formatDiagnostic } from "../../../sdk/model/diagnostics";
import { lintSasyncdConf, parseSasyncdConf, parseSasyncdConfDetailed, renderSasyncdConf, type SasyncdConf } from "../../../sdk/model/sasyncd";
import { sasyncdN } from "../../lab/emu/sasyncd-n";
import { SHARED } from "../../support/shared";

const dir = `${SHARED}/golden/sasyncd/`;
const read = (n: string): string => readFileSync(dir + n, "utf8");
const cases = readdirSync(dir).filter((f) => f.endsWith(".conf")).map((f) => f.slice(0, -5)).sort();
const fixture = (n: string): string => readFileSync(new URL(`./fixtures/${n}`, import.meta.url), "utf8");
const expected = (c: string, suf: string) => ({ stdout: read(`${c}${suf}.out`), stderr: read(`${c}${suf}.err`), rc: Number(read(`${c}${suf}.rc`).trim()) });

describe("golden/sasyncd: emulated sasyncd -n is byte-identical", () => {
  it("has cases", () => expect(cases.length).toBeGreaterThanOrEqual(9));
  for (const c of cases) {
    const text = read(`${c}.conf`);
    it(`${c}: sasyncd -d -n`, () => expect(sasyncdN(text, `${c}.conf`, { debug: true, verbosity: 0 })).toEqual(expected(c, "")));
    it(`${c}: sasyncd -n`, () => expect(sasyncdN(text, `${c}.conf`, { debug: false, verbosity: 0 })).toEqual(expected(c, ".n")));
    it(`${c}: sasyncd -d -v -v -n`, () => expect(sasyncdN(text, `${c}.conf`, { debug: true, verbosity: 2 })).toEqual(expected(c, ".vv")));
    const valid = read(`${c}.rc`).trim() === "0";
    it(`${c}: lint ${valid ? "accepts" : "rejects"} it`, () => expect(lintSasyncdConf(text).filter((d) => d.severity === "error").length === 0).toBe(valid));
  }
  it("a group- or world-readable file is refused", () => {
    expect(sasyncdN(read("s01-base-valid.conf"), "/etc/sasyncd.conf", { debug: true, verbosity: 0, mode: 0o644 })).toEqual({
      stdout: "",
      stderr: 'configuration file has bad owner, type or mode\nfailed to open "/etc/sasyncd.conf"\n',
      rc: 1,
    });
  });
});

describe("sasyncd.conf errors, word for word", () => {
  it("short hex key", () => {
    expect(lintSasyncdConf(read("s02-sharedkey-16hex.conf")).map(formatDiagnostic)).toEqual([
      "sasyncd.conf:3:11: sharedkey: key of 64 bits is not allowed; use 128, 192 or 256 bits (0x followed by 32, 48 or 64 hex digits)",
    ]);
  });
  it("missing key and interface", () => {
    expect(lintSasyncdConf("peer 10.0.0.3\n").map(formatDiagnostic)).toEqual([
      "sasyncd.conf:1:1: sharedkey: required; sasyncd refuses to start without a shared key (0x followed by 32, 48 or 64 hex digits)",
      "sasyncd.conf:1:1: interface: required; sasyncd needs the carp interface to track (e.g. `interface carp0`)",
    ]);
  });
  it("unknown keyword", () => {
    expect(lintSasyncdConf("interface carp0\nfrobnicate yes\n").map(formatDiagnostic)).toEqual([
      "sasyncd.conf:2:1: syntax error: unexpected `frobnicate`; expected one of interface, group, peer, listen, flushmode, mode, control, sharedkey",
    ]);
  });
  it("bad control daemon", () => {
    expect(lintSasyncdConf("control ikedd\n").map(formatDiagnostic)).toEqual(["sasyncd.conf:1:9: control: unknown daemon `ikedd`; one of isakmpd, iked, all, none"]);
  });
  it("renderer: key length, never the key itself", () => {
    const c: SasyncdConf = { interface: "carp0", peers: [], sharedkey: { kind: "hex", hex: "00112233" } };
    expect(() => renderSasyncdConf(c)).toThrow("sharedkey: key of 32 bits is not allowed; use 128, 192 or 256 bits (0x followed by 32, 48 or 64 hex digits)");
    try {
      renderSasyncdConf(c);
    } catch (e) {
      expect(String(e)).not.toContain("00112233");
    }
    expect(() => renderSasyncdConf({ peers: [] })).toThrow("interface: required (the carp interface sasyncd tracks, e.g. carp0)");
  });
});

describe("sasyncd.conf from the guides", () => {
  it("seed 000 as printed: the interface is swallowed by a comment and the key is 61 hex digits", () => {
    const t = fixture("guide-000-gw1a.conf");
    expect(lintSasyncdConf(t).map(formatDiagnostic)).toEqual([
      "sasyncd.conf:5:11: warning: sharedkey: odd number of hex digits (61); sasyncd ignores the last one",
      "sasyncd.conf:5:11: sharedkey: key of 240 bits is not allowed; use 128, 192 or 256 bits (0x followed by 32, 48 or 64 hex digits)",
    ]);
    expect(sasyncdN(t, "/etc/sasyncd.conf", { debug: true, verbosity: 0 }).rc).toBe(1);
  });
  it("seed 001 as printed: a hex key without 0x is a 512-bit ASCII key", () => {
    const t = fixture("guide-001-gw1a.conf");
    expect(lintSasyncdConf(t).map(formatDiagnostic)).toEqual([
      "sasyncd.conf:5:11: sharedkey: key of 512 bits is not allowed (a hex key needs the 0x prefix); use 128, 192 or 256 bits (0x followed by 32, 48 or 64 hex digits)",
    ]);
  });
  it("the fixed file parses and renders back line for line (comments aside)", () => {
    const t = fixture("guide-001-gw1a-fixed.conf");
    const r = parseSasyncdConf(t);
    expect(r.diagnostics).toEqual([]);
    expect(lintSasyncdConf(t)).toEqual([]);
    expect(renderSasyncdConf(r.value)).toBe("interface carp2\npeer 172.16.0.3\nsharedkey 0xda23169c9f49bb1fcdfab7d5565889754331b3f831b3723d273a06e9d780f2cc\n");
    expect(sasyncdN(renderSasyncdConf(r.value), "/etc/sasyncd.conf", { debug: true, verbosity: 0 })).toEqual({ stdout: "", stderr: "configuration OK\n", rc: 0 });
  });
});

const RUNS = 500;
const word = fc.stringMatching(/^[a-z][a-z0-9.:-]{0,12}$/).filter((s) => !["control", "flushmode", "group", "inet", "inet6", "interface", "listen", "master", "mode", "never", "on", "peer", "port", "sharedkey", "skipslave", "slave", "startup", "sync"].includes(s));
const conf: fc.Arbitrary<SasyncdConf> = fc.record(
  {
    interface: word,
    group: word,
    peers: fc.uniqueArray(word, { maxLength: 3 }), // a peer named twice is refused (its list would loop)
    listen: fc.record({ on: word, af: fc.constantFrom("inet" as const, "inet6" as const), port: fc.integer({ min: 1, max: 65535 }) }, { requiredKeys: ["on"] }),
    flushmode: fc.constantFrom("startup" as const, "never" as const, "sync" as const),
    mode: fc.constantFrom("master" as const, "slave" as const, "skipslave" as const),
    control: fc.constantFrom("isakmpd" as const, "iked" as const, "all" as const, "none" as const),
    sharedkey: fc.oneof(
      fc.oneof(...[16, 24, 32].map((n) => fc.stringMatching(new RegExp(`^[0-9a-f]{${n * 2}}$`)))).map((hex) => ({ kind: "hex" as const, hex })),
      fc.oneof(...[16, 24, 32].map((n) => fc.stringMatching(new RegExp(`^[g-z][a-z]{${n - 1}}$`)))).map((value) => ({ kind: "ascii" as const, value })),
    ),
  },
  { requiredKeys: ["interface", "peers", "sharedkey"] },
);

describe("sasyncd.conf round trip", () => {
  it(`parse(render(x)) deep-equals x and sasyncd accepts it (${RUNS} runs)`, () => {
    let runs = 0;
    fc.assert(
      fc.property(conf, (c) => {
        runs++;
        const t = renderSasyncdConf(c);
        const r = parseSasyncdConf(t);
        expect(r.diagnostics).toEqual([]);
        expect(r.value).toEqual(c);
        expect(sasyncdN(t, "sasyncd.conf", { debug: true, verbosity: 0 }).rc).toBe(0);
      }),
      { numRuns: RUNS },
    );
    expect(runs).toBe(RUNS);
  }, 60_000);
});

describe("sasyncd.conf as usr.sbin/sasyncd/conf.y reads it", () => {
  const ok = "interface carp1\npeer 10.0.0.2\n";
  const lint = (t: string) => lintSasyncdConf(ok + t).map((d) => `${d.severity}: ${d.message}`);
  it("a `0x` word that is not all hex is a string (yylex jumps to is_string): an ascii key of its length", () => {
    expect(lint(`sharedkey 0x${"z".repeat(14)}\n`)).toEqual([]);
    expect(lint(`sharedkey 0x${"z".repeat(32)}\n`)).toEqual([
      "error: sharedkey: key of 272 bits is not allowed; use 128, 192 or 256 bits (0x followed by 32, 48 or 64 hex digits)",
    ]);
  });
  it("an ascii key of 16, 24 or 32 characters is accepted (conf.y key: STRING, strlen * 8 bits)", () => {
    for (const n of [16, 24, 32]) expect(lint(`sharedkey ${"k".repeat(n)}\n`)).toEqual([]);
  });
  it("an odd last hex digit is dropped: 33 digits are a 128-bit key, accepted with a warning", () => {
    expect(lint(`sharedkey 0x${"a".repeat(33)}\n`)).toEqual(["warning: sharedkey: odd number of hex digits (33); sasyncd ignores the last one"]);
  });
  it("a listen port out of range is reset to 500, not refused (conf.y listen rule)", () => {
    expect(lint(`sharedkey 0x${"a".repeat(32)}\nlisten on 10.0.0.1 port 70000\n`)).toEqual([
      "warning: listen on 10.0.0.1 port: 70000 is out of range (1-65535); sasyncd uses port 500 instead",
    ]);
  });
  it("a word starting with a digit and without . or : is a number: `peer 10host` is a syntax error", () => {
    expect(lint(`sharedkey 0x${"a".repeat(32)}\npeer 10host\n`)[0]).toBe("error: syntax error: unexpected `10host`; expected a peer address or host name");
  });
});

describe("sasyncd.conf as sasyncd reads it (conf.y conf_parse_file), word for word", () => {
  const KEY = "sharedkey 0x000102030405060708090a0b0c0d0e0f";
  const errors = (text: string) => lintSasyncdConf(text).filter((d) => d.severity === "error").map(formatDiagnostic);
  it("a peer named twice: -n says OK, but the peer list loops, so lint refuses it", () => {
    // recorded (scripts/oracle-sasyncd.sh): `sasyncd -d -v -v -n` prints `add peer a` twice and `configuration OK`
    const text = `interface carp0\npeer a\npeer b\npeer a\n${KEY}\n`;
    expect(sasyncdN(text, "x.conf", { debug: true, verbosity: 2 })).toEqual({ stdout: "", stderr: "config: interface carp0\nconfig: add peer a\nconfig: add peer b\nconfig: add peer a\nconfig: 16 byte shared hex key\nconfig: shared key set\nconfiguration OK\n", rc: 0, peerLoop: true });
    expect(parseSasyncdConfDetailed(text).peerLoop).toBe(true);
    expect(parseSasyncdConfDetailed(`interface carp0\npeer a\npeer b\n${KEY}\n`).peerLoop).toBe(false);
    expect(errors(text)).toEqual(["sasyncd.conf:4:1: peer a: named twice; sasyncd inserts the same entry into its peer list again, the list loops on itself and sasyncd hangs when it walks it; name each peer once"]);
  });
  it("a peer named twice, then another: sasyncd -n never ends (what it printed stays)", () => {
    const text = `interface carp0\npeer a\npeer a\npeer b\n${KEY}\n`;
    // recorded: killed after 3 s, having printed these three lines
    expect(sasyncdN(text, "x.conf", { debug: true, verbosity: 2 })).toEqual({ stdout: "", stderr: "config: interface carp0\nconfig: add peer a\nconfig: add peer a\n", rc: 1, hangs: true });
    expect(errors(text)[1]).toBe("sasyncd.conf:4:1: peer b: sasyncd never finishes reading this file: a peer named twice above made its peer list a loop, which this `peer` searches forever; name each peer once");
  });
  it("the renderer refuses a peer named twice", () => {
    expect(() => renderSasyncdConf({ interface: "carp0", peers: ["10.0.0.1", "10.0.0.2", "10.0.0.1"], sharedkey: { kind: "hex", hex: "00".repeat(16) } })).toThrow(
      "peers[2]: `10.0.0.1` is named twice: sasyncd's peer list then loops on itself and sasyncd hangs; name each peer once",
    );
  });
  it("a comment right after a word glues the next line's word on", () => {
    expect(errors(`interface carp0#x\npeer 10.0.0.1\n${KEY}\n`)).toEqual([
      "sasyncd.conf:2:6: syntax error: unexpected `10.0.0.1`; expected one of interface, group, peer, listen, flushmode, mode, control, sharedkey; `carp0peer` is two words glued by the `#` comment between them (sasyncd drops a comment with the newlines after it): put white space before `#`",
    ]);
  });
  it("no final newline after white space was dropped: the stale tail is one more word", () => {
    expect(errors(`interface carp0\n${KEY}\n\n\npeer 10.0.0.1`)).toEqual([
      "sasyncd.conf:5:13: syntax error: the file does not end with white space, so sasyncd reads the last 1 bytes of the file again as one more word (conf.y conf_parse_file); end the file with a newline; expected one of interface, group, peer, listen, flushmode, mode, control, sharedkey",
    ]);
    // the stale bytes of a file ending in its key are never shown
    const key = "abcdefghijklmnop";
    const d = errors(`interface carp0\n\n\nsharedkey ${key}`);
    expect(d).toHaveLength(1);
    expect(d[0]).not.toContain("nop");
    expect(errors(`interface carp0\nsharedkey abcdefghijklmnop more words\n`)[0]).toBe("sasyncd.conf:2:28: syntax error: unexpected word after the key (not shown: it may be part of the key; a key is one word); expected one of interface, group, peer, listen, flushmode, mode, control, sharedkey");
    expect(errors(`interface carp0\n${KEY}\npeer 10.0.0.1`)).toEqual([]);
  });
  it("a file of comments only is one empty word", () => {
    expect(errors("# nothing yet\n")).toEqual(["sasyncd.conf:1:1: syntax error: the file has no settings (sasyncd reads one empty word); expected one of interface, group, peer, listen, flushmode, mode, control, sharedkey"]);
  });
  it("numbers are (int)strtol: a port of 2^32 + 500 is 500, `600x` is 600", () => {
    const r = (port: string) => sasyncdN(`interface carp0\n${KEY}\nlisten on 10.0.0.2 port ${port}\n`, "x.conf", { debug: true, verbosity: 2 }).stderr.split("\n")[3];
    expect(r("4294967796")).toBe("config: listen on 10.0.0.2 ");
    expect(r("600x")).toBe("config: listen on 10.0.0.2 port 600");
  });
});
