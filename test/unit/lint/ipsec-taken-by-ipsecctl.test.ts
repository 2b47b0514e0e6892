/**
 * What `ipsecctl -n` takes although it does nothing or fails later: lint loads the file (no error, as OpenBSD's own
 * ipsecctl does: test/fixtures/oracle/ipsecctl/flow-nat-ignored and tag-unchecked) and warns, word for word.
 */
import { describe, expect, it } from "vitest";
import { lintFile } from "../../../sdk/lint";
import { formatDiagnostic } from "../../../sdk/model/diagnostics";

const lint = (text: string) => lintFile("ipsec.conf", text, { kind: "ipsec" }).map(formatDiagnostic);

describe("ipsec.conf lines ipsecctl takes", () => {
  it("a (NAT) on a flow rule: ipsecctl ignores it, lint warns; an ike rule keeps its NAT", () => {
    expect(lint("flow esp from 10.1.0.0/24 (10.9.0.0/24) to 10.2.0.0/24 peer 192.0.2.2\n")).toEqual([
      "ipsec.conf:1:27: warning: from: a (NAT) on a flow rule has no effect: ipsecctl ignores it there; remove the (NATSRC) part",
    ]);
    expect(lint('ike esp from 10.3.0.0/24 (10.9.9.0/24) to 10.4.0.0/24 peer 192.0.2.3 psk "k"\n')).toEqual([]);
  });

  it("a tag pf cannot hold (64 characters or more, a quote or a backslash): a warning, not an error", () => {
    const long = "t".repeat(64);
    expect(lint(`ike esp from 10.0.0.0/24 to 10.0.1.0/24 peer 192.0.2.1 psk "x" tag ${long}\n`)).toEqual([
      `ipsec.conf:1:68: warning: tag: invalid tag \`${long}\`; 1-63 characters without quotes or backslashes: \`ipsecctl -n\` takes it, pf's tag names do not`,
    ]);
    expect(lint(`ike esp from 10.0.0.0/24 to 10.0.1.0/24 peer 192.0.2.1 psk "x" tag ${"t".repeat(63)}\n`)).toEqual([]);
  });

  it("lifetimes as parse_life() reads them: sscanf %d%c into a C int; none that is no number", () => {
    const rule = (v: string) => `ike esp from 10.0.0.0/24 to 10.0.1.0/24 peer 192.0.2.1 quick lifetime ${v} psk "x"\n`;
    expect(lint(rule('"10mx"'))).toEqual([]);
    expect(lint(rule('"2147483648"'))).toEqual([
      "ipsec.conf:1:71: warning: quick.lifetime: invalid lifetime `-2147483648`; a positive number of seconds: `ipsecctl -n` takes it as it is",
    ]);
    expect(lint(rule('"k"'))).toEqual(["ipsec.conf:1:71: quick.lifetime: invalid time specification: k; seconds, or a number with suffix m or h"]);
    expect(lint(rule('"10x"'))).toEqual(["ipsec.conf:1:71: quick.lifetime: invalid time unit; seconds, or a number with suffix m or h"]);
  });

  it("a manual SA's `auth none` (parse.y's table) loads: lint warns, and the components refuse it", () => {
    expect(lint("esp from 192.0.2.1 to 192.0.2.2 spi 0x1003 enc aes-128 auth none enckey 0x12345678901234567890123456789012\n")).toEqual([
      "ipsec.conf:1:61: warning: auth: `none` is no authentication transform; ipsecctl takes it; name one of hmac-md5, hmac-ripemd160, hmac-sha1, hmac-sha2-256, hmac-sha2-384, hmac-sha2-512",
    ]);
    // `unknown` wants a key (validate_sa exempts only `none`), and the key it wants has 0 bits: no rule can have it
    expect(lint("esp from 192.0.2.1 to 192.0.2.2 spi 0x1002 enc aes auth unknown enckey 0x12345678901234567890123456789012\n")).toContain(
      "ipsec.conf:1:1: authkey: no authentication key specified; unknown needs 0 bits (0 hex digits)",
    );
  });
});

