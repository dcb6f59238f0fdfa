import { init as coreInit } from '@cornerstonejs/core';
import { init as dicomImageLoaderInit } from '@cornerstonejs/dicom-image-loader';
import { init as toolsInit } from '@cornerstonejs/tools';
import { DifferenceImages } from './differenceImages.js';
import { StreamImages } from './streamImages.js';

export interface CornerstoneSetup {
  readonly streams: StreamImages;
  readonly differences: DifferenceImages;
}

/**
 * Initialises Cornerstone once, in the order it needs: core, the DICOM image loader (wadors; every request carries
 * the token through `beforeSend`), tools (before any viewport exists), then our own loaders and metadata providers:
 * `gsdiff-stream:` (frames from a job's websocket) and `gsdiff-diff:` (restored − original).
 * @param authorization - headers for DICOMweb requests, read at each request (the token may change)
 */
export function initCornerstone(authorization: () => Record<string, string>): CornerstoneSetup {
  coreInit();
  dicomImageLoaderInit({
    maxWebWorkers: Math.max(1, Math.min(2, Math.floor((navigator.hardwareConcurrency || 2) / 2))),
    beforeSend: () => authorization(),
  });
  toolsInit();
  const streams = new StreamImages();
  streams.register();
  const differences = new DifferenceImages();
  differences.register();
  return { streams, differences };
}
