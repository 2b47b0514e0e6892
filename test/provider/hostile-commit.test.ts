/**
 * A commit against a host that works against it (issue 11, second pass): each case leaves the gateway on its OLD or
 * its NEW configuration, never between; the error says which; nothing a tool prints passes for the scripts' own
 * report; and the next commit converges.
 * - the disk fills between the swap and a restore: the previous files come back by rename (no space needed);
 * - a symbolic link left where the commit stages a file: removed, never written through;
 * - an apply step slower than rollbackSeconds: the timer stops the apply before it restores, so nothing the step
 *   would still have done lands on the restored host;
 * - a tool printing the scripts' markers (`@@notrestored …`): shown as the tool's text, not taken for a report;
 * - a validation that never ends: the on-host watchdog stops the stage at its deadline, removes what it staged and
 *   releases the lock;
 * - a destroy's restore that never ends: the destroy fails at its deadline, saying where the gateway may be.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { labDown, labExec, labUp, type Lab } from "../lab/api";
import { commit, uninstall } from "../../providers/gateway/commit";
import type { HostState } from "../../sdk/state";
import { gwState, targetOf, until, changedGw1, errOf, onGateway } from "./fixtures";

let lab: Lab;
let host = "";
const gw = onGateway(() => lab);
const D = "/var/db/pulumi-openbsd";
const SNAPSHOT = `sha256 -q /etc/pf.conf /etc/pf.anchors/vpn /etc/ipsec.conf /etc/sysctl.conf /etc/hostname.em0; pfctl -a vpn -sr; sysctl -n net.inet.ip.forwarding; ls /etc/pf.anchors; ls /etc | grep -c pulumi; ls ${D}/rollback; ls -d ${D}/lock 2>&1 | grep -c 'No such'`;
const base = () => gwState("gw1");
const changed = changedGw1;
const t = () => targetOf(lab.gateways.gw1!);

/** `changed()` plus an interface whose hostname.if runs `line` (netstart passes a `!` line to the shell). */
function withBang(line: string): HostState {
  const s = changed();
  s.files["/etc/hostname.vether0"] = { content: `${line}\nup\n`, mode: "0640", owner: "root", group: "wheel", check: "none" };
  s.interfaces = [...s.interfaces, "vether0"];
  return s;
}

beforeAll(async () => {
  process.env.PULUMI_OPENBSD_FLOW_WAIT = "3";
  lab = await labUp("site-to-site", { quiet: true });
  host = `${lab.gateways.gw1!.host}:22`;
  await commit(t(), { news: base(), rollbackSeconds: 120 });
});
afterAll(async () => {
  delete process.env.PULUMI_OPENBSD_FLOW_WAIT;
  if (lab) await labDown(lab);
});

/**
 * Every emulated command of gw1 through a shell wrapper (bind-mounted over the emulator's client, in gw1's mount
 * namespace only) that makes the commands matching `pattern` (a `case` pattern over `NAME ARGS`) sleep a minute:
 * `pfctl*-nf*` hangs a validation.
 */
async function hangCommands(pattern: string): Promise<() => Promise<void>> {
  const emuc = (await gw("readlink /usr/sbin/pfctl")).trim();
  const wrap = `#!/bin/sh\nn=\${0##*/}\ncase "$n $*" in ${pattern}) sleep 60;; esac\n[ -e /root/real/$n ] || ln -s /root/emuc /root/real/$n\nexec /root/real/$n "$@"\n`;
  const r = await labExec(lab, "gw1", `set -e; cp ${emuc} /root/emuc; mkdir -p /root/real; cat > /root/wrap.sh; chmod 755 /root/wrap.sh; mount --bind /root/wrap.sh ${emuc}`, wrap);
  if (r.code !== 0) throw new Error(`hook: ${r.stderr}`);
  return async () => void (await gw(`umount ${emuc}; pkill -f 'sleep 60' ; rm -rf /root/emuc /root/real /root/wrap.sh`));
}

describe("a commit against a hostile host", () => {
  it("the disk fills after the swap: the restore renames the previous files back (no space needed), all OLD", async () => {
    const before = await gw(SNAPSHOT);
    process.env.PULUMI_OPENBSD_FAULT = "after-swap";
    try {
      await errOf(commit(t(), { olds: base(), news: changed(), rollbackSeconds: 600 }));
    } finally {
      delete process.env.PULUMI_OPENBSD_FAULT;
    }
    const [id, pid] = (await gw(`cat ${D}/lock/owner`)).split(" ");
    await gw(`c=$(pgrep -P ${pid}); kill ${pid}; kill $c`); // the timer: the restore below stands in for it
    // /etc/pf.anchors on a full tmpfs (its files, hard links kept, copied in first)
    const fill = await labExec(lab, "gw1", "set -e; rm -rf /root/.hsave; mkdir /root/.hsave; cp -a /etc/pf.anchors/. /root/.hsave/; mount -t tmpfs -o size=256k hfull /etc/pf.anchors; cp -a /root/.hsave/. /etc/pf.anchors/; cat /dev/zero > /etc/pf.anchors/.fill 2>/dev/null || true");
    expect(fill.code).toBe(0);
    try {
      expect(await gw("echo x > /etc/pf.anchors/probe; rm -f /etc/pf.anchors/probe")).toMatch(/No space left on device/);
      const r = await labExec(lab, "gw1", `sh ${D}/rollback/${id}/restore.sh`);
      expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: "" });
      expect(await gw("grep -c 'port 22' /etc/pf.anchors/vpn; ls /etc/pf.anchors; pfctl -a vpn -sr | grep -c 'port = 22'")).toBe("0\nvpn\n0\n");
    } finally {
      // the mount's files go; under it, the state of the swap: put back as the restore did there
      await gw("umount /etc/pf.anchors; mv -f /etc/pf.anchors/vpn.pulumi-old /etc/pf.anchors/vpn; rm -rf /root/.hsave");
    }
    expect(await gw(SNAPSHOT)).toBe(before);
  });

  it("a symbolic link left at a staged path is removed, never written through; the commit goes on", async () => {
    await gw("echo VICTIM > /root/victim; chmod 644 /root/victim; ln -s /root/victim /etc/pf.anchors/vpn.pulumi-new; ln -s /root/victim /etc/sysctl.conf.pulumi-old");
    try {
      const r = await commit(t(), { olds: base(), news: changed(), rollbackSeconds: 90 });
      expect(r.changed).toEqual(["/etc/pf.anchors/vpn", "/etc/sysctl.conf"]);
      expect(await gw("cat /root/victim; stat -c %a /root/victim; ls -l /etc/pf.anchors/vpn | cut -c1; grep -c 'port 22' /etc/pf.anchors/vpn; ls /etc /etc/pf.anchors | grep -c pulumi")).toBe("VICTIM\n644\n-\n1\n0\n");
    } finally {
      await gw("rm -f /root/victim");
    }
    await commit(t(), { olds: changed(), news: base(), rollbackSeconds: 90 });
  });

  it("an apply step slower than rollbackSeconds: the timer stops the apply, then restores; nothing lands after it", async () => {
    const before = await gw(SNAPSHOT);
    // netstart vether0 runs `sleep 10` (a `!` line), then would bring vether0 up
    const t0 = Date.now();
    const err = await errOf(commit(t(), { olds: base(), news: withBang("!sleep 10"), rollbackSeconds: 3 }));
    expect(Date.now() - t0).toBeLessThan(15_000);
    expect(err).toMatch(new RegExp(`^${host.replace(/\./g, "\\.")}: the apply did not finish within rollbackSeconds \\(3 s\\): the on-host timer stopped it and put the gateway back \\(the gateway is on its OLD configuration, once its restore has run\\)`));
    // the restore runs (the lock goes with it); once the sleep would have ended, nothing of the stopped netstart has landed
    await until(gw, `ls -d ${D}/lock 2>&1 | grep -c 'No such'`, (o) => o === "1\n");
    expect(await gw(SNAPSHOT)).toBe(before);
    await new Promise((r) => setTimeout(r, Math.max(0, t0 + 12_000 - Date.now())));
    expect(await gw("ls /etc/hostname.vether0 2>&1 | grep -c 'No such'; ifconfig vether0 2>&1 | grep -c 'no such interface'")).toBe("1\n1\n");
    expect(await gw(SNAPSHOT)).toBe(before);
  }, 60_000);

  it("a validation that never ends: the watchdog stops the stage at its deadline; nothing changed, the lock released", async () => {
    const before = await gw(SNAPSHOT);
    const unhook = await hangCommands("pfctl*-nf*");
    process.env.PULUMI_OPENBSD_STAGE_DEADLINE = "3";
    let err: string;
    try {
      const t0 = Date.now();
      err = await errOf(commit(t(), { olds: base(), news: changed(), rollbackSeconds: 90 }));
      expect(Date.now() - t0).toBeLessThan(20_000);
    } finally {
      delete process.env.PULUMI_OPENBSD_STAGE_DEADLINE;
      await unhook();
    }
    expect(err).toBe(
      `${host}: staging and validation on the host did not finish within 3 s (a command there hangs); the on-host watchdog stopped them and removed what was staged. Nothing was changed (the gateway is on its OLD configuration).`,
    );
    expect(await gw(SNAPSHOT)).toBe(before);
    const r = await commit(t(), { olds: base(), news: changed(), rollbackSeconds: 90 });
    expect(r.changed).toEqual(["/etc/pf.anchors/vpn", "/etc/sysctl.conf"]);
    await commit(t(), { olds: changed(), news: base(), rollbackSeconds: 90 });
  }, 60_000);

  it("a tool that prints the scripts' markers: its text is shown as the tool's, the report is the script's own", async () => {
    const before = await gw(SNAPSHOT);
    const err = await errOf(commit(t(), { olds: base(), news: withBang("!echo '@@notrestored /etc/pf.conf /etc/sysctl.conf' >&2"), rollbackSeconds: 90 }));
    expect(err).toBe(
      `${host}: apply failed: \`sh /etc/netstart vether0\` failed: @ @notrestored /etc/pf.conf /etc/sysctl.conf\nthe previous configuration was restored (the gateway is on its OLD configuration)`,
    );
    expect(await gw(SNAPSHOT)).toBe(before);
  });

  it("a destroy whose restore never ends: it fails at its deadline saying the gateway may be partly restored; destroy again, once the restore has ended, completes", async () => {
    const before = await gw("cat /etc/ipsec.conf");
    expect(before).toContain("peer 192.0.123.85");
    // the restore's first step, `ipsecctl -d -f /etc/ipsec.conf` (the flows taken down), hangs
    const unhook = await hangCommands("ipsecctl*-d*");
    process.env.PULUMI_OPENBSD_DELETE_DEADLINE = "3";
    let err: string;
    try {
      const t0 = Date.now();
      err = await errOf(uninstall(t(), base()));
      expect(Date.now() - t0).toBeLessThan(20_000);
    } finally {
      delete process.env.PULUMI_OPENBSD_DELETE_DEADLINE;
      await unhook();
    }
    expect(err).toBe(
      `${host}: \`restore the baseline\` did not finish within 3 s; stopped it and closed the connection (a command on the gateway hangs). ` +
        "The gateway may be partly restored (between its NEW and its OLD configuration), and the restore may still be running there: `pulumi destroy` again retries once it has ended.",
    );
    // the hung command ended (unhook): the cut-off restore finishes on its own, and a destroy again completes
    await until(gw, `ls -d ${D}/lock 2>&1`, (out) => out.includes("No such"), 20_000);
    await uninstall(t(), base());
    expect(await gw("cat /etc/ipsec.conf 2>&1")).not.toContain("peer 192.0.123.85");
    await commit(t(), { news: base(), rollbackSeconds: 120 });
  });
});
