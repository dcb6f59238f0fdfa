/** The Chromium launcher, flags and viewer build check live with the benchmarks (compiled), shared with the tests. */
export {
  CHROMIUM,
  CHROMIUM_ARGS,
  ensureViewerBuilt,
  freePort,
  haveChromium,
  launchChromium,
} from '../../bench/chromium.js';
