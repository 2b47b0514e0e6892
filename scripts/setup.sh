#!/usr/bin/env bash
# Installs everything the tests and the demo need on a fresh Debian machine (run as root):
# npm packages (without install scripts), OpenSSH server and iproute2 for the lab, and the
# Pulumi engine (built from the Go module proxy on first use, cached afterwards).
set -euo pipefail
cd "$(dirname "$0")/.."
say() { printf '[setup] %s\n' "$*" >&2; }

# 1. npm packages: only when the lock file changed since the last install.
lockhash=$(sha256sum package-lock.json | cut -c1-64)
if [ ! -f node_modules/.pob-lock-hash ] || [ "$(cat node_modules/.pob-lock-hash)" != "$lockhash" ]; then
  say "npm ci (install scripts disabled: @pulumi/command's would try the internet)"
  npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
  # new dependencies (their types) make the next build a whole one (scripts/build.sh skips an up-to-date dist/)
  rm -f dist/.tsbuildinfo
  echo "$lockhash" > node_modules/.pob-lock-hash
fi

# The repo's own package as a user's project imports it (`import … from "pulumi-openbsd"` in the top-level
# project, Pulumi.yaml): a link to the repo, whose exports are the build (step 3). npm removes it on install.
ln -sfn .. node_modules/pulumi-openbsd

# 2. Debian packages for the lab: a real OpenSSH sshd, ip(8) for network namespaces, nft(8) for the `nat`
#    topology's NAT router; shellcheck for the on-host scripts' lint test; openvpn and tinc, the daemons of the
#    lab's packages.
need=()
[ -x /usr/sbin/sshd ] || need+=(openssh-server)
command -v ip >/dev/null || need+=(iproute2)
command -v ssh-keygen >/dev/null || need+=(openssh-client)
# what else the lab runs (test/lab/api.ts ensureTools): nsenter/unshare, ping, python3 (its data-path helpers)
command -v nsenter >/dev/null || need+=(util-linux)
command -v ping >/dev/null || need+=(iputils-ping)
command -v python3 >/dev/null || need+=(python3)
command -v shellcheck >/dev/null || need+=(shellcheck)
# the programs the lab's emulated pkg_add installs under their OpenBSD names (test/lab/emu/packages.ts)
[ -x /usr/sbin/openvpn ] || need+=(openvpn)
[ -x /usr/sbin/tincd ] || need+=(tinc)
command -v nft >/dev/null || need+=(nftables)
# musl's compiler for the lab's emulator client: the cheapest start for each emulated command (test/lab/resident.ts)
command -v musl-gcc >/dev/null || need+=(musl-tools)
# mksh, of the pdksh family OpenBSD's ksh belongs to: the read script's shell test runs under it too
command -v mksh >/dev/null || need+=(mksh)
# csh, a login shell admins give root: test/provider/login-shells.test.ts commits through it
command -v csh >/dev/null || need+=(csh)
# doas (OpenDoas, the port of OpenBSD's): a login user other than root (test/provider/doas-login.test.ts)
command -v doas >/dev/null || need+=(doas)
# to build the gateways' sshd as OpenBSD builds its own (scripts/lab-sshd.sh): a compiler, make, patch, OpenSSL and zlib
command -v make >/dev/null || need+=(make)
command -v patch >/dev/null || need+=(patch)
[ -f /usr/include/openssl/evp.h ] || need+=(libssl-dev)
[ -f /usr/include/zlib.h ] || need+=(zlib1g-dev)
[ -f /usr/include/crypt.h ] || need+=(libcrypt-dev)
if [ ${#need[@]} -gt 0 ]; then
  say "apt-get install ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

# 2b. The gateways' sshd: OpenSSH from Debian's source of the installed version, without PAM, SELinux, Kerberos and
#     the rest, as OpenBSD's (cached; about 35 s the first time). Without it the lab runs Debian's /usr/sbin/sshd.
if sshd=$(bash scripts/lab-sshd.sh); then say "lab sshd: $sshd"; else say "lab sshd: Debian's /usr/sbin/sshd (the build above failed)"; fi
# 2c. The gateways' base tools: GNU coreutils, grep and diffutils of the installed versions, built statically with musl,
#     as OpenBSD links its /bin (cached; about a minute and a half the first time). Without them the gateways run the
#     machine's programs.
if tools=$(bash scripts/lab-tools.sh); then say "lab tools: $tools"; else say "lab tools: the machine's (the build above failed)"; fi

# 3. The package itself, compiled (dist/): the plugin, the lint CLI and the examples run the build.
say "npm run build"
bash scripts/build.sh

# 4. The Pulumi engine.
bash scripts/engine.sh >/dev/null

# 5. A language host for `pulumi up` in a program folder: a real pulumi-language-nodejs wins, else ours.
bash scripts/language-host.sh

# 6. wireguard-go for wg(4)'s data path in the lab (the lab kernel has no wireguard module).
if command -v go >/dev/null; then say "wireguard-go: $(bash scripts/wireguard-go.sh)"; else say "no go: wg interfaces in the lab carry no packets"; fi
say "ready: $(.tools/bin/pulumi version), node $(node --version)"
