/**
 * The server side of an SshTunnel through the provider's commit against the lab: /etc/ssh/sshd_config is a
 * managed file checked with the host's own `sshd -t -f` before the swap. A bad one is refused with sshd's own
 * message and nothing changes (the lab's real sshd keeps serving the management connection); a good one is
 * swapped in, sshd reloaded (SIGHUP), and the commit's confirmation over a fresh SSH connection succeeds;
 * delete puts the gateway's own file back and reloads sshd again. On the client side, the rc.d daemon the
 * resource added is stopped and disabled before its script goes, when an update drops it and on delete.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { labDown, labExec, labUp, type Lab } from "../lab/api";
import { commit, uninstall } from "../../providers/gateway/commit";
import type { HostState } from "../../sdk/state";
import { renderSshdConfig } from "../../sdk/planner/sshd-config";
import { renderSshTunnelRcd } from "../../sdk/planner/ssh-rcd";
import { gwState, targetOf } from "./fixtures";

let lab: Lab;
let original = "";
const gw = async (cmd: string) => {
  const r = await labExec(lab, "gw2", cmd);
  return r.stdout + r.stderr;
};
const base = (): HostState => {
  const { ipsec: _i, secrets: _s, ...b } = gwState("gw2");
  const { "/etc/ipsec.conf": _f, ...files } = b.files;
  return { ...b, files, services: {}, ipsec: { daemon: "none" } };
};
const withSshd = (content: string): HostState => {
  // no IPsec: only the files and the sshd reload are under test
  const s = base();
  s.files["/etc/ssh/sshd_config"] = { content, mode: "0644", owner: "root", group: "wheel", check: "sshd" };
  return s;
};

beforeAll(async () => {
  lab = await labUp("site-to-site", { prefix: "s1b", quiet: true });
  original = await gw("cat /etc/ssh/sshd_config");
});
afterAll(async () => {
  if (lab) await labDown(lab);
});

describe("sshd_config as a managed file", () => {
  it("a bad sshd_config is refused by sshd -t before the swap: nothing changes", async () => {
    let err = "";
    await commit(targetOf(lab.gateways.gw2!), { news: withSshd(original + "PermitTunnel sideways\n"), rollbackSeconds: 30 }).catch((e: Error) => (err = e.message));
    expect(err).toContain("validation on the host failed, nothing was changed (the gateway is on its OLD configuration): `sshd -t -f /etc/ssh/sshd_config.pulumi-new` failed:");
    expect(err).toContain("PermitTunnel");
    expect(await gw("cat /etc/ssh/sshd_config")).toBe(original);
    expect(await gw("ls /etc/ssh")).not.toContain("pulumi-new");
  });

  it("an update that drops the client's rc.d daemon stops and disables it before its script goes", async () => {
    const rcd = renderSshTunnelRcd({ clientUnit: 0, serverUnit: 0, user: "root", server: "192.0.2.153", port: 22, bind: "192.0.123.85", key: "/etc/ssh/sshtun0_ed25519", knownHosts: "/etc/ssh/sshtun0_known_hosts", aliveInterval: 5, aliveCountMax: 3, restartDelay: 1 });
    const withClient = base();
    withClient.files["/etc/rc.d/sshtun0"] = { content: rcd, mode: "0555", owner: "root", group: "wheel", check: "none" };
    withClient.services = { sshtun0: { order: 10, enabled: true, running: true } };
    const t = targetOf(lab.gateways.gw2!);
    await commit(t, { news: withClient, rollbackSeconds: 30 });
    expect(await gw("rcctl ls started")).toContain("sshtun0\n");
    expect(await gw("cat /etc/rc.conf.local")).toContain("sshtun0_flags=\n");
    await commit(t, { olds: withClient, news: base(), rollbackSeconds: 30 });
    expect(await gw("ls /etc/rc.d")).not.toContain("sshtun0");
    expect(await gw("cat /etc/rc.conf.local 2>/dev/null; rcctl ls on")).not.toContain("sshtun0");
    // nothing left running, nothing started again by the loop
    await new Promise((r) => setTimeout(r, 2500));
    expect(await gw("pgrep -f '^/usr/bin/ssh -N -w 0:0' || echo none")).toBe("none\n");
    await uninstall(t, base());
  });

  it("a good one is swapped in and sshd reloaded; delete puts the original back", async () => {
    const good = renderSshdConfig(original.split("\n").filter((l) => !l.startsWith("ListenAddress")).join("\n"));
    const s = withSshd(good);
    await commit(targetOf(lab.gateways.gw2!), { news: s, rollbackSeconds: 30 });
    expect(await gw("cat /etc/ssh/sshd_config")).toBe(good);
    expect(await gw("cat /proc/net/tcp | awk '$4 == \"0A\" {print $2}'")).toContain("00000000:0016");
    // sshd was reloaded (it now listens on every address, the base having no ListenAddress) and the commit was
    // confirmed over a fresh SSH connection to it
    await uninstall(targetOf(lab.gateways.gw2!), s);
    expect(await gw("cat /etc/ssh/sshd_config")).toBe(original);
    expect(await gw("cat /proc/net/tcp | awk '$4 == \"0A\" {print $2}'")).not.toContain("00000000:0016");
  });
});
