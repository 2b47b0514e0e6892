import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { formatDiagnostic } from "../../../sdk/model/diagnostics";
import { expandRules, parsePf, renderPfConf } from "../../../sdk/model/pf";
import { GOLDEN_INTERFACES, pfctlNv } from "../../lab/emu/pfctl-nv";
import { SHARED } from "../../support/shared";

const FIX = new URL("./fixtures/", import.meta.url).pathname;
const fixture = (name: string) => readFileSync(FIX + name, "utf8");
const golden = (name: string) => readFileSync(`${SHARED}/golden/pfctl/${name}`, "utf8");
const valid = readdirSync(FIX).filter((f) => f.endsWith(".conf") && !f.endsWith(".broken.conf")).sort();

describe("pf rule sets of the guides (test/unit/pf/fixtures)", () => {
  it("has every guide snippet", () => {
    expect(valid).toEqual([
      "guide000-gw1-enc0-filter.conf",
      "guide000-gw1-ipsec-pass.conf",
      "guide000-gw2-tagged.conf",
      "guide000-set-skip-enc0.conf",
      "guide001-comment-nat.conf",
      "guide002-anchor-vmd.conf",
    ]);
  });

  for (const name of valid) {
    it(`${name}: parses, renders to pf.conf and parses back to the same ruleset and rules`, () => {
      const first = parsePf(fixture(name), name, { interfaces: GOLDEN_INTERFACES });
      expect(first.diagnostics).toEqual([]);
      const text = renderPfConf(first.value);
      const again = parsePf(text, "rendered.conf", { interfaces: GOLDEN_INTERFACES });
      expect(again.diagnostics).toEqual([]);
      expect(again.value).toEqual(first.value);
      expect(expandRules(again.value, GOLDEN_INTERFACES)).toEqual(expandRules(first.value, GOLDEN_INTERFACES));
      expect(renderPfConf(again.value)).toBe(text);
    });
  }

  it("guide 000's rule sets load exactly as OpenBSD's pfctl loads the golden copies", () => {
    const pairs: [string, string][] = [
      ["guide000-gw1-ipsec-pass.conf", "guide-gw1-ipsec-pass"],
      ["guide000-gw1-enc0-filter.conf", "guide-gw1-enc0-filter"],
      ["guide000-gw2-tagged.conf", "guide-gw2-tagged"],
    ];
    for (const [fix, gold] of pairs) {
      for (const optimize of [false, true]) {
        const r = pfctlNv(fixture(fix), fix, { optimize, interfaces: GOLDEN_INTERFACES });
        expect(r.stdout).toBe(golden(`${gold}${optimize ? "" : ".noopt"}.out`));
        expect(r.rc).toBe(0);
      }
    }
  });

  it("renders guide 000's enc0 filter as pf.conf with lists kept", () => {
    const r = parsePf(fixture("guide000-gw1-enc0-filter.conf"), "f.conf", { interfaces: GOLDEN_INTERFACES });
    expect(renderPfConf(r.value)).toBe(
      [
        'ext_if = "em1"',
        'int_if = "em0"',
        'ipsec_peer = "192.0.123.85"',
        'www_server = "192.168.15.5"',
        'www_ports = "{ 80 443 }"',
        "block on enc0 all",
        "pass in on enc0 proto ipencap from 192.0.123.85 to (em1) keep state (if-bound)",
        "pass out on enc0 proto tcp from em0:network to 192.168.15.5 port { 80 443 } keep state (if-bound)",
        "",
      ].join("\n"),
    );
  });

  it("guide 000 (broken): both macros on one line is a syntax error, then every $ext_if is undefined", () => {
    const name = "guide000-gw1-ipsec-pass.broken.conf";
    expect(parsePf(fixture(name), name, { interfaces: GOLDEN_INTERFACES }).diagnostics.map(formatDiagnostic)).toEqual([
      `${name}:1:35: syntax error: unexpected \`=\``,
      `${name}:3:12: macro 'ext_if' not defined`,
      `${name}:3:12: syntax error: unexpected undefined macro`,
      `${name}:5:13: macro 'ext_if' not defined`,
      `${name}:8:12: macro 'ext_if' not defined`,
      `${name}:8:12: syntax error: unexpected undefined macro`,
      `${name}:9:13: macro 'ext_if' not defined`,
    ]);
  });

  it("guide 001 (broken): the page lost the peer address, so `from $ipsec_peer to` is a syntax error", () => {
    const name = "guide001-gw1-ipsec-pass.broken.conf";
    const r = pfctlNv(fixture(name), name, { optimize: false, interfaces: GOLDEN_INTERFACES });
    expect(r.rc).toBe(1);
    expect(r.stderr).toBe([5, 9, 10].map((l) => `${name}:${l}: syntax error\n`).join(""));
  });

  it("guide 001 (broken): the reader comment lost every address", () => {
    const name = "guide001-comment-nat.broken.conf";
    expect(parsePf(fixture(name), name).diagnostics.map(formatDiagnostic)).toEqual([
      `${name}:2:24: syntax error: unexpected \`to\``,
      `${name}:3:23: syntax error: unexpected \`,\``,
      `${name}:4:23: syntax error: unexpected \`to\``,
    ]);
  });
});
