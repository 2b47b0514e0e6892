/**
 * Delete (destroy) puts back everything the resource changed: files (baseline copies), rc.conf.local
 * entries through rcctl (flags, enable/disable), sysctls and running services, then reloads.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { labDown, labExec, labUp, type Lab } from "../lab/api";
import { commit, uninstall } from "../../providers/gateway/commit";
import { instanceOf, ownerOf, type Owner } from "../../providers/gateway/owner";
import { gwState, stderrOf, targetOf } from "./fixtures";

let lab: Lab;
const gw = async (cmd: string) => {
  const r = await labExec(lab, "gw1", cmd);
  return r.stdout + r.stderr;
};
const FILES = ["/etc/rc.conf.local", "/etc/sysctl.conf", "/etc/pf.conf", "/etc/ipsec.conf", "/etc/hostname.em0", "/etc/pf.anchors/vpn"];
const SNAPSHOT = [
  ...FILES.map((p) => `echo "== ${p}"; cat ${p} 2>/dev/null || echo ABSENT`),
  "sysctl net.inet.ip.forwarding net.inet6.ip6.forwarding net.inet.esp.enable",
  "echo '== on'; rcctl ls on",
  "echo '== started'; rcctl ls started",
  "rcctl get ntpd flags; rcctl get isakmpd flags",
  "echo '== flows'; ipsecctl -sf",
].join("; ");

function state() {
  const s = gwState("gw1");
  s.services.ntpd = { order: 0, enabled: true, flags: "-s", running: true };
  s.sysctls["net.inet6.ip6.forwarding"] = "1";
  return s;
}

const URN = (name: string) => `urn:pulumi:dev::vpn::openbsd:index:Gateway$openbsd:index:GatewayConfig::${name}`;
const gw1 = () => targetOf(lab.gateways.gw1!);

/**
 * Commits {@link state} to gw1 as `owner`. gw2 has no tunnel: the declared flows never come up, and the confirm waits
 * PULUMI_OPENBSD_FLOW_WAIT (3 s, not 20; the 60 s timer outlasts it on a loaded machine).
 */
async function commitAs(owner?: Owner): Promise<void> {
  process.env.PULUMI_OPENBSD_FLOW_WAIT = "3";
  try {
    await commit(gw1(), { news: state(), rollbackSeconds: 60, ...(owner ? { owner } : {}) });
  } finally {
    delete process.env.PULUMI_OPENBSD_FLOW_WAIT;
  }
}

beforeAll(async () => {
  lab = await labUp("site-to-site", { prefix: "h6del", quiet: true });
});
afterAll(async () => {
  if (lab) await labDown(lab);
});

describe("delete", () => {
  it("restores files, rc.conf.local (ntpd_flags, isakmpd_flags, ipsec), sysctls and running services", async () => {
    const before = await gw(SNAPSHOT);
    await commitAs();
    const during = await gw(SNAPSHOT);
    expect(during).toContain("ntpd_flags=-s");
    expect(during).toContain("isakmpd_flags=-K");
    expect(during).toContain("net.inet6.ip6.forwarding=1");
    await uninstall(gw1(), state());
    expect(await gw(SNAPSHOT)).toBe(before);
    expect(await gw("ls /var/db/pulumi-openbsd")).toBe("");
  });

  it("a Gateway renamed in the program: the new resource takes the gateway over at its create, the old one's delete leaves it as it is, the new one's delete restores it", async () => {
    const before = await gw(SNAPSHOT);
    const [a, alpha] = [ownerOf(URN("a"))!, ownerOf(URN("alpha"))!];
    await commitAs(a);
    const during = await gw(SNAPSHOT);
    // Pulumi creates the renamed resource first (a create: no olds) and deletes the old one at the end of the update
    await commitAs(alpha);
    await uninstall(gw1(), state(), a);
    expect(await gw(SNAPSHOT)).toBe(during);
    expect(await gw("cat /var/db/pulumi-openbsd/owner")).toBe(`vpn/dev\n${URN("alpha")}\n${lab.gateways.gw1!.host}:22\n`);
    await uninstall(gw1(), state(), alpha);
    expect(await gw(SNAPSHOT)).toBe(before);
    expect(await gw("ls /var/db/pulumi-openbsd")).toBe("");
  });

  it("a replacement with the same URN and connection (`pulumi up --replace`): the old incarnation's delete leaves the gateway to the new one", async () => {
    const before = await gw(SNAPSHOT);
    // each incarnation draws its own fingerprint key at its create
    const [old, replacement] = [ownerOf(URN("gw1"), false, instanceOf("a".repeat(64)))!, ownerOf(URN("gw1"), false, instanceOf("b".repeat(64)))!];
    await commitAs(old);
    const during = await gw(SNAPSHOT);
    await commitAs(replacement);
    expect(await gw("cat /var/db/pulumi-openbsd/owner")).toBe(`vpn/dev\n${URN("gw1")}\n${lab.gateways.gw1!.host}:22\n${replacement.instance}\n`);
    const said = await stderrOf(() => uninstall(gw1(), state(), old));
    expect(await gw(SNAPSHOT)).toBe(during);
    expect(said).toContain(
      `${lab.gateways.gw1!.host}:22: nothing restored: this resource's replacement (\`pulumi up --replace\`, or replaceOnChanges) manages the gateway now (a replacement is created before the resource it replaces is deleted); its configuration stays`,
    );
    await uninstall(gw1(), state(), replacement);
    expect(await gw(SNAPSHOT)).toBe(before);
    expect(await gw("ls /var/db/pulumi-openbsd")).toBe("");
  });

  it("a Gateway renamed with an alias, destroyed before any commit under its new name: the same instance, so restored", async () => {
    const before = await gw(SNAPSHOT);
    const key = "d".repeat(64);
    await commitAs(ownerOf(URN("gw1"), false, instanceOf(key))!);
    // `aliases: [{ name: "gw1" }]` on a Gateway now called edge1: the same resource (its state, so its key), a new URN
    await uninstall(gw1(), state(), ownerOf(URN("edge1"), false, instanceOf(key))!);
    expect(await gw(SNAPSHOT)).toBe(before);
  });

  it("an owner record an older version wrote (no instance): the resource's delete restores the gateway", async () => {
    const before = await gw(SNAPSHOT);
    const o = ownerOf(URN("gw1"), false, instanceOf("c".repeat(64)))!;
    const { instance: _none, ...legacy } = o;
    await commitAs(legacy);
    await uninstall(gw1(), state(), o);
    expect(await gw(SNAPSHOT)).toBe(before);
  });

  it("a replacement that reaches the same machine under another name (a DNS name swapped for its address): the old resource's delete leaves it as it is", async () => {
    const before = await gw(SNAPSHOT);
    const a = ownerOf(URN("gw1"))!;
    // the old resource named the gateway gw1.example.org (recorded as such); its replacement uses the address
    const byName = { ...a, target: "gw1.example.org:22" };
    await commitAs(byName);
    const during = await gw(SNAPSHOT);
    await commitAs(a);
    expect(await gw("cat /var/db/pulumi-openbsd/owner")).toBe(`vpn/dev\n${a.urn}\n${lab.gateways.gw1!.host}:22\n`);
    await uninstall(gw1(), state(), byName);
    expect(await gw(SNAPSHOT)).toBe(during);
    await uninstall(gw1(), state(), a);
    expect(await gw(SNAPSHOT)).toBe(before);
  });
});
