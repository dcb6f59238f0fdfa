#!/usr/bin/env bash
# Main job on the embedded default: builds the module and starts the workstation server (API, DICOMweb, job websocket,
# viewer when built) on the local store in .gsdiff/, with the default model pack; an empty store gets the project's
# own demo study (CT phantom at normal and simulated low dose, endoscopy-like sequence). Ctrl-C stops it.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/ensure-deps.sh
ensure_node_modules
npm run -s build
exec node dist/cli/main.js serve "$@"
