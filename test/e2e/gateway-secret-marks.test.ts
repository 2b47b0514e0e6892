/**
 * GatewayConfig used directly, through the real engine on the lab's site-to-site pair, with the secrets marked the
 * three ways a user can: gw1's whole `state` a secret; gw2 with one file's `content` a secret and a carp password
 * only listed in `state.secrets`. Neither `pulumi preview --diff`, `pulumi stack export` nor the backend's files
 * (checkpoint, history, backups) may show a key in plaintext: after up (Create), after a refresh (Read) that reads
 * back a hand edit adding a `wgkey` to a managed, non-secret hostname.if file, and after the up that repairs it (Update).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as pulumi from "@pulumi/pulumi";
import type { Stack } from "@pulumi/pulumi/automation";
import { GatewayConfig } from "../../sdk/resources/gateway-config";
import { labDown, labExec, labUp, type Lab } from "../lab/api";
import { labStack, destroyAndRemove } from "../support/stack";
import { plaintextLeaks } from "../support/secrets";

const PROJECT = "gateway-secret-marks";
/** Obvious test values, one per way of marking a secret. */
const SECRETS = {
  "whole state (gw1 wgkey)": "V0dXSE9MRVNUQVRFdGVzdGtleV9fX19fX19fX19fX18=",
  "whole state (gw1 carp pass)": "WholeStateCarpPass1",
  "content (gw2 wgkey)": "V0dDT05URU5UdGVzdGtleV9fX19fX19fX19fX19fX18=",
  "secrets list (gw2 carp pass)": "ListedCarpPass2",
  "hand edit (gw2 wg1 wgkey)": "SEFOREVESVRrZXlfX19fX19fX19fX19fX19fX19fX18=",
};
const S = Object.values(SECRETS);
let lab: Lab;
let stack: Stack;
const transcript: string[] = [];

const file = (content: pulumi.Input<string>) => ({ content, mode: "0600", owner: "root", group: "wheel", check: "none" as const });
const wg = (key: string, net: number) => `wgkey ${key} wgport 51820\ninet 10.9.${net}.1 255.255.255.0\nup\n`;
const carp = (pass: string, net: number) => `inet 172.16.${net}.250 255.255.255.0 172.16.${net}.255 vhid 1 carpdev em0 pass ${pass}\nup\n`;
const base = { sysctls: {}, services: {}, anchors: {}, ipsec: { daemon: "none" as const } };

const program = async () => {
  const conn = (side: string) => {
    const g = lab.gateways[side]!;
    return { host: g.host, port: g.port, user: g.user, privateKey: pulumi.secret(g.privateKey), hostKey: g.hostKey };
  };
  new GatewayConfig("gw1", {
    connection: conn("gw1"),
    state: pulumi.secret({ ...base, interfaces: ["wg0", "carp1"], files: { "/etc/hostname.wg0": file(wg(S[0]!, 1)), "/etc/hostname.carp1": file(carp(S[1]!, 0)) } }),
    rollbackSeconds: 20,
  });
  new GatewayConfig("gw2", {
    connection: conn("gw2"),
    state: {
      ...base,
      interfaces: ["wg0", "carp1", "wg1"],
      files: { "/etc/hostname.wg0": file(pulumi.secret(wg(S[2]!, 2))), "/etc/hostname.carp1": file(carp(S[3]!, 1)), "/etc/hostname.wg1": file("inet 10.8.0.1 255.255.255.0\nup\n") },
      secrets: [S[3]!],
    },
    rollbackSeconds: 20,
  });
};


const noPlaintext = (where: string) => plaintextLeaks(where, stack, PROJECT, transcript, SECRETS);

beforeAll(async () => {
  lab = await labUp("site-to-site", { prefix: "fsm", quiet: true });
  stack = await labStack(PROJECT, `gsm${process.pid}`, program);
});

afterAll(async () => {
  await destroyAndRemove(stack);
  if (lab) await labDown(lab);
});

describe("GatewayConfig used directly keeps the user's secrets secret", () => {
  it("preview --diff, up, stack export and the backend show no key", async () => {
    const p = await stack.preview({ diff: true });
    transcript.push(p.stdout, p.stderr);
    const u = await stack.up();
    transcript.push(u.stdout, u.stderr);
    expect(u.summary.result).toBe("succeeded");
    expect((await labExec(lab, "gw2", "cat /etc/hostname.carp1")).stdout).toContain(S[3]);
    expect(await noPlaintext("after up")).toEqual([]);
  });

  it("a refresh reading back a hand-edited hostname.if with a new wgkey stores it as a secret", async () => {
    const e = await labExec(lab, "gw2", `echo 'wgkey ${S[4]}' >> /etc/hostname.wg1`);
    expect(e.code, e.stderr).toBe(0);
    const r = await stack.refresh();
    transcript.push(r.stdout, r.stderr);
    expect(r.summary.resourceChanges?.update).toBeGreaterThanOrEqual(1);
    expect(await noPlaintext("after refresh")).toEqual([]);
  });

  it("the up that repairs the hand edit (an update) keeps them secret too", async () => {
    const u = await stack.up();
    transcript.push(u.stdout, u.stderr);
    expect(u.summary.resourceChanges?.update).toBeGreaterThanOrEqual(1);
    expect((await labExec(lab, "gw2", "cat /etc/hostname.wg1")).stdout).not.toContain("wgkey");
    expect(await noPlaintext("after the repairing up")).toEqual([]);
  });
});
