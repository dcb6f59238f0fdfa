#!/usr/bin/env bash
# Prepares, on this machine, what a GPU session (the `device` tool) carries to the bare GPU host: the built JS
# (dist/), Node and the Vulkan loader (../shared/gpu/pack-runtime.sh -> .gpu-runtime/), and the node_modules the
# GPU benches import (their closure only, onnxruntime-node's Linux x64 binaries only) -> .gpu-bench/. Packs and
# sources are tracked files and travel with the working tree. Then, in one device call (see bench/gpu/session.sh):
#   carry: [".gpu-runtime", ".gpu-bench", "dist"]
#   command: source .gpu-runtime/enter.sh; bench/gpu/session.sh
# Everything carried must stay under the tool's 64 MiB: the script prints the sizes.
set -euo pipefail
cd "$(dirname "$0")/../.."
npx tsc -p tsconfig.build.json
../shared/gpu/pack-runtime.sh
mkdir -p .gpu-bench
grep -qx '/.gpu-bench/' .git/info/exclude 2>/dev/null || echo '/.gpu-bench/' >> .git/info/exclude
# The packages bench/pipeline.js and bench/graphs.js load (seen through an ESM resolve hook), and their dependencies.
roots="onnxruntime-node pino pngjs dicom-parser dcmjs dcmjs-dimse better-sqlite3 @remix-run/multipart-parser
  @cornerstonejs/jpeg-lossless-decoder-js"
list=$(node -e '
const fs = require("fs"), path = require("path");
const seen = new Set();
const visit = (name) => {
  if (seen.has(name)) return;
  const dir = path.join("node_modules", name);
  if (!fs.existsSync(path.join(dir, "package.json"))) return;
  seen.add(name);
  const pkg = JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8"));
  for (const d of Object.keys({ ...pkg.dependencies, ...pkg.optionalDependencies })) visit(d);
};
process.argv.slice(1).forEach(visit);
console.log([...seen].map((n) => "node_modules/" + n).join("\n"));
' $roots)
# shellcheck disable=SC2086
tar cJf .gpu-bench/node_modules.tar.xz --exclude='onnxruntime-node/bin/napi-v*/darwin' \
  --exclude='onnxruntime-node/bin/napi-v*/win32' --exclude='onnxruntime-node/bin/napi-v*/linux/arm64' $list
du -sh .gpu-runtime .gpu-bench dist
du -sc .gpu-runtime .gpu-bench dist | tail -1 | awk '{ printf "carried in all: %.1f MiB (limit 64)\n", $1 / 1024 }'
