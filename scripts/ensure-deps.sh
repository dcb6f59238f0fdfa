#!/usr/bin/env bash
# Installs what a fresh clone needs, only when missing: Debian packages given as arguments (apt-get update first),
# then npm dependencies from the lockfile. Sourced by start.sh and test.sh.
set -euo pipefail

ensure_debian_packages() {
  local missing=()
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  if [ "${#missing[@]}" -gt 0 ]; then
    echo "setup: installing Debian packages: ${missing[*]}" >&2
    local sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
}

ensure_node_modules() {
  # onnxruntime-node's postinstall downloads CUDA binaries from NuGet (unreachable); CPU and WebGPU ship in the package.
  export ONNXRUNTIME_NODE_INSTALL=skip
  if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    echo "setup: npm ci" >&2
    npm ci --no-audit --no-fund --loglevel=error
  fi
}
