import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { formatDiagnostic } from "../../../sdk/model/diagnostics";
import { lintIkedConf, parseIkedConf, renderIkedConf } from "../../../sdk/model/iked";
import { ikedN } from "../../lab/emu/iked-n";

const fixture = (n: string): string => readFileSync(new URL(`./fixtures/${n}`, import.meta.url), "utf8");

describe("iked.conf from the guides (seed 002)", () => {
  it("the guide's `iked2` typo is rejected by the model and by iked", () => {
    const t = fixture("guide-002-alice-iked2-typo.conf");
    expect(lintIkedConf(t, "iked.conf").map(formatDiagnostic)).toEqual([
      "iked.conf:1:7: syntax error: unknown keyword `iked2` (did you mean `ikev2`?); expected ikev2, set, user or a macro definition",
    ]);
    expect(ikedN(t, "iked.conf", { verbose: false })).toEqual({ stdout: "", stderr: "iked.conf: 1: syntax error\niked.conf: no valid configuration rules found\n", rc: 1 });
  });
  for (const f of ["guide-002-alice.conf", "guide-002-bob.conf", "guide-002-alice-ipv6.conf"]) {
    it(`${f} parses, lints clean and renders back to an equivalent file`, () => {
      const t = fixture(f);
      const a = parseIkedConf(t, f);
      expect(a.diagnostics).toEqual([]);
      expect(lintIkedConf(t, f)).toEqual([]);
      const r = renderIkedConf(a.value);
      expect(parseIkedConf(r, f).value).toEqual(a.value);
      // iked sees the same policy in both files
      expect(ikedN(r, f, { verbose: true })).toEqual(ikedN(t, f, { verbose: true }));
    });
  }
  it("alice renders line for line in canonical form", () => {
    expect(renderIkedConf(parseIkedConf(fixture("guide-002-alice.conf")).value)).toBe(
      'ikev2 passive tunnel esp \\\n\tfrom 192.168.1.0/24 to 192.168.1.0/24 \\\n\tfrom 172.16.1.0/24 to 172.16.1.0/24 \\\n\tlocal 192.168.1.1 \\\n\tpsk "dont_use_psk_its_a_bad_idea"\n',
    );
  });
  it("bob is an active initiator towards alice with the same PSK", () => {
    const bob = parseIkedConf(fixture("guide-002-bob.conf")).value.policies[0];
    expect(bob).toMatchObject({ mode: "active", local: "192.168.1.2", peer: "192.168.1.1", auth: { kind: "psk", value: "dont_use_psk_its_a_bad_idea" } });
    expect(ikedN(fixture("guide-002-bob.conf"), "iked.conf", { verbose: false })).toEqual({ stdout: "", stderr: "configuration OK\n", rc: 0 });
  });
});
