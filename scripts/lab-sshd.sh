#!/usr/bin/env bash
# The lab gateways' sshd (test/lab/lab-sshd.ts): real OpenSSH, from Debian's own source package of the installed
# openssh-server (same version, Debian's patches applied), built as OpenBSD builds its sshd: without PAM, SELinux,
# Kerberos/GSSAPI, libwrap, libaudit or libsystemd. OpenBSD's sshd links libcrypto, libz and libc; Debian's links 27
# libraries, and every connection forks sshd three times (listener, privilege separation, session) and tears each
# copy down again: measured on the mesh-50 refresh (bench/provider.ts), 4 ms less CPU per connection. The machine's
# own /usr/sbin/sshd is left as it is.
#
# Prints the built binary's path. Cached in $PULUMI_OPENBSD_CACHE (default ~/.cache/pulumi-openbsd) by the installed
# openssh-server version. Exits non-zero when it cannot build (no deb-src on the mirror, no compiler): the lab then
# runs Debian's /usr/sbin/sshd, as before.
set -euo pipefail
say() { printf '[lab-sshd] %s\n' "$*" >&2; }

cache="${PULUMI_OPENBSD_CACHE:-$HOME/.cache/pulumi-openbsd}"
ver=$(dpkg-query -W -f='${Version}' openssh-server 2>/dev/null) || { say "openssh-server is not installed"; exit 1; }
out="$cache/lab-sshd/${ver//[^A-Za-z0-9.+~-]/_}"
if [ -x "$out/sshd" ]; then
  echo "$out/sshd"
  exit 0
fi
for t in cc make patch; do command -v "$t" >/dev/null || { say "no $t"; exit 1; }; done

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# shellcheck source=scripts/deb-source.sh
source "$(dirname "$0")/deb-source.sh"
deb_src_lists "$work" || exit 1
src="$work/build"
deb_src_unpack "$work" openssh "$ver" "$src" || exit 1
cd "$src"
# from 9.8 on, sshd starts a second program (sshd-session) from its libexec directory for each connection, which the
# lab does not place on the gateway: such a version is not built, and the gateways run Debian's sshd
if grep -q 'sshd-session' Makefile.in; then say "OpenSSH $ver runs sshd-session: not built here"; exit 1; fi
# the patches touch configure.ac only for what is left out here (GSSAPI key exchange, libwrap, systemd): the shipped
# configure stays valid
touch configure config.h.in
# Debian's paths (debian/rules), so the sessions get the PATH and directories they always had
./configure --without-pam --without-selinux --without-kerberos5 --without-libedit --with-privsep-path=/run/sshd \
  --sysconfdir=/etc/ssh --with-pid-dir=/run \
  --with-default-path=/usr/local/bin:/usr/bin:/bin:/usr/games \
  --with-superuser-path=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin >"$work/configure.log" 2>&1 \
  || { say "configure failed: $(tail -1 "$work/configure.log")"; exit 1; }
make -j"$(nproc)" sshd >"$work/make.log" 2>&1 || { say "make failed: $(tail -1 "$work/make.log")"; exit 1; }
./sshd -V >/dev/null 2>&1 || { say "the built sshd does not run"; exit 1; }
mkdir -p "$(dirname "$out")"
tmp="$out.tmp-$$"
mkdir -p "$tmp"
cp sshd "$tmp/sshd"
mv -T "$tmp" "$out" 2>/dev/null || rm -rf "$tmp" # another build got there first: theirs is the same
echo "$out/sshd"
