/**
 * TEST DOUBLE — OpenBSD rcctl(8) emulated for the pulumi-openbsd lab (reference/openbsd.md A.9, B.5).
 * Edits /etc/rc.conf.local of the gateway exactly as rcctl.sh does (sorted, deleted when empty) and runs the
 * emulated /etc/rc.d scripts for start/stop/…
 */
import type { Command, Io } from "../command";
import {
  DAEMON_DEFAULTS, SPECIALS, VARIABLES, effective, enabled, isBase, isService, localValue, rcdDefault, rcdScripts, readLocal, withPkgScript, writeLocal,
  type Variable,
} from "../rcconf";
import { serviceRunning } from "../state";
import { rcAction, type RcAction } from "./rcd";

const USAGE = `usage:	rcctl get|getdef|set service | daemon [variable [argument ...]]
	rcctl [-df] check|configtest|reload|restart|start|stop daemon ...
	rcctl disable|enable|order [daemon ...]
	rcctl ls all|failed|off|on|rogue|started|stopped
`;

class Fail extends Error {
  constructor(msg: string, readonly code = 1) { super(msg); }
}

async function needService(svc: string | undefined): Promise<string> {
  if (!svc) throw new Fail(USAGE.trimEnd());
  if (!(await isService(svc))) throw new Fail(`rcctl: service ${svc} does not exist`, 2);
  return svc;
}

function needVar(v: string): Variable {
  if (!(VARIABLES as readonly string[]).includes(v) && v !== "status") throw new Fail(`rcctl: ${v}: unknown variable`);
  return v as Variable;
}

/** `rcctl enable|disable SVC` (= set SVC status on|off). */
async function setStatus(svc: string, on: boolean): Promise<void> {
  const lines = await readLocal();
  if (svc in SPECIALS) {
    const keep = lines.filter((l) => !l.startsWith(`${svc}=`));
    const def = SPECIALS[svc]!;
    if (on && def === "NO") keep.push(`${svc}=YES`);
    if (!on && def === "YES") keep.push(`${svc}=NO`);
    await writeLocal(keep);
    return;
  }
  if (!isBase(svc)) {
    // a package daemon: listed in pkg_scripts, flags kept (rcctl.sh svc_set status on/off)
    if (on) {
      const keep = withPkgScript(lines, svc, true);
      if (localValue(keep, `${svc}_flags`) === undefined || localValue(keep, `${svc}_flags`) === "NO") {
        await writeLocal([...keep.filter((l) => !l.startsWith(`${svc}_flags=`)), `${svc}_flags=`]);
      } else await writeLocal(keep);
    } else await writeLocal(withPkgScript(lines, svc, false).filter((l) => !l.startsWith(`${svc}_`)));
    return;
  }
  if (on) {
    if (enabled(lines, svc)) return;
    const keep = lines.filter((l) => !l.startsWith(`${svc}_flags=`));
    if ((DAEMON_DEFAULTS[svc] ?? "NO") === "NO") keep.push(`${svc}_flags=`);
    await writeLocal(keep);
  } else {
    const keep = lines.filter((l) => !l.startsWith(`${svc}_`));
    if ((DAEMON_DEFAULTS[svc] ?? "NO") !== "NO") keep.push(`${svc}_flags=NO`);
    await writeLocal(keep);
  }
}

async function get(io: Io, svc: string, v: string | undefined, def: boolean): Promise<number> {
  const lines = await readLocal();
  if (svc in SPECIALS) {
    const val = def ? SPECIALS[svc]! : (localValue(lines, svc) ?? SPECIALS[svc]!);
    if (v === undefined) io.out(`${svc}=${val}\n`);
    else if (v === "status") { /* exit status only */ } else if (v === "flags") io.out(`${val}\n`);
    else throw new Fail(`rcctl: "${svc}" is a special variable, cannot "get" "${v}"`);
    return val === "NO" ? 1 : 0;
  }
  const value = (x: Variable) => (def ? (x === "flags" ? (DAEMON_DEFAULTS[svc] === "NO" ? "" : rcdDefault(svc, x)) : rcdDefault(svc, x)) : effective(lines, svc, x));
  const on = def ? true : enabled(lines, svc);
  if (v === undefined) {
    for (const x of VARIABLES) io.out(`${svc}_${x}=${value(x)}\n`);
    return on ? 0 : 1;
  }
  const x = needVar(v);
  if (v === "status") return on ? 0 : 1;
  const val = value(x);
  if (val !== "") io.out(`${val}\n`);
  return x === "flags" && val === "NO" ? 1 : 0;
}

async function set(svc: string, v: string | undefined, args: string[]): Promise<void> {
  if (!v) throw new Fail(USAGE.trimEnd());
  if (v === "status") {
    if (args[0] !== "on" && args[0] !== "off") throw new Fail(USAGE.trimEnd());
    await setStatus(svc, args[0] === "on");
    return;
  }
  const x = needVar(v);
  if (svc in SPECIALS) throw new Fail(`rcctl: "${svc}" is a special variable, cannot "set ${x}"`);
  if (x === "class") throw new Fail(`rcctl: "${svc}_class" is a read-only variable set in login.conf(5)`);
  const val = args.join(" ");
  let lines = await readLocal();
  if (x === "flags" && val === "NO") throw new Fail(`rcctl: "flags NO" contradicts "set"`);
  if (!enabled(lines, svc)) throw new Fail(`rcctl: ${svc} is not enabled`);
  lines = lines.filter((l) => !l.startsWith(`${svc}_${x}=`));
  if (x === "flags") {
    // flags equal to the rc.d default are stored empty; on-by-default daemons need no line at all
    const stored = val === rcdDefault(svc, "flags") ? "" : val;
    if (stored !== "" || (DAEMON_DEFAULTS[svc] ?? "NO") === "NO") lines.push(`${svc}_flags=${stored}`);
  } else if (val !== rcdDefault(svc, x)) {
    lines.push(`${svc}_${x}=${val}`);
  }
  await writeLocal(lines);
}

async function ls(io: Io, what: string | undefined): Promise<number> {
  const lines = await readLocal();
  const daemons = await rcdScripts();
  const all = [...new Set([...daemons, ...Object.keys(SPECIALS)])].sort();
  let list: string[];
  switch (what) {
    case "all": list = all; break;
    case "on": list = all.filter((s) => enabled(lines, s)); break;
    case "off": list = all.filter((s) => !enabled(lines, s)); break;
    case "started": list = []; for (const d of daemons) if (await serviceRunning(d)) list.push(d); break;
    case "stopped": list = []; for (const d of daemons) if (!(await serviceRunning(d))) list.push(d); break;
    case "failed": list = []; for (const d of daemons) if (enabled(lines, d) && !(await serviceRunning(d))) list.push(d); break;
    case "rogue": list = []; for (const d of daemons) if (!enabled(lines, d) && (await serviceRunning(d))) list.push(d); break;
    default: throw new Fail(USAGE.trimEnd());
  }
  for (const s of list) io.out(s + "\n");
  return (what === "failed" || what === "rogue") && list.length ? 1 : 0;
}

const rcctl: Command = async (io) => {
  const argv = [...io.argv];
  const opts = { force: false, quiet: false };
  while (argv[0]?.startsWith("-")) {
    const o = argv.shift()!;
    if (o === "-f") opts.force = true;
    else if (o === "-q") opts.quiet = true;
    else if (o === "-d") { /* debug */ } else { io.err(USAGE); return 1; }
  }
  const [verb, ...rest] = argv;
  try {
    switch (verb) {
      case "get": case "getdef": {
        const svc = await needService(rest[0]);
        if (rest.length > 2) throw new Fail(USAGE.trimEnd());
        return await get(io, svc, rest[1], verb === "getdef");
      }
      case "set": {
        const svc = await needService(rest[0]);
        await set(svc, rest[1], rest.slice(2));
        return 0;
      }
      case "enable": case "disable": {
        if (!rest.length) throw new Fail(USAGE.trimEnd());
        for (const s of rest) await setStatus(await needService(s), verb === "enable");
        return 0;
      }
      case "order": return 0;
      case "ls": return await ls(io, rest[0]);
      case "start": case "stop": case "restart": case "reload": case "check": case "configtest": {
        if (!rest.length) throw new Fail(USAGE.trimEnd());
        let status = 0;
        for (const s of rest) {
          const svc = await needService(s);
          if (svc in SPECIALS) throw new Fail(`rcctl: "${svc}" is a special variable, no rc.d(8) script`);
          const r = await rcAction(io, svc, verb as RcAction, opts);
          if (r !== 0) status = r;
        }
        return status;
      }
      default:
        io.err(USAGE);
        return 1;
    }
  } catch (e) {
    if (e instanceof Fail) {
      io.err(e.message + "\n");
      return e.code;
    }
    throw e;
  }
};

export default rcctl;
