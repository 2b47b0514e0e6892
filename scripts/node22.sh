#!/usr/bin/env bash
# Node.js 22 for the support matrix, from the npm registry (scripts/node.sh); prints the node binary's path.
# NODE22_VERSION picks another 22.x (default: the newest on the registry when written).
exec bash "$(dirname "$0")/node.sh" "${NODE22_VERSION:-22.23.3}"
