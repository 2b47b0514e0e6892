import { describe, expect, it } from "vitest";
import { formatDiagnostic } from "../../../sdk/model/diagnostics";
import { lintIkedConf, parseIkedConf, renderIkedConf, type IkedPolicy } from "../../../sdk/model/iked";
import { ikedN } from "../../lab/emu/iked-n";

const lint = (text: string): string[] => lintIkedConf(text, "iked.conf").map(formatDiagnostic);
const base: IkedPolicy = { mode: "active", encapsulation: "tunnel", saProto: "esp", flows: [{ from: "10.1.0.0/24", to: "10.2.0.0/24" }], peer: "198.51.100.2" };

describe("iked.conf errors, word for word", () => {
  it("misspelled transform", () => {
    expect(lint('ikev2 "e" active esp from 10.1.0.0/24 to 10.2.0.0/24 peer 198.51.100.2 childsa enc blowfsh psk "x"\n')).toEqual([
      "iked.conf:1:84: childsa.enc: blowfsh not a valid transform; one of 3des, aes-128, aes-192, aes-256, aes-128-ctr, aes-192-ctr, aes-256-ctr, aes-128-gcm, aes-192-gcm, aes-256-gcm, aes-128-gmac, aes-192-gmac, aes-256-gmac, blowfish, cast, chacha20-poly1305, null",
    ]);
  });
  it("the guide's iked2 typo", () => {
    expect(lint('iked2 passive esp from 192.168.1.0/24 to 192.168.1.0/24 local 192.168.1.1 psk "x"\n')).toEqual([
      "iked.conf:1:7: syntax error: unknown keyword `iked2` (did you mean `ikev2`?); expected ikev2, set, user or a macro definition",
    ]);
  });
  it("psk without a value", () => {
    expect(lint('ikev2 "e" active esp from 10.1.0.0/24 to 10.2.0.0/24 peer 198.51.100.2 psk\n')).toEqual([
      'iked.conf:1:75: syntax error: unexpected end of line; expected a pre-shared key ("string" or 0xHEX)',
    ]);
  });
  it("IPv4 to IPv6 flow", () => {
    expect(lint('ikev2 "e" active esp from 10.1.0.0/24 to fdd0:48b3:1360:ab79::/64 peer 198.51.100.2 psk "x"\n')).toEqual([
      'iked.conf:1:1: ikev2 "e": cannot mix different address families: flow from 10.1.0.0/24 to fdd0:48b3:1360:ab79::/64 mixes IPv4 and IPv6',
    ]);
  });
  it("active without peer", () => {
    expect(lint('ikev2 active esp from 10.1.0.0/24 to 10.2.0.0/24 from 10.1.0.0/24 to 10.3.0.0/24 psk "x"\n')).toEqual([
      'iked.conf:1:1: ikev2 "policy1": could not get local/peer specification: no local or peer address and more than one flow: give `peer` (and `local`)',
    ]);
    expect(lint('ikev2 active esp from 10.1.0.0/24 to 10.2.0.0/24 peer any psk "x"\n')).toEqual([
      'iked.conf:1:1: ikev2 "policy1": active mode requires local/peer address: an active policy needs `peer ADDR` (a single address, not any or a network)',
    ]);
  });
  it("auth with GCM", () => {
    expect(lint('ikev2 active from 10.1.0.0/24 to 10.2.0.0/24 peer 198.51.100.2 childsa enc aes-256-gcm auth hmac-sha2-256 psk "x"\n')).toEqual([
      'iked.conf:1:1: ikev2 "policy1": childsa: authentication is implicit for given encryption transforms',
    ]);
  });
  it("options out of grammar order are a syntax error (iked's grammar is positional)", () => {
    expect(lint('ikev2 active from 10.1.0.0/24 to 10.2.0.0/24 psk "x" peer 198.51.100.2\n')).toEqual([
      "iked.conf:1:54: syntax error: unexpected `peer`; expected end of line",
    ]);
  });
  it("bad time unit", () => {
    expect(lint('ikev2 passive from 10.1.0.0/24 to 10.2.0.0/24 peer any lifetime 3d psk "x"\n')).toEqual([
      "iked.conf:1:65: lifetime: invalid time unit in `3d`; one of m, h (or plain seconds)",
    ]);
  });
  it("a port after `any` is dropped by iked", () => {
    expect(lint("ikev2 passive from 10.1.0.0/24 to any port 80 peer any\n")).toEqual([
      'iked.conf:1:1: warning: ikev2 "policy1": flows[0].to: iked drops `port 80` after `any`; write 0.0.0.0/0 port 80',
    ]);
    expect(ikedN("ikev2 passive from 10.1.0.0/24 to any port 80 peer any\n", "x.conf", { verbose: true }).stderr).toContain(" from 10.1.0.0/24 to 0.0.0.0/0 local any peer any ");
  });
  it("undefined macro", () => {
    expect(lint("ikev2 passive from $lan to 10.2.0.0/24 peer any\n")).toEqual(["iked.conf:1:20: macro 'lan' not defined"]);
  });
  it("renderer refuses an unknown transform and never prints a PSK", () => {
    expect(() => renderIkedConf({ macros: [], settings: [], users: [], policies: [{ ...base, ikesa: [{ enc: ["aes"] }] }] })).toThrow(
      "policies[0].ikesa[0].enc: unknown transform `aes`; one of 3des, aes-128, aes-192, aes-256, aes-128-gcm, aes-256-gcm, aes-128-gcm-12, aes-256-gcm-12",
    );
    const r = parseIkedConf('ikev2 active from 10.1.0.0/24 to 10.2.0.0/24 peer 198.51.100.2 psk "topsecret\n');
    expect(r.diagnostics.map((d) => d.message).join("\n")).not.toContain("topsecret");
  });
  it("iked -n reports errors with iked's own messages", () => {
    expect(ikedN('ikev2 active from 10.1.0.0/24 to 10.2.0.0/24 from 10.1.0.0/24 to 10.3.0.0/24 psk "x"\n', "x.conf", { verbose: false })).toEqual({
      stdout: "",
      stderr: "x.conf: 1: could not get local/peer specification\nx.conf: 1: create_ike failed\nx.conf: no valid configuration rules found\n",
      rc: 1,
    });
  });
});
