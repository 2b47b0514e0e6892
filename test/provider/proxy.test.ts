/**
 * A gateway reached through a bastion (`connection.proxy`, as `ssh -J`): gw2 of the site-to-site lab is the
 * bastion, gw1 the gateway. Its read and its commit (the confirm over a fresh connection too) go through gw2's sshd,
 * each hop's host key pinned; a bastion that refuses to forward, one that cannot reach the gateway and one posing
 * with another key each fail with one error naming the hop and what to check, and nothing runs on the gateway.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { labDown, labExec, labUp, type Lab } from "../lab/api";
import { labSshdArgs } from "../lab/lab-sshd";
import { commit, readLive } from "../../providers/gateway/commit";
import { classify } from "../../providers/gateway/read-script";
import { discover, parseImportId } from "../../providers/gateway/import";
import { getCounters, resetCounters } from "../../providers/transport/counters";
import type { SshTarget } from "../../providers/transport/ssh";
import { changedGw1, errOf, gwState, targetOf } from "./fixtures";

let lab: Lab;
/**
 * gw1 through gw2, as a Gateway's `connection` with `proxy` gives it to the provider: gw1 by its egress address
 * (192.0.2.153, which gw2 routes to; the management link is the runner's alone), its own host key pinned.
 */
const viaGw2 = (proxy: Partial<NonNullable<SshTarget["proxy"]>> = {}): SshTarget => {
  const b = lab.gateways.gw2!;
  return { ...targetOf(lab.gateways.gw1!), host: "192.0.2.153", proxy: { host: b.host, port: b.port, user: b.user, hostKey: b.hostKey, ...proxy } };
};
const gw1 = () => "192.0.2.153:22";
const gw2 = () => `${lab.gateways.gw2!.host}:22`;

beforeAll(async () => {
  process.env.PULUMI_OPENBSD_FLOW_WAIT = "3";
  lab = await labUp("site-to-site", { prefix: "prx", quiet: true });
  // gw1's sshd on its egress address too (the lab's listens on the management link only), as a gateway behind a
  // bastion listens on the network the bastion shares with it
  const sshd = await labExec(lab, "gw1", ["/usr/sbin/sshd", "-f", "/etc/ssh/sshd_config", "-o", "ListenAddress=192.0.2.153", "-o", "PidFile=/run/sshd-egress.pid", ...labSshdArgs()].join(" "));
  expect(sshd.code, sshd.stderr).toBe(0);
});
afterAll(async () => {
  delete process.env.PULUMI_OPENBSD_FLOW_WAIT;
  if (lab) {
    await labExec(lab, "gw1", "kill $(cat /run/sshd-egress.pid)");
    await labDown(lab);
  }
});

describe("a gateway behind a bastion (connection.proxy)", () => {
  it("commits and reads through the bastion: one connection to each, the gateway's own host key pinned end to end", async () => {
    await commit(viaGw2(), { news: gwState("gw1"), rollbackSeconds: 60 });
    const r = await commit(viaGw2(), { olds: gwState("gw1"), news: changedGw1(), rollbackSeconds: 60 });
    expect(r.changed.length).toBeGreaterThan(0);
    resetCounters();
    const live = await readLive(viaGw2(), changedGw1());
    expect(Object.entries(classify(changedGw1(), live).drift).filter(([, v]) => v !== "in sync")).toEqual([]);
    const c = getCounters();
    expect(c[gw2()]?.connections).toBe(1);
    expect(c[gw1()]).toMatchObject({ connections: 1, commands: 1 });
    // the gateway's sshd saw the login come from the bastion's side, not from the test runner
    expect((await labExec(lab, "gw1", "cat /etc/ipsec.conf")).stdout).toContain("peer 192.0.123.85");
    await commit(viaGw2(), { olds: changedGw1(), news: gwState("gw1"), rollbackSeconds: 60 });
  });

  it("an import id naming the bastion (` via …`) discovers the gateway through it", async () => {
    const b = lab.gateways.gw2!;
    const id = `root@192.0.2.153 ${lab.gateways.gw1!.hostKey} via root@${b.host} ${b.hostKey}`;
    const conn = parseImportId(id);
    if (typeof conn === "string") throw new Error(conn);
    expect(conn.proxy).toEqual({ host: b.host, hostKey: b.hostKey });
    await commit(viaGw2(), { news: gwState("gw1"), rollbackSeconds: 60 });
    const found = await discover({ ...conn, privateKey: lab.gateways.gw1!.privateKey });
    expect(Object.keys(found.files)).toEqual(expect.arrayContaining(["/etc/ipsec.conf", "/etc/pf.conf", "/etc/sysctl.conf"]));
  });

  it("a bastion posing with another key is refused before anything reaches the gateway", async () => {
    const wrong = lab.gateways.gw1!.hostKey;
    const err = await errOf(readLive(viaGw2({ hostKey: wrong }), gwState("gw1")));
    expect(err).toMatch(new RegExp(`^${gw1().replace(/\./g, "\\.")}: through the bastion \\(connection\\.proxy\\): ${gw2().replace(/\./g, "\\.")}: host key mismatch, connection refused: expected ssh-ed25519 SHA256:`));
  });

  it("a bastion that cannot reach the gateway's port names it, and what to check", async () => {
    const err = await errOf(readLive({ ...viaGw2(), port: 2 }, gwState("gw1")));
    expect(err).toMatch(
      new RegExp(`^192\\.0\\.2\\.153:2: the bastion ${gw2().replace(/\./g, "\\.")} \\(connection\\.proxy\\) did not connect to the gateway: .*; it could not reach 192\\.0\\.2\\.153 port 2 \\(is the gateway's sshd up there, and reachable from the bastion\\?\\)$`),
    );
  });

  it("a bastion key that may not forward (`restrict` in its authorized_keys) is named as such", async () => {
    const dir = mkdtempSync(join(tmpdir(), "prx-"));
    try {
      execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "jump", "-f", join(dir, "id")]);
      await labExec(lab, "gw2", "cat >> /root/.ssh/authorized_keys", `restrict ${readFileSync(join(dir, "id.pub"), "utf8")}`);
      const err = await errOf(readLive(viaGw2({ privateKey: readFileSync(join(dir, "id"), "utf8") }), gwState("gw1")));
      expect(err).toMatch(/: the bastion .* \(connection\.proxy\) did not connect to the gateway: .*; its sshd refuses to forward \(`AllowTcpForwarding no`, or a `restrict`\/`permitopen` on the key in its authorized_keys\?\)$/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
