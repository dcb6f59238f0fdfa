#!/usr/bin/env bash
# The whole test suite, as CI runs it: type check, lint, format check, build, jest (unit + integration).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/ensure-deps.sh
# dcmtk: DICOM peers and dumps; dicom3tools: dciodvfy conformance checks; ffmpeg: capsule video import;
# orthanc + orthanc-dicomweb: the real PACS the integration tests start on 127.0.0.1 (its service is not used).
# python3-torch/-onnx/-numpy: the training smoke test (two steps per stage on CPU, export, load in the runtime);
# python3-pil: the capsule degradation's JPEG step (gsdiff/degrade.py), which the campaign-resume test reaches.
# redis-server: the scaled-out job queue (BullMQ) tests start their own on 127.0.0.1.
ensure_debian_packages dcmtk dicom3tools ffmpeg orthanc orthanc-dicomweb chromium python3-torch python3-onnx python3-numpy python3-pil redis-server
ensure_node_modules
npm test
