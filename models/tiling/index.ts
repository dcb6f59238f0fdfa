/**
 * Tiling of a series into overlapping k-frame windows along z/time, and of large frames into overlapping in-plane
 * tiles, with linear-ramp blending back. Pure planning functions and small accumulators over typed arrays.
 */
export { planAxis, rampWeights } from './planAxis.js';
export type { AxisPlan } from './planAxis.js';
export { planWindows } from './planWindows.js';
export type { SeriesWindow, WindowPlan } from './planWindows.js';
export { WindowBlender, blendWindows } from './WindowBlender.js';
export type { BlendedFrame } from './WindowBlender.js';
export { planTiles } from './planTiles.js';
export type { FrameTile, TilePlan } from './planTiles.js';
export { extractTile } from './extractTile.js';
export { TileBlender, blendTiles } from './TileBlender.js';
export { AIR_TILE, isAirTile } from './isAirTile.js';
export { AIR_FADE, outsideAirWeights } from './outsideAirWeights.js';
export { boxMean } from './boxMean.js';
export { planSegmentWindows } from './planSegmentWindows.js';
