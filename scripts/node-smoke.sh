#!/usr/bin/env bash
# A smoke of the package on another Node.js release (README, "Supported versions": Node 24), cheap enough for
# every run of the matrix leg (scripts/matrix.sh): with NODE first on PATH, in a fresh project folder whose
# node_modules link to this checkout's build and packages (the package through its package.json `exports`,
# as npm would install it; @pulumi/pulumi and typescript as the checkout has them):
#   1. `require("pulumi-openbsd")` and ESM `import { Gateway } from "pulumi-openbsd"`;
#   2. `pulumi preview` of the README's first program with the checkout's CLI: the language host, Pulumi's
#      TypeScript loader (type checking on, its default), the program and the provider plugin (the README's
#      Pulumi.yaml entry) all run on NODE; the creates are shown, no host is contacted (the plugin's Check
#      and Diff run, nothing connects at preview), no warning or error.
# Prints one line per check; exits non-zero with the output of the failing step.
#
# Usage: bash scripts/node-smoke.sh NODE_BINARY
set -uo pipefail
nodebin="${1:?usage: scripts/node-smoke.sh NODE_BINARY}"
here="$(cd "$(dirname "$0")/.." && pwd)"
step() { printf '[node-smoke] %s\n' "$*" >&2; }
fail() { printf '[node-smoke] FAILED at step "%s": %s\n' "$1" "$2" >&2; exit 1; }
nodedir="$(cd "$(dirname "$nodebin")" && pwd)"
export PATH="$nodedir:$here/.tools/bin:$PATH"
want="$("$nodebin" --version)"
[ "$(node --version)" = "$want" ] || fail "node" "node $want is not first on PATH"
[ -f "$here/dist/sdk/index.js" ] || fail "build" "$here/dist is missing (npm run build)"

dir="$(mktemp -d "${TMPDIR:-/tmp}/pob-node-smoke-XXXXXX")"
trap 'rm -rf "$dir"' EXIT
mkdir -p "$dir/node_modules/@pulumi" "$dir/state" "$dir/home"
ln -s "$here" "$dir/node_modules/pulumi-openbsd"
ln -s "$here/node_modules/@pulumi/pulumi" "$dir/node_modules/@pulumi/pulumi"
ln -s "$here/node_modules/typescript" "$dir/node_modules/typescript"
ln -s "$here/node_modules/@types" "$dir/node_modules/@types"
printf '{ "name": "vpn", "main": "index.ts" }\n' > "$dir/package.json"

# 1. CommonJS and ESM
out="$(cd "$dir" && node -e 'const o = require("pulumi-openbsd"); console.log(typeof o.Gateway, typeof o.SiteToSiteTunnel)' 2>&1)"
[ "$out" = "function function" ] || fail "require" "$out"
out="$(cd "$dir" && node --input-type=module -e 'import { Gateway, CarpPair } from "pulumi-openbsd"; console.log(typeof Gateway, typeof CarpPair)' 2>&1)"
[ "$out" = "function function" ] || fail "import" "$out"
step "node $want: require and import load the package"

# 2. pulumi preview of README's program (its ```yaml and ```ts blocks)
block() { awk -v b="\`\`\`$1" '$0 == b { f = 1; next } /^```$/ { if (f) exit } f' "$here/README.md"; }
block yaml > "$dir/Pulumi.yaml"
block ts > "$dir/index.ts"
if [ ! -s "$dir/Pulumi.yaml" ] || [ ! -s "$dir/index.ts" ]; then fail "README" "no \`\`\`yaml or \`\`\`ts block in README.md"; fi
# shellcheck disable=SC2016 # TypeScript, not shell
printf '\nconsole.log(`program on node ${process.version}`);\n' >> "$dir/index.ts"
export PULUMI_HOME="$dir/home" PULUMI_BACKEND_URL="file://$dir/state" PULUMI_CONFIG_PASSPHRASE="node-smoke" \
  PULUMI_SKIP_UPDATE_CHECK=true PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true
unset PULUMI_NODEJS_TRANSPILE_ONLY PULUMI_ACCESS_TOKEN
ssh-keygen -q -t ed25519 -N "" -C node-smoke -f "$dir/id" || fail "ssh-keygen" "no key"
hostkey="ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl"
(
  cd "$dir" && pulumi stack init smoke >/dev/null &&
    pulumi config set --secret psk "node-smoke-psk-0123456789abcdef" &&
    pulumi config set --secret sshKey < "$dir/id" &&
    pulumi config set gw1HostKey "$hostkey" && pulumi config set gw2HostKey "$hostkey"
) > "$dir/config.log" 2>&1 || fail "pulumi config" "$(cat "$dir/config.log")"
# the plugin runs on the node first on PATH: its launcher's `exec node`; the program prints the one it runs on
(cd "$dir" && pulumi preview) > "$dir/preview.log" 2>&1 || fail "pulumi preview" "$(cat "$dir/preview.log")"
for l in "program on node $want" "+ 6 to create" "+  openbsd:index:GatewayConfig gw1 create" "+  openbsd:index:GatewayConfig gw2 create"; do
  grep -qF -- "$l" "$dir/preview.log" || fail "pulumi preview" "no \"$l\" in:
$(cat "$dir/preview.log")"
done
if grep -qiE 'warning|error' "$dir/preview.log"; then fail "pulumi preview" "a warning or error in:
$(cat "$dir/preview.log")"; fi
step "node $want: pulumi $(pulumi version) preview of README's program (TypeScript, type-checked; plugin and language host on node $want) shows the 6 creates"
