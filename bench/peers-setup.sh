#!/usr/bin/env bash
# Setup of the side-by-side benchmark (bench/peers.ts), not of the tests: Ansible (ansible-core from Debian) and
# pyinfra (from PyPI, into a venv under .tools/pyinfra). Idempotent; prints nothing when both are present.
set -euo pipefail
cd "$(dirname "$0")/.."
say() { printf '[bench setup] %s\n' "$*" >&2; }
PYINFRA_VERSION=3.10.0
if ! command -v ansible-playbook >/dev/null; then
  say "apt-get install ansible-core"
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -qq --no-install-recommends ansible-core >/dev/null 2>&1 || { apt-get update -qq >/dev/null; apt-get install -y -qq --no-install-recommends ansible-core >/dev/null; }
fi
if [ ! -x .tools/pyinfra/bin/pyinfra ] || [ "$(.tools/pyinfra/bin/pip show pyinfra 2>/dev/null | sed -n 's/^Version: //p')" != "$PYINFRA_VERSION" ]; then
  say "pip install pyinfra==$PYINFRA_VERSION into .tools/pyinfra"
  mkdir -p .tools
  /usr/bin/python3 -m venv .tools/pyinfra
  .tools/pyinfra/bin/pip install -q --disable-pip-version-check "pyinfra==$PYINFRA_VERSION"
fi
