/**
 * An update whose connection reaches another `HOST:PORT` (ARCHITECTURE.md D12): when the gateway there is this
 * resource's own (sshd moved to another port, the gateway renumbered: its owner record names this resource's
 * instance), the update goes on from the recorded state, so what the program no longer declares is taken off as in
 * any update; another machine gets what a create commits. Provider calls against gw1, whose sshd also listens on
 * port 2222.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { labDown, labExec, labUp, type Lab } from "../lab/api";
import { labSshdArgs } from "../lab/lab-sshd";
import { gatewayConfig } from "../../providers/resources/gateway-config";
import { unwrap } from "../../providers/secrets";
import type { HostState } from "../../sdk/state";
import { gwState, stderrOf, targetOf } from "./fixtures";

let lab: Lab;
const URN = "urn:pulumi:dev::vpn::openbsd:index:Gateway$openbsd:index:GatewayConfig::gw1";
const gw = async (cmd: string) => (await labExec(lab, "gw1", cmd)).stdout;

/** gw1's state, and with `ip6` the IPv6 forwarding sysctl declared too (the item the program later drops). */
function state(ip6: boolean): HostState {
  const s = gwState("gw1");
  if (ip6) {
    s.sysctls["net.inet6.ip6.forwarding"] = "1";
    s.files["/etc/sysctl.conf"]!.content += "net.inet6.ip6.forwarding=1\n";
  }
  return s;
}
const at = (port: number, s: HostState) => ({ connection: { ...targetOf(lab.gateways.gw1!), port }, state: s, rollbackSeconds: 60 });

beforeAll(async () => {
  lab = await labUp("site-to-site", { prefix: "mvc", quiet: true });
  const sshd = await labExec(lab, "gw1", ["/usr/sbin/sshd", "-f", "/etc/ssh/sshd_config", "-o", "Port=2222", "-o", "PidFile=/run/sshd-2222.pid", ...labSshdArgs()].join(" "));
  expect(sshd.code, sshd.stderr).toBe(0);
  process.env.PULUMI_OPENBSD_FLOW_WAIT = "3";
});
afterAll(async () => {
  delete process.env.PULUMI_OPENBSD_FLOW_WAIT;
  if (lab) await labDown(lab);
});

describe("an update to another HOST:PORT", () => {
  it("reaching this resource's own gateway (sshd moved to port 2222): an item the program dropped in the same update goes back, as in any update", async () => {
    const before = await gw("sysctl -n net.inet6.ip6.forwarding");
    const created = await gatewayConfig.create(URN, at(22, state(true)));
    expect(await gw("sysctl -n net.inet6.ip6.forwarding")).toBe("1\n");
    const olds = unwrap(created.outs) as Record<string, unknown>;
    let said = "";
    said = await stderrOf(() => gatewayConfig.update!(created.id, URN, olds, at(2222, state(false))));
    expect(said).toContain(`${lab.gateways.gw1!.host}:2222: the connection now reaches ${lab.gateways.gw1!.host}:2222 (was ${lab.gateways.gw1!.host}:22), and the gateway there is this resource's own (its owner record names it): updated from its recorded configuration`);
    expect(await gw("sysctl -n net.inet6.ip6.forwarding")).toBe(before);
    expect(await gw("grep -c ip6.forwarding /etc/sysctl.conf")).toBe("0\n");
    await gatewayConfig.delete!(created.id, URN, { ...olds, ...at(2222, state(false)) });
  });

  it("reaching a gateway whose owner record names another incarnation: committed as a create (nothing taken off that it did not commit)", async () => {
    const created = await gatewayConfig.create(URN, at(22, state(true)));
    const olds = { ...(unwrap(created.outs) as Record<string, unknown>), fingerprintKey: "e".repeat(64) };
    const said = await stderrOf(() => gatewayConfig.update!(created.id, URN, olds, at(2222, state(false))));
    expect(said).toContain("committed as a create is, from what the gateway has");
    expect(await gw("sysctl -n net.inet6.ip6.forwarding")).toBe("1\n");
    await gatewayConfig.delete!(created.id, URN, { ...olds, ...at(2222, state(false)) });
  });
});
