/**
 * The provider's transport and commit against the lab (in-process, no engine): host-key pinning,
 * read budget, a connection killed right after the swap (the on-host timer reverts), the on-host
 * lock, and a validation failure that changes nothing.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Client, type ConnectConfig } from "ssh2";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { labDown, labExec, labUp, type Lab } from "../lab/api";
import { commit, readLive } from "../../providers/gateway/commit";
import { classify } from "../../providers/gateway/read-script";
import { getCounters, resetCounters } from "../../providers/transport/counters";
import { keyFingerprint, parseHostKey } from "../../providers/transport/hostkey";
import { SshSession } from "../../providers/transport/ssh";
import { anchorRules, gwState, PSK, targetOf } from "./fixtures";
import type { HostState } from "../../sdk/state";

let lab: Lab;
const gw = async (cmd: string) => {
  const r = await labExec(lab, "gw1", cmd);
  return r.stdout + r.stderr;
};
/** gw1 committed with `extra` rules after its anchor's own, `fn` run, then gw1 committed back as it was. */
async function withAnchorRules(extra: string, fn: (t: ReturnType<typeof targetOf>, news: HostState) => Promise<void>): Promise<void> {
  const t = targetOf(lab.gateways.gw1!);
  const news = gwState("gw1", { anchor: anchorRules("gw1") + extra });
  await commit(t, { olds: gwState("gw1"), news, rollbackSeconds: 30 });
  try {
    await fn(t, news);
  } finally {
    await commit(t, { olds: news, news: gwState("gw1"), rollbackSeconds: 30 });
  }
}
/** What a read of gw1 finds not in sync with `desired`. */
const notInSync = async (t: ReturnType<typeof targetOf>, desired: HostState) => Object.entries(classify(desired, await readLive(t, desired)).drift).filter(([, v]) => v !== "in sync");
const SNAPSHOT = "sha256 -q /etc/pf.conf /etc/pf.anchors/vpn /etc/ipsec.conf /etc/sysctl.conf; pfctl -a vpn -sr; ls /etc/pf.anchors /var/db/pulumi-openbsd";

beforeAll(async () => {
  // gw2 is never configured: gw1's declared flows never come up, the confirm waits 3 s for them, not 15
  process.env.PULUMI_OPENBSD_FLOW_WAIT = "3";
  lab = await labUp("site-to-site", { quiet: true });
  await commit(targetOf(lab.gateways.gw1!), { news: gwState("gw1"), rollbackSeconds: 30 });
});
afterAll(async () => {
  delete process.env.PULUMI_OPENBSD_FLOW_WAIT;
  if (lab) await labDown(lab);
});

describe("transport", () => {
  it("refuses a host that presents another key, naming both fingerprints", async () => {
    const t = { ...targetOf(lab.gateways.gw1!), hostKey: lab.gateways.gw2!.hostKey };
    const expected = keyFingerprint((parseHostKey(lab.gateways.gw2!.hostKey) as { blob: Buffer }).blob);
    const presented = keyFingerprint((parseHostKey(lab.gateways.gw1!.hostKey) as { blob: Buffer }).blob);
    await expect(SshSession.open(t)).rejects.toThrow(
      `${lab.gateways.gw1!.host}:22: host key mismatch, connection refused: expected ssh-ed25519 ${expected}, the host presented ssh-ed25519 ${presented}.`,
    );
    await expect(commit(t, { news: gwState("gw1"), rollbackSeconds: 30 })).rejects.toThrow("host key mismatch");
  });

  it("reaches a gateway pinned by any of the three host keys OpenBSD makes, and refuses a key type it lacks by name", async () => {
    // a stock OpenBSD holds RSA, ECDSA and Ed25519 host keys; `ssh-keyscan HOST` prints all three, and the key a user
    // pins is whichever line they took: each must be the one the gateway proves, whatever ssh2 itself prefers
    const g = lab.gateways.gw1!;
    const pub = (gwName: string, type: string) => readFileSync(join(lab.gateways[gwName]!.root, "etc/ssh", `ssh_host_${type}_key.pub`), "utf8").split(" ").slice(0, 2).join(" ");
    for (const type of ["rsa", "ecdsa", "ed25519"]) {
      const live = await readLive({ ...targetOf(g), hostKey: pub("gw1", type) }, gwState("gw1"));
      expect(Object.entries(classify(gwState("gw1"), live).drift).filter(([, v]) => v !== "in sync"), type).toEqual([]);
    }
    // another gateway's RSA key: the same type is offered, and the key itself differs
    const other = (parseHostKey(pub("gw2", "rsa")) as { blob: Buffer }).blob;
    const mine = (parseHostKey(pub("gw1", "rsa")) as { blob: Buffer }).blob;
    await expect(readLive({ ...targetOf(g), hostKey: pub("gw2", "rsa") }, gwState("gw1"))).rejects.toThrow(
      `${g.host}:22: host key mismatch, connection refused: expected ssh-rsa ${keyFingerprint(other)}, the host presented ssh-rsa ${keyFingerprint(mine)}.`,
    );
    // a type the gateway has no key of: it cannot prove the pinned key, and the plugin process survives the reset
    const dir = mkdtempSync(join(tmpdir(), "rq-p384-"));
    try {
      execFileSync("ssh-keygen", ["-q", "-t", "ecdsa", "-b", "384", "-N", "", "-f", join(dir, "k")]);
      const p384 = readFileSync(join(dir, "k.pub"), "utf8").split(" ").slice(0, 2).join(" ");
      const fp = keyFingerprint((parseHostKey(p384) as { blob: Buffer }).blob);
      await expect(readLive({ ...targetOf(g), hostKey: p384 }, gwState("gw1"))).rejects.toThrow(
        `${g.host}:22: the host offers no ecdsa-sha2-nistp384 host key, the type of the pinned hostKey (${fp}), so it cannot prove it holds that key; connection refused.`,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    await new Promise((r) => setTimeout(r, 200));
    const live = await readLive(targetOf(g), gwState("gw1"));
    expect(Object.keys(live.files).length).toBeGreaterThan(0);
  });

  it("a read is one connection and one command", async () => {
    resetCounters();
    const live = await readLive(targetOf(lab.gateways.gw1!), gwState("gw1"));
    const c = getCounters()[`${lab.gateways.gw1!.host}:22`]!;
    expect(c).toMatchObject({ connections: 1, channels: 1, commands: 1 });
    expect(Object.entries(classify(gwState("gw1"), live).drift).filter(([, v]) => v !== "in sync")).toEqual([]);
  });

  it("leaves the host-key announcement unanswered: the gateway is never asked to prove keys nobody pinned", async () => {
    // ssh2's own log of the protocol: the gateway's sshd announces its host keys after the login; ssh2 by itself would
    // answer with `hostkeys-prove-00@openssh.com`, making the gateway sign with every host key on each connection
    const lines: string[] = [];
    const connect = Client.prototype.connect;
    Client.prototype.connect = function (this: Client, cfg: ConnectConfig) {
      return connect.call(this, { ...cfg, debug: (l: string) => lines.push(l) });
    };
    try {
      const live = await readLive(targetOf(lab.gateways.gw1!), gwState("gw1"));
      expect(Object.entries(classify(gwState("gw1"), live).drift).filter(([, v]) => v !== "in sync")).toEqual([]);
    } finally {
      Client.prototype.connect = connect;
    }
    expect(lines).toContain("Inbound: GLOBAL_REQUEST (hostkeys-00@openssh.com)");
    expect(lines.filter((l) => l.includes("hostkeys-prove"))).toEqual([]);
  });

  it("a user's ed25519 key (the README's) logs in and reads as the lab's own key does", async () => {
    const dir = mkdtempSync(join(tmpdir(), "rq-ed25519-"));
    try {
      execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "user", "-f", join(dir, "id")]);
      await labExec(lab, "gw1", "cat >> /root/.ssh/authorized_keys", readFileSync(join(dir, "id.pub"), "utf8"));
      const t = { ...targetOf(lab.gateways.gw1!), privateKey: readFileSync(join(dir, "id"), "utf8") };
      expect(t.privateKey).toContain("BEGIN OPENSSH PRIVATE KEY");
      expect(t.privateKey).not.toBe(lab.gateways.gw1!.privateKey);
      const live = await readLive(t, gwState("gw1"));
      expect(Object.entries(classify(gwState("gw1"), live).drift).filter(([, v]) => v !== "in sync")).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("a failing command names the host, the command and the tool's own message", async () => {
    const s = await SshSession.open(targetOf(lab.gateways.gw1!));
    try {
      await expect(s.run("rcctl start nosuchd\n", { name: "rcctl start nosuchd" })).rejects.toThrow(
        new RegExp(`^${lab.gateways.gw1!.host.replace(/\./g, "\\.")}:22: \`rcctl start nosuchd\` failed \\(exit status \\d+\\): rcctl: service nosuchd does not exist`),
      );
    } finally {
      s.close();
    }
  });
});

describe("the commit", () => {
  it("an invalid ipsec.conf fails with ipsecctl's own message and changes nothing", async () => {
    const before = await gw(SNAPSHOT);
    const bad = gwState("gw1");
    bad.files["/etc/ipsec.conf"]!.content = `ike esp from 172.16.0.0/24 to 192.168.15.0/24 peer 192.0.123.85 quick enc blowfsh psk "${PSK}"\n`;
    let err = "";
    await commit(targetOf(lab.gateways.gw1!), { olds: gwState("gw1"), news: bad, rollbackSeconds: 30 }).catch((e: Error) => (err = e.message));
    expect(err).toContain("validation on the host failed, nothing was changed (the gateway is on its OLD configuration): `ipsecctl -nf /etc/ipsec.conf.pulumi-new` failed:");
    expect(err).toContain("/etc/ipsec.conf.pulumi-new: 1: blowfsh not a valid transform\nipsecctl: Syntax error in config file: ipsec rules not loaded");
    expect(err).not.toContain(PSK);
    expect(await gw(SNAPSHOT)).toBe(before);
  });

  it("ipsecctl -nf failing on the line that holds the PSK: the error quotes ipsecctl with the PSK masked", async () => {
    const before = await gw(SNAPSHOT);
    const bad = gwState("gw1");
    // the PSK pasted where a transform goes: ipsecctl echoes the offending word, i.e. the PSK itself
    bad.files["/etc/ipsec.conf"]!.content = `ike esp from 172.16.0.0/24 to 192.168.15.0/24 peer 192.0.123.85 quick enc ${PSK} psk "${PSK}"\n`;
    let err = "";
    await commit(targetOf(lab.gateways.gw1!), { olds: gwState("gw1"), news: bad, rollbackSeconds: 30 }).catch((e: Error) => (err = e.message));
    expect(err).toBe(
      `${lab.gateways.gw1!.host}:22: validation on the host failed, nothing was changed (the gateway is on its OLD configuration): \`ipsecctl -nf /etc/ipsec.conf.pulumi-new\` failed: ` +
        "/etc/ipsec.conf.pulumi-new: 1: *** not a valid transform\nipsecctl: Syntax error in config file: ipsec rules not loaded",
    );
    expect(await gw(SNAPSHOT)).toBe(before);
  });

  for (const fault of ["after-swap", "before-confirm"] as const) {
    it(`a connection killed ${fault} is reverted by the on-host timer; the next commit converges`, async () => {
      const t = targetOf(lab.gateways.gw1!);
      await gw("rm -f /var/db/pulumi-openbsd/last-rollback");
      const before = await gw(SNAPSHOT);
      const changed = gwState("gw1", { forwarding: "2", anchor: anchorRules("gw1") + "pass in on em1 proto tcp from 192.0.123.85 to 192.0.2.153 port 22\n" });
      process.env.PULUMI_OPENBSD_FAULT = fault;
      let err = "";
      try {
        await commit(t, { olds: gwState("gw1"), news: changed, rollbackSeconds: 5 }).catch((e: Error) => (err = e.message));
      } finally {
        delete process.env.PULUMI_OPENBSD_FAULT;
      }
      expect(err).toContain(`(PULUMI_OPENBSD_FAULT=${fault}); the gateway is on its NEW configuration, unconfirmed, and its on-host timer puts it back on its OLD configuration within 5 s`);
      expect(await gw("cat /etc/pf.anchors/vpn")).toContain("port 22"); // swapped, not confirmed
      if (fault === "before-confirm") {
        expect(await gw("sysctl -n net.inet.ip.forwarding; pfctl -a vpn -sr | grep -c 'port = 22'")).toBe("2\n1\n"); // applied
      }
      expect(await gw("cat /var/db/pulumi-openbsd/lock/owner")).toMatch(/^[0-9a-f]{12} \d+ \d+\n$/); // held by the timer (ID PID BOOT) until it runs
      let done = "";
      for (let i = 0; i < 60 && !done; i++) {
        await new Promise((r) => setTimeout(r, 500));
        done = (await labExec(lab, "gw1", "cat /var/db/pulumi-openbsd/last-rollback")).stdout;
      }
      expect(done).toMatch(/^[0-9a-f]{12} /);
      expect(await gw(SNAPSHOT)).toBe(before.replace("baseline-sysctl\n", "baseline-sysctl\nlast-rollback\n"));
      expect(await gw("sysctl -n net.inet.ip.forwarding; ls /var/db/pulumi-openbsd/lock 2>&1 | wc -l")).toBe("1\n1\n");
      const r = await commit(t, { olds: gwState("gw1"), news: changed, rollbackSeconds: 30 });
      expect(r.changed).toEqual(["/etc/pf.anchors/vpn", "/etc/sysctl.conf"]);
      expect(await gw("pfctl -a vpn -sr")).toContain("pass in on em1 inet proto tcp from 192.0.123.85 to 192.0.2.153 port = 22");
      await commit(t, { olds: changed, news: gwState("gw1"), rollbackSeconds: 30 });
    });
  }

  it("a confirmed commit leaves no rollback timer in the gateway's process list", async () => {
    const t = targetOf(lab.gateways.gw1!);
    await commit(t, { olds: gwState("gw1"), news: gwState("gw1", { forwarding: "2" }), rollbackSeconds: 30 });
    // timers of this gateway only (the lab's gateways and the host share one process list): its mount namespace
    const left = await gw(`me=$(readlink /proc/self/ns/mnt); for p in $(pgrep -f 'restore[.]sh timer'); do [ "$(readlink /proc/$p/ns/mnt)" = "$me" ] && ps -o etimes=,stat=,args= -p $p | grep -v '^ *[0-9]* Z'; done; true`);
    await commit(t, { olds: gwState("gw1", { forwarding: "2" }), news: gwState("gw1"), rollbackSeconds: 30 });
    expect(left).toBe("");
  });

  it("waits for the on-host lock held by another operation, and says so while it waits", async () => {
    const t = targetOf(lab.gateways.gw1!);
    await gw("mkdir /var/db/pulumi-openbsd/lock && echo \"abc123def456 1 $(sysctl -n kern.boottime)\" > /var/db/pulumi-openbsd/lock/owner && echo 'vpn/prod urn:pulumi:prod::vpn::openbsd:index:GatewayConfig::gw1' > /var/db/pulumi-openbsd/lock/who");
    // the plugin's log (stderr; through the engine when there is one): the warning must come before the lock is released
    const said: string[] = [];
    const write = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => (said.push(String(chunk)), (write as (...a: unknown[]) => boolean)(chunk, ...rest))) as typeof process.stderr.write;
    let released = false;
    const p = commit(t, { olds: gwState("gw1"), news: gwState("gw1", { forwarding: "2" }), rollbackSeconds: 30 }).then(() => released);
    try {
      await new Promise((r) => setTimeout(r, 2500));
    } finally {
      process.stderr.write = write;
    }
    expect(said.filter((l) => l.includes("waiting"))).toEqual([
      `pulumi-resource-openbsd: warning: ${lab.gateways.gw1!.host}:22: waiting for the gateway's commit lock, held by commit abc123def456 of stack vpn/prod (urn:pulumi:prod::vpn::openbsd:index:GatewayConfig::gw1): another operation on this gateway, or one still within its rollback timer; this one goes on when the lock is released, and gives up after 120 s\n`,
    ]);
    expect(await gw("sysctl -n net.inet.ip.forwarding")).toBe("1\n"); // nothing applied while locked
    released = true;
    await gw("rm -rf /var/db/pulumi-openbsd/lock");
    expect(await p).toBe(true);
    expect(await gw("sysctl -n net.inet.ip.forwarding")).toBe("2\n");
    await commit(t, { olds: gwState("gw1", { forwarding: "2" }), news: gwState("gw1"), rollbackSeconds: 30 });
  });

  it("a service the state no longer lists goes back to what the gateway had (isakmpd off)", async () => {
    const t = targetOf(lab.gateways.gw1!);
    const news = gwState("gw1");
    delete news.services.isakmpd;
    await commit(t, { olds: gwState("gw1"), news, rollbackSeconds: 30 });
    expect(await gw("rcctl ls started | grep -c isakmpd; rcctl get isakmpd flags")).toBe("0\nNO\n");
    await commit(t, { olds: news, news: gwState("gw1"), rollbackSeconds: 30 });
    expect(await gw("rcctl get isakmpd flags; rcctl ls started | grep -c isakmpd")).toBe("-K\n1\n");
  });

  it("a sysctl the state no longer lists goes back to what the gateway had before it was first set, as sysctl.conf now says", async () => {
    const t = targetOf(lab.gateways.gw1!);
    const baseline = (await gw("grep '^net.inet.ip.forwarding=' /var/db/pulumi-openbsd/baseline-sysctl")).trim().split("=")[1];
    expect(baseline).toMatch(/^[01]$/);
    const news = gwState("gw1", { forwarding: "2" });
    await commit(t, { olds: gwState("gw1"), news, rollbackSeconds: 30 });
    expect(await gw("sysctl -n net.inet.ip.forwarding")).toBe("2\n");
    const dropped = structuredClone(news);
    delete dropped.sysctls["net.inet.ip.forwarding"];
    dropped.files["/etc/sysctl.conf"]!.content = "net.inet.esp.enable=1\n";
    await commit(t, { olds: news, news: dropped, rollbackSeconds: 30 });
    expect(await gw("sysctl -n net.inet.ip.forwarding; cat /etc/sysctl.conf")).toBe(`${baseline}\nnet.inet.esp.enable=1\n`);
    await commit(t, { olds: dropped, news: gwState("gw1"), rollbackSeconds: 30 });
    expect(await gw("sysctl -n net.inet.ip.forwarding")).toBe("1\n");
  });

  it("secret files are 0600 from creation and no staged or rollback copies remain", async () => {
    expect(await gw("ls -l /etc/ipsec.conf | cut -c1-10; ls /etc/*.pulumi-* /etc/pf.anchors/*.pulumi-* 2>/dev/null; ls /var/db/pulumi-openbsd/rollback")).toBe("-rw-------\n");
  });
});

describe("an anchor no longer managed", () => {
  it("goes with its tables: pf keeps an anchor listed while it holds one, such as the tables a pool list becomes", async () => {
    const t = targetOf(lab.gateways.gw1!);
    const base = gwState("gw1");
    const lb: HostState = {
      ...base,
      files: { ...base.files, "/etc/pf.anchors/lb": { content: "pass in on em0 proto tcp to port { 80 443 } rdr-to { 172.16.0.11 172.16.0.12 }\n", mode: "0600", owner: "root", group: "wheel", check: "pf-anchor" } },
      anchors: { ...base.anchors, lb: { file: "/etc/pf.anchors/lb" } },
    };
    await commit(t, { olds: base, news: lb, rollbackSeconds: 30 });
    // the names a load gives them: __automatic_<a word drawn once per pfctl run>_<n> (pf_opt_create_table)
    expect(await gw("pfctl -a lb -sT")).toMatch(/^__automatic_([0-9a-f]+)_0\n__automatic_\1_1\n$/);
    await commit(t, { olds: lb, news: base, rollbackSeconds: 30 });
    expect(await gw("pfctl -sA")).toBe("  vpn\n");
    expect(await gw("pfctl -a lb -sT")).toBe("");
  });
});

describe("inline anchors in a managed anchor", () => {
  it("a named and an anonymous inline anchor (and an empty one) read in sync after the commit, as pfctl -sr shows them", async () => {
    const inline = 'anchor "ssh" on em0 {\n  pass in proto tcp to port 22\n  anchor {\n    block out proto udp to port 53\n  }\n}\nanchor {\n}\n';
    await withAnchorRules(inline, async (t, withInline) => {
      // pf keeps the named one's rules in vpn/ssh: -sr of vpn shows its calling rule alone
      expect(await gw("pfctl -a vpn/ssh -sr")).toBe("pass in proto tcp from any to any port = 22 flags S/SA\nanchor all {\n  block drop out proto udp from any to any port = 53\n}\n");
      expect(await gw("pfctl -a vpn -sr | tail -3")).toBe('anchor "ssh" on em0 all\nanchor all {\n}\n');
      expect(await notInSync(t, withInline)).toEqual([]);
    });
  });
});

describe("a source-hash pool without a key (the guides' `nat-to … source-hash`)", () => {
  it("reads in sync after the commit though pfctl draws a new key on every parse; a key the file writes is compared", async () => {
    const rule = "match out on em1 from 172.16.1.0/24 to any nat-to 203.0.113.16/28 source-hash\n";
    await withAnchorRules(rule, async (t, keyless) => {
      // as on OpenBSD: the loaded rule keeps the key drawn at load, and every -nv of the file draws another
      const key = / source-hash (0x[0-9a-f]{32})$/m;
      const loaded = key.exec(await gw("pfctl -a vpn -sr"))?.[1];
      const shown = key.exec(await gw("pfctl -a vpn -nv -f /etc/pf.anchors/vpn"))?.[1];
      expect(loaded).toMatch(/^0x[0-9a-f]{32}$/);
      expect(shown).toMatch(/^0x[0-9a-f]{32}$/);
      expect(shown).not.toBe(loaded);
      expect(await notInSync(t, keyless)).toEqual([]);
      // a key the file writes is compared as any word: the rule loaded with a drawn key is not it
      const written = gwState("gw1", { anchor: anchorRules("gw1") + rule.replace("source-hash", "source-hash 0x0123456789abcdef0123456789abcdef") });
      expect(await notInSync(t, written)).toEqual([
        ['anchors["vpn"]', "running drifted"],
        ['files["/etc/pf.anchors/vpn"]', "file drifted"],
      ]);
    });
  });
});

describe("tables pfctl makes itself (a pool's `{ list }`, six rules the optimizer merges)", () => {
  it("read in sync after the commit though a load names them with a word it draws and -n does not", async () => {
    const rules = "pass in on em0 proto tcp to port 80 rdr-to { 172.16.0.11 172.16.0.12 }\npass in on em0 proto tcp from { 10.9.0.1 10.9.0.2 10.9.0.3 10.9.0.4 10.9.0.5 10.9.0.6 } to port 22\n";
    await withAnchorRules(rules, async (t, news) => {
      // as on OpenBSD: pf_opt_create_table() names the loaded tables __automatic_<arc4random() in hex>_<n>
      expect(await gw("pfctl -a vpn -sr | grep rdr-to")).toMatch(/ rdr-to <__automatic_([0-9a-f]+)_0> round-robin\n$/);
      expect(await gw("pfctl -a vpn -sr | grep 'port = 22'")).toMatch(/ from <__automatic_[0-9a-f]+_1> to any port = 22 /);
      expect(await gw("pfctl -a vpn -nv -f /etc/pf.anchors/vpn | grep rdr-to")).toMatch(/ rdr-to <__automatic_0> round-robin\n$/);
      expect(await notInSync(t, news)).toEqual([]);
    });
  });
});
