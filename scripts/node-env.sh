# Sourced (not run) by README's two commands (scripts/test.sh, scripts/demo.sh) and the bench (scripts/bench.sh):
# the Node they and everything they start run on (npm, the build, vitest, the Pulumi CLI's language host, the
# programs, the plugin, the lab's emulator).
#
# - Node 22 first on PATH, from the npm registry (scripts/node22.sh; cached after the first time): what users run
#   with the newest @pulumi/pulumi, which declares node >=22 (README, "Supported versions"). The machine's own
#   Node 20 and @pulumi/pulumi 3.248.0 are the support matrix's leg (scripts/matrix.sh).
# - NODE_COMPILE_CACHE (Node >= 22.1): every node process keeps V8's compiled code of the modules it loads
#   under .state/node-compile-cache and the next one starts from it — each engine operation starts three or four
#   node processes (language host, program with Pulumi's TypeScript loader, plugin).
_pob_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
_pob_node="$(bash "$_pob_root/scripts/node22.sh")" || { echo "[node] could not provide Node 22 (scripts/node22.sh): see above" >&2; exit 1; }
export PATH="$(dirname "$_pob_node"):$PATH"
export NODE_COMPILE_CACHE="${NODE_COMPILE_CACHE:-$_pob_root/.state/node-compile-cache}"
unset _pob_root _pob_node
