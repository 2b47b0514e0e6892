#!/usr/bin/env bash
# The lab gateways' base tools (test/lab/lab-tools.ts): GNU coreutils, grep and diffutils from Debian's own source
# packages of the installed versions (Debian's patches applied), built statically with musl (musl-gcc), as OpenBSD
# links its /bin statically. Every script the provider runs on a gateway starts dozens of these (`cat`, `ls`, `cmp`,
# `printf`, `rm`, `mv`, `chmod`, `grep` …). Debian's are dynamic glibc programs: each start maps its libraries and
# runs glibc's start-up, which asks the CPU about its caches with CPUID, a trap to the hypervisor on a VM. Measured
# here, 1000 starts from mksh: `ls -ld` 1.23 → 0.27 ms each, `cat` 0.98 → 0.18 ms. The programs are the same
# programs at the same versions (the same source, Debian's patches): what they print and how they fail is unchanged.
# The machine's own /usr/bin is left as it is: the lab overlays these on each gateway's /usr/bin.
#
# Prints the directory holding the programs. Cached in $PULUMI_OPENBSD_CACHE (default ~/.cache/pulumi-openbsd) by
# the installed versions. Exits non-zero when it cannot build (no deb-src on the mirror, no musl-gcc): the gateways
# then run the machine's programs, as before. About a minute and a half the first time. With `--cached`, only prints
# where the build is (exit 1 when there is none).
set -euo pipefail
say() { printf '[lab-tools] %s\n' "$*" >&2; }

cache="${PULUMI_OPENBSD_CACHE:-$HOME/.cache/pulumi-openbsd}"
# SOURCE:PROGRAMS (NAME, or NAME=BUILT where the build names it otherwise; the programs the package installs, less those that need what a static musl program lacks or a
# gateway never runs: utmp (who, users, pinky), SELinux (chcon, runcon), an LD_PRELOAD library (stdbuf))
PACKAGES=(
  "coreutils:[ b2sum base32 base64 basename basenc cat chgrp chmod chown chroot cksum comm cp csplit cut date dd df dirname du echo env expand expr factor false fmt fold groups head id install=ginstall join link ln logname ls md5sum mkdir mkfifo mknod mktemp mv nice nl nohup nproc numfmt od paste pathchk pr printenv printf ptx pwd readlink realpath rm rmdir seq sha1sum sha224sum sha256sum sha384sum sha512sum shred shuf sleep sort split stat stty sum sync tac tail tee test timeout touch tr true truncate tsort tty uname unexpand uniq unlink wc whoami yes"
  "grep:grep"
  "diffutils:cmp diff"
)
versions=""
for p in "${PACKAGES[@]}"; do
  src=${p%%:*}
  v=$(dpkg-query -W -f='${source:Version}' "$src" 2>/dev/null) || { say "$src is not installed"; exit 1; }
  versions+="$src=$v "
done
key=$(printf '%s%s' "$versions" "$(cat "$0")" | sha256sum | cut -c1-16)
out="$cache/lab-tools/$key"
if [ -f "$out/.complete" ]; then
  echo "$out"
  exit 0
fi
# `--cached`: only say where a build is (the lab asks this way; setup builds)
[ "${1:-}" = --cached ] && exit 1
for t in musl-gcc make patch; do command -v "$t" >/dev/null || { say "no $t"; exit 1; }; done

work=$(mktemp -d)
trap '[ -n "${LAB_TOOLS_KEEP:-}" ] && say "kept $work" || rm -rf "$work"' EXIT
# shellcheck source=scripts/deb-source.sh
source "$(dirname "$0")/deb-source.sh"
deb_src_lists "$work" || exit 1
mkdir -p "$work/bin"
for p in "${PACKAGES[@]}"; do
  src=${p%%:*}
  progs=${p#*:}
  v=$(dpkg-query -W -f='${source:Version}' "$src")
  dir="$work/build-$src"
  deb_src_unpack "$work" "$src" "$v" "$dir" || exit 1
  # what the patches change in the build system's inputs (configure.ac, m4/, Makefile.am) is of no weight for these
  # programs: the shipped aclocal.m4, configure, config.h.in and Makefile.in stay valid, touched in the order make
  # checks them (no autotools needed)
  for f in aclocal.m4 configure config.h.in config.hin Makefile.in; do find "$dir" -name "$f" -exec touch {} +; done
  # static, musl, and without what a gateway's base tools do without (NLS, SELinux, capabilities, ACLs, PCRE)
  (cd "$dir" && FORCE_UNSAFE_CONFIGURE=1 CC=musl-gcc CFLAGS=-O2 LDFLAGS=-static ./configure --disable-nls \
    --without-selinux --disable-libcap --disable-acl --disable-xattr --without-openssl --disable-perl-regexp \
    --enable-no-install-program=stdbuf >"$work/configure-$src.log" 2>&1) \
    || { say "configure of $src failed: $(tail -1 "$work/configure-$src.log")"; exit 1; }
  # lib/ and src/ where the build recurses (grep, diffutils: their manuals, which a patch may touch, would want
  # makeinfo); all of it where it is one Makefile (coreutils: its generated headers are made only for `all`)
  (cd "$dir" && if [ -f src/Makefile ]; then make -j"$(nproc)" -C lib && make -j"$(nproc)" -C src; else make -j"$(nproc)"; fi \
    >"$work/make-$src.log" 2>&1) \
    || { say "make of $src failed: $(tail -1 "$work/make-$src.log")"; exit 1; }
  for g in $progs; do
    cp "$dir/src/${g#*=}" "$work/bin/${g%%=*}"
    strip "$work/bin/${g%%=*}" 2>/dev/null || true
  done
done
# each must run, and be static (no program interpreter: nothing of the machine's loader or libraries)
for g in "$work"/bin/*; do
  if LC_ALL=C readelf -l "$g" 2>/dev/null | grep -q 'program interpreter'; then say "$(basename "$g") is not static"; exit 1; fi
done
if ! "$work/bin/ls" -ld / >/dev/null || ! "$work/bin/cat" /dev/null || [ "$(echo x | "$work/bin/grep" x)" != x ]; then
  say "the built programs do not run"
  exit 1
fi
touch "$work/bin/.complete"
mkdir -p "$(dirname "$out")"
mv -T "$work/bin" "$out" 2>/dev/null || true # another build got there first: theirs is the same
echo "$out"
