/**
 * The on-host scripts of one commit, for a fixed plan, compared line for line with checked-in golden
 * files (test/unit/provider/golden-scripts/*.sh; `UPDATE_GOLDEN=1` rewrites them after a deliberate
 * change — review the diff), and `shellcheck -s sh` clean: stage, its embedded restore script, apply,
 * confirm, delete. Heredoc delimiters are random per run and normalised to `PULUMI_OPENBSD_EOF_X`.
 */
import { describe, expect, it } from "vitest";
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { applyScript, confirmScript, deleteScript, stageScript, type CommitInput } from "../../../providers/gateway/commit-script";
import { ifWants, interfaceApply } from "../../../providers/gateway/interfaces";
import { instanceOf, ownerOf } from "../../../providers/gateway/owner";
import { SCRIPT_LIB } from "../../../providers/gateway/script-lib";
import { peersOf } from "../../../providers/resources/gateway-config";
import { gwState, ipsecConf } from "../../provider/fixtures";
import type { HostState } from "../../../sdk/state";

const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), "golden-scripts");
const norm = (s: string) => s.replace(/PULUMI_OPENBSD_EOF_[0-9a-f]{12}/g, "PULUMI_OPENBSD_EOF_X");

/** gw1 of the site-to-site lab, forwarding changed and a gre tunnel added (exercises netstart's checks). */
function plan(): CommitInput {
  const news = gwState("gw1", { forwarding: "2" });
  news.files["/etc/hostname.gre0"] = { content: "tunnel 192.0.2.153 192.0.123.85\nvnetid 42\ninet 10.9.0.1 255.255.255.252 10.9.0.2\nup\n", mode: "0640", owner: "root", group: "wheel", check: "none" };
  news.interfaces = ["em0", "gre0"];
  return {
    id: "0123456789ab",
    olds: gwState("gw1"),
    news,
    rollbackSeconds: 60,
    owner: { stack: "vpn/prod", urn: "urn:pulumi:prod::vpn::openbsd:index:GatewayConfig::gw1", target: "192.0.2.153:22", instance: instanceOf("0".repeat(64)) },
  };
}

function scripts(): Record<string, string> {
  const c = plan();
  const stage = norm(stageScript(c));
  // the restore script travels inside the stage script as a heredoc
  const m = /^put "\$R\/restore\.sh" \d+ <<'PULUMI_OPENBSD_EOF_X'\n([\s\S]*?)^PULUMI_OPENBSD_EOF_X$/m.exec(stage);
  return {
    "stage.sh": stage,
    "restore.sh": m ? m[1]! : "(no restore script found in stage.sh)",
    "apply.sh": norm(applyScript(c)),
    "confirm.sh": norm(confirmScript(c.id, [{ prefix: "flow esp in from 192.168.15.0/24 to 172.16.0.0/24 peer 192.0.123.85", type: "require" }], 20, c.owner)),
    "delete.sh": norm(deleteScript(c.news, c.owner)),
  };
}

describe("commit scripts", () => {
  for (const [name, text] of Object.entries(scripts())) {
    it(`${name} is the checked-in golden file`, () => {
      const file = path.join(dir, name);
      if (process.env.UPDATE_GOLDEN === "1") writeFileSync(file, text);
      expect(text).toBe(readFileSync(file, "utf8"));
    });

    it(`${name} is shellcheck clean (POSIX sh)`, () => {
      const which = spawnSync("sh", ["-c", "command -v shellcheck"], { encoding: "utf8" });
      if (which.status !== 0) throw new Error("shellcheck is not installed: run `bash scripts/setup.sh` (it installs the Debian package shellcheck)");
      let out = "";
      try {
        execFileSync("shellcheck", ["-s", "sh", "-f", "gcc", "-"], { input: text, encoding: "utf8", stdio: ["pipe", "pipe", "pipe"] });
      } catch (e) {
        out = String((e as { stdout?: string }).stdout ?? e);
      }
      expect(out).toBe("");
    });
  }

  it("the stage script is one block, so a script cut short runs nothing", () => {
    const s = scripts()["stage.sh"]!;
    const lines = s.trimEnd().split("\n");
    expect(lines[1]).toBe("{");
    expect(lines.at(-1)).toBe("}");
    const cut = s.slice(0, Math.floor(s.length / 2));
    const r = spawnSync("sh", ["-s"], { input: cut.replace(/^D=.*$/m, "D=/nonexistent/never-created"), encoding: "utf8" });
    expect(r.status).not.toBe(0);
    expect(r.stdout).toBe("");
    expect(existsSync("/nonexistent/never-created")).toBe(false);
  });

  it("the swap comes only after `@@ready` and the provider's `go`; the timer is armed between", () => {
    const s = scripts()["stage.sh"]!;
    const at = (x: string) => s.indexOf(x);
    expect(at("keep \"$f\" \"$R/files$f\"")).toBeLessThan(at("echo @@ready"));
    expect(at("echo @@ready")).toBeLessThan(at('[ "$go" = go ] || exit 1'));
    expect(at('[ "$go" = go ] || exit 1')).toBeLessThan(at("nohup sh -c"));
    expect(at("nohup sh -c")).toBeLessThan(at("mv -f '/etc/pf.anchors/vpn.pulumi-new' '/etc/pf.anchors/vpn'"));
  });
});

describe("isakmpd restarted when a change of ipsec.conf would leave an old ike rule behind in it", () => {
  const RESTART = "if ch '/etc/ipsec.conf'; then restart=1; fi";
  const apply = (olds: HostState, news: HostState) => applyScript({ id: "0123456789ab", olds, news, rollbackSeconds: 60 });
  const withConf = (text: string) => {
    const s = gwState("gw1");
    s.files["/etc/ipsec.conf"] = { ...s.files["/etc/ipsec.conf"]!, content: text };
    return s;
  };
  const OTHER = "ike esp from 172.16.0.0/24 to 10.7.0.0/24 peer 198.51.100.7 psk \"another-psk-0123456789\"\n";
  it("an ike rule changed (another PSK) or taken out: isakmpd starts again from an empty configuration", () => {
    expect(apply(gwState("gw1"), gwState("gw1", { psk: "another-psk-0123456789" }))).toContain(RESTART);
    expect(apply(withConf(ipsecConf("gw1") + OTHER), gwState("gw1"))).toContain(RESTART);
  });
  it("ike rules only added, or the file unchanged: the running isakmpd takes the new ones (no tunnel goes down)", () => {
    expect(apply(gwState("gw1"), withConf(ipsecConf("gw1") + OTHER))).not.toContain(RESTART);
    expect(apply(gwState("gw1"), gwState("gw1", { forwarding: "2" }))).not.toContain(RESTART);
  });
});

describe("what netstart must have done (ifWants)", () => {
  it("IPv4 addresses, up, vnetid, vhid and tunnel endpoints, as ifconfig prints them; `!` lines and comments ignored", () => {
    expect(ifWants("gre0", "# x\ntunnel 192.0.2.1 198.51.100.2\nvnetid 7\ninet alias 10.0.0.1 255.255.255.0\ninet6 2001:db8::1 64\n!echo up\nup\n")).toEqual([
      "ifwant gre0 'tunnel: inet 192.0.2.1 --> 198.51.100.2 ' 'vnetid 7 ' 'inet 10.0.0.1 ' '<UP'",
    ]);
    // read through the hostname.if model: an address written ADDR/LEN, an IPv6 tunnel in canonical form
    expect(ifWants("gif0", "tunnel 2001:DB8:0::1 2001:db8::2\ninet 10.9.0.1/30\n")).toEqual(["ifwant gif0 'tunnel: inet6 2001:db8::1 --> 2001:db8::2 ' 'inet 10.9.0.1 '"]);
    expect(ifWants("carp0", "inet 192.0.2.10 255.255.255.0 NONE vhid 3 carpdev em1 pass secret\n")).toEqual(["ifwant carp0 'inet 192.0.2.10 ' 'vhid 3 '"]);
    expect(ifWants("em0", "dhcp\n")).toEqual([]);
  });
});

describe("owner and peers", () => {
  it("the owner of a URN is PROJECT/STACK; adoption only when asked", () => {
    expect(ownerOf("urn:pulumi:prod::vpn::openbsd:index:GatewayConfig::gw1")).toEqual({ stack: "vpn/prod", urn: "urn:pulumi:prod::vpn::openbsd:index:GatewayConfig::gw1" });
    expect(ownerOf("urn:pulumi:prod::vpn::openbsd:index:GatewayConfig::gw1", true)?.takeover).toBe(true);
    expect(ownerOf("not-a-urn")).toBeUndefined();
  });
  it("the peers a failing end names are the `peer` addresses of its ipsec.conf/iked.conf, as the planner listed them", () => {
    expect(peersOf(gwState("gw1"))).toEqual(["192.0.123.85"]);
    const none = gwState("gw1");
    delete none.ipsecKernel;
    expect(peersOf(none)).toEqual([]);
  });
});

describe("an interface whose hostname.if changed (interfaceApply)", () => {
  it("a physical interface loses exactly the addresses its new file no longer names (10.0.0.1 goes though 10.0.0.10 stays)", () => {
    const oldC = "inet 10.0.0.10 255.255.255.0 NONE\ninet alias 10.0.0.1 255.255.255.255 NONE\ninet6 2001:db8::1 64\nup\n";
    expect(interfaceApply("em0", oldC, "inet 10.0.0.10 255.255.255.0 NONE\nup\n")).toEqual([
      "ifconfig em0 inet 10.0.0.1 delete >/dev/null 2>&1",
      "ifconfig em0 inet6 2001:db8::1 delete >/dev/null 2>&1",
      "netup em0",
      "ifwant em0 'inet 10.0.0.10 ' '<UP'",
    ]);
  });
  it("a cloned interface that shrank or is no longer managed is destroyed; lo0 is not cloned", () => {
    expect(interfaceApply("gif0", "tunnel 192.0.2.1 192.0.2.2\nup\n", undefined)).toEqual(["ifconfig gif0 destroy >/dev/null 2>&1"]);
    expect(interfaceApply("gif0", "tunnel 192.0.2.1 192.0.2.2\nup\n", "tunnel 192.0.2.1 192.0.2.3\nup\n")).toEqual([
      "ifconfig gif0 destroy >/dev/null 2>&1",
      "netup gif0",
      "ifwant gif0 'tunnel: inet 192.0.2.1 --> 192.0.2.3 ' '<UP'",
    ]);
    // eoip takes a vnetid or keepalive only while not running: a grown file too is applied to a new interface, and the
    // keepalive is checked as ifconfig prints it (gre and eoip only)
    expect(interfaceApply("eoip0", "tunnel 192.0.2.1 192.0.2.2\nvnetid 42\nup\n", "tunnel 192.0.2.1 192.0.2.2\nvnetid 42\nkeepalive 10 3\nup\n")).toEqual([
      "ifconfig eoip0 destroy >/dev/null 2>&1",
      "netup eoip0",
      "ifwant eoip0 'tunnel: inet 192.0.2.1 --> 192.0.2.2 ' 'vnetid 42 ' 'keepalive: timeout 10 count 3' '<UP'",
    ]);
    expect(interfaceApply("gre0", undefined, "tunnel 192.0.2.1 192.0.2.2\nkeepalive 10 3\nup\n")).toEqual(["netup gre0", "ifwant gre0 'tunnel: inet 192.0.2.1 --> 192.0.2.2 ' 'keepalive: timeout 10 count 3' '<UP'"]);
    expect(interfaceApply("gif0", undefined, "tunnel 192.0.2.1 192.0.2.2\nkeepalive 10 3\nup\n")).toEqual(["netup gif0", "ifwant gif0 'tunnel: inet 192.0.2.1 --> 192.0.2.2 ' '<UP'"]);
    expect(interfaceApply("lo0", "inet 127.0.0.1 255.0.0.0 NONE\ninet alias 10.1.1.1 255.255.255.255 NONE\n", "inet 127.0.0.1 255.0.0.0 NONE\n")).toEqual([
      "ifconfig lo0 inet 10.1.1.1 delete >/dev/null 2>&1",
      "netup lo0",
      "ifwant lo0 'inet 127.0.0.1 '",
    ]);
  });

  it("the apply's ifwant finds a keepalive as a whole line (count 3 is not count 30), under sh and OpenBSD's ksh alike", () => {
    const script = applyScript({ id: "t", news: gwState("gw1"), rollbackSeconds: 30 } as CommitInput);
    const from = script.indexOf("ifwant() {");
    const fn = script.slice(from, script.indexOf("\n}\n", from) + 3);
    const ifconfig = "ifconfig() { printf 'gre0: flags=8051<UP,POINTOPOINT,RUNNING,MULTICAST> mtu 1476\\n\\tkeepalive: timeout 3 count 30\\n\\tvnetid 5 \\n'; }";
    const run = (shell: string, wants: string) =>
      spawnSync(shell, ["-c", `undo() { printf 'undo: %s\\n' "$2"; exit 1; }\n${ifconfig}\n${fn}ifwant gre0 ${wants} && echo shown`], { encoding: "utf8" }).stdout;
    for (const shell of ["sh", ...(existsSync("/usr/bin/ksh") ? ["/usr/bin/ksh"] : [])]) {
      expect(run(shell, "'keepalive: timeout 3 count 30' 'vnetid 5 ' '<UP'"), shell).toBe("shown\n");
      expect(run(shell, "'keepalive: timeout 3 count 3'"), shell).toMatch(/^undo: gre0 does not show `keepalive: timeout 3 count 3` that \/etc\/hostname.gre0 asks for; ifconfig gre0 prints:\n/);
      expect(run(shell, "'vnetid 50 '"), shell).toMatch(/^undo: gre0 does not show `vnetid 50 `/);
    }
  });
});

describe("the lock's `superseded` (script-lib.ts): an unconfirmed commit of the same resource and stack only", () => {
  const lib = SCRIPT_LIB;
  /** Runs `superseded` under sh against a lock held by a live process (this test's own sh) for commit `abc`. */
  const run = (o: { who?: string; mine: string; pending: boolean }) => {
    const D = mkdtempSync(path.join(tmpdir(), "sup-"));
    try {
      mkdirSync(path.join(D, "lock"));
      mkdirSync(path.join(D, "rollback", "abc"), { recursive: true });
      writeFileSync(path.join(D, "lock", "owner"), `abc ${process.pid} 1700000000\n`);
      if (o.who !== undefined) writeFileSync(path.join(D, "lock", "who"), `${o.who}\n`);
      if (o.pending) writeFileSync(path.join(D, "rollback", "abc", "pending"), "");
      const r = spawnSync("sh", ["-c", `${lib}\nD=$1\nWHO=$2\nif superseded; then echo superseded; else echo waits; fi`, "sh", D, o.mine], { encoding: "utf8" });
      return r.stdout.trim() + r.stderr;
    } finally {
      rmSync(D, { recursive: true, force: true });
    }
  };
  const me = "vpn/dev urn:pulumi:dev::vpn::openbsd:index:GatewayConfig::gw1";
  it("supersedes its own stack's and resource's commit that swapped and waits for its timer", () => expect(run({ who: me, mine: me, pending: true })).toBe("superseded"));
  it("waits for another resource, another stack, a commit before its swap, a lock of an older version without `who`, and a commit without an owner", () => {
    expect(run({ who: "vpn/dev urn:pulumi:dev::vpn::openbsd:index:GatewayConfig::gw1-new", mine: me, pending: true })).toBe("waits");
    expect(run({ who: me.replace("vpn/dev", "vpn/prod"), mine: me, pending: true })).toBe("waits");
    expect(run({ who: me, mine: me, pending: false })).toBe("waits");
    expect(run({ mine: me, pending: true })).toBe("waits");
    expect(run({ who: me, mine: "", pending: true })).toBe("waits");
  });
});

describe("the owner check's `owns` (script-lib.ts): another stack is refused, the same resource renamed or moved is not", () => {
  /** Runs `owns` under sh against an owner record of `lines`; prints `goes on` when the check lets the script through. */
  const run = (lines: string[], args: string[]) => {
    const D = mkdtempSync(path.join(tmpdir(), "owns-"));
    try {
      writeFileSync(path.join(D, "owner"), lines.map((l) => `${l}\n`).join(""));
      const r = spawnSync("sh", ["-c", `${SCRIPT_LIB}\nD=$1\nshift\nowns "$@"\necho goes on`, "sh", D, ...args], { encoding: "utf8" });
      return `${r.stderr}${r.stdout}exit ${r.status}`;
    } finally {
      rmSync(D, { recursive: true, force: true });
    }
  };
  const urn = (stack: string) => `urn:pulumi:${stack}::vpn::openbsd:index:GatewayConfig::gw1`;
  const mine = instanceOf("1".repeat(64));
  const recorded = (stack: string, instance?: string) => [`vpn/${stack}`, urn(stack), "192.0.2.153:22", ...(instance ? [instance] : [])];
  it("its own record goes on without a word, as does its own instance under another URN of the stack (renamed with an alias)", () => {
    expect(run(recorded("dev", mine), ["vpn/dev", "-", mine])).toBe("goes on\nexit 0");
    expect(run([...recorded("dev", mine)].map((l) => l.replace("::gw1", "::edge1")), ["vpn/dev", "-", mine])).toBe("goes on\nexit 0");
  });
  it("the same instance under a renamed stack (`pulumi stack rename dev prod`) goes on, saying which record it found", () =>
    expect(run(recorded("dev", mine), ["vpn/prod", "-", mine])).toBe(`@@moved vpn/dev ${urn("dev")}\ngoes on\nexit 0`));
  it("another stack is refused: another instance, a record without one (an older version), a check without one", () => {
    const refused = `@@owner vpn/dev ${urn("dev")}\nexit 3`;
    expect(run(recorded("dev", instanceOf("2".repeat(64))), ["vpn/prod", "-", mine])).toBe(refused);
    expect(run(recorded("dev"), ["vpn/prod", "-", mine])).toBe(refused);
    expect(run(recorded("dev", mine), ["vpn/prod", "-"])).toBe(refused);
  });
  it("an adoption after `pulumi import` goes on", () => expect(run(recorded("dev", instanceOf("2".repeat(64))), ["vpn/prod", "takeover", mine])).toBe("goes on\nexit 0"));
});
