/**
 * TEST DOUBLE — emulated iked(8) of the lab (no IKEv2 packet is ever sent).
 *
 * `iked [-dnSTtv] [-D macro=value] [-f file] [-p udpencap_port] [-s socket]` (default /etc/iked.conf).
 * The configuration check and its output (all on stderr, `configuration OK`) are the pure printer
 * test/lab/emu/iked-n.ts (golden-tested), including the secrecy check (`iked: FILE: group writable or world
 * read/writable`); this front-end adds the owner check and the missing-file message. `-n` checks and exits.
 * Otherwise a valid configuration is loaded: the daemon is recorded as running (ike-daemon.ts: rc.d/iked calls
 * this command) and its policies are kept in /var/emu/iked.json for that run; flows appear in `ipsecctl -sf`
 * when the peer's iked agrees (ike-iked.ts). An invalid file makes iked exit 1 with its messages. isakmpd and
 * iked cannot both run (both bind udp/500, reference C.9).
 */
import { stat } from "node:fs/promises";
import type { Command, Io } from "../command";
import { argPath, readArgFile } from "../command";
import { getopt } from "../ipsec-getopt";
import { foreground, flagString, startDaemon } from "../ike-daemon";
import { interfaces, serviceRunning, withState } from "../state";
import { ikedN } from "../iked-n";
import { emptyIked, type IkedState } from "../ike-iked";

function usage(io: Io): number {
  io.err("usage: iked [-dnSTtv] [-D macro=value] [-f file] [-p udpencap_port] [-s socket]\n");
  return 1;
}

/** Read and check an iked configuration file as iked's parse.y does; the stderr text and status. */
export async function checkIkedConf(io: Io, file: string, verbose: boolean): Promise<{ stderr: string; rc: number; text: string }> {
  let text: string;
  let mode: number;
  try {
    const st = await stat(argPath(io, file));
    const uid = process.getuid?.() ?? 0;
    if (st.uid !== 0 && st.uid !== uid) return { stderr: `iked: ${file}: owner not root or current user\n`, rc: 1, text: "" };
    mode = st.mode & 0o777;
    text = await readArgFile(io, file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return { stderr: `iked: ${file}: ${code === "ENOENT" ? "No such file or directory" : String(code)}\n`, rc: 1, text: "" };
  }
  const r = ikedN(text, file, { verbose, mode, interfaces: await interfaces() });
  return { stderr: r.stderr, rc: r.rc, text };
}

const iked: Command = async (io) => {
  const g = getopt("iked", io.argv, "6D:df:np:Ss:Ttv");
  if (!g.ok) {
    io.err(g.error);
    return usage(io);
  }
  if (g.rest.length) return usage(io);
  let file = "/etc/iked.conf";
  let check = false, debug = false, verbose = false;
  for (const o of g.opts) {
    if (o.ch === "f") file = o.arg!;
    else if (o.ch === "n") check = true;
    else if (o.ch === "d") debug = true;
    else if (o.ch === "v") verbose = true;
    else if (o.ch === "D") {
      io.err("iked: emulator: option -D is not emulated by the lab\n");
      return 1;
    }
  }
  const r = await checkIkedConf(io, file, verbose);
  if (check || r.rc !== 0) {
    io.err(r.stderr);
    return r.rc;
  }
  if (await serviceRunning("iked")) return 0;
  if (await serviceRunning("isakmpd")) {
    io.err("iked: udp_bind: bind 0.0.0.0:500: Address already in use\n");
    return 1;
  }
  const since = await startDaemon("iked", flagString(io.argv));
  await withState<IkedState>("iked", emptyIked, () => ({ since, conf: { file, text: r.text }, startFile: file }));
  return debug ? foreground(io, "iked") : 0;
};

export default iked;
