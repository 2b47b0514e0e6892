/**
 * The demo (README's first command, `npm run demo`): brings up the site-to-site lab, runs
 * `pulumi up` of examples/01-site-to-site through the real engine, shows a clean preview, changes
 * the gateway by hand, shows refresh reporting the drift item by item, repairs it with up, and tears down.
 * It runs the real `pulumi` CLI in the repo's top-level project (Pulumi.yaml: main examples/01-site-to-site/),
 * exactly the commands a user types there; the CLI and the language host run the example.
 *
 * Every step is checked, not only shown: a step whose command fails, or whose outcome is not the story's
 * (a preview with changes, a refresh without drift, an up that leaves the gateway unrepaired), stops the demo
 * with the command's output and a non-zero exit status.
 */
import { labDown, labExec, labUp, type Lab } from "../test/lab/api";
import { projectEnv, pulumiCli } from "../test/support/cli";
import { ROOT } from "../test/support/env";

const PSK = "demo-only-psk-" + Math.random().toString(36).slice(2); // demo stack only; a real stack uses `pulumi config set --secret psk`
const STACK = "demo";
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
const indent = (text: string, prefix: string) => text.split("\n").filter(Boolean).map((l) => prefix + l).join("\n");

// the offline engine environment of the tests (no plugin downloads, no update checks, a file backend), the example
// transpiled only (it is type-checked by `npm run typecheck`)
const env = projectEnv();
/** `pulumi ARGS --stack demo` in the project; fails the demo with the CLI's output unless it exits 0. */
async function pulumi(args: string[]): Promise<string> {
  const r = await pulumiCli(ROOT, [...args, "--stack", STACK], { env });
  if (r.code !== 0) throw new Error(`pulumi ${args.join(" ")} exited ${r.code}\n${r.stdout}${r.stderr}`);
  return r.stdout;
}
/** The CLI's `Resources:` summary, on one line ("~ 2 updated, 4 unchanged"). */
function resources(stdout: string): string {
  const m = /^Resources:\n((?:[ \t]+.+\n?)+)/m.exec(stdout);
  return m ? m[1]!.split("\n").map((l) => l.trim()).filter(Boolean).join(", ") : "(no summary)";
}
function expectThat(cond: boolean, what: string, output: string): void {
  if (!cond) throw new Error(`demo: ${what}\n${output}`);
}

let lab: Lab | undefined;
let made = false;
const t0 = Date.now();
// the stack is made while the lab comes up (its config, the lab's addresses and keys, is set after); a demo stopped
// half-way left its stack behind (its gateways went with its lab): then it is removed and made anew
const init = () => pulumi(["stack", "init", "--secrets-provider", "passphrase"]);
const stackMade = init()
  .catch(() => pulumiCli(ROOT, ["stack", "rm", "--yes", "--force", STACK], { env }).then(init))
  .then(() => (made = true));
stackMade.catch(() => undefined);
let failed = false;
try {
  step(1, "Bring up the lab: gw1 and gw2 in network namespaces, each with a real sshd and the OpenBSD emulator");
  // the stack's config (one `config set-all`: its secrets cost the passphrase's key derivation, ~0.2 s of CPU) is set
  // while the gateways boot: the lab hands over their SSH addresses and host keys as soon as they exist
  let privateKey = "";
  let configSet: Promise<unknown> = Promise.resolve();
  lab = await labUp("site-to-site", {
    prefix: "demo",
    onClientKey: (key) => (privateKey = key),
    onGateways: (gws) => {
      const values = ["--secret", `sshKey=${privateKey}`, "--secret", `psk=${PSK}`];
      for (const g of ["gw1", "gw2"]) values.push("--plaintext", `${g}Host=${gws[g]!.host}`, "--plaintext", `${g}Port=${gws[g]!.port}`, "--plaintext", `${g}HostKey=${gws[g]!.hostKey}`);
      configSet = stackMade.then(() => pulumi(["config", "set-all", ...values]));
      configSet.catch(() => undefined);
    },
  });
  for (const g of Object.values(lab.gateways)) ok(`${g.name}: ssh root@${g.host} (host key ${g.hostKey.slice(0, 28)}…)`);
  await configSet;

  step(2, "pulumi up examples/01-site-to-site");
  const up = await pulumi(["up", "--yes", "--skip-preview"]);
  expectThat(/\+ 6 created/.test(up), "up did not create the 6 resources", up);
  ok(resources(up));
  const flows = await labExec(lab, "gw1", "ipsecctl -sf");
  expectThat(flows.stdout.includes("flow esp out from 172.16.0.0/24 to 192.168.15.0/24"), "gw1 has no tunnel flows after up", flows.stdout + flows.stderr);
  console.log(indent(flows.stdout, "   gw1$ "));

  step(3, "pulumi preview: nothing to do");
  // --expect-no-changes: the CLI itself fails the preview if anything would change
  const pv = await pulumi(["preview", "--expect-no-changes"]);
  ok(resources(pv));

  step(4, "Someone edits gw1 by hand");
  const edits = ["sysctl net.inet.ip.forwarding=0", "pfctl -a vpn -F rules", "rcctl stop isakmpd"];
  // typed one after another in one root shell on gw1; the first that fails stops the rest and the demo
  const typed = await labExec(lab, "gw1", edits.map((e) => `out=$(${e} 2>&1) || { echo "gw1# ${e} failed: $out"; exit 1; }`).join("\n"));
  expectThat(typed.code === 0, typed.stdout.trim(), typed.stderr);
  for (const e of edits) console.log(`   gw1# ${e}`);

  step(5, "pulumi refresh finds the drift");
  const rf = await pulumi(["refresh", "--yes", "--skip-preview", "--diff"]);
  // the items each gateway's read found drifted, as the refresh shows them
  const drifted = rf.split("\n").filter((l) => /drifted"/.test(l)).map((l) => l.trim());
  for (const item of ['sysctls["net.inet.ip.forwarding"]', 'anchors["vpn"]', 'services["isakmpd"]']) {
    expectThat(drifted.some((l) => l.includes(item)), `refresh did not report ${item} as drifted`, rf);
  }
  ok(resources(rf));
  console.log(indent(rf.split("\n").filter((l) => /^\s+[~+-] .*(GatewayConfig|drift)|drifted"/.test(l)).join("\n"), "   "));

  step(6, "pulumi up repairs it");
  const fix = await pulumi(["up", "--yes", "--skip-preview"]);
  expectThat(/~ [12] updated/.test(fix), "up updated nothing", fix);
  ok(resources(fix));
  const after = await labExec(lab, "gw1", "sysctl net.inet.ip.forwarding; rcctl check isakmpd; pfctl -a vpn -sr | head -1");
  expectThat(after.stdout.includes("net.inet.ip.forwarding=1") && after.stdout.includes("isakmpd(ok)") && /^pass /m.test(after.stdout), "gw1 is not repaired", after.stdout + after.stderr);
  console.log(indent(after.stdout, "   gw1$ "));

  step(7, "Tear down");
  const d = await pulumi(["destroy", "--yes", "--skip-preview"]);
  expectThat(/- 6 deleted/.test(d), "destroy did not delete the 6 resources", d);
  ok(resources(d));
} catch (e) {
  failed = true;
  console.error(`\n${(e as Error).message}`);
} finally {
  await stackMade.catch(() => undefined);
  await Promise.all([made ? pulumi(["stack", "rm", "--yes", "--force"]).catch(() => undefined) : undefined, labDown(lab ?? "demo")]);
  ok(`lab down (${((Date.now() - t0) / 1000).toFixed(1)} s in all)`);
}
if (failed) process.exit(1);
