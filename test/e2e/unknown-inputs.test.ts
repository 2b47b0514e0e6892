/**
 * Arguments not known at preview, through the real engine (Automation API, inline program, the plugin from
 * providers/bin): a PSK, a tunnel's network or a gateway's SSH host that comes from another resource (here an
 * `apply` on a new LocalFile's id, unknown until it is created, as a random-password resource's result is).
 *
 * `pulumi preview` succeeds and shows each GatewayConfig to be created, with no error and nothing of a crash (no
 * stack frame, no gRPC status); a check that does not read the unknown still refuses at preview; a bad value that
 * was unknown at preview is refused at `pulumi up`, with the same clean message, before any SSH.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as path from "node:path";
import { mkdirSync, rmSync } from "node:fs";
import * as pulumi from "@pulumi/pulumi";
import * as openbsd from "pulumi-openbsd";
import type { EngineEvent, Stack } from "@pulumi/pulumi/automation";
import { labStack, removeStack } from "../support/stack";
import { failedPreview } from "../support/preview-refusal";
import { ROOT } from "../support/env";
import { HOST_KEY, PSK } from "../support/bad-inputs";
import { TEST_PRIVATE_KEY } from "../support/ssh-key";
import { clearCounters, readCounters } from "../provider/counters-files";

const COUNTERS = path.join(ROOT, ".state", "unknown-inputs-e2e-counters");
const FILES = path.join(ROOT, ".state", "unknown-inputs-e2e-files");
const TUNNEL = 'SiteToSiteTunnel "net1-net2"';

/** A value known only once `pulumi up` has created a resource (unknown at preview). */
function later<T>(name: string, value: T): pulumi.Output<T> {
  return new openbsd.LocalFile(name, { path: path.join(FILES, `${name}-${process.pid}`), content: "x" }).id.apply(() => value);
}

/** The guide's two gateways (seeds/000), `gw1`'s SSH host given by `host1`; never contacted. */
function gateways(host1: pulumi.Input<string> = "169.254.0.1"): [openbsd.Gateway, openbsd.Gateway] {
  const conn = (host: pulumi.Input<string>) => ({ host, privateKey: pulumi.secret(TEST_PRIVATE_KEY), hostKey: HOST_KEY });
  return [
    new openbsd.Gateway("gw1", { connection: conn(host1), external: { interface: "em1", address: "192.0.2.153" }, internal: { interface: "em0", network: "172.16.0.0/24" } }),
    new openbsd.Gateway("gw2", { connection: conn("169.254.0.3"), external: { interface: "em1", address: "192.0.123.85" }, internal: { interface: "em0", network: "192.168.15.0/24" } }),
  ];
}

/** What an operation showed: everything printed, its error diagnostics, and the steps it planned (`create openbsd:index:GatewayConfig gw1`). */
interface Run {
  output: string;
  errors: string[];
  steps: string[];
}

/** Options that collect a {@link Run}. */
function collecting(r: Run) {
  return {
    diff: true,
    color: "never" as const,
    onOutput: (o: string) => void (r.output += o),
    onError: (e: string) => void (r.output += e),
    onEvent: (ev: EngineEvent) => {
      if (ev.diagnosticEvent?.severity === "error") r.errors.push(ev.diagnosticEvent.message);
      const m = ev.resourcePreEvent?.metadata;
      if (m) r.steps.push(`${m.op} ${m.type} ${m.urn.split("::").pop()}`);
    },
  };
}

/** `pulumi preview` of `program` on a fresh stack, which must succeed. */
async function preview(stackName: string, program: () => Promise<void>): Promise<Run> {
  const r: Run = { output: "", errors: [], steps: [] };
  const stack: Stack = await labStack("unknown-inputs", stackName, program);
  try {
    await stack.preview(collecting(r) as Parameters<Stack["preview"]>[0]);
  } finally {
    await removeStack(stack);
  }
  return r;
}

/** Nothing of a crash in what the engine printed. */
function clean(output: string): void {
  for (const bad of ["UNAVAILABLE", "Unhandled exception", "unhandled exception", "Running program", "has a problem", "TypeError", "error:"]) expect(output).not.toContain(bad);
  expect(output).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m); // no stack frame
}

beforeAll(() => {
  process.env.PULUMI_OPENBSD_COUNTERS_DIR = COUNTERS;
  clearCounters(COUNTERS);
  mkdirSync(FILES, { recursive: true });
});

afterAll(() => {
  delete process.env.PULUMI_OPENBSD_COUNTERS_DIR;
  rmSync(FILES, { recursive: true, force: true });
});

describe("arguments unknown at preview", () => {
  const cases: [string, () => void][] = [
    ["a PSK from another resource", () => {
      const [gw1, gw2] = gateways();
      new openbsd.SiteToSiteTunnel("net1-net2", { left: gw1, right: gw2, psk: later("psk", PSK) });
    }],
    ["a tunnel's network from another resource", () => {
      const [gw1, gw2] = gateways();
      new openbsd.SiteToSiteTunnel("net1-net2", { left: { gateway: gw1, networks: [later("net", "10.0.0.0/24")] }, right: gw2, psk: PSK });
    }],
    ["a gateway's SSH host from another resource", () => {
      const [gw1, gw2] = gateways(later("host", "169.254.0.1"));
      new openbsd.SiteToSiteTunnel("net1-net2", { left: gw1, right: gw2, psk: PSK });
    }],
  ];
  it("a LocalFile's path from another resource: preview shows it to create, cleanly", async () => {
    const r = await preview(`unk${process.pid}lf`, async () => {
      new openbsd.LocalFile("copy", { path: later("path", path.join(FILES, `copy-${process.pid}`)), content: "x" });
    });
    expect(r.errors).toEqual([]);
    expect(r.steps).toEqual(expect.arrayContaining(["create openbsd:index:LocalFile copy"]));
    clean(r.output);
  });

  cases.forEach(([name, build], i) => {
    it(`${name}: preview shows both GatewayConfigs to create, cleanly`, async () => {
      const r = await preview(`unk${process.pid}x${i}`, async () => build());
      expect(r.errors).toEqual([]);
      expect(r.steps).toEqual(expect.arrayContaining(["create openbsd:index:GatewayConfig gw1", "create openbsd:index:GatewayConfig gw2"]));
      clean(r.output);
      expect(readCounters(COUNTERS)).toEqual({});
    });
  });

  const refusals: [string, string, () => void][] = [
    ["a tunnel end's peer, beside an unknown network of that end", `${TUNNEL}: left.peer = not-an-address: `, () => {
      const [gw1, gw2] = gateways();
      new openbsd.SiteToSiteTunnel("net1-net2", { left: { gateway: gw1, networks: [later("net", "10.0.0.0/24")], peer: "not-an-address" }, right: gw2, psk: PSK });
    }],
    ["a gateway's internal network, beside its unknown external address", 'Gateway "gw3": internal.network = 10.0.0.0/33: ', () => {
      const [gw1, gw2] = gateways();
      new openbsd.Gateway("gw3", { connection: { host: "169.254.0.5", privateKey: pulumi.secret(TEST_PRIVATE_KEY), hostKey: HOST_KEY }, external: { interface: "em1", address: later("addr", "192.0.2.7") }, internal: { interface: "em0", network: "10.0.0.0/33" } });
      new openbsd.SiteToSiteTunnel("net1-net2", { left: gw1, right: gw2, psk: PSK });
    }],
    ["a CarpPair segment's address, beside its unknown sharedkey", 'CarpPair "pair": segments[0].address = 172.16.0.1/33: ', () => {
      const member = (n: string, host: string, em0: string, em1: string) =>
        new openbsd.Gateway(n, { connection: { host, privateKey: pulumi.secret(TEST_PRIVATE_KEY), hostKey: HOST_KEY }, external: { interface: "em1", address: em1 }, internal: { interface: "em0", address: `${em0}/24` } });
      new openbsd.CarpPair("pair", {
        members: [{ gateway: member("gwa", "169.254.1.2", "172.16.0.2", "192.0.2.154"), advskew: 0, syncAddress: "172.16.0.2" }, { gateway: member("gwb", "169.254.1.3", "172.16.0.3", "192.0.2.155"), advskew: 100, syncAddress: "172.16.0.3" }],
        segments: [{ interface: "carp1", carpdev: "em0", address: "172.16.0.1/33", vhid: 1 }, { interface: "carp2", carpdev: "em1", address: "192.0.2.153/24", vhid: 2 }],
        sharedkey: later("key", "0x" + "ab".repeat(32)),
      });
    }],
    ["a WireGuard end's endpoint, beside its unknown inner address", 'WireGuardTunnel "wg1": left.endpoint = not-an-address: ', () => {
      const [gw1, gw2] = gateways();
      new openbsd.WireGuardTunnel("wg1", { left: { gateway: gw1, inner: later("inner", "10.9.0.1/24"), endpoint: "not-an-address" }, right: { gateway: gw2, inner: "10.9.0.2/24" } });
    }],
  ];
  refusals.forEach(([name, msg, build], i) => {
    it(`a check that does not read the unknown still refuses at preview: ${name}`, async () => {
      const r = await failedPreview("unknown-inputs", `unk${process.pid}r${i}`, async () => build(), true);
      expect(r.errors[0]).toContain(msg);
      expect(r.errors.filter((e) => e.includes(msg))).toHaveLength(1);
      expect(r.output).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
      expect(r.output).not.toContain("UNAVAILABLE");
      expect(readCounters(COUNTERS)).toEqual({});
    });
  });

  it("a bad PSK unknown at preview is refused at up, with the same clean message, before any SSH", async () => {
    const msg = `${TUNNEL}: psk = (secret): 3 bytes is too short to resist an offline guess; give at least 8 bytes, e.g. \`openssl rand -hex 20\``;
    const r: Run = { output: "", errors: [], steps: [] };
    const stack = await labStack("unknown-inputs", `unk${process.pid}up`, async () => {
      const [gw1, gw2] = gateways();
      new openbsd.SiteToSiteTunnel("net1-net2", { left: gw1, right: gw2, psk: later("psk", "abc") });
    });
    try {
      await expect(stack.up(collecting(r) as Parameters<Stack["up"]>[0])).rejects.toThrow();
      await stack.destroy({ color: "never" });
    } finally {
      await removeStack(stack);
    }
    expect(r.errors[0]?.trim()).toBe(msg);
    expect(r.output.split(msg).length - 1).toBe(1);
    expect(r.output).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
    expect(r.output).not.toContain("UNAVAILABLE");
    expect(r.steps).not.toContain("create openbsd:index:GatewayConfig gw1");
    expect(readCounters(COUNTERS)).toEqual({});
  });
});
