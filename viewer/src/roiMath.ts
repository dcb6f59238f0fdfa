/**
 * The geometry and statistics of measurements, as pure functions over plain numbers (no Cornerstone state).
 *
 * Image coordinates: x along a row (column index), y down the columns (row index), in pixels, with pixel (c, r)
 * covering [c, c + 1) x [r, r + 1) — the convention of Cornerstone's `worldToImageCoords`. World coordinates are
 * the patient coordinates in mm (DICOM ImagePositionPatient is the centre of the first pixel).
 */

export type Vec3 = readonly [number, number, number];
export type ImagePoint = readonly [number, number];

/** What `imagePlaneModule` gives for an image; missing parts take Cornerstone's defaults. */
export interface ImagePlaneLike {
  readonly imagePositionPatient?: readonly number[] | null;
  readonly rowCosines?: readonly number[] | null;
  readonly columnCosines?: readonly number[] | null;
  /** Spacing between rows (PixelSpacing[0]), mm. */
  readonly rowPixelSpacing?: number | null;
  /** Spacing between columns (PixelSpacing[1]), mm. */
  readonly columnPixelSpacing?: number | null;
  readonly pixelSpacing?: readonly number[] | null;
}

export interface ImagePlane {
  readonly origin: Vec3;
  readonly rowCosines: Vec3;
  readonly columnCosines: Vec3;
  readonly rowSpacing: number;
  readonly columnSpacing: number;
  /** Whether the spacing came from the image (lengths in mm) or is the 1-pixel default (lengths in pixels). */
  readonly calibrated: boolean;
}

const vec3 = (v: readonly number[] | null | undefined, fallback: Vec3): Vec3 =>
  v && v.length >= 3 && v.slice(0, 3).every((x) => Number.isFinite(Number(x)))
    ? [Number(v[0]), Number(v[1]), Number(v[2])]
    : fallback;

/** An image plane with Cornerstone's defaults (origin 0, axial cosines, spacing 1) for what is missing. */
export function imagePlane(module: ImagePlaneLike | undefined): ImagePlane {
  const rs = Number(module?.rowPixelSpacing);
  const cs = Number(module?.columnPixelSpacing);
  const calibrated = !!module?.pixelSpacing && rs > 0 && cs > 0;
  return {
    origin: vec3(module?.imagePositionPatient, [0, 0, 0]),
    rowCosines: vec3(module?.rowCosines, [1, 0, 0]),
    columnCosines: vec3(module?.columnCosines, [0, 1, 0]),
    rowSpacing: rs > 0 ? rs : 1,
    columnSpacing: cs > 0 ? cs : 1,
    calibrated,
  };
}

const dot = (a: Vec3, b: Vec3): number => a[0] * b[0] + a[1] * b[1] + a[2] * b[2];

/** World (mm) → image coordinates on a plane (the point is projected onto the plane). */
export function worldToImage(plane: ImagePlane, world: Vec3): ImagePoint {
  const d: Vec3 = [world[0] - plane.origin[0], world[1] - plane.origin[1], world[2] - plane.origin[2]];
  // Along a row (rowCosines) the step is the spacing between columns, and the reverse.
  return [dot(d, plane.rowCosines) / plane.columnSpacing + 0.5, dot(d, plane.columnCosines) / plane.rowSpacing + 0.5];
}

/** Image coordinates → world (mm), on the image's plane. */
export function imageToWorld(plane: ImagePlane, p: ImagePoint): Vec3 {
  const a = (p[0] - 0.5) * plane.columnSpacing;
  const b = (p[1] - 0.5) * plane.rowSpacing;
  const { origin: o, rowCosines: r, columnCosines: c } = plane;
  return [o[0] + a * r[0] + b * c[0], o[1] + a * r[1] + b * c[1], o[2] + a * r[2] + b * c[2]];
}

/** The distance between two image points in mm (or pixels when the plane is not calibrated). */
export function imageDistance(plane: ImagePlane, a: ImagePoint, b: ImagePoint): number {
  return Math.hypot((b[0] - a[0]) * plane.columnSpacing, (b[1] - a[1]) * plane.rowSpacing);
}

/** An ellipse (inscribed) or a rectangle, given by its axis-aligned bounding box in image coordinates. */
export interface RoiShape {
  readonly kind: 'ellipse' | 'rectangle';
  readonly x0: number;
  readonly y0: number;
  readonly x1: number;
  readonly y1: number;
}

/** The bounding box of an ROI annotation's points (ellipse: its 4 axis ends; rectangle: its corners). */
export function roiShape(kind: RoiShape['kind'], points: readonly ImagePoint[]): RoiShape {
  const xs = points.map((p) => p[0]);
  const ys = points.map((p) => p[1]);
  return { kind, x0: Math.min(...xs), y0: Math.min(...ys), x1: Math.max(...xs), y1: Math.max(...ys) };
}

export interface RoiStats {
  /** Pixels inside (their centre lies inside the shape). */
  readonly n: number;
  readonly mean: number;
  /** Sample standard deviation (n − 1); 0 for one pixel. */
  readonly sd: number;
  readonly min: number;
  readonly max: number;
}

/**
 * Statistics of the pixels whose centre (c + 0.5, r + 0.5) lies inside the shape; undefined when none does.
 * Two-pass mean and SD (no cancellation on HU values around −1000).
 * @param values - one value per pixel, row-major (HU, or luma for colour images)
 */
export function roiStats(
  values: ArrayLike<number>,
  columns: number,
  rows: number,
  shape: RoiShape,
): RoiStats | undefined {
  const cx = (shape.x0 + shape.x1) / 2;
  const cy = (shape.y0 + shape.y1) / 2;
  const rx = (shape.x1 - shape.x0) / 2;
  const ry = (shape.y1 - shape.y0) / 2;
  if (!(rx > 0 && ry > 0)) return undefined;
  const c0 = Math.max(0, Math.floor(shape.x0 - 0.5));
  const c1 = Math.min(columns - 1, Math.ceil(shape.x1 - 0.5));
  const r0 = Math.max(0, Math.floor(shape.y0 - 0.5));
  const r1 = Math.min(rows - 1, Math.ceil(shape.y1 - 0.5));
  const inside = (c: number, r: number): boolean => {
    const x = c + 0.5;
    const y = r + 0.5;
    if (shape.kind === 'rectangle') return x >= shape.x0 && x <= shape.x1 && y >= shape.y0 && y <= shape.y1;
    const u = (x - cx) / rx;
    const v = (y - cy) / ry;
    return u * u + v * v <= 1;
  };
  let n = 0;
  let sum = 0;
  let min = Infinity;
  let max = -Infinity;
  for (let r = r0; r <= r1; r++) {
    for (let c = c0; c <= c1; c++) {
      if (!inside(c, r)) continue;
      const v = values[r * columns + c];
      n++;
      sum += v;
      if (v < min) min = v;
      if (v > max) max = v;
    }
  }
  if (n === 0) return undefined;
  const mean = sum / n;
  let ss = 0;
  for (let r = r0; r <= r1; r++) {
    for (let c = c0; c <= c1; c++) {
      if (!inside(c, r)) continue;
      const d = values[r * columns + c] - mean;
      ss += d * d;
    }
  }
  return { n, mean, sd: n > 1 ? Math.sqrt(ss / (n - 1)) : 0, min, max };
}

/** Rec. 601 luma of interleaved RGB(A) pixels: the grey level ROI statistics use on colour images. */
export function lumaValues(pixels: ArrayLike<number>, components: number): Float32Array {
  const n = Math.floor(pixels.length / components);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const k = i * components;
    out[i] = 0.299 * pixels[k] + 0.587 * pixels[k + 1] + 0.114 * pixels[k + 2];
  }
  return out;
}
