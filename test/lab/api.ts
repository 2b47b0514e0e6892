/**
 * The lab: OpenBSD gateways emulated in Linux network namespaces, each with a real OpenSSH sshd and the
 * OpenBSD userland emulator (test/lab/emu, a TEST DOUBLE) on its PATH.
 *
 * Layout of one lab `<id>` (= its prefix):
 * - netns `<id>-hub`: one Linux bridge per segment (`internet`, `net1`, …), optional routers between segments;
 * - netns `<id>-<gw>` per gateway: veths named as on OpenBSD (`em0`, `em1`, `vio0`) into the hub, plus
 *   `mgmt0`, a veth to the root namespace on a private 169.254.X.0/24 link (/31 per gateway) that carries ssh;
 * - a persistent mount + UTS namespace per gateway (`/run/obsdlab/<id>-<gw>.{mnt,uts}`) in which the gateway's
 *   own `/etc` and `/var` (copies of the host's, gid 0 named `wheel`, root's shell /bin/ksh) and a private `/root`
 *   (only `.ssh/authorized_keys`) are bind-mounted, `/run` is private, `/tmp` is a tmpfs of its own (OpenBSD's
 *   /tmp is a file system of its own, mode 1777; a gateway's files there are not another lab's or the machine's), and
 *   `/usr/sbin` (= `/sbin`) and `/usr/bin` are overlaid with the emulator's wrappers;
 * - netns `<id>-<host>` per plain host on an internal segment.
 * Everything made is recorded in `.state/lab/<id>.json`; {@link labDown} removes exactly that.
 */
import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { chmod, copyFile, mkdir, readFile, readdir, rename, rm, symlink, writeFile } from "node:fs/promises";
import { connect } from "node:net";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { ipBatch, must, pmap, run } from "./sh";
import { natRouters } from "./nat";
import { procStart, recordAlive, withLock } from "./reserve";
import { loadTopology, type Topology } from "./topology";
import { buildClient, startServer, stopServer } from "./resident";
import { LAB_CLIENT_KEY, labSshdArgs, labSshdBinary } from "./lab-sshd";
import { labToolsDir } from "./lab-tools";
import { privateTmpLines } from "./private-tmp";

/** One gateway of a running lab, with everything a client needs to reach it over ssh. */
export interface LabGateway {
  name: string;
  /** Management address reachable from the root namespace. */
  host: string;
  port: number;
  user: "root";
  privateKeyPath: string;
  /** OpenSSH PEM of the test runner's key. */
  privateKey: string;
  /** `ssh-ed25519 AAAA…` — pin it. */
  hostKey: string;
  netns: string;
  /** Directory on the Linux host holding this gateway's /etc and /var. */
  root: string;
}

export interface Lab {
  id: string;
  topology: string;
  gateways: Record<string, LabGateway>;
  stateFile: string;
  /** Plain hosts of the topology (`h1` on gw1's internal network): their netns and address. */
  hosts?: Record<string, { netns: string; address: string }>;
}

/** What the state file records beyond {@link Lab}: every namespace, link, pid, mount and path the lab made. */
interface LabRecord extends Lab {
  created: string;
  mgmtNet: number;
  /** Process that made the lab: while it runs (same start time) the lab is alive and its prefix taken. */
  ownerPid?: number;
  /** Start time of the owner process (/proc/PID/stat field 22), so a reused pid is not taken for the owner. */
  ownerStart?: string;
  /** Made by `npm run lab:up` (so `npm run lab:down` takes it down). */
  cli?: boolean;
  /** Prefix chosen by labUp (per process): the lab is collected once its owner process is gone. */
  autoPrefix?: boolean;
  netns: string[];
  rootLinks: string[];
  pids: number[];
  nsFiles: string[];
  /** tmpfs mounted on the lab directory (in the root mount namespace). */
  mounts?: string[];
  dirs: string[];
  hosts: Record<string, { netns: string; address: string }>;
  /** Per gateway: mount/uts namespace files. */
  ns: Record<string, { mnt: string; uts: string }>;
  /** How gateways run emulated commands (bundles, thin client). */
  emu?: Emu;
  /** Per gateway: pid of its resident emulator (also in {@link pids}). */
  emud?: Record<string, number>;
}

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, "../..");
/**
 * Lab records, the labs' lock and their roots. PULUMI_OPENBSD_LAB_STATE points a second checkout (the support matrix's
 * copy, scripts/matrix.sh) at this one's, so labs made from both share one lock and one view of the prefixes and
 * management networks in use (netns names and 169.254.X nets are machine-wide).
 */
const stateRoot = process.env.PULUMI_OPENBSD_LAB_STATE || join(repo, ".state", "lab");
const nsDir = "/run/obsdlab";

/** OpenBSD commands the emulator provides, by the directory of their wrapper (overlaid on /usr/sbin or /usr/bin). */
const SBIN = ["ifconfig", "sysctl", "rcctl", "pfctl", "ipsecctl", "isakmpd", "iked", "ikectl", "sasyncd", "route", "pkg_add", "pkg_info", "pkg_delete"];
const BIN = ["sha256"];
/** rc.d scripts created in each gateway's /etc/rc.d (the emulated daemons and a few base ones). */
export const RC_D = ["cron", "iked", "isakmpd", "ntpd", "pflogd", "sasyncd", "sshd", "syslogd"];

function stateFileOf(id: string): string {
  return join(stateRoot, `${id}.json`);
}

let saving: Promise<void> = Promise.resolve();

/** Write the lab record (serialised: parallel steps save as they go, so a crash leaves a complete record). */
function save(rec: LabRecord): Promise<void> {
  const text = JSON.stringify(rec, null, 2) + "\n";
  saving = saving.catch(() => undefined).then(async () => {
    await mkdir(stateRoot, { recursive: true });
    await writeFile(rec.stateFile + ".tmp", text);
    await rename(rec.stateFile + ".tmp", rec.stateFile);
  });
  return saving;
}

async function load(id: string): Promise<LabRecord | undefined> {
  try {
    return JSON.parse(await readFile(stateFileOf(id), "utf8")) as LabRecord;
  } catch {
    return undefined;
  }
}

/** Ensure the host tools the lab needs exist, installing Debian packages non-interactively when missing. */
/**
 * The gateways' /bin/sh and /bin/ksh: mksh, of the pdksh family OpenBSD's ksh belongs to; the mksh package's static
 * build on musl where it has one (a dynamically linked program costs this VM ~1 ms of CPU per start in ld.so, a
 * static one ~0.25 ms: every ssh command and every script starts a shell).
 */
const LAB_KSH = ["/usr/lib/x86_64-linux-musl/bin/mksh", "/usr/bin/mksh"].find((p) => existsSync(p)) ?? "/usr/bin/mksh";

async function ensureTools(): Promise<void> {
  const missing: string[] = [];
  if (!existsSync("/usr/sbin/sshd")) missing.push("openssh-server");
  if (!existsSync("/usr/sbin/ip") && !existsSync("/sbin/ip")) missing.push("iproute2");
  if (!existsSync("/usr/bin/nsenter")) missing.push("util-linux");
  if (!existsSync("/usr/bin/ping") && !existsSync("/bin/ping")) missing.push("iputils-ping");
  if (!existsSync("/usr/bin/python3")) missing.push("python3");
  if (!existsSync(LAB_KSH)) missing.push("mksh");
  if (!missing.length) return;
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  // labs come up side by side (one per test file): a second apt-get waits for the first one's dpkg lock
  // instead of failing on it (scripts/setup.sh installs these up front; this is for a lab used without it)
  const apt = (...a: string[]) => run(["apt-get", "-o", "DPkg::Lock::Timeout=600", ...a], { env });
  let r = await apt("install", "-y", "--no-install-recommends", ...missing);
  if (r.code !== 0) {
    await apt("update");
    r = await apt("install", "-y", "--no-install-recommends", ...missing);
  }
  if (r.code !== 0) throw new Error(`lab: cannot install ${missing.join(" ")}: ${r.stderr.trim()}`);
}

const lockFile = join(stateRoot, ".lock");

/** Tear down every lab whose record is stale (its owner process gone; for CLI labs, its sshds gone). Under the lock. */
async function collectStale(): Promise<string[]> {
  const collected: string[] = [];
  for (const id of await labList()) {
    const r = await load(id);
    if (!r || recordAlive(r)) continue;
    process.stderr.write(`lab ${id}: stale (its owner pid ${r.ownerPid ?? "?"} is gone); collecting it\n`);
    await labDownLocked(id);
    collected.push(id);
  }
  return collected;
}

/**
 * Pick a management /24 (169.254.X.0) that no lab record (alive or being torn down), no reservation marker of an
 * older lab and no root-namespace address uses. Called under the lock, and the caller writes its record before
 * releasing it, so two labs never get the same X.
 */
async function pickMgmtNet(): Promise<number> {
  const used = new Set<number>();
  for (const f of existsSync(stateRoot) ? await readdir(stateRoot) : []) {
    if (f.startsWith(".mgmt-")) used.add(Number(f.slice(6)));
    if (!f.endsWith(".json")) continue;
    // a record that does not parse still holds its /24
    const text = await readFile(join(stateRoot, f), "utf8").catch(() => "");
    const m = /"mgmtNet":\s*(\d+)/.exec(text);
    if (m) used.add(Number(m[1]));
  }
  const addrs = await must(["ip", "-4", "-o", "addr"]);
  for (const m of addrs.matchAll(/169\.254\.(\d+)\./g)) used.add(Number(m[1]));
  for (let x = 100; x < 250; x++) if (x !== 169 && !used.has(x)) return x;
  throw new Error("lab: no free 169.254.X.0/24 management network (100–249 all used by labs or addresses)");
}

/** How a gateway runs its emulated commands: the bundles (one-shot `emu.mjs`, resident `emud.mjs`) and the thin client. */
interface Emu {
  /** esbuild bundle of emu/main.ts (one process per command); undefined: run the sources through tsx. */
  bundle?: string;
  /** esbuild bundle of emu/server.ts (the resident emulator). */
  server?: string;
  /** The compiled thin client (emu/client.c): with {@link server}, commands go to the gateway's resident emulator. */
  client?: string;
}

async function bundleEmulator(dir: string): Promise<Pick<Emu, "bundle" | "server">> {
  try {
    const esbuild = await import("esbuild");
    const out = join(dir, "emu.mjs");
    await esbuild.build({
      entryPoints: { emu: join(here, "emu", "main.ts"), emud: join(here, "emu", "server.ts") }, bundle: true, platform: "node", format: "esm", target: "node20",
      outdir: dir, outExtension: { ".js": ".mjs" }, logLevel: "silent",
      banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
      plugins: [{
        // `import(variable)` of a sibling module ("./pfctl-nv") cannot be bundled as written: turn it into a glob
        // import over the emulator's own ./*.ts, which esbuild bundles. Only the bundle is changed, never the source.
        name: "emu-computed-imports",
        setup(b) {
          b.onLoad({ filter: /test\/lab\/emu\/[^/]+\.ts$/ }, async (a) => {
            const src = await readFile(a.path, "utf8");
            if (!/\bimport\(\s*[A-Za-z_$][\w$]*\s*\)/.test(src)) return undefined;
            return { loader: "ts", contents: src.replace(/\bimport\(\s*([A-Za-z_$][\w$]*)\s*\)/g, "import(`./${String($1).replace(/^\\.\\//, \"\")}.ts`)") };
          });
        },
      }],
    });
    // a dynamic import of a computed path (not a literal) cannot be bundled: run the sources through tsx instead
    const text = await readFile(out, "utf8");
    const computed = [...text.matchAll(/\bimport\(\s*([A-Za-z_$][\w$]*)\s*\)/g)].map((m) => m[1]);
    if (computed.length) {
      process.stderr.write(`lab: emulator has computed dynamic imports (import(${computed[0]})); using tsx (slower commands)\n`);
      return {};
    }
    return { bundle: out, server: join(dir, "emud.mjs") };
  } catch (e) {
    process.stderr.write(`lab: could not bundle the emulator (${(e as Error).message.split("\n")[0]}); using tsx\n`);
    return {};
  }
}

/** Shell line that runs the emulator's dispatcher with the given arguments. */
function emuExec(emu: Emu, args: string): string {
  if (emu.client && emu.server) return `exec ${emu.client} ${args}`;
  const bundle = emu.bundle;
  const node = process.execPath;
  const env = `EMU_SRC=${join(here, "emu")} `;
  if (bundle) return `${env}exec ${node} ${bundle} ${args}`;
  return `${env}exec ${node} --import ${join(repo, "node_modules/tsx/dist/esm/index.mjs")} ${join(here, "emu/main.ts")} ${args}`;
}

function wrapper(what: string, line: string): string {
  return `#!/bin/sh\n# TEST DOUBLE: ${what} emulated by the pulumi-openbsd lab (test/lab/emu); this is Linux, not OpenBSD.\n${line}\n`;
}

/**
 * Write the emulator wrappers shared by every gateway of the lab. With the resident emulator each command is a link
 * to the thin client, which takes the command's name from it (no shell starts before each command); otherwise a
 * script that starts the emulator.
 */
async function writeWrappers(dir: string, bundle: Emu): Promise<void> {
  await mkdir(join(dir, "sbin"), { recursive: true });
  await mkdir(join(dir, "bin"), { recursive: true });
  const put = async (sub: string, c: string) => {
    if (bundle.client && bundle.server) await symlink(bundle.client, join(dir, sub, c));
    else await writeFile(join(dir, sub, c), wrapper(c, emuExec(bundle, `${c} "$@"`)), { mode: 0o755 });
  };
  for (const c of SBIN) await put("sbin", c);
  // the gateway's sshd, built as OpenBSD's is (lab-sshd.ts), in front of the machine's
  const sshd = labSshdBinary();
  if (sshd) await copyFile(sshd, join(dir, "sbin", "sshd"));
  for (const c of BIN) await put("bin", c);
  // OpenBSD's /bin/sh and root's login shell are its ksh (pdksh): every script the provider runs, and every rc.d
  // script, runs under it. mksh is of the same family (dash, Debian's /bin/sh, is not): /bin/sh and /bin/ksh on the gateway
  await symlink(LAB_KSH, join(dir, "bin", "sh"));
  await symlink(LAB_KSH, join(dir, "bin", "ksh"));
}

/**
 * The host keys OpenBSD's `ssh-keygen -A` gives a new install: RSA (3072 bits), ECDSA (P-256) and Ed25519, all
 * three loaded by sshd (its default HostKey list), so a client that pins one of them meets the key exchange a real
 * gateway offers. Ed25519 and ECDSA keys are made afresh for each gateway; an RSA key takes ~0.3 s of CPU to make,
 * so the N-th gateway of every lab takes the N-th key of a pool kept beside the labs' records (made on first use;
 * gateways of one lab never share one).
 */
async function hostKeys(etc: string, name: string, index: number): Promise<void> {
  const dir = join(etc, "ssh");
  await must(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", `${name}@lab`, "-f", join(dir, "ssh_host_ed25519_key")]);
  await must(["ssh-keygen", "-q", "-t", "ecdsa", "-b", "256", "-N", "", "-C", `${name}@lab`, "-f", join(dir, "ssh_host_ecdsa_key")]);
  const pool = join(stateRoot, "host-keys", `rsa-${index}`);
  if (!existsSync(join(pool, "key.pub"))) {
    // made aside and renamed into place: labs coming up side by side each see a whole key pair or none
    const tmp = `${pool}.tmp-${process.pid}-${name}`;
    await mkdir(tmp, { recursive: true });
    await must(["ssh-keygen", "-q", "-t", "rsa", "-b", "3072", "-N", "", "-C", `lab-pool-${index}`, "-f", join(tmp, "key")]);
    await rename(tmp, pool).catch(() => rm(tmp, { recursive: true, force: true }));
  }
  await copyFile(join(pool, "key"), join(dir, "ssh_host_rsa_key"));
  await chmod(join(dir, "ssh_host_rsa_key"), 0o600);
  await copyFile(join(pool, "key.pub"), join(dir, "ssh_host_rsa_key.pub"));
}

export function sshdConfig(mgmt: string): string {
  return [
    "# pulumi-openbsd lab gateway sshd (real OpenSSH, management link only)",
    `ListenAddress ${mgmt}`,
    "Port 22",
    // OpenBSD's default HostKey list (sshd_config(5)), each key made as `ssh-keygen -A` makes it (hostKeys)
    "HostKey /etc/ssh/ssh_host_rsa_key",
    "HostKey /etc/ssh/ssh_host_ecdsa_key",
    "HostKey /etc/ssh/ssh_host_ed25519_key",
    "PermitRootLogin prohibit-password",
    "PubkeyAuthentication yes",
    "AuthorizedKeysFile .ssh/authorized_keys",
    "PasswordAuthentication no",
    "KbdInteractiveAuthentication no",
    "PidFile /run/sshd.pid",
    "MaxSessions 64",
    "MaxStartups 100:30:200",
    "Subsystem sftp internal-sftp",
    "",
  ].join("\n");
}

/** Prepare a gateway root: copies of /etc and a skeleton /var, OpenBSD-isms, ssh, hostname.if files, scripts. */
async function makeRoot(root: string, name: string, t: Topology, mgmt: string, clientPub: string, bundle: Emu, peers: { name: string; root: string; addresses: string[]; netns: string }[]): Promise<string> {
  const gw = t.gateways[name]!;
  await mkdir(root, { recursive: true });
  await must(["cp", "-a", "/etc", join(root, "etc")]);
  const etc = join(root, "etc");
  const group = await readFile(join(etc, "group"), "utf8");
  await writeFile(join(etc, "group"), "wheel:x:0:root\n" + group.split("\n").filter((l) => !l.startsWith("wheel:")).join("\n"));
  await rm(join(etc, "ssh"), { recursive: true, force: true });
  await mkdir(join(etc, "ssh"), { recursive: true });
  await writeFile(join(etc, "ssh", "sshd_config"), sshdConfig(mgmt));
  // accounts from the files alone, as OpenBSD has them (it has no name-service switch): the host's `systemd` source
  // makes sshd load libnss_systemd (and libm) into every connection (~0.6 ms of CPU each, measured)
  const nss = await readFile(join(etc, "nsswitch.conf"), "utf8").catch(() => undefined);
  if (nss !== undefined) await writeFile(join(etc, "nsswitch.conf"), nss.replace(/^(passwd|group|shadow|gshadow):.*$/gm, "$1:\tfiles"));
  // root: home is the gateway's own /root (bind-mounted in its mount namespace, never the host's), holding only
  // .ssh/authorized_keys; login shell /bin/ksh, as OpenBSD's root (no host dotfiles)
  const passwd = await readFile(join(etc, "passwd"), "utf8");
  await writeFile(join(etc, "passwd"), passwd.split("\n").map((l) => (l.startsWith("root:") ? "root:x:0:0:Charlie &:/root:/bin/ksh" : l)).join("\n"));
  const home = join(root, "root");
  await mkdir(join(home, ".ssh"), { recursive: true, mode: 0o700 });
  await chmod(home, 0o700);
  await chmod(join(home, ".ssh"), 0o700);
  await writeFile(join(home, ".ssh", "authorized_keys"), clientPub, { mode: 0o600 });
  await hostKeys(etc, name, Object.keys(t.gateways).indexOf(name));
  await writeFile(join(etc, "myname"), `${name}.lab.example\n`);
  await writeFile(join(etc, "hostname"), `${name}\n`);
  for (const i of gw.interfaces) await writeFile(join(etc, `hostname.${i.name}`), i.hostname.join("\n") + "\n", { mode: 0o640 });
  if (gw.mygate) await writeFile(join(etc, "mygate"), gw.mygate + "\n");
  await writeFile(join(etc, "netstart"), wrapper("netstart(8)", emuExec(bundle, `netstart "$@"`)), { mode: 0o644 });
  await writeFile(join(etc, "rc"), wrapper("rc(8)", emuExec(bundle, `rc "$@"`)), { mode: 0o644 });
  await mkdir(join(etc, "rc.d"), { recursive: true });
  for (const d of RC_D) await writeFile(join(etc, "rc.d", d), wrapper(`rc.d/${d}`, emuExec(bundle, `rcd ${d} "$@"`)), { mode: 0o555 });
  const pf = "# pf.conf written by the lab at first boot\nset skip on lo\npass\n";
  await writeFile(join(etc, "pf.conf"), pf, { mode: 0o600 });
  const v = join(root, "var");
  for (const d of ["db", "empty", "log", "tmp", "emu", "cache", "lib", "spool"]) await mkdir(join(v, d), { recursive: true });
  await chmod(join(v, "tmp"), 0o1777);
  await must(["ln", "-s", "/run", join(v, "run")]);
  const hw = await Promise.all(gw.interfaces.map(async (i) => ({ name: i.name, segment: i.segment, lladdr: "" })));
  await writeFile(join(v, "emu", "hw.json"), JSON.stringify(hw) + "\n");
  await writeFile(join(v, "emu", "lab.json"), JSON.stringify({ name, lab: "", netns: "", peers: peers.map((p) => ({ name: p.name, stateDir: join(p.root, "var", "emu"), addresses: p.addresses, netns: p.netns })) }) + "\n");
  return (await readFile(join(etc, "ssh", "ssh_host_ed25519_key.pub"), "utf8")).split(" ").slice(0, 2).join(" ");
}

function nsenterArgs(rec: LabRecord, gw: string): string[] {
  const g = rec.gateways[gw];
  const ns = rec.ns[gw];
  if (!g || !ns) throw new Error(`lab ${rec.id}: no gateway \`${gw}\`; one of ${Object.keys(rec.gateways).join(", ")}`);
  return ["nsenter", `--mount=${ns.mnt}`, `--uts=${ns.uts}`, `--net=/run/netns/${g.netns}`, "--"];
}

const trace0 = performance.now();
/** `LAB_TRACE=1` prints the time of each step on stderr. */
function trace(step: string): void {
  if (process.env.LAB_TRACE) process.stderr.write(`lab trace ${((performance.now() - trace0) / 1000).toFixed(3)} s: ${step}\n`);
}

const GW_ENV = { PATH: "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", HOME: "/root", LANG: "C", USER: "root", LOGNAME: "root" };

/** Start gateway `gw`'s resident emulator (when the lab has one) in its namespaces; records its pid. */
async function startEmud(rec: LabRecord, gw: string): Promise<void> {
  if (!rec.emu?.client || !rec.emu.server) return;
  const root = rec.gateways[gw]!.root;
  // Node's compile cache (scripts/node-env.sh), when the tests have one: the emulator bundle starts once per gateway
  const cache = process.env.NODE_COMPILE_CACHE ? { NODE_COMPILE_CACHE: process.env.NODE_COMPILE_CACHE } : {};
  const env = { ...GW_ENV, ...cache, EMU_SRC: join(here, "emu") };
  const pid = await startServer(nsenterArgs(rec, gw), process.execPath, rec.emu.server, env, join(root, "var", "log", "emud.log"));
  rec.pids.push(pid);
  rec.emud = { ...rec.emud, [gw]: pid };
  await save(rec);
}

/** Run a shell command as root inside gateway `gw` (its network, mount and UTS namespaces), without ssh. */
export async function labExec(lab: Lab, gw: string, cmd: string, stdin?: string): Promise<{ stdout: string; stderr: string; code: number }> {
  const rec = await load(lab.id);
  if (!rec) throw new Error(`lab ${lab.id}: not running`);
  return run([...nsenterArgs(rec, gw), "/bin/sh", "-c", cmd], { stdin, env: { ...GW_ENV, TERM: "dumb" } });
}

function waitPort(host: string, port: number, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  return new Promise((resolve, reject) => {
    const attempt = () => {
      const s = connect({ host, port });
      s.once("connect", () => { s.destroy(); resolve(); });
      s.once("error", () => {
        s.destroy();
        if (Date.now() > deadline) reject(new Error(`lab: ${host}:${port} not reachable`));
        else setTimeout(attempt, 20);
      });
    };
    attempt();
  });
}

/** Bring up a lab: `site-to-site`, `carp`, `gif` or `mesh-N`. Prints the time it took on stderr. */
export async function labUp(
  topology: string,
  opts: {
    prefix?: string;
    quiet?: boolean;
    /** made by the CLI */ cli?: boolean;
    /** called with the test runner's private key as soon as it exists (the lab is not up yet): work that needs only the key can start */
    onClientKey?: (privateKey: string) => void;
    /**
     * called once every gateway's SSH address and host key exist (its sshd is starting, its emulator is up, it has not
     * booted yet): work that needs only the connections (a stack's config) can start while the gateways boot
     */
    onGateways?: (gateways: Record<string, LabGateway>) => void;
  } = {},
): Promise<Lab> {
  const t0 = performance.now();
  const t = loadTopology(topology);
  // without a prefix, one unique to this process (several test processes may run labs at once)
  // LAB_PREFIX_TAG (e.g. the matrix leg's `wq`) goes before every explicit prefix: a second run of the same tests
  // (scripts/test.sh runs the matrix beside the lab and e2e projects) takes prefixes of its own
  const PREFIX = /^[a-z][a-z0-9]{0,5}$/;
  const bad = (p: string) => new Error(`lab prefix \`${p}\`: must be 1–6 lower-case letters/digits starting with a letter`);
  if (opts.prefix !== undefined && !PREFIX.test(opts.prefix)) throw bad(opts.prefix);
  const tag = process.env.LAB_PREFIX_TAG ?? "";
  const id = opts.prefix !== undefined ? `${tag}${opts.prefix}`.slice(0, 6) : `l${(process.pid % 36 ** 4).toString(36)}`;
  if (!PREFIX.test(id)) throw bad(id);
  await ensureTools();
  const dir = join(stateRoot, id);
  await mkdir(stateRoot, { recursive: true });
  // atomic across processes: collect stale labs, claim the prefix, choose the management /24 and write the record
  // (which holds both) under one lock
  const rec = await withLock(lockFile, async () => {
    await collectStale();
    const other = await load(id);
    if (other) {
      const who = other.cli ? "`npm run lab:up`" : `pid ${other.ownerPid ?? "?"}${other.ownerPid === process.pid ? " (this process)" : ""}`;
      throw new Error(`lab prefix \`${id}\`: already in use by a running lab (${other.topology}, made by ${who} at ${other.created}); choose another prefix, or take it down first with labDown("${id}") or \`npm run lab:down -- ${id}\``);
    }
    const mgmtNet = await pickMgmtNet();
    // test hook: widen the window between choosing the /24 and recording it (test/lab/concurrent.test.ts)
    if (process.env.LAB_RESERVE_HOLD_MS) await new Promise((res) => setTimeout(res, Number(process.env.LAB_RESERVE_HOLD_MS)));
    const r: LabRecord = {
      id, topology, stateFile: stateFileOf(id), gateways: {}, created: new Date().toISOString(), mgmtNet,
      netns: [], rootLinks: [], pids: [], nsFiles: [], dirs: [dir], hosts: {}, ns: {},
      ownerPid: process.pid, ownerStart: procStart(process.pid), ...(opts.cli ? { cli: true } : {}), ...(opts.prefix ? {} : { autoPrefix: true }),
    };
    await save(r);
    return r;
  });
  try {
    await rm(dir, { recursive: true, force: true });
    await mkdir(dir, { recursive: true });
    // gateway roots on a tmpfs: copying /etc per gateway on the disk costs seconds, on tmpfs milliseconds
    await must(["mount", "-t", "tmpfs", "-o", "size=4g,mode=0755", `obsdlab-${id}`, dir]);
    rec.mounts = [dir];
    await save(rec);
    // client key of the test runner (ECDSA: lab-sshd.ts)
    const keyPath = join(dir, LAB_CLIENT_KEY.file);
    await must(["ssh-keygen", "-q", "-t", LAB_CLIENT_KEY.type, "-b", LAB_CLIENT_KEY.bits, "-N", "", "-C", `lab-${id}-runner`, "-f", keyPath]);
    const privateKey = await readFile(keyPath, "utf8");
    opts.onClientKey?.(privateKey);
    const clientPub = await readFile(keyPath + ".pub", "utf8");
    const bundle: Emu = await bundleEmulator(dir);
    // LAB_EMU=oneshot: one node process per command, as before the resident emulator (to compare)
    if (bundle.server && process.env.LAB_EMU !== "oneshot") bundle.client = await buildClient(join(here, "emu", "client.c"), stateRoot, dir);
    rec.emu = bundle;
    await writeWrappers(dir, bundle);

    trace("keys+bundle");
    // namespaces and links
    const hub = `${id}-hub`;
    const names = Object.keys(t.gateways);
    const nsNames = [hub, ...names.map((g) => `${id}-${g}`), ...Object.keys(t.hosts).map((h) => `${id}-${h}`), ...Object.keys(t.nats ?? {}).map((n) => `${id}-${n}`)];
    rec.netns.push(...nsNames);
    await save(rec);
    await ipBatch(nsNames.map((n) => `netns add ${n}`));
    const hubCmds = ["link set lo up"];
    for (const [seg, s] of Object.entries(t.segments)) {
      hubCmds.push(`link add br-${seg} type bridge`, `link set br-${seg} up`);
      for (const r of s.routers ?? []) hubCmds.push(`addr add ${r} dev br-${seg}`);
    }
    await ipBatch(hubCmds, hub);
    await must(["ip", "netns", "exec", hub, "sh", "-c", "echo 1 > /proc/sys/net/ipv4/ip_forward; echo 1 > /proc/sys/net/ipv6/conf/all/forwarding"]);
    const rootCmds: string[] = [];
    const mgmtAddr = (i: number) => ({ root: `169.254.${rec.mgmtNet}.${2 * i}`, gw: `169.254.${rec.mgmtNet}.${2 * i + 1}` });
    names.forEach((g, i) => {
      const ns = `${id}-${g}`;
      let p = 0;
      for (const ifc of t.gateways[g]!.interfaces) {
        const peer = `g${i}p${p++}`;
        rootCmds.push(`link add ${ifc.name} netns ${ns} type veth peer name ${peer} netns ${hub}`);
      }
      const m = mgmtAddr(i + 1);
      const link = `${id}m${i + 1}`;
      rec.rootLinks.push(link);
      rootCmds.push(`link add ${link} type veth peer name mgmt0 netns ${ns}`, `addr add ${m.root}/31 dev ${link}`, `link set ${link} up`);
    });
    Object.entries(t.hosts).forEach(([h], i) => rootCmds.push(`link add eth0 netns ${id}-${h} type veth peer name h${i} netns ${hub}`));
    await save(rec);
    await ipBatch(rootCmds);
    const hubLinks: string[] = [];
    names.forEach((g, i) => t.gateways[g]!.interfaces.forEach((ifc, p) => hubLinks.push(`link set g${i}p${p} master br-${ifc.segment} up`)));
    Object.values(t.hosts).forEach((h, i) => hubLinks.push(`link set h${i} master br-${h.segment} up`));
    await ipBatch(hubLinks, hub);
    await Promise.all(Object.entries(t.hosts).map(async ([h, host]) => {
      const ns = `${id}-${h}`;
      await ipBatch(["link set lo up", "link set eth0 up", `addr add ${host.address} dev eth0`, ...(host.gateway ? [`route add default via ${host.gateway}`] : [])], ns);
      rec.hosts[h] = { netns: ns, address: host.address.split("/")[0]! };
    }));

    Object.assign(rec.hosts, await natRouters(t, id, hub));

    trace("links");
    // gateway roots, mount namespaces, sshd
    // handles on this lab's gateway netns, bind-mounted once, shown to every gateway as its /run/netns
    await mkdir(join(dir, "netns"), { recursive: true });
    await must(["sh", "-c", names.map((o) => `touch ${dir}/netns/${id}-${o} && mount --bind /run/netns/${id}-${o} ${dir}/netns/${id}-${o}`).join(" && ")]);
    rec.mounts = [join(dir, "netns"), ...(rec.mounts ?? [])];
    await save(rec);
    await mkdir(nsDir, { recursive: true });
    if (!(await run(["mountpoint", "-q", nsDir])).code) { /* already a mount point */ } else {
      await must(["mount", "--bind", nsDir, nsDir]);
    }
    await must(["mount", "--make-private", nsDir]);
    const tools = labToolsDir();
    const staticAddrs = (g: string) => t.gateways[g]!.interfaces.flatMap((i) => i.hostname.map((l) => /^inet6?\s+(?:alias\s+)?([0-9a-fA-F:.]+)/.exec(l)?.[1]).filter((x): x is string => !!x));
    await pmap(names, 8, async (g, i) => {
      const ns = `${id}-${g}`;
      const root = join(dir, g);
      const m = mgmtAddr(i + 1);
      const peers = names.filter((o) => o !== g).map((o) => ({ name: o, root: join(dir, o), addresses: staticAddrs(o), netns: `${id}-${o}` }));
      const hostKey = await makeRoot(root, g, t, m.gw, clientPub, bundle, peers);
      // hardware: real MACs of the veths
      const links = JSON.parse(await must(["ip", "-n", ns, "-j", "link", "show"])) as { ifname: string; address: string }[];
      const hw = t.gateways[g]!.interfaces.map((ifc) => ({ name: ifc.name, segment: ifc.segment, lladdr: links.find((l) => l.ifname === ifc.name)?.address ?? "" }));
      await writeFile(join(root, "var", "emu", "hw.json"), JSON.stringify(hw) + "\n");
      const lab = JSON.parse(await readFile(join(root, "var", "emu", "lab.json"), "utf8")) as { lab: string; netns: string };
      lab.lab = id;
      lab.netns = ns;
      await writeFile(join(root, "var", "emu", "lab.json"), JSON.stringify(lab) + "\n");
      await ipBatch(["link set lo up", `addr add ${m.gw}/31 dev mgmt0`, "link set mgmt0 up"], ns);
      const mnt = join(nsDir, `${id}-${g}.mnt`);
      const uts = join(nsDir, `${id}-${g}.uts`);
      // a namespace file still mounted by a lab of this prefix that died half-way up (the prefix is this lab's now)
      for (const f of [mnt, uts]) if (existsSync(f)) { await run(["umount", f]); await rm(f, { force: true }); }
      await writeFile(mnt, "");
      await writeFile(uts, "");
      rec.nsFiles.push(mnt, uts);
      rec.ns[g] = { mnt, uts };
      // recorded before the namespaces exist: a setup that fails from here on is still taken down by labDown
      await save(rec);
      const setup = [
        "set -e",
        `hostname ${g}`,
        // the emulated commands over /usr/sbin and /usr/bin, then the static base tools (lab-tools.ts), then the
        // machine's: first, while the paths they come from are still the machine's (the cache may be under /root or /tmp)
        `mount -t overlay overlay -o lowerdir=${dir}/sbin:/usr/sbin /usr/sbin`,
        `mount -t overlay overlay -o lowerdir=${[`${dir}/bin`, ...(tools ? [tools] : []), "/usr/bin"].join(":")} /usr/bin`,
        `mount --bind ${root}/etc /etc`,
        `mount --bind ${root}/var /var`,
        `mount --bind ${root}/root /root`,
        // the gateway's own /usr/local/sbin: where the emulated pkg_add installs (emu/packages.ts)
        `mkdir -p ${root}/usr-local-sbin /usr/local/sbin`,
        `mount --bind ${root}/usr-local-sbin /usr/local/sbin`,
        // keep the lab's netns handles visible under the private /run (carp moves addresses between peers)
        // only this lab's gateways (${dir}/netns): a handle on another lab's netns would keep it alive after that lab's labDown
        `mkdir -p ${dir}/.netns-${g}`,
        `mount --rbind ${dir}/netns ${dir}/.netns-${g}`,
        "mount -t tmpfs -o mode=0755 tmpfs /run",
        // the gateway's own /tmp (private-tmp.ts), the lab's files and Node kept at their paths
        ...privateTmpLines([repo, stateRoot, process.execPath]),
        "mkdir -p /run/sshd /run/rc.d /run/netns",
        `mount --move ${dir}/.netns-${g} /run/netns`,
      ].join("\n");
      await must(["unshare", `--mount=${mnt}`, `--uts=${uts}`, "--propagation", "private", "/bin/sh", "-c", setup]);
      rec.gateways[g] = { name: g, host: m.gw, port: 22, user: "root", privateKeyPath: keyPath, privateKey, hostKey, netns: ns, root };
      await save(rec);
      await startEmud(rec, g);
      const sshd = spawn(nsenterArgs(rec, g)[0]!, [...nsenterArgs(rec, g).slice(1), "/usr/sbin/sshd", "-D", "-f", "/etc/ssh/sshd_config", ...labSshdArgs()], { detached: true, stdio: "ignore", env: GW_ENV });
      sshd.unref();
      if (sshd.pid) rec.pids.push(sshd.pid);
      await save(rec);
    });

    trace("roots+sshd");
    rec.gateways = Object.fromEntries(names.map((g) => [g, rec.gateways[g]!]));
    opts.onGateways?.(rec.gateways);
    // boot every gateway: /etc/rc order from the files on disk
    await pmap(names, 8, async (g) => {
      const r = await labExec(rec, g, "sh /etc/rc");
      if (r.code !== 0) throw new Error(`lab: boot of ${g} failed (${r.code}): ${r.stderr.trim()}`);
    });
    trace("boot");
    await Promise.all(names.map((g) => waitPort(rec.gateways[g]!.host, 22, 10_000)));
    await save(rec);
  } catch (e) {
    await labDown(rec).catch(() => undefined);
    throw e;
  }
  const ms = performance.now() - t0;
  if (!opts.quiet) process.stderr.write(`lab ${id}: ${topology} up in ${(ms / 1000).toFixed(2)} s (${Object.keys(rec.gateways).length} gateways)\n`);
  return { id: rec.id, topology: rec.topology, gateways: rec.gateways, stateFile: rec.stateFile, hosts: rec.hosts };
}

/** Reboot gateway `gw`: forget its kernel/daemon state and replay /etc/rc from the files on disk. */
export async function labReboot(lab: Lab, gw: string): Promise<void> {
  const rec = await load(lab.id);
  if (!rec) throw new Error(`lab ${lab.id}: not running`);
  if (!rec.gateways[gw]) throw new Error(`lab ${lab.id}: no gateway \`${gw}\`; one of ${Object.keys(rec.gateways).join(", ")}`);
  // a reboot ends every process of the emulated OpenBSD: the resident emulator starts afresh (lab sshd stays)
  if (rec.emud?.[gw]) {
    await stopServer(rec.emud[gw]);
    rec.pids = rec.pids.filter((p) => p !== rec.emud![gw]);
    await startEmud(rec, gw);
  }
  const r = await labExec(lab, gw, "sh /etc/rc reboot");
  if (r.code !== 0) throw new Error(`lab: reboot of ${gw} failed (${r.code}): ${r.stderr.trim()}`);
}

/** Labs recorded in `.state/lab/`. */
export async function labList(): Promise<string[]> {
  if (!existsSync(stateRoot)) return [];
  return (await readdir(stateRoot)).filter((f) => f.endsWith(".json")).map((f) => f.slice(0, -5));
}

/**
 * Tear down a lab (by object or id). Idempotent; removes only what the lab recorded. Without an argument (what
 * `npm run lab:down` does): the labs made by `npm run lab:up`, and labs with a per-process prefix whose process is
 * gone; labs that tests or scripts made with an explicit prefix are left to them (name one to take it down).
 */
export async function labDown(lab?: Lab | string): Promise<void> {
  if (lab === undefined) {
    for (const id of await labList()) {
      const r = await load(id);
      if (!r || r.cli || !recordAlive(r)) await labDown(id);
      else process.stderr.write(`lab ${id}: left up (owned by running pid ${r.ownerPid ?? "?"}); \`npm run lab:down -- ${id}\` takes it down\n`);
    }
    return;
  }
  const id = typeof lab === "string" ? lab : lab.id;
  await teardown(id);
  if (await nsDirUnused()) await withLock(lockFile, removeNsDir);
}

/** {@link labDown} of one lab by a caller that holds the labs' lock. */
async function labDownLocked(id: string): Promise<void> {
  await teardown(id);
  await removeNsDir();
}

async function nsDirUnused(): Promise<boolean> {
  return (await labList()).length === 0 && existsSync(nsDir) && (await readdir(nsDir)).length === 0;
}

/** Unmount and remove /run/obsdlab once no lab uses it (under the lock: a labUp may be about to use it). */
async function removeNsDir(): Promise<void> {
  if (!(await nsDirUnused())) return;
  // Another process may still hold the bind mount (a namespace being torn down concurrently): then the
  // empty directory stays for the next lab to reuse, which is harmless; tidying must never fail a teardown.
  if ((await run(["umount", nsDir])).code !== 0) return;
  await rm(nsDir, { recursive: true, force: true }).catch(() => undefined);
}

/** Remove everything lab `id` recorded, then its record. */
async function teardown(id: string): Promise<void> {
  const rec = await load(id);
  if (!rec) return;
  // processes: those recorded, then whatever still runs inside the lab's namespaces (sessions, tunnel helpers)
  const pids = new Set(rec.pids);
  for (const ns of rec.netns) {
    const r = await run(["ip", "netns", "pids", ns]);
    for (const p of r.stdout.split(/\s+/).filter(Boolean)) pids.add(Number(p));
  }
  trace("down: pids");
  for (const p of pids) { try { process.kill(p, "SIGKILL"); } catch { /* gone */ } }
  const alive = (p: number) => {
    try {
      return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${p}/stat`, "utf8"));
    } catch {
      return false;
    }
  };
  for (let i = 0; i < 200 && [...pids].some(alive); i++) await new Promise((r) => setTimeout(r, 10));
  trace("down: killed");
  const handles = (rec.mounts ?? []).filter((m) => m.endsWith("/netns"));
  for (const m of handles) await run(["umount", "-R", m]);
  const existing = new Set((await run(["ip", "netns", "list"])).stdout.split("\n").map((l) => l.split(" ")[0]));
  await ipBatch(rec.netns.filter((n) => existing.has(n)).map((n) => `netns del ${n}`)).catch(() => undefined);
  trace("down: netns");
  for (const l of rec.rootLinks) await run(["ip", "link", "del", l]);
  trace("down: links");
  for (const f of rec.nsFiles) {
    await run(["umount", f]);
    await rm(f, { force: true });
  }
  for (const m of rec.mounts ?? []) {
    if ((await run(["umount", "-R", m])).code !== 0) await run(["umount", "-l", "-R", m]);
  }
  trace("down: mounts");
  for (const d of rec.dirs) await rm(d, { recursive: true, force: true });
  await rm(rec.stateFile, { force: true });
}

/** Run a shell command on one of the lab's plain hosts (`h1`, the host on gw1's internal network). */
export async function labHostExec(lab: Lab, host: string, cmd: string): Promise<{ stdout: string; stderr: string; code: number }> {
  const rec = await load(lab.id);
  const h = rec?.hosts[host];
  if (!rec || !h) throw new Error(`lab ${lab.id}: no host \`${host}\`; one of ${Object.keys(rec?.hosts ?? {}).join(", ")}`);
  return run(["ip", "netns", "exec", h.netns, "/bin/sh", "-c", cmd], { env: { ...GW_ENV } });
}

/** Copy a file into a gateway's root (tests). */
export async function labPut(lab: Lab, gw: string, path: string, content: string, mode = 0o644): Promise<void> {
  const g = lab.gateways[gw];
  if (!g) throw new Error(`lab ${lab.id}: no gateway \`${gw}\``);
  const p = join(g.root, path);
  await mkdir(dirname(p), { recursive: true });
  await writeFile(p, content, { mode });
  await chmod(p, mode);
}

