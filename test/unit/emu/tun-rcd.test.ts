/**
 * The emulator's tun(4) and real-daemon rc.d scripts outside a lab (state only): hostname.tun0 through netstart
 * and `ifconfig tun0` as seeds/002 shows it (no process holds the device: `status: down`); an rc.d script the
 * project writes is read as rc.subr reads it and its service recorded as started, stopped and listed.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { sandbox, type Sandbox } from "./harness";
import { realDaemon } from "../../lab/emu/rcd-real";
import { renderSshTunnelRcd } from "../../../sdk/planner/ssh-rcd";

let sb: Sandbox;
beforeEach(async () => {
  sb = await sandbox();
});
afterEach(async () => sb.done());

describe("emulated tun(4) and real rc.d daemons", () => {
  it("netstart tun0: point-to-point inet, as ifconfig prints it", async () => {
    await sb.write("/etc/hostname.tun0", "inet 172.16.2.1 255.255.255.252\ndest 172.16.2.2\nup\n", 0o640);
    expect((await sb.run("netstart", ["tun0"])).stderr).toBe("");
    const out = await sb.run("ifconfig", ["tun0"]);
    expect(out.stdout.replace(/index \d+/, "index N").split("\n")).toEqual([
      "tun0: flags=8051<UP,POINTOPOINT,RUNNING,MULTICAST> mtu 1500",
      "\tindex N priority 0 llprio 3",
      "\tgroups: tun",
      "\tstatus: down",
      "\tinet 172.16.2.1 --> 172.16.2.2 netmask 0xfffffffc",
      "",
    ]);
    expect((await sb.run("ifconfig", ["-C"])).stdout).toContain(" tun ");
  });

  it("reads daemon and daemon_flags of a project rc.d script; rcctl enables, starts, lists and stops it", async () => {
    const script = renderSshTunnelRcd({ clientUnit: 0, serverUnit: 1, user: "root", server: "192.0.123.85", port: 22, bind: "192.0.2.153", key: "/etc/ssh/sshtun0_ed25519", knownHosts: "/etc/ssh/sshtun0_known_hosts", aliveInterval: 15, aliveCountMax: 3, restartDelay: 10 });
    await sb.write("/etc/rc.d/sshtun0", script, 0o555);
    // the sandbox sets EMU_ROOT: rootPath() reads the script under it
    expect(realDaemon("sshtun0")).toEqual({ daemon: "/usr/bin/ssh", flags: expect.stringMatching(/^-N -w 0:1 -o Tunnel=point-to-point .* -l root 192\.0\.123\.85$/), restartDelay: 10 });
    // the lab's own wrappers are emulated daemons, not run for real
    await sb.write("/etc/rc.d/sshd", '#!/bin/sh\n# TEST DOUBLE: rc.d/sshd emulated by the pulumi-openbsd lab\ndaemon="/usr/sbin/sshd"\n', 0o555);
    expect(realDaemon("sshd")).toBeUndefined();
    expect((await sb.run("rcctl", ["enable", "sshtun0"])).code).toBe(0);
    expect((await sb.run("rcctl", ["start", "sshtun0"])).stdout).toBe("sshtun0(ok)\n");
    expect((await sb.run("rcctl", ["ls", "started"])).stdout).toContain("sshtun0\n");
    expect((await sb.run("rcctl", ["stop", "sshtun0"])).stdout).toBe("sshtun0(ok)\n");
    expect((await sb.run("rcctl", ["ls", "started"])).stdout).not.toContain("sshtun0");
    expect((await sb.run("rcctl", ["disable", "sshtun0"])).code).toBe(0);
  });
});
