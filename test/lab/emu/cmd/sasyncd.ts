/**
 * TEST DOUBLE — emulated sasyncd(8) of the lab (no SA is synchronised: see below).
 *
 * `sasyncd [-dnv] [-c config-file]` (default /etc/sasyncd.conf). The configuration checks and their output are
 * the pure printer test/lab/emu/sasyncd-n.ts (golden-tested): the file must be a regular file owned by root,
 * with no group/other bits (`configuration file has bad owner, type or mode`, then `failed to open "FILE"`),
 * an interface and a 128/192/256-bit sharedkey. Messages reach stderr only with `-d` (otherwise syslog), so a
 * failed start without `-d` is silent with exit status 1, like the real daemon.
 * `-n` checks and exits (`configuration OK`). Otherwise the daemon is recorded as running (ike-daemon.ts) with
 * its carp interface and `control` mode in /var/emu/sasyncd.json: isakmpd/iked started with `-S` become active
 * on the node whose carp interface is MASTER (ike-state.ts). Not emulated: replicating SAs to the peer.
 */
import { createHash } from "node:crypto";
import { stat } from "node:fs/promises";
import type { Command, Io } from "../command";
import { argPath, readArgFile } from "../command";
import { getopt } from "../ipsec-getopt";
import { foreground, flagString, startDaemon, untilSignal } from "../ike-daemon";
import { withState } from "../state";
import { sasyncdN } from "../sasyncd-n";
import { parseSasyncdConf } from "../../../../sdk/model/sasyncd";
import type { SasyncdState } from "../ike-state";

function usage(io: Io): number {
  io.err("usage: sasyncd [-dnv] [-c config-file]\n");
  return 1;
}

const sasyncd: Command = async (io) => {
  const g = getopt("sasyncd", io.argv, "c:dnv");
  if (!g.ok) {
    io.err(g.error);
    return usage(io);
  }
  if (g.rest.length) return usage(io);
  let file = "/etc/sasyncd.conf";
  let debug = false, check = false, verbosity = 0;
  for (const o of g.opts) {
    if (o.ch === "c") file = o.arg!;
    else if (o.ch === "d") debug = true;
    else if (o.ch === "n") check = true;
    else if (o.ch === "v") verbosity++;
  }
  let text: string;
  let mode: number;
  try {
    const st = await stat(argPath(io, file));
    // owner root (or _isakmpd, which the lab does not have) and a regular file, else the bad-mode refusal
    mode = st.uid !== 0 || !st.isFile() ? 0o644 : st.mode & 0o777;
    text = st.isFile() ? await readArgFile(io, file) : "";
  } catch {
    if (debug) io.err(`failed to open "${file}"\n`);
    return 1;
  }
  const r = sasyncdN(text, file, { debug, verbosity, mode });
  // the real one never returns: conf.y walks a looped peer list (a peer named twice, then another), or, started,
  // net_init does (a peer named twice at all). It prints what it printed and waits to be killed.
  if (r.hangs || (!check && r.peerLoop)) {
    io.err(r.hangs ? r.stderr : r.stderr.replace(/^configuration OK\n/m, ""));
    // it waits to be killed, and dies of the signal (143)
    await untilSignal(io);
    return 143;
  }
  if (check || r.rc !== 0) {
    io.out(r.stdout);
    io.err(r.stderr);
    return r.rc;
  }
  if (debug) io.err(r.stderr.replace(/^configuration OK\n/m, ""));
  const conf = parseSasyncdConf(text, file).value;
  const since = await startDaemon("sasyncd", flagString(io.argv));
  const key = conf.sharedkey ? (conf.sharedkey.kind === "hex" ? conf.sharedkey.hex.toLowerCase() : conf.sharedkey.value) : "";
  const keyHash = createHash("sha256").update(key).digest("hex");
  await withState<SasyncdState>("sasyncd", () => ({}), () => ({ since, interface: conf.interface, control: conf.control ?? "isakmpd", peers: conf.peers, keyHash }));
  return debug ? foreground(io, "sasyncd") : 0;
};

export default sasyncd;
