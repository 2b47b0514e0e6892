/**
 * The server side of an SshTunnel through the provider's commit against the lab: /etc/ssh/sshd_config is a
 * managed file checked with the host's own `sshd -t -f` before the swap. A bad one is refused with sshd's own
 * message and nothing changes (the lab's real sshd keeps serving the management connection); a good one is
 * swapped in, sshd reloaded (SIGHUP), and the commit's confirmation over a fresh SSH connection succeeds;
 * delete puts the gateway's own file back and reloads sshd again.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { labDown, labExec, labUp, type Lab } from "../lab/api";
import { commit, uninstall } from "../../providers/gateway/commit";
import type { HostState } from "../../sdk/state";
import { renderSshdConfig } from "../../sdk/planner/sshd-config";
import { gwState, targetOf } from "./fixtures";

let lab: Lab;
let original = "";
const gw = async (cmd: string) => {
  const r = await labExec(lab, "gw2", cmd);
  return r.stdout + r.stderr;
};
const withSshd = (content: string): HostState => {
  // no IPsec: only the files and the sshd reload are under test
  const { ipsec: _i, secrets: _s, ...base } = gwState("gw2");
  const { "/etc/ipsec.conf": _f, ...files } = base.files;
  const s: HostState = { ...base, files, services: {}, ipsec: { daemon: "none" } };
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
