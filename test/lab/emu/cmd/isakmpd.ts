/**
 * TEST DOUBLE — emulated isakmpd(8) of the lab (not OpenBSD's isakmpd; no IKE packet is ever sent).
 *
 * Contract with the lab's rc.d/rcctl: `rcctl start isakmpd` runs this command with the configured flags
 * (`isakmpd -K`, plus `-S` when rc.d adds it); it records the daemon as running with those flags
 * (ike-daemon.ts) and exits 0. `rcctl stop` marks it stopped; its configuration database (what `ipsecctl -f`
 * wrote to the FIFO, ike-state.ts) belongs to that run and is forgotten on stop/restart, as with the real
 * daemon. At start it makes /var/run/isakmpd.fifo (or `-f`'s path) as ui_init does, and leaves it there when it
 * stops: ipsecctl's ike rules then wait for a reader for good, as on OpenBSD (ike-fifo.ts). Tunnels come up
 * (flows in `ipsecctl -sf`) only when both ends' databases agree (ike-agree.ts) and:
 * - `-K` is given (without it isakmpd checks keynote(4) policy, which ipsecctl's rules never satisfy here);
 * - with `-S`, only once sasyncd runs and has made this node the carp MASTER (sasyncd.json).
 * isakmpd and iked cannot both run: both bind udp/500 (reference C.9); the second one fails here with the
 * bind error on stderr and exit 1 (the real daemon logs it to syslog after detaching).
 */
import type { Command, Io } from "../command";
import { getopt } from "../ipsec-getopt";
import { foreground, flagString, startDaemon } from "../ike-daemon";
import { serviceRunning } from "../state";
import { ISAKMPD_FIFO, makeIkeFifo } from "../ike-fifo";

const USAGE =
  "usage: isakmpd [-46adKLnSTv] [-c config-file] [-D class=level] [-f fifo]\n" +
  "          [-i pid-file] [-l packetlog-file] [-N udpencap-port]\n" +
  "          [-p listen-port] [-R report-file]\n";

function usage(io: Io): number {
  io.err(USAGE);
  return 1;
}

const isakmpd: Command = async (io) => {
  const g = getopt("isakmpd", io.argv, "46ac:dD:f:i:KnN:p:Ll:r:R:STv");
  if (!g.ok) {
    io.err(g.error);
    return usage(io);
  }
  if (g.rest.length) return usage(io);
  const debug = g.opts.some((o) => o.ch === "d");
  if (await serviceRunning("isakmpd")) return 0;
  if (await serviceRunning("iked")) {
    io.err("isakmpd: udp_make: bind (0.0.0.0:500): Address already in use\n");
    return 1;
  }
  await startDaemon("isakmpd", flagString(io.argv));
  // ui_init: the FIFO ipsecctl writes the rules to, left on disk when isakmpd exits (ike-fifo.ts)
  makeIkeFifo(g.opts.filter((o) => o.ch === "f").pop()?.arg ?? ISAKMPD_FIFO);
  return debug ? foreground(io, "isakmpd") : 0;
};

export default isakmpd;
