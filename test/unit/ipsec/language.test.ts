/** ipsec.conf language features: macros, include, continuations, comments, lists, quoting, prefix-matched transforms. */
import { describe, expect, it } from "vitest";
import { formatDiagnostic } from "../../../sdk/model/diagnostics";
import { parseIpsecConf, renderIpsecConf, resolveTransform } from "../../../sdk/model/ipsec";

const render = (text: string, include?: (p: string) => string | undefined) => {
  const r = parseIpsecConf(text, "ipsec.conf", { include });
  return { text: renderIpsecConf(r.value), diagnostics: r.diagnostics.map(formatDiagnostic) };
};

describe("language", () => {
  it("expands macros, also into lists, and not inside quotes", () => {
    const r = render(
      [
        'nets = "{ 10.1.0.0/24 10.3.0.0/24 }"',
        "gw = 198.51.100.2",
        'ike esp from $nets to 10.2.0.0/24 peer $gw psk "$gw"',
      ].join("\n") + "\n",
    );
    expect(r.diagnostics).toEqual([]);
    expect(r.text).toBe('ike esp from { 10.1.0.0/24, 10.3.0.0/24 } to 10.2.0.0/24 peer 198.51.100.2 psk "$gw"\n');
  });

  it("joins continuation lines, drops comments, reports lines of the physical file", () => {
    const r = render("# gateway 1\nike esp from 10.1.0.0/24 \\\n\tto 10.2.0.0/24 # the remote net\n\n\nike esp from 10.1.0.0/24 to 10.2.0.0/24 \\\n  quick enc blowfsh\n");
    expect(r.text).toBe("ike esp from 10.1.0.0/24 to 10.2.0.0/24\nike esp from 10.1.0.0/24 to 10.2.0.0/24 quick\n");
    expect(r.diagnostics).toEqual([
      "ipsec.conf:7:13: quick.enc: blowfsh not a valid transform; one of 3des-cbc, aes, aes-128, aes-192, aes-256, aesctr, aes-128-ctr, aes-192-ctr, aes-256-ctr, aes-128-gcm, aes-192-gcm, aes-256-gcm, aes-128-gmac, aes-192-gmac, aes-256-gmac, blowfish, cast128, chacha20-poly1305, null",
    ]);
  });

  it("includes files in place, with their own file name in diagnostics, and macros shared", () => {
    const files: Record<string, string> = {
      "/etc/ipsec.d/peers.conf": 'peer2 = "192.0.2.2"\nike esp from 10.1.0.0/24 to 10.9.0.0/24 peer $peer2 quick enc nope\n',
    };
    const r = render('include "/etc/ipsec.d/peers.conf"\nflow esp from 10.1.0.0/24 to 10.2.0.0/24 peer $peer2\ninclude "/missing"\n', (p) => files[p]);
    expect(r.text).toBe("ike esp from 10.1.0.0/24 to 10.9.0.0/24 peer 192.0.2.2 quick\nflow esp from 10.1.0.0/24 to 10.2.0.0/24 peer 192.0.2.2\n");
    expect(r.diagnostics).toEqual([
      "/etc/ipsec.d/peers.conf:2:63: quick.enc: nope not a valid transform; one of 3des-cbc, aes, aes-128, aes-192, aes-256, aesctr, aes-128-ctr, aes-192-ctr, aes-256-ctr, aes-128-gcm, aes-192-gcm, aes-256-gcm, aes-128-gmac, aes-192-gmac, aes-256-gmac, blowfish, cast128, chacha20-poly1305, null",
      "ipsec.conf:3:9: include: failed to include file /missing",
    ]);
  });

  it("resolves transform names by prefix, as ipsecctl's parse_xf, and renders full names", () => {
    expect(resolveTransform("enc", "3des")).toBe("3des-cbc");
    expect(resolveTransform("auth", "hmac-sha2")).toBe("hmac-sha2-256");
    expect(resolveTransform("enc", "aes-1")).toBe("aes-128");
    expect(resolveTransform("enc", "aes")).toBe("aes");
    expect(resolveTransform("group", "grp14")).toBe("modp2048");
    expect(resolveTransform("enc", "rc4")).toBeUndefined();
    expect(render("ike esp from 10.1.0.0/24 to 10.2.0.0/24 main auth hmac-sha2 enc 3des group grp14 quick enc aes-2 group grp19\n").text).toBe(
      "ike esp from 10.1.0.0/24 to 10.2.0.0/24 main auth hmac-sha2-256 enc 3des-cbc group modp2048 quick enc aes-256 group ecp256\n",
    );
  });

  it("accepts `to … from …` order and `local`/`peer` in either order; renders the canonical order", () => {
    expect(render("ike passive esp to 10.2.0.0/24 from 10.1.0.0/24 peer 192.0.2.2 local 192.0.2.1 quick lifetime 1200 psk 'a b'\n").text).toBe(
      'ike passive esp from 10.1.0.0/24 to 10.2.0.0/24 local 192.0.2.1 peer 192.0.2.2 quick lifetime 20m psk "a b"\n',
    );
  });

  it("canonicalises IPv6, protocol numbers and service names", () => {
    expect(render("ike esp proto 6 from 2001:DB8:0:0::/64 port ssh to 2001:db8:0:1:0:0:0:0/64 port 443 peer 2001:db8:0::2\n").text).toBe(
      "ike esp proto tcp from 2001:db8::/64 port 22 to 2001:db8:0:1::/64 port 443 peer 2001:db8::2\n",
    );
  });

  it("parses manual SAs with keys with or without 0x, tcpmd5 and udpencap", () => {
    const r = render(
      "esp transport from 192.0.2.1 to 192.0.2.2 spi 0x1000 udpencap port 4500 auth hmac-sha1 enc aes-128 authkey 0102030405060708090A0B0C0D0E0F1011121314 enckey 0x00112233445566778899aabbccddeeff\n" +
        "tcpmd5 from 192.0.2.1 to 192.0.2.2 spi 0x1000:0x1001 authkey 0xdeadbeef:0xbeefdead\n",
    );
    expect(r.diagnostics).toEqual([]);
    expect(r.text).toBe(
      "esp transport from 192.0.2.1 to 192.0.2.2 spi 0x1000 udpencap port 4500 auth hmac-sha1 enc aes-128 authkey 0x0102030405060708090a0b0c0d0e0f1011121314 enckey 0x00112233445566778899aabbccddeeff\n" +
        "tcpmd5 from 192.0.2.1 to 192.0.2.2 spi 0x1000:0x1001 authkey 0xdeadbeef:0xbeefdead\n",
    );
  });

  it("recovers after a syntax error at the next line, like parse.y's `error '\\n'`", () => {
    const r = parseIpsecConf("ike esp frm 10.1.0.0/24 to 10.2.0.0/24\nflow esp from 10.1.0.0/24 to 10.2.0.0/24 type bypass\n");
    expect(r.value.statements.map((s) => s.type)).toEqual(["flow"]);
    expect(r.diagnostics.map(formatDiagnostic)).toEqual(["ipsec.conf:1:9: syntax error; unexpected `frm`"]);
  });
});
