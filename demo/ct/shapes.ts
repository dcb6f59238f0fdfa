import type { HuCanvas, HuValue, PaintOptions } from './HuCanvas.js';
import { paintSigned, pixelBox } from './paint.js';

// Math members bound once: global lookups are slow inside Jest's vm contexts, and this code is hot.
const { abs, cos, max, min, sin, sqrt } = Math;

/** Axial ellipse in mm: centre, semi-axes, rotation (radians, counter-clockwise from +x towards +y). */
export interface Ellipse {
  readonly cx: number;
  readonly cy: number;
  readonly ax: number;
  readonly ay: number;
  readonly angle?: number;
}

/** 3-D tube segment (capsule) in mm: axis from (x0, y0, z0) to (x1, y1, z1), radius r. */
export interface Tube {
  readonly x0: number;
  readonly y0: number;
  readonly z0: number;
  readonly x1: number;
  readonly y1: number;
  readonly z1: number;
  readonly r: number;
}

/**
 * Paints an ellipse. Signed distance is the first-order estimate sd ≈ F/|∇F| with F = (u/a)² + (v/b)² - 1 in the
 * ellipse frame (exact on the boundary's tangent, conservative away from it).
 */
export function paintEllipse(canvas: HuCanvas, e: Ellipse, hu: HuValue, options?: PaintOptions): void {
  if (!(e.ax > 0 && e.ay > 0)) return;
  const angle = e.angle ?? 0;
  const ca = cos(angle);
  const sa = sin(angle);
  const hx = sqrt(e.ax * e.ax * ca * ca + e.ay * e.ay * sa * sa);
  const hy = sqrt(e.ax * e.ax * sa * sa + e.ay * e.ay * ca * ca);
  const box = pixelBox(canvas, e.cx - hx, e.cx + hx, e.cy - hy, e.cy + hy);
  const ia2 = 1 / (e.ax * e.ax);
  const ib2 = 1 / (e.ay * e.ay);
  const sd = (x: number, y: number): number => {
    const dx = x - e.cx;
    const dy = y - e.cy;
    const u = dx * ca + dy * sa;
    const v = -dx * sa + dy * ca;
    const f = u * u * ia2 + v * v * ib2 - 1;
    const g = 2 * sqrt(u * u * ia2 * ia2 + v * v * ib2 * ib2);
    return g > 0 ? f / g : -1e30; // the centre: deep inside
  };
  paintSigned(canvas, box, sd, hu, options);
}

/**
 * Paints the cut of a 3-D tube by the plane z = zMm: the points whose 3-D distance to the axis segment is below r
 * (exact capsule distance). Oblique tubes give elongated sections with softer edges, as a thick slice would.
 */
export function paintTube(canvas: HuCanvas, t: Tube, zMm: number, hu: HuValue, options?: PaintOptions): void {
  const dxs = t.x1 - t.x0;
  const dys = t.y1 - t.y0;
  const dzs = t.z1 - t.z0;
  // parameter range where the axis is within r of the plane
  let s0 = 0;
  let s1 = 1;
  if (abs(dzs) < 1e-9) {
    if (abs(t.z0 - zMm) > t.r) return;
  } else {
    const a = (zMm - t.r - t.z0) / dzs;
    const b = (zMm + t.r - t.z0) / dzs;
    s0 = max(0, min(a, b));
    s1 = min(1, max(a, b));
    if (s0 > s1) return;
  }
  const xa = t.x0 + s0 * dxs;
  const xb = t.x0 + s1 * dxs;
  const ya = t.y0 + s0 * dys;
  const yb = t.y0 + s1 * dys;
  const box = pixelBox(canvas, min(xa, xb) - t.r, max(xa, xb) + t.r, min(ya, yb) - t.r, max(ya, yb) + t.r);
  const len2 = dxs * dxs + dys * dys + dzs * dzs;
  const qz = zMm - t.z0;
  const sd = (x: number, y: number): number => {
    const qx = x - t.x0;
    const qy = y - t.y0;
    let s = len2 > 0 ? (qx * dxs + qy * dys + qz * dzs) / len2 : 0;
    s = s < 0 ? 0 : s > 1 ? 1 : s;
    const ex = qx - s * dxs;
    const ey = qy - s * dys;
    const ez = qz - s * dzs;
    return sqrt(ex * ex + ey * ey + ez * ez) - t.r;
  };
  paintSigned(canvas, box, sd, hu, options);
}

/** Paints a tube along a 3-D polyline (consecutive points joined by capsules of one radius). */
export function paintPolylineTube(
  canvas: HuCanvas,
  points: readonly (readonly [number, number, number])[],
  r: number,
  zMm: number,
  hu: HuValue,
  options?: PaintOptions,
): void {
  for (let k = 0; k + 1 < points.length; k++) {
    const [x0, y0, z0] = points[k];
    const [x1, y1, z1] = points[k + 1];
    paintTube(canvas, { x0, y0, z0, x1, y1, z1, r }, zMm, hu, options);
  }
}
