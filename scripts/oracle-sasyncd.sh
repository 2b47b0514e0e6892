#!/usr/bin/env bash
# oracle-sasyncd.sh SRC OUT - builds a parse-only `sasyncd` from OpenBSD's own sources into OUT/bin/sasyncd, next
# to the ipsecctl, pfctl and iked of ../shared/oracle/build.sh (which does not build sasyncd), for
# scripts/record-oracle.sh's test/fixtures/oracle/sasyncd cases and tmp/ comparisons.
#
# SRC is a git copy of GitHub's Passw/SecBSD-src (OpenBSD-current of January 2025) or an extracted tree; its
# usr.sbin/sasyncd/conf.y (1.22, as golden/README.md) and log.c are compiled as they are. What sasyncd.c's main()
# does up to `-n` (getopt -c:dnv, the startup checks, `configuration OK`) is written out below, with no carp, pfkey
# or network code; getpwnam(_isakmpd) answers uid 0 (this machine has no _isakmpd; files are root's). Checked
# against ../shared/golden/sasyncd: 27 of 27 recordings (-d -n, -n, -d -v -v -n) byte for byte. Neither
# OpenBSD's sources nor the binary are ever committed; CI only reads the recordings.
# Needs: byacc, gcc, libbsd-dev.
set -euo pipefail
SRC=$(cd "${1:?usage: oracle-sasyncd.sh SRC OUT}" && pwd)
OUT=$(mkdir -p "${2:?usage: oracle-sasyncd.sh SRC OUT}/bin" && cd "$2" && pwd)
S="$SRC/usr.sbin/sasyncd"
[ -f "$S/conf.y" ] || { echo "oracle-sasyncd.sh: no $S/conf.y" >&2; exit 1; }
w=$(mktemp -d); trap 'rm -rf "$w"' EXIT
cp "$S/conf.y" "$S/log.c" "$S/sasyncd.h" "$S/net.h" "$w/"
cat > "$w/main.c" <<'C'
/* sasyncd.c main()'s path up to -n: options, the configuration, the startup checks */
#include <sys/types.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include "sasyncd.h"
extern struct cfgstate cfgstate;
int conf_parse_file(char *);
static void usage(void) { extern char *__progname; fprintf(stderr, "usage: %s [-dnv] [-c config-file]\n", __progname); exit(1); }
struct passwd *oracle_getpwnam(const char *n) { static struct passwd p; p.pw_name = (char *)n; p.pw_uid = 0; return &p; }
int main(int argc, char **argv) {
	extern char *__progname; char *cfgfile = 0; int ch, noaction = 0;
	while ((ch = getopt(argc, argv, "c:dnv")) != -1) {
		switch (ch) {
		case 'c': if (cfgfile) usage(); cfgfile = optarg; break;
		case 'd': cfgstate.debug++; break;
		case 'n': noaction = 1; break;
		case 'v': cfgstate.verboselevel++; break;
		default: usage();
		}
	}
	if (argc > optind) usage();
	log_init(__progname);
	cfgstate.runstate = INIT;
	LIST_INIT(&cfgstate.peerlist);
	cfgstate.listen_port = SASYNCD_DEFAULT_PORT;
	cfgstate.flags |= CTL_DEFAULT;
	if (!cfgfile) cfgfile = SASYNCD_CFGFILE;
	if (conf_parse_file(cfgfile) != 0) exit(1);
	if (!cfgstate.sharedkey) { fprintf(stderr, "config: no shared key specified, cannot continue\n"); exit(1); }
	if (!cfgstate.carp_ifname || !*cfgstate.carp_ifname) { fprintf(stderr, "config: no carp interface specified, cannot continue\n"); exit(1); }
	if (noaction) { fprintf(stderr, "configuration OK\n"); exit(0); }
	fprintf(stderr, "%s: parse-only build: -n only\n", __progname);
	return 1;
}
C
(cd "$w" && byacc -o conf.c conf.y && gcc -O1 -w -D__dead= -DIPPORT_HILASTAUTO=65535 -Dgetpwnam=oracle_getpwnam \
  -include bsd/string.h -include stdint.h -o "$OUT/bin/sasyncd" main.c conf.c log.c -lbsd)
echo "$OUT/bin/sasyncd"
