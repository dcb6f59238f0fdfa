#!/usr/bin/env bash
# The whole test suite, as CI runs it: type check, lint, format check, build, jest (unit + integration).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/ensure-deps.sh
# dcmtk: DICOM peers and dumps; dicom3tools: dciodvfy conformance checks; ffmpeg: capsule video import;
# orthanc + orthanc-dicomweb: the real PACS the integration tests start on 127.0.0.1 (its service is not used).
ensure_debian_packages dcmtk dicom3tools ffmpeg orthanc orthanc-dicomweb chromium
ensure_node_modules
npm test
