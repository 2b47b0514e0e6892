// `pulumi-openbsd lint` never prints what may be part of a key: a key written as two words makes the parser quote
// its second word as unexpected, and that word is shown as `(secret)` (the rest of the message is the tool's own).
import { describe, expect, it } from "vitest";
import { lintFile } from "../../../sdk/lint";

const messages = (file: string, text: string) => lintFile(file, text).map((d) => d.message);

describe("lint messages never quote a key's words", () => {
  const cases: [string, string, string][] = [
    ["ipsec.conf", 'ike esp from 10.1.0.0/24 to 10.2.0.0/24 peer 192.0.2.2 psk my SECONDhalf42\n', "SECONDhalf42"],
    ["ipsec.conf", "flow esp from 10.0.0.1 to 10.0.0.2 peer 10.0.0.2\nesp from 10.0.0.1 to 10.0.0.2 spi 0x1000 authkey 0x0a1b2c3d4e5f6071 8293a4b5c6d7e8f9 enc aes\n", "8293a4b5c6d7e8f9"],
    ["iked.conf", 'ikev2 "t" active esp from 10.1.0.0/24 to 10.2.0.0/24 peer 192.0.2.2 psk first SECONDhalf42\n', "SECONDhalf42"],
    ["hostname.carp1", "inet 10.0.0.1 255.255.255.0 10.0.0.255 vhid 1 carpdev em0 pass CARPPASS part2CARPPASS\n", "part2"],
    ["hostname.wg0", "wgkey fX19fX19fX19fX19fX19fX19 fX19fX19fX19fX19fX18= wgport 51820\ninet 10.9.0.1/24\nup\n", "fX19fX19fX18="],
  ];
  for (const [file, text, secret] of cases)
    it(`${file}: ${secret}`, () => {
      const ms = messages(file, text);
      expect(ms.length).toBeGreaterThan(0);
      for (const m of ms) expect(m).not.toContain(secret);
    });

  it("what is not a key stays in the message (pf.conf has no keys)", () => {
    expect(messages("pf.conf", "pass in on em0 proto tcp to port 99999\n").join("\n")).toContain("99999");
  });
});
