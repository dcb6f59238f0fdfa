#!/usr/bin/env bash
# Main job on the embedded default: builds the module and starts the workstation server (API, DICOMweb, job websocket,
# viewer when built) on the local store in .gsdiff/, with the default model pack; an empty store gets the project's
# own demo study (CT phantom at normal and simulated low dose, endoscopy-like sequence). Ctrl-C stops it.
# Rebuilds only what changed since the last build (scripts/build-current.mjs compares source and build times):
# tsc when a server-side source changed, vite when a viewer source (or wire/) changed, nothing when current.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/ensure-deps.sh
ensure_node_modules
stale="$(node scripts/build-current.mjs)"
if [[ " $stale " == *" server "* ]]; then
  echo "build: compiling the server (sources changed since the last build)" >&2
  npx tsc -p tsconfig.build.json
  node scripts/build-current.mjs --stamp server
fi
if [[ " $stale " == *" viewer "* ]]; then
  echo "build: bundling the viewer (sources changed since the last build)" >&2
  npm run -s build:viewer
fi
exec node dist/cli/main.js serve "$@"
