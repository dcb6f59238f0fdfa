#!/usr/bin/env bash
# Runs on the GPU host in one `device` call, after `source .gpu-runtime/enter.sh` (bench/gpu/prepare.sh made what it
# needs): every GPU figure the open issues ask for, each step bounded so that one failure does not eat the session.
# Writes into $OUT (what the device tool brings back): gpu.txt, pipeline-*.json, graphs.md, session.log.
#   issue 3:  the tiny pack, the issue's command (cpu and webgpu, 9 slices of 512x512, 4 steps)
#   issue 10: target 1 (default pack, WebGPU EP, >= 300 slices of 512x512: slices/s) and target 3 (graph ratio
#             WebGPU EP vs PyTorch CUDA on the same modules and shapes), plus the default pack on the host's CPU
# SLICES (default 300) and REPS (default 50) shorten a trial run.
set -uo pipefail
cd "$(dirname "$0")/../.."
OUT=${OUT:-/tmp/gpu-session}
SLICES=${SLICES:-300}
REPS=${REPS:-50}
mkdir -p "$OUT"
exec > >(tee -a "$OUT/session.log") 2>&1
[ -f node_modules/onnxruntime-node/package.json ] || tar xJf .gpu-bench/node_modules.tar.xz
{ nvidia-smi -L; nproc; node --version; } > "$OUT/gpu.txt" 2>&1
step() { # name, seconds, command...
  local name=$1 secs=$2
  shift 2
  echo "== $name ($(date -u +%T))"
  timeout "$secs" "$@" || echo "== $name: exit $?"
}
step tiny 120 sh -c "node dist/bench/pipeline.js --pack models/packs/tiny-test --slices 9 --steps 4 --size 512 \
  --devices cpu,webgpu > '$OUT/pipeline-tiny.json'"
step gsdiff-webgpu 240 sh -c "node dist/bench/pipeline.js --pack models/packs/gsdiff-t --slices $SLICES --steps 10 \
  --devices webgpu > '$OUT/pipeline-gsdiff-webgpu.json'"
step gsdiff-cpu 120 sh -c "node dist/bench/pipeline.js --pack models/packs/gsdiff-t --slices 15 --steps 10 \
  --devices cpu > '$OUT/pipeline-gsdiff-cpu.json'"
step graphs 120 sh -c "PYTHON=\${PYTHON:-python3} bench/graphRatio.sh webgpu cuda $REPS > '$OUT/graphs.md'"
echo "== done ($(date -u +%T))"
