/**
 * TEST DOUBLE — emulated ipsecctl(8) of the lab (not OpenBSD's ipsecctl).
 *
 * Parsing and `-nv` printing are the pure printer test/lab/emu/ipsecctl-nv.ts (golden-tested); this front-end
 * adds what ipsecctl does around it (ipsecctl.c 1.88, parse.y pushfile/check_file_secrecy, ike.c):
 * - the secrecy check of the top-level file, also under `-n` (`FILE: group writable or world read/writable`,
 *   `FILE: owner not root or current user`); `-f -` reads stdin as `stdin` without the check;
 * - `-f` is additive: flows and SAs go to the emulated kernel (ipsec-kernel.ts; re-adding an existing SA is
 *   silently kept, EEXIST), ike rules are written as isakmpd's FIFO stream to the running isakmpd's
 *   configuration database (ike-db.ts); with no isakmpd running, or `-i` another FIFO, they meet the FIFO on disk
 *   as OpenBSD leaves it (ike-fifo.ts): missing (`ike_ipsec_establish: open(/var/run/isakmpd.fifo): No such file or
 *   directory`), left behind by an isakmpd that stopped (the open waits for good), or read by someone (written);
 * - `-d -f` deletes what the file describes (ESRCH for a missing flow/SA: `PF_KEY failed: No such process`,
 *   `failed to delete rule N`; ike rules send `t`, `C rmv`, `C rms`);
 * - `-F` flushes the kernel's flows and SAs (isakmpd's negotiated tunnels come back: it renegotiates);
 * - `-s flow|sa|all` prints the kernel view in the exact B.2 format: manual entries plus the tunnels the IKE
 *   daemons of this gateway and its peers agree on (ike-agree.ts).
 * Order of work as in main(): flush, rules, show. `-D` macros and `include` files are passed to the printer;
 * `-c`, `-k`, `-m` are refused as not emulated.
 */
import { readFileSync } from "node:fs";
import { stat } from "node:fs/promises";
import type { Command, Io } from "../command";
import { argPath, readArgFile } from "../command";
import { gatewayName, interfaces, withState } from "../state";
import { getopt, lookupOption } from "../ipsec-getopt";
import { emptyKernel, flowKey, saKey, showIpsec, type IpsecKernel } from "../ipsec-kernel";
import { commitRules, type CommitRule } from "../ipsec-rules";
import { applyFifo, deleteStreamFor } from "../ike-db";
import { kernelView, withIsakmpdDb } from "../ike-state";
import { ISAKMPD_FIFO, writeIkeFifo } from "../ike-fifo";
import { ipsecctlNv } from "../ipsecctl-nv";
import { formatSa, parseIpsecConfDetailed, sasOfSaRule, sasOfTcpMd5Rule, type Sa } from "../../../../sdk/model/ipsec";

const USAGE = "usage: ipsecctl [-cdFkmnv] [-D macro=value] [-f file] [-i fifo] [-s modifier]\n";
const SHOW = ["flow", "sa", "all"] as const;
const NOT_EMULATED = "cm";

function usage(io: Io): number {
  io.err(USAGE);
  return 1;
}

const ipsecctl: Command = async (io) => {
  if (io.argv.length < 1) return usage(io);
  const g = getopt("ipsecctl", io.argv, "cD:df:Fi:kmnvs:");
  if (!g.ok) {
    io.err(g.error);
    return usage(io);
  }
  let del = false, flush = false, noaction = false, showKeys = false, verbose = 0;
  let file: string | undefined;
  let fifo = ISAKMPD_FIFO;
  let show: (typeof SHOW)[number] | undefined;
  const defines: Record<string, string> = {};
  for (const o of g.opts) {
    switch (o.ch) {
      case "D": {
        const eq = o.arg!.indexOf("=");
        if (eq <= 0) io.err(`ipsecctl: could not parse macro definition ${o.arg}\n`);
        else defines[o.arg!.slice(0, eq)] = o.arg!.slice(eq + 1);
        break;
      }
      case "d": del = true; break;
      case "f": file = o.arg!; break;
      case "F": flush = true; break;
      case "i": fifo = o.arg!; break;
      case "n": noaction = true; break;
      case "k": showKeys = true; break;
      case "v": verbose++; break;
      case "s": {
        const r = lookupOption(o.arg!, SHOW);
        if (!r.item) {
          io.err(`ipsecctl: Unknown show modifier '${o.arg}'\n`);
          return usage(io);
        }
        show = r.item as (typeof SHOW)[number];
        break;
      }
      default:
        if (NOT_EMULATED.includes(o.ch)) {
          io.err(`ipsecctl: emulator: option -${o.ch} is not emulated by the lab\n`);
          return 1;
        }
        return usage(io);
    }
  }
  if (g.rest.length) {
    io.err(`ipsecctl: unknown command line argument: ${g.rest[0]} ...\n`);
    return usage(io);
  }
  let error = 0;
  if (flush && !noaction) {
    await withState<IpsecKernel>("ipsec", emptyKernel, () => emptyKernel());
  }
  // the lab's kernel keeps no keys to show (`-s sa -k`)
  if (showKeys && show) {
    io.err("ipsecctl: emulator: option -k with -s is not emulated by the lab\n");
    return 1;
  }
  if (file !== undefined && (await rules(io, file, { del, noaction, verbose, fifo, defines, showKeys })) !== 0) error = 1;
  if (show) {
    const k = await kernelView(gatewayName());
    io.out(showIpsec(show, k.flows, k.sas, verbose > 0));
  }
  return error;
};

/** parse.y pushfile(name, 1): open and secrecy check; the warning lines on failure. */
async function openSecret(io: Io, file: string): Promise<{ text: string; name: string } | string> {
  if (file === "-") return { text: await io.stdin(), name: "stdin" };
  try {
    const st = await stat(argPath(io, file));
    if (st.isDirectory()) return `ipsecctl: ${file}: Is a directory\n`;
    const uid = process.getuid?.() ?? 0;
    if (st.uid !== 0 && st.uid !== uid) return `ipsecctl: ${file}: owner not root or current user\n`;
    if (st.mode & 0o037) return `ipsecctl: ${file}: group writable or world read/writable\n`;
    return { text: await readArgFile(io, file), name: file };
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return `ipsecctl: ${file}: ${code === "ENOENT" ? "No such file or directory" : code === "EACCES" ? "Permission denied" : String(code)}\n`;
  }
}

async function rules(io: Io, file: string, o: { del: boolean; noaction: boolean; verbose: number; fifo: string; defines: Record<string, string>; showKeys: boolean }): Promise<number> {
  const src = await openSecret(io, file);
  if (typeof src === "string") {
    io.err(src);
    io.err("ipsecctl: Syntax error in config file: ipsec rules not loaded\n");
    return 1;
  }
  const nv = ipsecctlNv;
  const popts = {
    hostname: gatewayName(),
    interfaces: await interfaces(),
    defines: o.defines,
    showKeys: o.showKeys,
    include: (path: string) => {
      try {
        return readFileSync(argPath(io, path), "utf8");
      } catch {
        return undefined;
      }
    },
  };
  const full = nv(src.text, src.name, { ...popts, verbose: true });
  if (full.rc !== 0) {
    const shown = o.verbose ? full : nv(src.text, src.name, { ...popts, verbose: false });
    io.out(shown.stdout);
    io.err(shown.stderr);
    return full.rc;
  }
  const list = commitRules(full.stdout);
  // the kernel names SAs by algorithm and key length (`enc aes` with a 256-bit key is `aes-256`, B.2)
  const kernelSas = sasOf(src.text, src.name, popts);
  const saLines = list.filter((r) => r.kind === "sa");
  const kernelLine = new Map<CommitRule, string>();
  if (kernelSas.length === saLines.length) saLines.forEach((r, i) => kernelLine.set(r, formatSa(kernelSas[i]!)));
  if (o.verbose) {
    if (!o.del) io.out(full.stdout);
    else {
      // -d -v prints the rules with each ike rule's delete stream (ike_print_config → ike_delete_config)
      for (const line of full.stdout.split("\n")) if (line && !/^(C |t )/.test(line) && !flowKeyOrSa(line)) io.out(line + "\n");
      for (const r of list) io.out(r.kind === "ike" ? deleteStreamFor(r.stream).map((l) => l + "\n").join("") : r.line + "\n");
    }
  }
  if (o.noaction) {
    if (o.verbose) io.err(full.stderr);
    return 0;
  }
  // ipsecctl_commit: rule by rule, in order
  io.err(full.stderr);
  let ret = 0;
  for (const r of list) {
    switch (r.kind) {
      case "flow":
      case "sa": {
        const failed = await pfkey(r.kind, kernelLine.get(r) ?? r.line, o.del);
        if (failed) {
          io.err(failed);
          io.err(`ipsecctl: failed to ${o.del ? "delete" : "add"} rule ${r.nr}\n`);
          ret = 2;
        }
        break;
      }
      case "ike": {
        const stream = o.del ? deleteStreamFor(r.stream) : r.stream;
        // the running isakmpd takes the lines; with none, what OpenBSD's FIFO on disk does (ike-fifo.ts)
        const taken = o.fifo === ISAKMPD_FIFO && (await withIsakmpdDb((db) => applyFifo(db, stream)));
        const failed = taken ? undefined : await writeIkeFifo(io, o.fifo, stream);
        if (failed) {
          io.err(`ipsecctl: ${failed}\n`);
          return 1;
        }
        if (!o.del && !r.complete) {
          io.err(`ipsecctl: failed to add ike rule ${r.nr}\n`);
          ret = 2;
        }
        break;
      }
      default: {
        const never: never = r;
        throw new Error(`unreachable ${String(never)}`);
      }
    }
  }
  return ret === 0 ? 0 : 1;
}

/** The SAs the file's manual SA and tcpmd5 rules install, in order, with kernel algorithm names. */
function sasOf(text: string, file: string, opts: { include: (p: string) => string | undefined; defines: Record<string, string> }): Sa[] {
  return parseIpsecConfDetailed(text, file, opts).flatMap((item) => {
    if (item.kind !== "rule") return [];
    const st = item.statement;
    return st.type === "sa" ? sasOfSaRule(st) : st.type === "tcpmd5" ? sasOfTcpMd5Rule(st) : [];
  });
}

function flowKeyOrSa(line: string): boolean {
  return line.startsWith("flow ") || saKey(line) !== undefined;
}

/** One PF_KEY add/delete against the emulated kernel; the warning text on failure (pfkey.c pfkey_reply). */
async function pfkey(kind: "flow" | "sa", line: string, del: boolean): Promise<string | undefined> {
  let missing = false;
  await withState<IpsecKernel>("ipsec", emptyKernel, (k) => {
    if (kind === "flow") {
      const key = flowKey(line);
      const i = k.flows.findIndex((f) => f.key === key);
      if (del) {
        if (i < 0) missing = true;
        else k.flows.splice(i, 1);
      } else if (i >= 0) k.flows[i] = { line, key };
      else k.flows.push({ line, key });
    } else {
      const id = saKey(line)!;
      const i = k.sas.findIndex((s) => s.key === id.key);
      if (del) {
        if (i < 0) missing = true;
        else k.sas.splice(i, 1);
      } else if (i < 0) k.sas.push({ line, key: id.key, spi: id.spi });
      // SADB_ADD of an existing SA: EEXIST, which ipsecctl ignores
    }
    return k;
  });
  return missing ? "ipsecctl: PF_KEY failed: No such process\n" : undefined;
}

export default ipsecctl;
