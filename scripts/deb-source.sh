# shellcheck shell=bash
# Sourced by scripts/lab-sshd.sh and scripts/lab-tools.sh: Debian's own source of an installed package, at exactly
# the installed version, with Debian's patches applied. The machine's apt sources are read as deb-src into a list
# kept in WORK, so the machine's apt state is never touched.
#
#   deb_src_lists WORK                      once: the deb-src lists (apt-get update into WORK/lists)
#   deb_src_unpack WORK SOURCE VERSION DIR  the source package SOURCE=VERSION unpacked into DIR, its patches applied
#
# Both print what failed on stderr (prefixed by the caller's `say`) and return non-zero.

deb_src_apt() {
  local work=$1
  shift
  apt-get -q -o "Dir::Etc::SourceList=/dev/null" -o "Dir::Etc::SourceParts=$work/sources" -o "Dir::State::Lists=$work/lists" \
    -o APT::Sandbox::User=root "$@"
}

deb_src_lists() {
  local work=$1 f
  mkdir -p "$work/sources" "$work/lists/partial" "$work/src"
  for f in /etc/apt/sources.list.d/*.sources; do
    [ -f "$f" ] && sed -E 's/^Types:.*/Types: deb-src/' "$f" > "$work/sources/$(basename "$f")"
  done
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [ -f "$f" ] && sed -nE 's/^deb[[:space:]]+/deb-src /p' "$f" >> "$work/sources/machine.list"
  done
  deb_src_apt "$work" update >"$work/apt.log" 2>&1 || { say "apt-get update (deb-src) failed: $(tail -1 "$work/apt.log")"; return 1; }
}

deb_src_unpack() {
  local work=$1 source=$2 version=$3 dir=$4 upstream p f orig
  (cd "$work/src" && deb_src_apt "$work" source --download-only "$source=$version") >>"$work/apt.log" 2>&1 \
    || { say "no source of $source $version: $(tail -1 "$work/apt.log")"; return 1; }
  upstream=${version#*:}
  upstream=${upstream%-*}
  mkdir -p "$dir"
  orig=
  for f in "$work/src/${source}_${upstream}".orig.tar.*; do
    case $f in *.asc) ;; *) orig=$f ;; esac
  done
  if [ -z "$orig" ] || ! tar xf "$orig" -C "$dir" --strip-components=1; then say "cannot unpack $source $upstream"; return 1; fi
  tar xf "$work/src/${source}_${version#*:}.debian.tar.xz" -C "$dir" || { say "cannot unpack $source's debian/"; return 1; }
  [ -f "$dir/debian/patches/series" ] || return 0
  while read -r p _; do
    case $p in '' | \#*) continue ;; esac
    (cd "$dir" && patch -p1 -s -N <"debian/patches/$p" >/dev/null) || { say "Debian's patch $p of $source does not apply"; return 1; }
  done <"$dir/debian/patches/series"
}
