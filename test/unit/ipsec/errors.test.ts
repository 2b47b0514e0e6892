/** Error messages of the validators and the parser, word for word. */
import { describe, expect, it } from "vitest";
import { formatDiagnostic, ModelError } from "../../../sdk/model/diagnostics";
import {
  lintIpsecConf,
  parseIpsecConf,
  renderIpsecConf,
  validateIkeRule,
  validateIpsecConf,
  validateStatement,
  type IkeRule,
  type SaRule,
} from "../../../sdk/model/ipsec";

const base: IkeRule = {
  type: "ike",
  from: { addresses: [{ kind: "ip", address: "172.16.0.0", prefix: 24 }] },
  to: { addresses: [{ kind: "ip", address: "192.168.15.0", prefix: 24 }] },
  peer: { kind: "ip", address: "192.0.123.85" },
  auth: { kind: "psk", psk: "s3cret" },
};

function thrown(f: () => void): ModelError {
  try {
    f();
  } catch (e) {
    if (e instanceof ModelError) return e;
    throw e;
  }
  throw new Error("did not throw");
}

describe("validateIkeRule", () => {
  it("names field, value, reason and the allowed transforms", () => {
    const e = thrown(() => validateIkeRule({ ...base, quick: { enc: "blowfsh" as never } }));
    expect(e.message).toBe(
      "quick.enc: unknown transform `blowfsh`; one of 3des-cbc, aes, aes-128, aes-192, aes-256, aesctr, aes-128-ctr, aes-192-ctr, aes-256-ctr, aes-128-gcm, aes-192-gcm, aes-256-gcm, aes-128-gmac, aes-192-gmac, aes-256-gmac, blowfish, cast128, chacha20-poly1305, null",
    );
    expect(e.field).toBe("quick.enc");
    expect(e.value).toBe("blowfsh");
  });

  it("prefixes the field path given by the caller", () => {
    const e = thrown(() => validateIkeRule({ ...base, main: { group: "modp999" as never } }, "tunnels.net1-net2"));
    expect(e.message).toBe(
      "tunnels.net1-net2.main.group: unknown transform `modp999`; one of none, modp768, modp1024, modp1536, modp2048, modp3072, modp4096, modp6144, modp8192, ecp256, ecp384, ecp521, ecp224, bp224, bp256, bp384, bp512",
    );
  });

  it("refuses a phase 1 transform ike.c cannot generate", () => {
    expect(thrown(() => validateIkeRule({ ...base, main: { enc: "aes-128-gcm" } })).message).toBe(
      "main.enc: illegal transform aes-128-gcm; phase 1 accepts 3des-cbc, aes, aes-128, aes-192, aes-256, blowfish, cast128",
    );
    expect(thrown(() => validateIkeRule({ ...base, main: { group: "none" } })).message).toBe(
      "main.group: illegal group none; phase 1 needs a DH group",
    );
  });

  it("refuses auth with an AEAD quick-mode cipher", () => {
    expect(thrown(() => validateIkeRule({ ...base, quick: { auth: "hmac-sha2-256", enc: "aes-256-gcm" } })).message).toBe(
      "quick.auth: authentication is implicit for aes-256-gcm; remove quick.auth",
    );
  });

  it("refuses ports without proto tcp/udp", () => {
    expect(thrown(() => validateIkeRule({ ...base, to: { ...base.to, port: 80 } })).message).toBe(
      "to.port: no protocol supplied with source/destination ports; add proto tcp or proto udp",
    );
  });

  it("refuses mixed address families and non-canonical addresses", () => {
    expect(thrown(() => validateIkeRule({ ...base, to: { addresses: [{ kind: "ip", address: "2001:db8::", prefix: 64 }] } })).message).toBe(
      "to: source/destination address families do not match; from and to must have the same address family",
    );
    expect(thrown(() => validateIkeRule({ ...base, from: { addresses: [{ kind: "ip", address: "172.16.0.1", prefix: 24 }] } })).message).toBe(
      "from: `172.16.0.1/24` is not canonical; write 172.16.0.0/24",
    );
  });

  it("never shows a PSK", () => {
    const e = thrown(() => validateIkeRule({ ...base, auth: { kind: "psk", psk: 'my"secret' } }));
    expect(e.message).toBe("psk: invalid pre-shared key; a non-empty string without quotes, backslashes or newlines");
    expect(e.message).not.toContain("secret\"");
  });
});

describe("manual SA keys", () => {
  const sa: SaRule = {
    type: "sa",
    satype: "esp",
    from: { kind: "ip", address: "192.0.2.1" },
    to: { kind: "ip", address: "192.0.2.2" },
    spi: { out: 0x1000, in: 0x1001 },
    auth: "hmac-sha2-256",
    enc: "aes-256",
    authkey: { out: "00".repeat(32), in: "11".repeat(32) },
    enckey: { out: "22".repeat(32), in: "33".repeat(31) },
  };

  it("a key of the wrong length names field, length and expected length", () => {
    expect(validateIpsecConf({ statements: [sa] }).map((e) => e.message)).toEqual([
      "statements[0].enckey: encryption key too short (248 bits), minimum 256 bits; aes-256 keys are 256-256 bits",
    ]);
    expect(validateIpsecConf({ statements: [{ ...sa, authkey: { out: "00".repeat(20) } }] }).map((e) => e.message)).toEqual([
      "statements[0].authkey: wrong authentication key length, needs to be 256 bits; hmac-sha2-256 key given with 160 bits",
    ]);
  });

  it("renderIpsecConf refuses an invalid statement with its index", () => {
    expect(() => renderIpsecConf({ statements: [sa] })).toThrow(
      "statements[0].enckey: encryption key too short (248 bits), minimum 256 bits; aes-256 keys are 256-256 bits",
    );
  });

  it("refuses reserved SPIs and static GCM", () => {
    expect(validateIpsecConf({ statements: [{ ...sa, spi: { out: 255 } }] }).map((e) => e.message)).toEqual([
      "statements[0].spi: illegal SPI value; 0x100-0xffffffff (1-255 are reserved)",
    ]);
    expect(validateIpsecConf({ statements: [{ ...sa, auth: undefined, enc: "aes-128-gcm" }] }).map((e) => e.message)).toEqual([
      "statements[0].enc: aes-128-gcm is disallowed with static keys; manual SAs accept 3des-cbc, aes, aes-128, aes-192, aes-256, blowfish, cast128, null",
    ]);
  });
});

describe("parser diagnostics", () => {
  const lint = (text: string) => lintIpsecConf(text, "/etc/ipsec.conf").map(formatDiagnostic);

  it("unknown protocol and port", () => {
    expect(lint("ike esp proto tpc from 10.1.0.0/24 to 10.2.0.0/24 peer 192.0.2.1\n")).toEqual([
      "/etc/ipsec.conf:1:15: proto: unknown protocol: tpc; an /etc/protocols name or a number 0-255",
    ]);
    expect(lint("ike esp proto tcp from 10.1.0.0/24 to 10.2.0.0/24 port htp peer 192.0.2.1\n")).toEqual([
      "/etc/ipsec.conf:1:56: to.port: unknown port: htp; a number 0-65535 or an /etc/services name",
    ]);
  });

  it("undefined macro, bad netmask, duplicate transform", () => {
    expect(lint("ike esp from $lan to 10.2.0.0/24\n")).toEqual([
      "/etc/ipsec.conf:1:14: macro 'lan' not defined",
      "/etc/ipsec.conf:1:14: syntax error; unexpected end of line (the rest of the line is dropped after an undefined macro)",
    ]);
    expect(lint("ike esp from 10.1.0.0/33 to 10.2.0.0/24\n")).toEqual(["/etc/ipsec.conf:1:14: from: could not parse host specification; `10.1.0.0/33`: invalid netmask '/33'; masks are /0-/32 for IPv4, /0-/128 for IPv6"]);
    expect(lint("ike esp from 10.1.0.0/24 to 10.2.0.0/24 quick enc aes enc blowfish\n")).toEqual([
      "/etc/ipsec.conf:1:59: quick.enc: enc already set; give each transform once",
    ]);
  });

  it("host bits set is a warning, and the address is kept as written (ipsecctl's host_v4 keeps it too)", () => {
    const r = parseIpsecConf("ike esp from 10.1.0.1/24 to 10.2.0.0/24\n", "ipsec.conf");
    expect(r.diagnostics.map(formatDiagnostic)).toEqual([
      "ipsec.conf:1:14: warning: from: 10.1.0.1/24 has host bits set; ipsecctl uses it verbatim in isakmpd section names; write 10.1.0.0/24",
    ]);
    expect(r.value.statements[0]).toMatchObject({ from: { addresses: [{ kind: "ip", address: "10.1.0.1", prefix: 24 }] } });
    expect(renderIpsecConf(r.value)).toBe("ike esp from 10.1.0.1/24 to 10.2.0.0/24\n");
    // a model input (a component's rule) still refuses it
    expect(() => validateStatement(r.value.statements[0]!)).toThrow("from: `10.1.0.1/24` is not canonical; write 10.1.0.0/24");
  });

  it("a syntax error at a PSK or key never shows it", () => {
    const d = lint("ike esp from 10.1.0.0/24 to 10.2.0.0/24 psk 908172635\nike esp from 10.1.0.0/24 to 10.2.0.0/24 psk\n");
    expect(d).toEqual([
      "/etc/ipsec.conf:1:45: syntax error; unexpected value (not shown: it may be a secret)",
      "/etc/ipsec.conf:2:44: syntax error; unexpected end of line",
    ]);
    expect(lint("esp from 192.0.2.1 to 192.0.2.2 spi 0x1000 authkey 0xzz00112233 enckey 0x00\n")).toEqual([
      "/etc/ipsec.conf:1:52: authkey: keys need to be specified in hex digits; hex digits, optionally 0x-prefixed, OUT:IN",
      "/etc/ipsec.conf:1:52: authkey: wrong authentication key length, needs to be 256 bits; hmac-sha2-256 key given with 40 bits",
    ]);
  });

  it("a macro in a macro's value is not expanded (yylex expands only outside an expansion): its `$` is the syntax error", () => {
    expect(lint('a = "$a"\nike esp from $a to any\n')).toEqual(["/etc/ipsec.conf:2:14: syntax error; unexpected `$`"]);
  });

  it("never throws on garbage", () => {
    for (const t of ["{", "}", "ike", "ike esp from", "= = =", '"unterminated', "$", "esp spi", "flow esp from 1.2.3.4 to", "\\", "ike esp from { } to any"])
      expect(() => parseIpsecConf(t)).not.toThrow();
  });
});
