/**
 * The read's comparison of an anchor's loaded rules with what its file loads, where pfctl draws a `source-hash` key
 * (providers/gateway/drawn-keys.ts): a drawn key is no drift, a written one (hex or words) is compared.
 */
import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { sameLoadedRules, writtenKeys } from "../../../providers/gateway/drawn-keys";

const A = "0x0123456789abcdef0123456789abcdef";
const B = "0xfedcba9876543210fedcba9876543210";
const line = (key: string, sticky = "") => `match out on em1 inet from 172.16.1.0/24 to any nat-to 203.0.113.16/28 source-hash ${key}${sticky}`;
const md5 = (s: string) => "0x" + createHash("md5").update(s).digest("hex");

describe("writtenKeys", () => {
  it("is undefined when no pool draws a key, else the keys the file writes, as pfctl prints them", () => {
    expect(writtenKeys("pass\n")).toBeUndefined();
    expect(writtenKeys(`match out on em1 nat-to 203.0.113.16/28 source-hash ${A}\n`)).toBeUndefined();
    const text = `match out on em1 nat-to 203.0.113.16/28 source-hash 0x0123456789ABCDEF0123456789ABCDEF\nmatch out on em0 nat-to 203.0.113.16/28 source-hash foo bar\nanchor "in" {\n  match out on em2 nat-to 203.0.113.16/28 source-hash sticky-address\n}\n`;
    expect(writtenKeys(text)).toEqual(new Set([A, md5("foo bar")]));
  });
});

describe("sameLoadedRules", () => {
  const keyless = "match out on em1 from 172.16.1.0/24 to any nat-to 203.0.113.16/28 source-hash sticky-address\n";
  it("takes a key the file does not write as drawn: no drift", () => {
    expect(sameLoadedRules([line(A, " sticky-address")], [line(B, " sticky-address")], keyless)).toBe(true);
  });
  it("compares everything else, and a key the file writes, as before", () => {
    expect(sameLoadedRules([line(A)], [line(B)], `match out on em1 from 172.16.1.0/24 to any nat-to 203.0.113.16/28 source-hash ${B}\n`)).toBe(false);
    expect(sameLoadedRules([line(A)], [line(md5("foo"))], `${keyless}match out on em1 nat-to 203.0.113.16/28 source-hash foo\n`)).toBe(false);
    expect(sameLoadedRules([line(A, " sticky-address")], [line(B)], keyless)).toBe(false);
    expect(sameLoadedRules([line(A), "pass"], [line(B)], keyless)).toBe(false);
    expect(sameLoadedRules(["pass in"], ["pass out"], keyless)).toBe(false);
  });
});

describe("tables pfctl made (a pool's list, the optimizer's merged rules)", () => {
  it("compare as one name: -n prints add_opt_table's temporary name, a load the name it drew", () => {
    const nv = ["pass in on em0 inet proto tcp from any to any port = 80 flags S/SA rdr-to <__automatic_0> round-robin"];
    const sr = ["pass in on em0 inet proto tcp from any to any port = 80 flags S/SA rdr-to <__automatic_5e0c3a1f_0> round-robin"];
    expect(sameLoadedRules(sr, nv, "pass in on em0 proto tcp to port 80 rdr-to { 10.0.0.1 10.0.0.2 }\n")).toBe(true);
    // everything else is compared as before
    expect(sameLoadedRules([sr[0]!.replace("port = 80", "port = 81")], nv, "")).toBe(false);
    expect(sameLoadedRules(["pass in from <mytable> to any flags S/SA"], ["pass in from <__automatic_0> to any flags S/SA"], "")).toBe(false);
  });
});
