/**
 * The token rules (ARCHITECTURE.md D11): each returns the token as written or refuses the value with a reason
 * and a fix, word for word; one rule per kind of name, shared by the components, the planner and the
 * provider's check (which therefore agree, e.g. on `web.v2`).
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  anchorName, carpPassword, hexKey, hostAddress, hostnameIfWord, identity, interfaceAddress, interfaceName, network, psk, rcFlags, Refusal, refusalOf,
  sasyncdKey, serviceName, shown, sysctlName, sysctlValue, tagName, type TokenRule,
} from "../../../sdk/model/tokens/index";
import { planTopology } from "../../../sdk/planner/index";
import { validate } from "../../../providers/resources/gateway-config";
import { gwState } from "../../provider/fixtures";
import { FP_KEY, topo } from "../planner/fixtures";

const why = (rule: TokenRule<unknown>, v: unknown) => refusalOf(rule, v)?.message;

describe("token rules accept the grammar's tokens as written", () => {
  it.each([
    [interfaceName, "em0"], [interfaceName, "carp12"], [interfaceName, "vether0"], [anchorName, "web.v2"], [anchorName, "ssh-in_2"],
    [tagName, "net1-to-net2"], [sysctlName, "net.inet.ip.forwarding"], [sysctlValue, "1"], [serviceName, "ntpd"], [serviceName, "pkg_scripts"],
    [rcFlags, "-K -v"], [rcFlags, ""], [identity, "gw1.example.org"], [identity, "admin@example.org"], [psk, "204931646879ae1265a7d0437a51cc08fe8d7484"],
    [psk, "dont_use_psk_its_a_bad_idea"], [psk, "0x0123456789abcdef"], [carpPassword, "carp-secret"], [hostnameIfWord, "192.0.2.1/24"],
  ] as [TokenRule<unknown>, string][])("%o accepts %s", (rule, v) => {
    expect(rule(v)).toBe(v);
  });

  it("addresses and keys come back canonical", () => {
    expect(hostAddress(4)("192.0.2.1")).toBe("192.0.2.1");
    expect(network(undefined, { hostBits: "clear" })("172.16.0.1/24")).toBe("172.16.0.0/24");
    expect(network(6)("2001:DB8:1::/64")).toBe("2001:db8:1::/64");
    expect(interfaceAddress(24, 4)("172.16.0.1")).toEqual({ address: "172.16.0.1", prefix: 24 });
    expect(interfaceAddress(24)("2001:db8::1")).toEqual({ address: "2001:db8::1", prefix: 64 });
    expect(interfaceAddress()("2001:db8::1")).toEqual({ address: "2001:db8::1", prefix: 128 });
    expect(interfaceAddress(64, 6)("2001:db8::1")).toEqual({ address: "2001:db8::1", prefix: 64 });
    expect(sasyncdKey("0x" + "AB".repeat(16))).toBe("ab".repeat(16));
  });
});

describe("token rules refuse, word for word, with a fix", () => {
  it.each([
    [interfaceName, "em 0", "not an interface name (driver letters then a unit number; netstart skips any other /etc/hostname.IF); write e.g. `em0`, `carp1`, `gif0`"],
    [interfaceName, "em00", "a unit number with a leading zero names no interface; write `em0`"],
    [interfaceName, "abcdefghijklmno1", "longer than 15 bytes (IFNAMSIZ); use the interface's real name, e.g. `em0`"],
    [anchorName, "", "empty (pfctl: anchor name must not be empty); give a name, e.g. `web`"],
    [anchorName, "a/b", "an anchor name is letters, digits, `_`, `.` and `-`, starting with a letter or digit (it is also the file /etc/pf.anchors/NAME); choose e.g. `web` or `web.v2`"],
    [anchorName, "..", "an anchor name is letters, digits, `_`, `.` and `-`, starting with a letter or digit (it is also the file /etc/pf.anchors/NAME); choose e.g. `web` or `web.v2`"],
    [anchorName, "a".repeat(64), "longer than 63 bytes (PF_ANCHOR_NAME_SIZE); choose a shorter name"],
    [sysctlValue, "1 2", "a sysctl value is one word of letters, digits and `_.,:/+-` (no spaces, `#` starts a comment); give e.g. `1`"],
    [serviceName, "1ntpd", "not an rc.d service name (lower-case letters, digits and `_`, not starting with a digit); use the rc.d script's name, e.g. `ntpd`"],
    [rcFlags, "-s  -v", "flags are words of letters, digits and `_.,:/=+@%-` separated by single spaces (rc.conf.local is read by the shell); give plain flags, e.g. `-v -d`"],
    [psk, "short", "5 bytes is too short to resist an offline guess; give at least 8 bytes, e.g. `openssl rand -hex 20`"],
    [psk, "0xabc", "starts with `0x` (read as hex) but has an odd number of hex digits (3); give an even number of hex digits"],
    [psk, "0xabcd", "2 bytes is too short to resist an offline guess; give at least 8 bytes, e.g. `0x$(openssl rand -hex 20)`"],
    [psk, "pässwörter-lang", "holds a non-ASCII character (the daemons compare bytes; encodings differ between hosts); use printable ASCII, e.g. `openssl rand -hex 20`"],
    [psk, 42, "not a pre-shared key (a number given); give a pre-shared key, e.g. `$(openssl rand -hex 20)`"],
    [carpPassword, "", "empty; give a password or omit `password`"],
    [hexKey("an AES key", [16, 24, 32]), "0x" + "ab".repeat(20), "20 bytes; an AES key is 16, 24 or 32 bytes; give 32, 48 or 64 hex digits, e.g. from `openssl rand -hex 32`"],
    [hexKey("an AES key", [16, 24, 32]), "0x" + "ab".repeat(15) + "a", "an odd number of hex digits (31); give 32, 48 or 64 hex digits, e.g. from `openssl rand -hex 32`"],
    [hostAddress(), "192.0.2.300", "not an IP address; write e.g. `192.0.2.1`"],
    [hostAddress(4), " 192.0.2.1", "not an IPv4 address; write e.g. `192.0.2.1` (no spaces)"],
    [network(), "172.16.0.1/24", "host bits set: this is the address 172.16.0.1 inside the network 172.16.0.0/24; write the network `172.16.0.0/24` (or the one host `172.16.0.1/32`)"],
    [network(), "10.0.0.0/8/8", "more than one prefix length; write one `ADDRESS/LEN`, e.g. `172.16.0.0/24`"],
    [network(), "2001:db8::/129", "invalid netmask `/129`: a prefix length is 0–128; write e.g. `172.16.0.0/24`"],
    [network(4), "2001:db8::/64", "an IPv6 address where an IPv4 one is needed; give an IPv4 address, e.g. `172.16.0.0/24`"],
    [identity, "a b", "an identity is an FQDN, `user@fqdn` or an address (letters, digits and `_.:@/+=,-`, at most 255 bytes); write e.g. `gw1.example.org`"],
    [tagName, "t".repeat(64), "longer than 63 bytes (PF_TAG_NAME_SIZE); choose a shorter tag"],
  ] as [TokenRule<unknown>, unknown, string][])("%o refuses %s", (rule, v, msg) => {
    expect(why(rule, v)).toBe(msg);
  });

  const STRING_RULES: [string, TokenRule<unknown>][] = [
    ["interfaceName", interfaceName], ["anchorName", anchorName], ["tagName", tagName], ["sysctlName", sysctlName], ["sysctlValue", sysctlValue],
    ["serviceName", serviceName], ["rcFlags", rcFlags], ["identity", identity], ["psk", psk], ["carpPassword", carpPassword], ["hostnameIfWord", hostnameIfWord],
    ["hostAddress", hostAddress()], ["network", network()], ["sasyncdKey", sasyncdKey],
  ];

  it("every rule refuses every value holding a control, bidi or invisible character, wherever it is", () => {
    const bad = fc.constantFrom("\n", "\r", "\0", "\t", "\u001b", "\u202e", "\u2066", "\u200b", "\u2028", "\u0085");
    fc.assert(
      fc.property(fc.constantFrom(...STRING_RULES), fc.string({ maxLength: 10 }), bad, fc.string({ maxLength: 10 }), ([, rule], a, c, b) => {
        expect(refusalOf(rule, `${a}em0${c}${b}`)).toBeInstanceOf(Refusal);
      }),
      { numRuns: 500 },
    );
  });

  it("no rule lets a shell or hostname.if metacharacter through where netstart evals", () => {
    for (const rule of [carpPassword, hostnameIfWord, interfaceName, serviceName, rcFlags])
      for (const c of [";", "$", "`", "'", '"', "\\", "|", "&", ">", "<", "(", ")", "#", "!", "*", "?", "~", "{", "}"])
        expect(refusalOf(rule, `ab${c}cd0`), `${String(rule.name)} ${c}`).toBeInstanceOf(Refusal);
  });

  it("a value is echoed with its invisible characters escaped and cut when long", () => {
    expect(shown("em1\u202e\n\0\\")).toBe("em1\\u202e\\n\\0\\\\");
    expect(shown("x".repeat(100))).toBe(`${"x".repeat(80)}… (100 bytes)`);
    expect(shown("")).toBe('""');
    expect(shown(undefined)).toBe("(none)");
  });
});

describe("one anchor rule for the planner and the provider's check", () => {
  const planned = (name: string) => {
    try {
      planTopology(topo({ anchors: [{ name, gateway: "gw1", rules: [] }] }), { fingerprintKey: FP_KEY });
      return "accepted";
    } catch (e) {
      return (e as Error).message;
    }
  };
  const checked = (name: string) => {
    const s = gwState("gw1");
    const state = { ...s, files: { ...s.files, [`/etc/pf.anchors/${name}`]: { content: "pass\n", mode: "0600", owner: "root", group: "wheel", check: "pf-anchor" as const } }, anchors: { ...s.anchors, [name]: { file: `/etc/pf.anchors/${name}` } } };
    const f = validate({ connection: { host: "192.0.2.153", privateKey: "k", hostKey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOiTE7+GTIvAgiHL8gWqtrDRhmHr6ugaoJ5R9CA1VeGy" }, state } as never).filter((x) => x.property.startsWith("state.anchors"));
    return f.length === 0 ? "accepted" : f.map((x) => x.reason).join("; ");
  };
  it("`web.v2` is accepted by both", () => {
    expect(planned("web.v2")).toBe("accepted");
    expect(checked("web.v2")).toBe("accepted");
  });
  it("`_x` is refused by both, for pfctl's reason", () => {
    expect(planned("_x")).toContain("pfctl reserves anchor names beginning with `_` for internal use");
    expect(checked("_x")).toContain("pfctl reserves anchor names beginning with `_` for internal use");
  });
});

describe("renderers refuse, never escape, what their word cannot hold", () => {
  it("ipsec.conf words", async () => {
    const { quoteWord } = await import("../../../sdk/model/ipsec/render");
    expect(quoteWord("gw1.example.org", "srcid")).toBe("gw1.example.org");
    expect(quoteWord("a b", "tag")).toBe('"a b"');
    expect(() => quoteWord('gw1" psk "x', "srcid")).toThrow('srcid: holds a quote, backslash, control or invisible character, which an ipsec.conf word cannot hold unchanged');
    expect(() => quoteWord("gw1\u202e", "dstid")).toThrow("dstid: holds a quote");
    expect(() => quoteWord("s3cret\nike", "psk", true)).toThrow("psk: holds a quote");
  });
  it("iked.conf words", async () => {
    const { ikedQuote } = await import("../../../sdk/model/iked/render");
    expect(ikedQuote("p.srcid", 'a"b')).toBe('"a\\"b"');
    expect(() => ikedQuote("p.auth.psk", "s3cret\u202e")).toThrow("p.auth.psk: must not contain a backslash, newline, NUL or other control or invisible character");
  });
});
