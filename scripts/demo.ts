/**
 * The demo (README's first command, `npm run demo`): brings up the site-to-site lab, runs
 * `pulumi up` of examples/01-site-to-site through the real engine, shows a clean preview, changes
 * the gateway by hand, shows refresh reporting the drift, repairs it with up, and tears down.
 * It drives the repo's top-level project (Pulumi.yaml: main examples/01-site-to-site/) with
 * LocalWorkspace `workDir`: the CLI and the language host run the example as `pulumi up` there does.
 */
import { labDown, labExec, labUp, type Lab } from "../test/lab/api";
import { removeStack } from "../test/support/stack";
import { projectStack } from "../test/support/project";
import { ROOT } from "../test/support/env";
import type { Stack } from "@pulumi/pulumi/automation";

const PSK = "demo-only-psk-" + Math.random().toString(36).slice(2); // demo stack only; a real stack uses `pulumi config set --secret psk`
let lap = Date.now();
/** Seconds since the previous step or check mark (each line says what its work cost). */
const took = () => {
  const now = Date.now();
  const s = ((now - lap) / 1000).toFixed(1);
  lap = now;
  return s;
};
const step = (n: number, s: string) => {
  lap = Date.now();
  console.log(`\n\x1b[1m${n}. ${s}\x1b[0m`);
};
const ok = (s: string) => console.log(`   ✔ ${s} (${took()} s)`);

/** The changed items of a preview, one line each, under the name of the resource they belong to. */
function changedItems(stdout: string): string[] {
  const lines = stdout.split("\n");
  const out: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i]!;
    const urn = /\[urn=.*::([^:\]]+)\]/.exec(l);
    if (urn && out.length && /openbsd:index:GatewayConfig: \(update\)$/.test(out[out.length - 1]!)) {
      out[out.length - 1] = out[out.length - 1]!.replace("openbsd:index:GatewayConfig: (update)", `${urn[1]} (GatewayConfig): update`);
      continue;
    }
    if (/^\s+[~+-] \S/.test(l) && !/\[(id|urn)=/.test(l)) out.push(l.trimEnd());
  }
  return out;
}

let lab: Lab | undefined;
let stack: Stack | undefined;
const t0 = Date.now();
// the stack is made while the lab comes up (its config, the lab's addresses and keys, is set after)
const made = projectStack(ROOT, "demo");
made.catch(() => undefined);
try {
  step(1, "Bring up the lab: gw1 and gw2 in network namespaces, each with a real sshd and the OpenBSD emulator");
  lab = await labUp("site-to-site", { prefix: "demo" });
  for (const g of Object.values(lab.gateways)) ok(`${g.name}: ssh root@${g.host} (host key ${g.hostKey.slice(0, 28)}…)`);

  const cfg: Record<string, { value: string; secret?: boolean }> = { sshKey: { value: lab.gateways.gw1.privateKey, secret: true }, psk: { value: PSK, secret: true } };
  for (const g of ["gw1", "gw2"]) {
    cfg[`${g}Host`] = { value: lab.gateways[g].host };
    cfg[`${g}Port`] = { value: String(lab.gateways[g].port) };
    cfg[`${g}HostKey`] = { value: lab.gateways[g].hostKey };
  }
  stack = await made;
  await stack.setAllConfig(cfg);

  step(2, "pulumi up examples/01-site-to-site");
  const up = await stack.up({ onOutput: undefined });
  ok(`${up.summary.result}: ${JSON.stringify(up.summary.resourceChanges)}`);
  const flows = await labExec(lab, "gw1", "ipsecctl -sf");
  console.log(flows.stdout.split("\n").filter(Boolean).map((l) => "   gw1$ " + l).join("\n"));

  step(3, "pulumi preview: nothing to do");
  const pv = await stack.preview();
  ok(JSON.stringify(pv.changeSummary));

  step(4, "Someone edits gw1 by hand");
  const edits = ["sysctl net.inet.ip.forwarding=0", "pfctl -a vpn -F rules", "rcctl stop isakmpd"];
  for (const e of edits) {
    await labExec(lab, "gw1", e);
    console.log(`   gw1# ${e}`);
  }

  step(5, "pulumi refresh finds the drift");
  const rf = await stack.refresh();
  ok(`refresh: ${JSON.stringify(rf.summary.resourceChanges)}`);
  const dv = await stack.preview({ diff: true });
  for (const l of changedItems(dv.stdout)) console.log("   " + l);

  step(6, "pulumi up repairs it");
  const fix = await stack.up();
  ok(`${fix.summary.result}: ${JSON.stringify(fix.summary.resourceChanges)}`);
  const after = await stack.preview();
  ok(`preview after repair: ${JSON.stringify(after.changeSummary)}`);
  const fwd = await labExec(lab, "gw1", "sysctl net.inet.ip.forwarding; rcctl check isakmpd");
  console.log(fwd.stdout.split("\n").filter(Boolean).map((l) => "   gw1$ " + l).join("\n"));

  step(7, "Tear down");
  await stack.destroy();
  ok("stack destroyed");
} finally {
  stack ??= await made.catch(() => undefined);
  await Promise.all([stack ? removeStack(stack) : undefined, labDown(lab ?? "demo")]);
  ok(`lab down (${((Date.now() - t0) / 1000).toFixed(1)} s in all)`);
}
