export { DEMO_ERRORS, DemoError, demoError } from './errors.js';
export type { DemoErrorCode } from './errors.js';
export { ctPhantomSlice, ctPhantomRois } from './ctPhantom.js';
export {
  CT_PHANTOM_GEOMETRY,
  ctPhantomPixelSpacingMm,
  ctPhantomSliceSpacingMm,
  ctPhantomSlicePositionMm,
} from './ct/geometry.js';
export type { PhantomRoi, InsertRoi, CtPhantomRois } from './ct/PhantomRoi.js';
export { endoscopyFrames } from './endoscopySequence.js';
export type { EndoscopySequence } from './endoscopySequence.js';
export type { FrameMotion } from './endoscopy/FrameMotion.js';
export { writeDemoStudy, DEMO_DEFAULTS } from './writeDemoStudy.js';
export type { DemoOptions, DemoResult, DemoSeries } from './writeDemoStudy.js';
