#!/usr/bin/env bash
# Main job on the embedded default: builds the module, generates the project's own demo study (CT phantom at
# normal and simulated low dose, endoscopy-like sequence) into the local store and prints its summary.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/ensure-deps.sh
ensure_node_modules
npm run -s build
node dist/cli/main.js demo-data "$@"
