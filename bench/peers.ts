/**
 * What users would pick instead of our refresh: the same facts (file stat + sha256, sysctls, rcctl state, the
 * loaded pf anchor and what its file would load, ipsecctl flows) gathered from the same lab gateways by Ansible
 * (ansible-core from Debian: a playbook with facts gathering as users run it, then `stat`/`command` tasks) and by
 * pyinfra (PyPI: `pyinfra INVENTORY fact …`, the fact gathering of its CLI). Both connect over real ssh to the
 * gateways' management addresses with the lab's key and their pinned host keys (a known_hosts file, strict
 * checking). Used by bench/provider.ts; installs itself through bench/peers-setup.sh (not part of the test setup).
 */
import { execFile } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import type { Lab } from "../test/lab/api";
import { ROOT } from "../test/support/env";

/** The facts to gather on every gateway: what our read script reads for the bench's desired state. */
export interface FactSpec {
  files: string[];
  sysctls: string[];
  /** `rcctl get NAME status` per service, `rcctl check` of these, and `rcctl get NAME flags` per service. */
  services: string[];
  anchors: { name: string; file: string }[];
  /** `ipsecctl -sf`. */
  flows: boolean;
}

function sh(cmd: string, args: string[], env: NodeJS.ProcessEnv, cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(cmd, args, { env, cwd, maxBuffer: 256 << 20 }, (e, stdout, stderr) => resolve({ code: e ? ((e as { code?: number }).code ?? 1) : 0, stdout, stderr }));
  });
}

/** Install ansible-core and pyinfra when missing (bench/peers-setup.sh). */
export async function setupPeers(): Promise<void> {
  const r = await sh("bash", [path.join(ROOT, "bench", "peers-setup.sh")], process.env, ROOT);
  if (r.code !== 0) throw new Error(`bench: peers setup failed: ${r.stderr.trim()}`);
}

function commands(f: FactSpec): string[] {
  return [
    ...(f.sysctls.length ? [`sysctl ${f.sysctls.join(" ")}`] : []),
    // as our read asks it (providers/gateway/read-script.ts): status and `rcctl check` of the managed services (all
    // enabled and running: exit 0)
    ...(f.services.length ? [...f.services.map((s) => `rcctl get ${s} status`), `rcctl check ${f.services.join(" ")}`, ...f.services.map((s) => `rcctl get ${s} flags`)] : []),
    ...f.anchors.flatMap((a) => [`pfctl -a ${a.name} -sr`, `pfctl -a ${a.name} -nv -f ${a.file}`]),
    ...(f.flows ? ["ipsecctl -sf"] : []),
  ];
}

function knownHosts(lab: Lab): string {
  return Object.values(lab.gateways).map((g) => `${g.host} ${g.hostKey}\n`).join("");
}

/** Run Ansible's fact gathering plus stat/command tasks on every gateway of `lab`; wall time in ms. */
export async function ansibleFacts(lab: Lab, f: FactSpec): Promise<number> {
  const dir = path.join(ROOT, ".state", "bench-peers", `ansible-${lab.id}`);
  mkdirSync(dir, { recursive: true });
  const gws = Object.values(lab.gateways);
  writeFileSync(path.join(dir, "known_hosts"), knownHosts(lab));
  writeFileSync(path.join(dir, "inventory.ini"), "[gateways]\n" + gws.map((g) =>
    `${g.name} ansible_host=${g.host} ansible_port=${g.port} ansible_user=root ansible_ssh_private_key_file=${g.privateKeyPath} ansible_python_interpreter=/usr/bin/python3\n`).join(""));
  writeFileSync(path.join(dir, "ansible.cfg"), [
    "[defaults]", `forks = ${gws.length}`, "host_key_checking = True", "interpreter_python = /usr/bin/python3", "",
    "[ssh_connection]", `ssh_args = -o ControlMaster=auto -o ControlPersist=60s -o UserKnownHostsFile=${path.join(dir, "known_hosts")} -o StrictHostKeyChecking=yes`,
    `control_path_dir = ${path.join(dir, "cp")}`, "",
  ].join("\n"));
  const tasks = [
    "    - name: managed files (stat, sha256)",
    "      ansible.builtin.stat: { path: \"{{ item }}\", checksum_algorithm: sha256, get_checksum: true }",
    `      loop: ${JSON.stringify(f.files)}`,
    ...commands(f).flatMap((c) => [
      `    - name: ${JSON.stringify(c)}`,
      `      ansible.builtin.command: ${JSON.stringify(c)}`,
      "      changed_when: false",
      "      failed_when: false",
    ]),
  ];
  writeFileSync(path.join(dir, "facts.yml"), ["- hosts: gateways", "  gather_facts: true", "  tasks:", ...tasks, ""].join("\n"));
  const env = { ...process.env, ANSIBLE_CONFIG: path.join(dir, "ansible.cfg"), ANSIBLE_HOME: path.join(dir, "home"), ANSIBLE_LOCAL_TEMP: path.join(dir, "tmp"), ANSIBLE_NOCOLOR: "1" };
  const t0 = performance.now();
  const r = await sh("ansible-playbook", ["-i", "inventory.ini", "facts.yml"], env, dir);
  const ms = performance.now() - t0;
  const recap = /PLAY RECAP[\s\S]*/.exec(r.stdout)?.[0] ?? "";
  const bad = [...recap.matchAll(/(\S+)\s*:\s*ok=(\d+)\s+changed=\d+\s+unreachable=(\d+)\s+failed=(\d+)/g)].filter((m) => m[3] !== "0" || m[4] !== "0");
  if (r.code !== 0 || bad.length || !recap) throw new Error(`bench: ansible-playbook failed (${r.code}): ${(recap || r.stdout.slice(-2000) || r.stderr).trim()}`);
  return ms;
}

/** Run pyinfra's fact gathering (`pyinfra INVENTORY fact …`) on every gateway of `lab`; wall time in ms. */
export async function pyinfraFacts(lab: Lab, f: FactSpec): Promise<number> {
  const dir = path.join(ROOT, ".state", "bench-peers", `pyinfra-${lab.id}`);
  mkdirSync(dir, { recursive: true });
  const gws = Object.values(lab.gateways);
  writeFileSync(path.join(dir, "known_hosts"), knownHosts(lab));
  writeFileSync(path.join(dir, "inventory.py"), "gateways = [\n" + gws.map((g) =>
    `    (${JSON.stringify(g.host)}, {"ssh_port": ${g.port}, "ssh_user": "root", "ssh_key": ${JSON.stringify(g.privateKeyPath)}, "ssh_known_hosts_file": ${JSON.stringify(path.join(dir, "known_hosts"))}, "ssh_strict_host_key_checking": "yes"}),\n`).join("") + "]\n");
  const facts = [
    ...f.files.flatMap((p) => ["files.File", `path=${p}`, "files.Sha256File", `path=${p}`]),
    ...commands(f).flatMap((c) => ["server.Command", `command=${c}`]),
  ];
  const bin = path.join(ROOT, ".tools", "pyinfra", "bin", "pyinfra");
  const t0 = performance.now();
  const r = await sh(bin, ["-y", "--parallel", String(gws.length), "inventory.py", "fact", ...facts], { ...process.env, NO_COLOR: "1" }, dir);
  const ms = performance.now() - t0;
  if (r.code !== 0) throw new Error(`bench: pyinfra failed (${r.code}): ${(r.stderr.slice(-2000) || r.stdout.slice(-2000)).trim()}`);
  // every host must have answered every fact (pyinfra prints them as JSON keyed by host)
  const printed = r.stdout + r.stderr; // pyinfra prints the fact data on stderr
  for (const g of gws) if (!printed.includes(`"${g.host}": `)) throw new Error(`bench: pyinfra printed no facts for ${g.host}: ${r.stderr.slice(-1000)}`);
  return ms;
}
