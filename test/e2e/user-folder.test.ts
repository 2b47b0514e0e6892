/**
 * A user's first hour (issue 9): the package packed as the registry would serve it, installed into a fresh
 * folder next to the newest @pulumi/pulumi that runs on this Node, and driven by the real `pulumi` CLI in
 * that folder — the language host (Pulumi's, or tools/language-host where none exists) starts the
 * program with Pulumi's own TypeScript loader, with full type checking, the README's Pulumi.yaml plugin
 * entry finds the provider in node_modules.
 *
 * Without any network (a fresh network namespace: nothing can be reached, so nothing can be touched):
 * preview shows the creates; up fails with one clean error per gateway. On the lab: up, a clean preview,
 * refresh finds a hand edit, up repairs it, destroy; `pulumi import` adopts a gateway configured by hand.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { execFileSync, spawnSync, type ChildProcess, type SpawnSyncReturns } from "node:child_process";
import { createRequire } from "node:module";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { labDown, labExec, labUp, type Lab } from "../lab/api";
import { NO_NETWORK, packTarball, projectEnv, pulumiCli } from "../support/project";
import { ROOT } from "../support/env";
import { labSshdArgs } from "../lab/lab-sshd";

/** README "Using it with your own Pulumi CLI", word for word. */
const README_PROGRAM = readmeBlock("ts");
const README_PULUMI_YAML = readmeBlock("yaml");

function readmeBlock(lang: string): string {
  const readme = readFileSync(path.join(ROOT, "README.md"), "utf8");
  const m = new RegExp("```" + lang + "\\n([\\s\\S]*?)```").exec(readme);
  if (!m) throw new Error(`README.md has no \`\`\`${lang} block`);
  return m[1]!;
}

/** The README's program with each gateway's SSH address from the stack config (the lab's management network). */
const LAB_PROGRAM = README_PROGRAM.replace(
  "const conn = (host: string, key: string) => ({ host, privateKey: cfg.requireSecret(\"sshKey\"), hostKey: cfg.require(key) });",
  "const conn = (_host: string, key: string) => { const gw = key.replace(\"HostKey\", \"\"); return { host: cfg.require(`${gw}Host`), port: cfg.requireNumber(`${gw}Port`), privateKey: cfg.requireSecret(\"sshKey\"), hostKey: cfg.require(key) }; };",
);

const STRICT_TSCONFIG = {
  compilerOptions: {
    target: "ES2022",
    module: "nodenext",
    moduleResolution: "nodenext",
    strict: true,
    noUncheckedIndexedAccess: true,
    exactOptionalPropertyTypes: true,
    skipLibCheck: false,
    noEmit: true,
  },
  files: ["index.ts", "subpaths.ts"],
};

/**
 * The tsconfig.json of `pulumi new typescript` (Pulumi's TypeScript template): CommonJS with the `node` (node10)
 * module resolution, which reads `types`/`typesVersions` and ignores `exports`; skipLibCheck unset (false).
 */
const TEMPLATE_TSCONFIG = {
  compilerOptions: {
    strict: true,
    outDir: "bin",
    target: "es2020",
    module: "commonjs",
    moduleResolution: "node",
    sourceMap: true,
    experimentalDecorators: true,
    pretty: true,
    noFallthroughCasesInSwitch: true,
    noImplicitReturns: true,
    forceConsistentCasingInFileNames: true,
  },
  files: ["index.ts", "subpaths.ts"],
};
/** Every entry point of the package's `exports`, as a program imports it. */
const SUBPATHS_PROGRAM = 'import * as openbsd from "pulumi-openbsd";\nimport * as model from "pulumi-openbsd/model";\nexport const kinds: string[] = [typeof openbsd.Gateway, typeof model];\n';

/** The newest @pulumi/pulumi 3.x (≥ 3.248.0, our peer range) whose `engines.node` this Node satisfies. */
function newestPulumiForThisNode(): string {
  const semver = createRequire(createRequire(import.meta.url).resolve("@pulumi/pulumi/package.json"))("semver") as typeof import("semver");
  const out = execFileSync("npm", ["view", "@pulumi/pulumi@^3.248.0", "version", "engines", "--json"], { encoding: "utf8" });
  const rows = ([] as { version: string; engines?: { node?: string } }[]).concat(JSON.parse(out));
  const ok = rows.filter((r) => !r.engines?.node || semver.satisfies(process.version, r.engines.node)).map((r) => r.version);
  const best = semver.maxSatisfying(ok, "^3.248.0");
  if (!best) throw new Error(`no @pulumi/pulumi ^3.248.0 supports node ${process.version}`);
  return best;
}

const HOST_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl";
const PSK = "e2e-user-folder-psk-" + "5f1d8c0b9a7e6d4c3b2a1908f7e6d5c4";
/** Stacks of this run (the file backend under .state/ is shared by every test). */
const DEV = `dev${process.pid}`;
const LAB = `lab${process.pid}`;
let dir: string;
let key: string;
let pulumiVersion: string;
/**
 * Pulumi's TypeScript loader as a user's folder has it, type checking on, for the runs whose point is the program
 * itself (README's program, a bad input, the code `pulumi import` generated); `transpileOnly: true` for the runs that
 * exercise the provider against the lab, where checking the same program again costs 1.5 CPU-s a run and shows
 * nothing new (the folder's types are checked by the first preview and by the tsc tests above).
 */
type CliOpts = { stdin?: string; wrap?: string[]; transpileOnly?: boolean; onSpawn?: (p: ChildProcess) => void };
const env = (transpileOnly = false) => projectEnv({ PULUMI_NODEJS_TRANSPILE_ONLY: String(transpileOnly) });
const cli = (args: string[], opts: CliOpts = {}) => pulumiCli(dir, args, { ...opts, env: env(opts.transpileOnly) });
const ok = async (args: string[], opts: CliOpts = {}) => {
  const r = await cli(args, opts);
  expect(r.code, `pulumi ${args.join(" ")}\n${r.stdout}\n${r.stderr}`).toBe(0);
  return r;
};
const node = (args: string[]) => execFileSync(process.execPath, args, { cwd: dir, encoding: "utf8" });
/**
 * The folder's own tsc, incremental: its build info (paths relative to the folder) is kept under .state/tsc between
 * runs and copied into each new folder, so a warm run re-checks only the files whose text changed (TypeScript's own
 * bookkeeping: a changed declaration re-checks everything that depends on it); a first run checks everything.
 */
function tsc(name: string, args: string[]): SpawnSyncReturns<string> {
  const info = path.join(dir, `.tsc-${name}.tsbuildinfo`);
  const kept = path.join(ROOT, ".state", "tsc", `user-folder-${name}.tsbuildinfo`);
  if (existsSync(kept)) copyFileSync(kept, info);
  const r = spawnSync(process.execPath, [path.join(dir, "node_modules/typescript/bin/tsc"), ...args, "--incremental", "--tsBuildInfoFile", info], { cwd: dir, encoding: "utf8" });
  if (r.status === 0 && existsSync(info)) {
    mkdirSync(path.dirname(kept), { recursive: true });
    copyFileSync(info, kept);
  }
  return r;
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), "pulumi-openbsd-user-"));
  const tarball = packTarball(path.join(dir, ".tarball"));
  pulumiVersion = newestPulumiForThisNode();
  // a user's project as Pulumi's TypeScript template lays it out
  writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name: "vpn", main: "index.ts", devDependencies: {}, dependencies: {} }, null, 2));
  execFileSync("npm", ["install", "--no-audit", "--no-fund", "--loglevel=error", tarball, `@pulumi/pulumi@${pulumiVersion}`, "typescript@^5.9.3", "@types/node@^20.19.0"], { cwd: dir, stdio: ["ignore", "inherit", "inherit"] });
  writeFileSync(path.join(dir, "Pulumi.yaml"), README_PULUMI_YAML);
  writeFileSync(path.join(dir, "index.ts"), README_PROGRAM);
  writeFileSync(path.join(dir, "subpaths.ts"), SUBPATHS_PROGRAM);
  writeFileSync(path.join(dir, "tsconfig.json"), JSON.stringify(STRICT_TSCONFIG, null, 2));
  execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "user-folder", "-f", path.join(dir, ".id_ed25519")]);
  key = readFileSync(path.join(dir, ".id_ed25519"), "utf8");
});
afterAll(async () => {
  if (dir) await cli(["stack", "rm", "--yes", "--force", DEV]);
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("the packed package in a fresh folder", () => {
  it("holds exactly one copy of @pulumi/pulumi, the newest that runs on this Node", () => {
    const out = execFileSync("npm", ["ls", "@pulumi/pulumi", "--all", "--parseable"], { cwd: dir, encoding: "utf8" });
    expect(out.trim().split("\n")).toEqual([path.join(dir, "node_modules", "@pulumi", "pulumi")]);
    expect(JSON.parse(readFileSync(path.join(dir, "node_modules/@pulumi/pulumi/package.json"), "utf8")).version).toBe(pulumiVersion);
  });
  it("ships the build, the plugin and the CLI, and no tests, lab or sources", () => {
    const files = execFileSync("tar", ["tzf", readdirTarball()], { encoding: "utf8" }).trim().split("\n");
    expect(files.filter((f) => /^package\/(test|bench|examples|scripts|tools\/.*\.ts|sdk|providers\/[^b])/.test(f) || f.endsWith(".test.js"))).toEqual([]);
    expect(files).toEqual(expect.arrayContaining(["package/dist/sdk/index.js", "package/dist/sdk/index.d.ts", "package/providers/bin/pulumi-resource-openbsd", "package/bin/pulumi-openbsd.mjs", "package/dist/providers/main.js"]));
  });
  it("loads from CommonJS and from ESM (named imports included)", () => {
    expect(node(["-e", 'const o = require("pulumi-openbsd"); console.log(typeof o.Gateway, typeof o.SiteToSiteTunnel)']).trim()).toBe("function function");
    writeFileSync(path.join(dir, "esm.mjs"), 'import * as openbsd from "pulumi-openbsd";\nimport { Gateway, CarpPair } from "pulumi-openbsd";\nimport * as model from "pulumi-openbsd/model";\nconsole.log(typeof openbsd.SiteToSiteTunnel, typeof Gateway, typeof CarpPair, typeof model);\n');
    expect(node(["esm.mjs"]).trim()).toBe("function function function object");
  });
  it("type-checks the README's program and every entry point under a strict tsconfig (nodenext, noUncheckedIndexedAccess, exactOptionalPropertyTypes, skipLibCheck false)", () => {
    const r = tsc("strict", ["-p", "."]);
    expect({ code: r.status, out: r.stdout + r.stderr }).toEqual({ code: 0, out: "" });
  });
  it("type-checks every entry point (`pulumi-openbsd`, `pulumi-openbsd/model`) under Pulumi's template tsconfig (moduleResolution node: `typesVersions`, not `exports`)", () => {
    writeFileSync(path.join(dir, "tsconfig.template.json"), JSON.stringify(TEMPLATE_TSCONFIG, null, 2));
    const r = tsc("template", ["-p", "tsconfig.template.json", "--noEmit", "--pretty", "false"]);
    expect({ code: r.status, out: r.stdout + r.stderr }).toEqual({ code: 0, out: "" });
  });
  it("the lint CLI runs from the installed package", () => {
    writeFileSync(path.join(dir, "ipsec.conf"), "ike esp from 172.16.0.0/24 to 192.168.15.0/24 peer 192.0.123.85\n", { mode: 0o600 });
    const r = execFileSync(path.join(dir, "node_modules/.bin/pulumi-openbsd"), ["lint", "ipsec.conf"], { cwd: dir, encoding: "utf8" });
    expect(r).toBe("");
  });
});

describe("pulumi in the folder, with no network at all", () => {
  beforeAll(async () => {
    await ok(["stack", "init", DEV]);
    await ok(["config", "set", "--secret", "psk", PSK]);
    await ok(["config", "set", "--secret", "sshKey"], { stdin: key });
    await ok(["config", "set", "gw1HostKey", HOST_KEY]);
    await ok(["config", "set", "gw2HostKey", HOST_KEY]);
  });

  it("preview shows the creates (Pulumi's TypeScript loader, type-checked) and touches no host", async () => {
    const r = await ok(["preview"], { wrap: NO_NETWORK });
    for (const l of [
      `+  pulumi:pulumi:Stack vpn-${DEV} create`,
      "+  openbsd:index:Gateway gw1 create",
      "+  openbsd:index:Gateway gw2 create",
      "+  openbsd:index:SiteToSiteTunnel net1-net2 create",
      "+  openbsd:index:GatewayConfig gw1 create",
      "+  openbsd:index:GatewayConfig gw2 create",
    ])
      expect(r.stdout).toContain(l);
    expect(r.stdout).toContain("+ 6 to create");
    expect(r.stdout + r.stderr).not.toMatch(/warning|error/i);
  });

  it("a bad input is refused at preview with its one error and the one refusal, nothing else (no Node warning)", async () => {
    writeFileSync(path.join(dir, "index.ts"), README_PROGRAM.replace('psk: cfg.requireSecret("psk"),', 'psk: pulumi.secret("abc"),'));
    try {
      const r = await cli(["preview"], { wrap: NO_NETWORK });
      expect(r.code).not.toBe(0);
      const diagnostics = r.stdout.slice(r.stdout.indexOf("Diagnostics:"), r.stdout.indexOf("Resources:"));
      expect(diagnostics.split("\n").filter((l) => l.trim() !== "")).toEqual([
        "Diagnostics:",
        `  pulumi:pulumi:Stack (vpn-${DEV}):`,
        '    error: SiteToSiteTunnel "net1-net2": psk = (secret): 3 bytes is too short to resist an offline guess; give at least 8 bytes, e.g. `openssl rand -hex 20`',
        "    error: pulumi-openbsd refused the program's arguments (the error above says which); no gateway was contacted",
      ]);
      expect(r.stdout + r.stderr).not.toMatch(/Warning|^\s+at /m);
    } finally {
      writeFileSync(path.join(dir, "index.ts"), README_PROGRAM);
    }
  });

  it("a Pulumi.yaml without the README's plugins entry: preview says where the plugin is and the lines to add", async () => {
    writeFileSync(path.join(dir, "Pulumi.yaml"), "name: vpn\nruntime: nodejs\n");
    try {
      const e = env();
      // the lab's engine folder holds a link to the plugin: a user's PATH does not
      const PATH = e.PATH!.split(":").filter((d) => !existsSync(path.join(d, "pulumi-resource-openbsd"))).join(":");
      const r = await pulumiCli(dir, ["preview"], { env: { ...e, PATH }, wrap: NO_NETWORK });
      expect(r.code).not.toBe(0);
      expect(r.stdout).toContain("error: no resource plugin 'pulumi-resource-openbsd' found");
      const rel = "./node_modules/pulumi-openbsd/providers/bin";
      expect(r.stdout).toContain(
        `warning: the engine will not find the openbsd provider plugin: it ships in this package (${rel}), and Pulumi.yaml names no path for it, no pulumi-resource-openbsd is on $PATH`,
      );
      expect(r.stdout).toContain(`Add to ${path.join(dir, "Pulumi.yaml")}:\n    plugins:\n      providers:\n        - name: openbsd\n          path: ${rel}`);
    } finally {
      writeFileSync(path.join(dir, "Pulumi.yaml"), README_PULUMI_YAML);
    }
  });

  // --continue-on-error: without it the engine stops scheduling after the first failure, so whether the second
  // gateway is tried at all depends on timing; with it every gateway is tried and each reports its own error.
  it("up --continue-on-error against unreachable hosts fails cleanly: one error per gateway naming host and cause, no stack trace", async () => {
    const r = await cli(["up", "--yes", "--skip-preview", "--continue-on-error"], { wrap: NO_NETWORK, transpileOnly: true });
    expect(r.code).not.toBe(0);
    const diagnostics = r.stdout.slice(r.stdout.indexOf("Diagnostics:"));
    expect(diagnostics.split("\n").filter((l) => /^\s+error: /.test(l)).sort()).toEqual([
      "    error: 192.0.123.85:22: cannot connect as root: connect ENETUNREACH 192.0.123.85:22 - Local (0.0.0.0:0) (no route to that network from here: is the management network reachable from this machine?); nothing was changed (the gateway is on its OLD configuration)",
      "    error: 192.0.2.153:22: cannot connect as root: connect ENETUNREACH 192.0.2.153:22 - Local (0.0.0.0:0) (no route to that network from here: is the management network reachable from this machine?); nothing was changed (the gateway is on its OLD configuration)",
      "    error: update failed",
    ]);
    expect(r.stdout + r.stderr).not.toMatch(/^\s+at /m);
  });

  it("`pulumi stack export` holds no plaintext SSH private key", async () => {
    const r = await ok(["stack", "export"]);
    expect(r.stdout).not.toContain("PRIVATE KEY");
    expect(r.stdout).not.toContain(key.split("\n")[1]!);
  });
  it("`pulumi stack export` holds no plaintext PSK (the components register secret outputs)", async () => {
    const r = await ok(["stack", "export"]);
    expect(r.stdout).not.toContain(PSK);
  });
});

describe("pulumi in the folder, on the lab", () => {
  let lab: Lab;
  beforeAll(async () => {
    lab = await labUp("site-to-site", { prefix: "uf", quiet: true });
    writeFileSync(path.join(dir, "index.ts"), LAB_PROGRAM);
    await ok(["stack", "init", LAB]);
    await ok(["config", "set", "--secret", "psk", PSK]);
    await ok(["config", "set", "--secret", "sshKey"], { stdin: lab.gateways.gw1!.privateKey });
    for (const [name, g] of Object.entries(lab.gateways)) {
      await ok(["config", "set", `${name}Host`, g.host]);
      await ok(["config", "set", `${name}Port`, String(g.port)]);
      await ok(["config", "set", `${name}HostKey`, g.hostKey]);
    }
  });
  afterAll(async () => {
    await cli(["destroy", "--yes", "--stack", LAB], { transpileOnly: true });
    await cli(["stack", "rm", "--yes", "--force", LAB]);
    if (lab) await labDown(lab);
  });

  it("up commits both gateways", async () => {
    const r = await ok(["up", "--yes", "--skip-preview"], { transpileOnly: true });
    expect(r.stdout).toContain("+ 6 created");
    expect((await labExec(lab, "gw1", "cat /etc/ipsec.conf")).stdout).toContain("peer 192.0.123.85");
    const exported = (await ok(["stack", "export"])).stdout;
    expect(exported).toContain("ipsec.conf");
    expect(exported).not.toContain(PSK);
    expect(exported).not.toContain(lab.gateways.gw1!.privateKey.split("\n")[1]!);
  });
  it("then preview shows no changes", async () => {
    await ok(["preview", "--expect-no-changes"], { transpileOnly: true });
  });
  it("refresh finds a hand edit, preview shows it, up repairs it", async () => {
    const before = (await labExec(lab, "gw1", "cat /etc/pf.anchors/vpn")).stdout;
    expect((await labExec(lab, "gw1", "echo 'pass in on em1 proto tcp to port 22' >> /etc/pf.anchors/vpn")).code).toBe(0);
    const r = await ok(["refresh", "--yes", "--skip-preview"], { transpileOnly: true });
    expect(r.stdout).toMatch(/~\s+openbsd:index:GatewayConfig gw1 (updated|refreshing)/);
    const p = await cli(["preview", "--expect-no-changes", "--diff"], { transpileOnly: true });
    expect(p.code).not.toBe(0);
    expect(p.stdout).toContain('files["/etc/pf.anchors/vpn"]');
    await ok(["up", "--yes", "--skip-preview"], { transpileOnly: true });
    expect((await labExec(lab, "gw1", "cat /etc/pf.anchors/vpn")).stdout).toBe(before);
    await ok(["preview", "--expect-no-changes"], { transpileOnly: true });
  });
  it("`pulumi up --replace` of a gateway's GatewayConfig leaves the gateway configured (the replacement is created before the original is deleted)", async () => {
    const urn = (JSON.parse((await ok(["stack", "export"])).stdout) as { deployment: { resources: { urn: string }[] } }).deployment.resources
      .map((r) => r.urn)
      .find((u) => u.endsWith("GatewayConfig::gw1"))!;
    const r = await ok(["up", "--yes", "--skip-preview", "--replace", urn], { transpileOnly: true });
    expect(r.stdout).toContain("+-1 replaced");
    expect(r.stdout).toContain("nothing restored: this resource's replacement (`pulumi up --replace`, or replaceOnChanges) manages the gateway now");
    expect((await labExec(lab, "gw1", "cat /etc/ipsec.conf; sysctl -n net.inet.ip.forwarding")).stdout).toMatch(/peer 192\.0\.123\.85[^]*\n1\n$/);
    // what the replacement recorded is what the gateway runs: nothing drifted
    await ok(["refresh", "--yes", "--skip-preview", "--expect-no-changes"], { transpileOnly: true });
  });
  it("sshd moved to another port: `pulumi config set gw1Port 2222` then up is an update at the new port, never a replacement that would need the old one", async () => {
    const sshd = await labExec(lab, "gw1", ["/usr/sbin/sshd", "-f", "/etc/ssh/sshd_config", "-o", "Port=2222", "-o", "PidFile=/run/sshd-2222.pid", ...labSshdArgs()].join(" "));
    expect(sshd.code, sshd.stderr).toBe(0);
    try {
      await ok(["config", "set", "gw1Port", "2222"]);
      const r = await ok(["up", "--yes", "--skip-preview"], { transpileOnly: true });
      expect(r.stdout).toContain("~ 1 updated");
      expect(r.stdout).not.toMatch(/replace|deleting original/);
      await ok(["refresh", "--yes", "--skip-preview", "--expect-no-changes"], { transpileOnly: true });
    } finally {
      await ok(["config", "set", "gw1Port", String(lab.gateways.gw1!.port)]);
      await ok(["up", "--yes", "--skip-preview"], { transpileOnly: true });
      await labExec(lab, "gw1", "kill $(cat /run/sshd-2222.pid)");
    }
  });
  it("Ctrl-C twice between swap and confirm: the next up takes over at once (not after the rollback timer) and converges", async () => {
    // gw1's `ipsecctl -f` (the apply's load of the new rules) made slow: a bind mount over the emulator's client, in
    // gw1's mount namespace only, that sleeps before loading; the interrupt lands while the apply waits on it
    const emuc = (await labExec(lab, "gw1", "readlink /sbin/ipsecctl")).stdout.trim();
    const wrap = '#!/bin/sh\nn=${0##*/}\ncase "$n $1" in "ipsecctl -f") sleep 20;; esac\n[ -e /root/real/$n ] || ln -s /root/emuc /root/real/$n\nexec /root/real/$n "$@"\n';
    const hook = await labExec(lab, "gw1", `set -e; cp ${emuc} /root/emuc; mkdir -p /root/real; cat > /root/wrap.sh; chmod 755 /root/wrap.sh; mount --bind /root/wrap.sh ${emuc}`, wrap);
    expect(hook.code, hook.stderr).toBe(0);
    const unhook = () => labExec(lab, "gw1", `umount -l ${emuc}; rm -rf /root/emuc /root/real /root/wrap.sh`);
    const NEW_PSK = "e2e-psk-after-ctrl-c-4b1d9c0e7a";
    try {
      await ok(["config", "set", "--secret", "psk", NEW_PSK]);
      let up: ChildProcess | undefined;
      const run = cli(["up", "--yes", "--skip-preview"], { transpileOnly: true, onSpawn: (p) => (up = p) });
      // swapped, unconfirmed, applying: then the user presses Ctrl-C twice
      const deadline = Date.now() + 60_000;
      while (!(await labExec(lab, "gw1", "ps -eo args | grep -q '^sleep 20' && ls /var/db/pulumi-openbsd/rollback/*/pending")).stdout.includes("pending")) {
        if (Date.now() > deadline) throw new Error("the apply never reached the slow ipsecctl");
        await new Promise((r) => setTimeout(r, 200));
      }
      up!.kill("SIGINT");
      await new Promise((r) => setTimeout(r, 500));
      up!.kill("SIGINT");
      const r = await run;
      expect(r.code).not.toBe(0);
      expect(r.stdout).toMatch(/GatewayConfig gw1 updating \(interrupted\)/);
      expect((await labExec(lab, "gw1", "grep -c e2e-psk-after-ctrl-c /etc/ipsec.conf")).stdout).toBe("1\n"); // NEW, unconfirmed
      await unhook();
      const again = await ok(["up", "--yes", "--skip-preview"], { transpileOnly: true });
      expect(again.stdout).toMatch(/warning: [0-9.:]+: commit [0-9a-f]{12} of this resource, from an earlier operation that ended before confirming it \(interrupted\?\), was still waiting for its rollback timer: put the gateway back on the configuration before it at once, released its lock, and went on/);
      expect(again.stdout).not.toContain(NEW_PSK);
      expect((await labExec(lab, "gw1", "grep -c e2e-psk-after-ctrl-c /etc/ipsec.conf; ls /var/db/pulumi-openbsd/rollback | wc -l; ls -d /var/db/pulumi-openbsd/lock 2>/dev/null | wc -l")).stdout).toMatch(/^1\n\s*0\n\s*0\n$/);
      await ok(["preview", "--expect-no-changes"], { transpileOnly: true });
      expect((await ok(["stack", "export"])).stdout).not.toContain(NEW_PSK);
    } finally {
      await unhook();
    }
  });
  it("`pulumi stack rename` keeps the gateways: the next up goes on as the same resources, says so, and destroy still restores", async () => {
    const RENAMED = `${LAB}-renamed`;
    await ok(["stack", "rename", RENAMED]);
    try {
      await ok(["config", "set", "--secret", "psk", "e2e-psk-after-stack-rename-7c2"]);
      const r = await ok(["up", "--yes", "--skip-preview"], { transpileOnly: true });
      for (const gw of ["gw1", "gw2"]) {
        expect(r.stdout).toContain(
          `the gateway's owner record named urn:pulumi:${LAB}::vpn::openbsd:index:Gateway$openbsd:index:GatewayConfig::${gw} of stack vpn/${LAB}; this is the same resource (the instance recorded is its own: a renamed stack, or \`pulumi state move\`), so it went on as urn:pulumi:${RENAMED}::vpn::openbsd:index:Gateway$openbsd:index:GatewayConfig::${gw} of stack vpn/${RENAMED}`,
        );
      }
      expect((await labExec(lab, "gw2", "grep -c e2e-psk-after-stack-rename /etc/ipsec.conf")).stdout).toBe("1\n");
      await ok(["preview", "--expect-no-changes"], { transpileOnly: true });
    } finally {
      // back under its own name: afterAll and the tests below use it (and destroy then meets the renamed record)
      await ok(["stack", "rename", LAB]);
    }
  });
  it("`pulumi stack export` after up holds no plaintext SSH private key", async () => {
    const r = await ok(["stack", "export"]);
    expect(r.stdout).not.toContain(lab.gateways.gw1!.privateKey.split("\n")[1]!);
  });
  it("destroy removes what up installed", async () => {
    const r = await ok(["destroy", "--yes", "--skip-preview"], { transpileOnly: true });
    expect(r.stdout).toContain("- 6 deleted");
    expect((await labExec(lab, "gw1", "cat /etc/ipsec.conf 2>&1 || true")).stdout).not.toContain("peer 192.0.123.85");
  });

  describe("pulumi import adopts a gateway configured by hand", () => {
    const IMP = `imp${process.pid}`;
    const OLD_PSK = "old-psk-made-by-hand";
    const OLD_IPSEC = `ike esp from 172.16.0.0/24 to 192.168.15.0/24 peer 192.0.123.85 psk "${OLD_PSK}"\n`;
    const OLD_SYSCTL = "net.inet.ip.forwarding=1\nnet.inet.esp.enable=1\n";
    const SNAPSHOT = "cat /etc/ipsec.conf /etc/sysctl.conf; ls -l /etc/ipsec.conf | cut -c1-10; rcctl get isakmpd flags; rcctl ls started | grep -c isakmpd";
    const snapshot = async () => (await labExec(lab, "gw1", SNAPSHOT)).stdout;
    const GEN = path.join(tmpdir(), `imported-${process.pid}.ts`);
    let before = "";
    beforeAll(async () => {
      const setup = `umask 077; printf '%s' '${OLD_IPSEC}' > /etc/ipsec.conf; printf '%s' '${OLD_SYSCTL}' > /etc/sysctl.conf; sysctl net.inet.ip.forwarding=1 net.inet.esp.enable=1 >/dev/null; rcctl enable isakmpd; rcctl set isakmpd flags -K; rcctl start isakmpd >/dev/null; rcctl enable ipsec`;
      const r = await labExec(lab, "gw1", setup);
      expect(r.stdout + r.stderr).toBe("");
      before = await snapshot();
      await ok(["stack", "init", IMP]);
      await ok(["config", "set", "--secret", "openbsd:privateKey"], { stdin: lab.gateways.gw1!.privateKey });
    });
    afterAll(async () => {
      await cli(["state", "unprotect", "--all", "--yes", "--stack", IMP]);
      await cli(["destroy", "--yes", "--stack", IMP], { transpileOnly: true });
      await cli(["stack", "rm", "--yes", "--force", IMP]);
      rmSync(GEN, { force: true });
    });

    it("`pulumi import openbsd:index:GatewayConfig gw1 ID` reads the gateway's state in and changes nothing on it", async () => {
      const g = lab.gateways.gw1!;
      const r = await ok(["import", "openbsd:index:GatewayConfig", "gw1", `root@${g.host}:${g.port} ${g.hostKey}`, "--yes", "--out", GEN], { transpileOnly: true });
      expect(r.stdout).toContain("= 1 imported");
      expect(await snapshot()).toBe(before);
      const exp = await ok(["stack", "export"]);
      const res = (JSON.parse(exp.stdout).deployment.resources as { type: string; outputs?: Record<string, any> }[]).find((x) => x.type === "openbsd:index:GatewayConfig")!;
      expect(res.outputs!.state.files["/etc/sysctl.conf"].content).toBe(OLD_SYSCTL);
      expect(res.outputs!.state.services.isakmpd).toEqual({ order: 1, enabled: true, flags: "-K", running: true });
      expect(exp.stdout).not.toContain(OLD_PSK);
    });
    // The generated code: the engine writes PCL from the imported inputs, the language host turns it into TypeScript
    // (tools/language-host/generate-typescript.ts), bound against the provider's schema (providers/schema.ts).
    it("the generated code previews clean", async () => {
      const code = readFileSync(GEN, "utf8");
      expect(code).toMatch(/^import \* as pulumi from "@pulumi\/pulumi";\nimport \* as openbsd from "pulumi-openbsd";\n\nconst gw1 = new openbsd\.GatewayConfig\("gw1", \{\n/);
      expect(code).toContain("}, {\n    protect: true,\n});\n");
      // as Pulumi's own codegen does, imported secrets are written into the code, each wrapped in pulumi.secret
      expect(code).toContain(`content: pulumi.secret(${JSON.stringify(OLD_IPSEC)}),`);
      // the SSH key the import read from `openbsd:privateKey` stays in that config, never in the source
      expect(code).toContain('privateKey: new pulumi.Config("openbsd").requireSecret("privateKey"),');
      expect(code).not.toContain("PRIVATE KEY");
      writeFileSync(path.join(dir, "index.ts"), code);
      try {
        const r = await ok(["preview", "--expect-no-changes"]);
        expect(r.stdout).not.toMatch(/warning|error/i);
      } finally {
        writeFileSync(path.join(dir, "index.ts"), LAB_PROGRAM);
      }
    });
    it("import protects the resource; once unprotected, destroy puts back what the gateway had when it was imported", async () => {
      const d = await cli(["destroy", "--yes", "--skip-preview"], { transpileOnly: true });
      expect(d.code).not.toBe(0);
      expect(d.stdout).toContain("cannot be deleted\n    because it is protected.");
      expect(await snapshot()).toBe(before);
      await ok(["state", "unprotect", "--all", "--yes"]);
      await ok(["destroy", "--yes", "--skip-preview"], { transpileOnly: true });
      expect(await snapshot()).toBe(before);
    });
  });
});

function readdirTarball(): string {
  const d = path.join(dir, ".tarball");
  return path.join(d, readdirSync(d).find((x) => x.endsWith(".tgz"))!);
}
