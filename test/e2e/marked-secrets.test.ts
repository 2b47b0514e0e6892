/**
 * Values a user marks secret in ordinary fields stay secrets through the real engine (planner/marked-forms.ts): the
 * lab's site-to-site pair declared with the public components, gw1's internal network and a sysctl value given as
 * secrets (what `config.requireSecret` gives). After `up`, and after a `refresh` that reads the kernel's flows back
 * (they name the network), neither `pulumi stack export`, the engine's output nor the backend's files hold them in
 * plaintext; the gateway has them.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as pulumi from "@pulumi/pulumi";
import type { Stack } from "@pulumi/pulumi/automation";
import { Gateway, SiteToSiteTunnel } from "pulumi-openbsd";
import { labDown, labExec, labUp, type Lab } from "../lab/api";
import { labStack, destroyAndRemove } from "../support/stack";
import { plaintextLeaks } from "../support/secrets";

const PROJECT = "marked-secrets";
/** The values marked secret: gw1's internal network (in ipsec.conf, the pf anchor and the kernel's flows) and a sysctl value. */
const NET = "172.31.77.0/24";
const TTL = "77";
const SECRETS = { "internal network": NET, "sysctl line": `net.inet.ip.ttl=${TTL}` };
let lab: Lab;
let stack: Stack;
const transcript: string[] = [];

const program = async () => {
  const conn = (side: string) => {
    const g = lab.gateways[side]!;
    return { host: g.host, port: g.port, user: g.user, privateKey: pulumi.secret(g.privateKey), hostKey: g.hostKey };
  };
  const gw1 = new Gateway("gw1", {
    connection: conn("gw1"),
    external: { interface: "em1", address: "192.0.2.153" },
    internal: { interface: "em0", network: pulumi.secret(NET) },
    sysctls: { "net.inet.ip.ttl": pulumi.secret(TTL) },
    rollbackSeconds: 20,
  });
  const gw2 = new Gateway("gw2", { connection: conn("gw2"), external: { interface: "em1", address: "192.0.123.85" }, internal: { interface: "em0", network: "192.168.15.0/24" }, rollbackSeconds: 20 });
  new SiteToSiteTunnel("net1-net2", { left: gw1, right: gw2, psk: pulumi.secret("marked-secrets-psk-0123456789") });
};

const noPlaintext = (where: string) => plaintextLeaks(where, stack, PROJECT, transcript, SECRETS);

beforeAll(async () => {
  lab = await labUp("site-to-site", { prefix: "fms", quiet: true });
  stack = await labStack(PROJECT, `ms${process.pid}`, program);
});

afterAll(async () => {
  await destroyAndRemove(stack);
  if (lab) await labDown(lab);
});

describe("values marked secret in ordinary fields of the components", () => {
  it("up installs them, and neither stack export, the engine's output nor the backend holds them in plaintext", async () => {
    const u = await stack.up();
    transcript.push(u.stdout, u.stderr);
    expect(u.summary.result).toBe("succeeded");
    expect((await labExec(lab, "gw1", "cat /etc/sysctl.conf")).stdout).toContain(`net.inet.ip.ttl=${TTL}`);
    expect((await labExec(lab, "gw1", "ipsecctl -sf")).stdout).toContain(NET);
    expect(await noPlaintext("after up")).toEqual([]);
  });

  it("a refresh, which reads back the kernel's flows naming the network, keeps them secret", async () => {
    const r = await stack.refresh();
    transcript.push(r.stdout, r.stderr);
    expect(r.summary.result).toBe("succeeded");
    expect(await noPlaintext("after refresh")).toEqual([]);
  });
});
