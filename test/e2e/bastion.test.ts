/**
 * A Gateway reached through a bastion (`connection.proxy`) through the real engine: gw1 of the site-to-site lab
 * behind gw2. up commits through gw2, preview and refresh are clean, a hand edit is found and repaired, the
 * bastion's own key never reaches the state in plaintext, and destroy puts gw1 back.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as pulumi from "@pulumi/pulumi";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import type { Stack } from "@pulumi/pulumi/automation";
import { Gateway } from "../../sdk/components/gateway";
import { labDown, labExec, labUp, type Lab } from "../lab/api";
import { labSshdArgs } from "../lab/lab-sshd";
import { labStack, destroyAndRemove } from "../support/stack";
import { ROOT } from "../support/env";

let lab: Lab;
let stack: Stack;
let keyDir: string;
/** The bastion's own login key (gw2 takes it as well as the lab's): a second secret for the state to keep. */
let bastionKey = "";
let pfBefore = "";

const program = async () => {
  const g1 = lab.gateways.gw1!;
  const g2 = lab.gateways.gw2!;
  new Gateway("gw1", {
    // gw1 by its egress address, which only gw2 routes to
    connection: { host: "192.0.2.153", privateKey: pulumi.secret(g1.privateKey), hostKey: g1.hostKey, proxy: { host: g2.host, privateKey: pulumi.secret(bastionKey), hostKey: g2.hostKey } },
    external: { interface: "em1", address: "192.0.2.153" },
    internal: { interface: "em0", network: "172.16.0.0/24" },
  });
};

const gw = async (cmd: string) => {
  const r = await labExec(lab, "gw1", cmd);
  return r.stdout + r.stderr;
};

beforeAll(async () => {
  lab = await labUp("site-to-site", { prefix: "bst", quiet: true });
  // gw1's sshd on its egress address too (the lab's listens on the management link only)
  const sshd = await labExec(lab, "gw1", ["/usr/sbin/sshd", "-f", "/etc/ssh/sshd_config", "-o", "ListenAddress=192.0.2.153", "-o", "PidFile=/run/sshd-egress.pid", ...labSshdArgs()].join(" "));
  expect(sshd.code, sshd.stderr).toBe(0);
  keyDir = mkdtempSync(path.join(tmpdir(), "bst-"));
  execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "bastion", "-f", path.join(keyDir, "id")]);
  bastionKey = readFileSync(path.join(keyDir, "id"), "utf8");
  await labExec(lab, "gw2", "cat >> /root/.ssh/authorized_keys", readFileSync(path.join(keyDir, "id.pub"), "utf8"));
  stack = await labStack("bastion-e2e", `b${process.pid}`, program);
});

afterAll(async () => {
  await destroyAndRemove(stack);
  if (lab) {
    await labExec(lab, "gw1", "kill $(cat /run/sshd-egress.pid)");
    await labDown(lab);
  }
  if (keyDir) rmSync(keyDir, { recursive: true, force: true });
});

describe("a Gateway behind a bastion, through the real engine", () => {
  it("up commits through the bastion; preview and refresh are clean; the bastion's key is a secret in the state", async () => {
    pfBefore = await gw("cat /etc/pf.conf");
    const u = await stack.up();
    expect(u.summary.result).toBe("succeeded");
    expect(await gw("sysctl -n net.inet.ip.forwarding")).toBe("1\n");
    expect(await gw("cat /etc/pf.conf")).not.toBe(pfBefore);
    expect((await stack.preview()).changeSummary).toEqual({ same: 3 });
    expect((await stack.refresh()).summary.resourceChanges).toEqual({ same: 3 });
    // the state file as the backend keeps it (the Automation API's export shows secrets decrypted)
    const state = readFileSync(path.join(ROOT, ".state", "backend", ".pulumi", "stacks", "bastion-e2e", `${stack.name}.json`), "utf8");
    expect(state).toContain("openbsd:index:GatewayConfig");
    expect(state).not.toContain("BEGIN OPENSSH PRIVATE KEY");
    // the key's own lines (its first is the header every unencrypted OpenSSH key shares)
    for (const line of bastionKey.trim().split("\n").slice(2, -1)) expect(state).not.toContain(line);
  });

  it("a hand edit is found by refresh and repaired by up, through the bastion", async () => {
    await gw("sysctl net.inet.ip.forwarding=0");
    const r = await stack.refresh();
    expect(r.summary.resourceChanges).toEqual({ same: 2, update: 1 });
    await stack.up();
    expect(await gw("sysctl -n net.inet.ip.forwarding")).toBe("1\n");
    expect((await stack.preview()).changeSummary).toEqual({ same: 3 });
  });

  it("destroy puts gw1 back, through the bastion", async () => {
    const d = await stack.destroy();
    expect(d.summary.result).toBe("succeeded");
    expect(await gw("ls /var/db/pulumi-openbsd")).toBe("");
    expect(await gw("cat /etc/pf.conf")).toBe(pfBefore);
  });
});
