#!/usr/bin/env bash
# Issue "Step 9" target 3: the GSDiff graphs on onnxruntime-node (bench/graphs.ts) against PyTorch running the same
# modules at the same shapes (models/training/bench_graphs.py), side by side in one run; the ratio is the figure.
# Usage: bench/graphRatio.sh [ort device: cpu|webgpu] [torch device: cpu|cuda] [reps]
# GPU host: source .gpu-runtime/enter.sh; bench/graphRatio.sh webgpu cuda 50   (python3 with torch 2.x and CUDA)
set -euo pipefail
ORT_DEVICE=${1:-cpu}
TORCH_DEVICE=${2:-cpu}
REPS=${3:-20}
PY=${PYTHON:-/usr/bin/python3}
cd "$(dirname "$0")/.."
ort=$(node dist/bench/graphs.js --device "$ORT_DEVICE" --reps "$REPS")
torch=$("$PY" models/training/bench_graphs.py --device "$TORCH_DEVICE" --reps "$REPS")
node -e '
const [o, t] = process.argv.slice(1).map((s) => JSON.parse(s));
console.log(JSON.stringify({ ort: o, torch: t }));
console.log(`| graph | ${o.runtime} ${o.device} ms | ${t.runtime} ${t.device} ms | ratio ORT/torch |`);
console.log("|---|---|---|---|");
for (const g of Object.keys(o.medianMs))
  console.log(`| ${g} | ${o.medianMs[g]} | ${t.medianMs[g]} | ${(o.medianMs[g] / t.medianMs[g]).toFixed(2)} |`);
' "$ort" "$torch"
