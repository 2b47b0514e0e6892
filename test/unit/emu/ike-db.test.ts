/** isakmpd's FIFO command language as the emulated isakmpd applies it, and the split of `ipsecctl -nv` output into rules. */
import { describe, expect, it } from "vitest";
import { applyFifo, deleteStreamFor, parseFifoLine } from "../../lab/emu/ike-db";
import { commitRules } from "../../lab/emu/ipsec-rules";
import { getopt, lookupOption } from "../../lab/emu/ipsec-getopt";

describe("isakmpd FIFO commands", () => {
  it("set/add/rmv/rms/t", () => {
    let db = applyFifo({}, [
      "C set [peer-x]:Address=192.0.2.1 force",
      "C add [Phase 2]:Connections=a",
      "C add [Phase 2]:Connections=b",
      "C add [Phase 2]:Connections=a",
      "C set [a]:Phase=2 force",
    ]);
    expect(db).toEqual({ "peer-x": { Address: "192.0.2.1" }, "Phase 2": { Connections: "a,b" }, a: { Phase: "2" } });
    db = applyFifo(db, ["t a", "C rmv [Phase 2]:Connections=a", "C rms [a]", "garbage line"]);
    expect(db).toEqual({ "peer-x": { Address: "192.0.2.1" }, "Phase 2": { Connections: "b" } });
    expect(parseFifoLine("C set [x]:Authentication=a=b force")).toEqual({ op: "set", section: "x", tag: "Authentication", value: "a=b" });
  });

  it("the delete stream of ike.c ike_delete_config", () => {
    expect(deleteStreamFor(["C set [p]:Phase=1 force", "C add [Phase 2]:Passive-Connections=from-a-to-b"])).toEqual([
      "t from-a-to-b", "C rmv [Phase 2]:Passive-Connections=from-a-to-b", "C rms [from-a-to-b]", "C rms [phase2-from-a-to-b]",
    ]);
  });
});

describe("ipsecctl -nv output → rules in commit order", () => {
  it("numbers flows, SAs and ike rules; a dynamic rule starts at its [General] lines; an incomplete ike rule is marked", () => {
    const out = [
      'peer = "192.0.2.2"',
      "flow esp out from 10.1.0.0/24 to 10.2.0.0/24 peer 192.0.2.2 type require",
      "C set [General]:Check-interval=30 force",
      "C set [General]:DPD-check-interval=5 force",
      "C set [Phase 1]:192.0.2.2=peer-192.0.2.2 force",
      "C add [Phase 2]:Connections=c1",
      "C set [Phase 1]:192.0.2.3=peer-192.0.2.3 force",
      "C set [phase2-protocol-x]:PROTOCOL_ID=IPSEC_AH force",
      "esp tunnel from 192.0.2.1 to 192.0.2.2 spi 0x00001000 auth hmac-sha2-256 enc aes",
    ].join("\n") + "\n";
    const r = commitRules(out);
    expect(r.map((x) => [x.kind, x.nr, x.kind === "ike" ? x.complete : undefined, x.kind === "ike" ? x.stream.length : undefined])).toEqual([
      ["flow", 0, undefined, undefined],
      ["ike", 1, true, 4],
      ["ike", 2, false, 2],
      ["sa", 3, undefined, undefined],
    ]);
  });
});

describe("getopt as BSD getopt(3)", () => {
  it("clusters, glued and separate arguments, errors", () => {
    expect(getopt("pfctl", ["-nvf", "x.conf", "-avpn", "-s", "rules"], "a:f:nvs:")).toEqual({
      ok: true, rest: [], opts: [{ ch: "n" }, { ch: "v" }, { ch: "f", arg: "x.conf" }, { ch: "a", arg: "vpn" }, { ch: "s", arg: "rules" }],
    });
    expect(getopt("pfctl", ["-q"], "nv")).toEqual({ ok: false, error: "pfctl: unknown option -- q\n" });
    expect(getopt("pfctl", ["-f"], "f:")).toEqual({ ok: false, error: "pfctl: option requires an argument -- f\n" });
    expect(lookupOption("a", ["flow", "sa", "all"])).toEqual({ item: "all" });
    expect(lookupOption("s", ["flow", "sa", "all"])).toEqual({ item: "sa" });
  });
});
