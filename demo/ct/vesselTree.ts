import { createRng, type Rng } from '../../validation/index.js';
import { lungEllipse } from './anatomy.js';
import type { Tube } from './shapes.js';

/** Fixed seed: the vessel tree is part of the phantom's definition, identical in every run. */
const VESSEL_TREE_SEED = 20120501;
/** Murray's law for a symmetric bifurcation, r_parent³ = 2·r_child³, gives r_child = r_parent / 2^(1/3). */
const RADIUS_RATIO = 1 / Math.cbrt(2);
const LENGTH_RATIO = 0.8;
const MAX_DEPTH = 9;
const MIN_RADIUS_MM = 0.6;
const TRUNKS_PER_LUNG = 10;

type Vec3 = [number, number, number];

function normalize(v: Vec3): Vec3 {
  const n = Math.hypot(v[0], v[1], v[2]);
  return [v[0] / n, v[1] / n, v[2] / n];
}

/** True when (x, y, z) lies inside the lung cross-section at z, shrunk by `margin` (fraction of the semi-axes). */
function insideLung(side: -1 | 1, p: Vec3, margin: number): boolean {
  const e = lungEllipse(side, p[2]);
  if (e === undefined) return false;
  const u = (p[0] - e.cx) / e.ax;
  const v = (p[1] - e.cy) / e.ay;
  return u * u + v * v < margin;
}

/** Unit vector perpendicular to d, in a random direction. */
function randomPerpendicular(d: Vec3, rng: Rng): Vec3 {
  for (;;) {
    const r: Vec3 = [rng.normal(), rng.normal(), rng.normal()];
    const dot = r[0] * d[0] + r[1] * d[1] + r[2] * d[2];
    const p: Vec3 = [r[0] - dot * d[0], r[1] - dot * d[1], r[2] - dot * d[2]];
    if (Math.hypot(p[0], p[1], p[2]) > 1e-3) return normalize(p);
  }
}

function grow(
  side: -1 | 1,
  start: Vec3,
  dir: Vec3,
  r: number,
  length: number,
  depth: number,
  rng: Rng,
  out: Tube[],
): void {
  let len = length;
  let end: Vec3 = [start[0] + dir[0] * len, start[1] + dir[1] * len, start[2] + dir[2] * len];
  if (!insideLung(side, end, 0.85)) {
    len /= 2;
    end = [start[0] + dir[0] * len, start[1] + dir[1] * len, start[2] + dir[2] * len];
    if (!insideLung(side, end, 0.85)) return;
  }
  out.push({ x0: start[0], y0: start[1], z0: start[2], x1: end[0], y1: end[1], z1: end[2], r });
  const childR = r * RADIUS_RATIO;
  if (depth >= MAX_DEPTH || childR < MIN_RADIUS_MM) return;
  const w = randomPerpendicular(dir, rng);
  // outward bias: away from the lung axis, so branches fan towards the pleura
  const axis = lungEllipse(side, end[2]);
  const outward: Vec3 = axis === undefined ? [0, 0, 0] : [end[0] - axis.cx, end[1] - axis.cy, 0];
  const outwardNorm = Math.hypot(outward[0], outward[1]) || 1;
  for (const sign of [1, -1]) {
    const theta = ((20 + 20 * rng.uniform()) * Math.PI) / 180;
    const c = Math.cos(theta);
    const s = Math.sin(theta) * sign;
    const child = normalize([
      c * dir[0] + s * w[0] + (0.25 * outward[0]) / outwardNorm,
      c * dir[1] + s * w[1] + (0.25 * outward[1]) / outwardNorm,
      c * dir[2] + s * w[2],
    ]);
    grow(side, end, child, childR, len * LENGTH_RATIO * (0.85 + 0.3 * rng.uniform()), depth + 1, rng, out);
  }
}

let cachedTree: readonly Tube[] | undefined;

/**
 * Pulmonary vessel trees of both lungs as 3-D tube segments: ten trunks per hilum, each bifurcating up to
 * nine times with radius r/2^(1/3) (Murray's law) and length x0.8 per generation, branch angles 20-40 degrees,
 * pruned where a branch would leave the lung. Deterministic (fixed seed), computed once.
 */
export function lungVesselTree(): readonly Tube[] {
  if (cachedTree !== undefined) return cachedTree;
  const rng = createRng(VESSEL_TREE_SEED);
  const tubes: Tube[] = [];
  for (const side of [-1, 1] as const) {
    const hilum: Vec3 = [side * 40, 6, side < 0 ? 100 : 104];
    // trunks fan out laterally from the hilum in all cranio-caudal and antero-posterior directions
    const trunks: Vec3[] = [];
    for (let k = 0; k < TRUNKS_PER_LUNG; k++) {
      const elevation = -1.2 + (2.4 * (k + rng.uniform())) / TRUNKS_PER_LUNG;
      const azimuth = (rng.uniform() - 0.5) * 1.6;
      trunks.push([side * (0.5 + 0.5 * rng.uniform()), Math.sin(azimuth), Math.tan(elevation)]);
    }
    for (const trunk of trunks) grow(side, hilum, normalize(trunk), 5, 28, 0, rng, tubes);
  }
  cachedTree = Object.freeze(tubes);
  return cachedTree;
}
