import type { Ellipse } from './shapes.js';

/*
 * Anatomy of the synthetic chest/upper-abdomen phantom, as functions of the axial position z in mm
 * (0 = lung apex level, EXTENT_MM = upper abdomen). Coordinates in mm: +x patient left (image right),
 * +y posterior (image down), origin at the image centre. Sizes follow adult averages loosely; nothing here is
 * patient data. HU values are the nominal ones listed in HU below.
 */

/** Cranio-caudal extent covered by slices 0..sliceCount-1. */
export const EXTENT_MM = 240;

/** Nominal HU of each tissue class. */
export const HU = Object.freeze({
  air: -1000,
  fat: -100,
  muscle: 40,
  softTissue: 40,
  lungMean: -850,
  vessel: 40,
  liver: 60,
  aorta: 200,
  cancellousBone: 400,
  corticalBone: 1000,
  ribCortex: 900,
  disc: 80,
  csf: 15,
  mediastinalFat: -90,
});

export function clamp01(x: number): number {
  return x < 0 ? 0 : x > 1 ? 1 : x;
}

export function smoothstep(e0: number, e1: number, x: number): number {
  const t = clamp01((x - e0) / (e1 - e0));
  return t * t * (3 - 2 * t);
}

/** Outer body outline (skin). */
export function bodyEllipse(z: number): Ellipse {
  const zn = z / EXTENT_MM;
  return { cx: 0, cy: 5, ax: 160 + 10 * smoothstep(0, 0.5, zn), ay: 105 + 10 * smoothstep(0.3, 1, zn) };
}

/** Subcutaneous fat thickness, thicker over the abdomen. */
export function fatThicknessMm(z: number): number {
  return 12 + 6 * smoothstep(0.4, 1, z / EXTENT_MM);
}

/** Muscle/inner body outline: the skin ellipse inset by the fat layer. */
export function muscleEllipse(z: number): Ellipse {
  const body = bodyEllipse(z);
  const fat = fatThicknessMm(z);
  return { cx: body.cx, cy: body.cy, ax: body.ax - fat, ay: body.ay - fat };
}

/** Lung bases (normalised z) of the right (side -1) and left (side +1) lung. */
const LUNG_BASE = { right: 0.82, left: 0.86 };

/**
 * Cross-section of one lung, or undefined above the apex / below the base. The semi-axes follow an ellipsoidal
 * cap at both ends: scale = min(√((zn + 0.04)/0.42), √((base - zn)/0.25)), clamped to [0, 1].
 * @param side - -1 right lung (image left), +1 left lung (image right)
 */
export function lungEllipse(side: -1 | 1, z: number): Ellipse | undefined {
  const zn = z / EXTENT_MM;
  const base = side < 0 ? LUNG_BASE.right : LUNG_BASE.left;
  const scale = Math.min(Math.sqrt(clamp01((zn + 0.04) / 0.42)), Math.sqrt(clamp01((base - zn) / 0.25)));
  if (scale < 0.05) return undefined;
  return { cx: side * 74, cy: 5, ax: 54 * scale, ay: 80 * scale };
}

/**
 * The painted parts of one lung: the main ellipse plus a posterior paravertebral recess, which gives the axial
 * section its flattened-medial, deep-posterior shape.
 */
export function lungParts(side: -1 | 1, z: number): Ellipse[] {
  const main = lungEllipse(side, z);
  if (main === undefined) return [];
  const scale = main.ay / 80;
  return [main, { cx: side * 54, cy: 5 + 40 * scale, ax: 32 * scale, ay: 36 * scale, angle: side * 0.35 }];
}

/** Lung parenchyma HU with a gravity-dependent gradient: denser posteriorly, -885 anterior to -815 posterior. */
export function lungHu(lung: Ellipse): (x: number, y: number) => number {
  return (_x: number, y: number) => HU.lungMean + 35 * ((y - lung.cy) / lung.ay);
}

/** Liver (patient right, image left) from its dome downwards, or undefined above the dome. */
export function liverEllipse(z: number): Ellipse | undefined {
  const scale = Math.sqrt(clamp01((z / EXTENT_MM - 0.52) / 0.3));
  if (scale < 0.05) return undefined;
  return { cx: -58, cy: 8, ax: 90 * scale, ay: 82 * scale, angle: 0.2 };
}

/**
 * Central soft tissue, 40 HU: the heart above the diaphragm, the stomach/bowel block below it. It hosts the
 * low-contrast inserts, so it is uniform.
 */
export function heartEllipse(z: number): Ellipse | undefined {
  const scale = Math.sqrt(clamp01((z / EXTENT_MM - 0.34) / 0.1));
  if (scale < 0.05) return undefined;
  return { cx: 20, cy: -26, ax: 62 * scale, ay: 50 * scale, angle: -0.3 };
}

/** Anterior mediastinal fat in the upper and mid thorax. */
export function mediastinalFatEllipse(z: number): Ellipse | undefined {
  const zn = z / EXTENT_MM;
  const scale = Math.min(smoothstep(0.08, 0.16, zn), 1 - smoothstep(0.4, 0.48, zn));
  if (scale < 0.05) return undefined;
  return { cx: 0, cy: -62, ax: 22 * scale, ay: 12 * scale };
}

/** Sternum (anterior midline), between the manubrium and the xiphoid levels. */
export function sternumEllipse(z: number): Ellipse | undefined {
  const zn = z / EXTENT_MM;
  if (zn < 0.14 || zn > 0.7) return undefined;
  const muscle = muscleEllipse(z);
  return { cx: 0, cy: muscle.cy - muscle.ay + 9, ax: 15, ay: 6 };
}

type Point3 = readonly [number, number, number];

/** Aorta centreline (ascending, arch, descending) and radius. */
export const AORTA_PATH: readonly Point3[] = [
  [8, -38, 100],
  [10, -42, 52],
  [26, -15, 40],
  [30, 8, 48],
  [26, 20, 84],
  [24, 22, 300],
];
export const AORTA_RADIUS_MM = 12;

/** Trachea and main bronchi: centrelines, outer (wall) and inner (lumen) radii. */
export const AIRWAYS: readonly { readonly path: readonly Point3[]; readonly outer: number; readonly inner: number }[] =
  [
    {
      path: [
        [0, 2, -30],
        [0, 2, 72],
      ],
      outer: 10,
      inner: 8,
    },
    {
      path: [
        [0, 2, 72],
        [-38, 8, 98],
      ],
      outer: 7,
      inner: 5,
    },
    {
      path: [
        [0, 2, 72],
        [40, 8, 102],
      ],
      outer: 7,
      inner: 5,
    },
  ];

/** Vertebral segmentation: discs of DISC_MM every PERIOD_MM starting at FIRST_DISC_MM. */
const VERTEBRA = { periodMm: 27, discMm: 7, firstDiscMm: 20, archStartMm: 1, archLengthMm: 15 };

/** Overlap length of [a0, a1] with the periodic intervals [start + kP, start + kP + len]. */
function periodicOverlap(a0: number, a1: number, start: number, len: number, period: number): number {
  let total = 0;
  const kMin = Math.floor((a0 - start - len) / period);
  const kMax = Math.ceil((a1 - start) / period);
  for (let k = kMin; k <= kMax; k++) {
    const b0 = start + k * period;
    total += Math.max(0, Math.min(a1, b0 + len) - Math.max(a0, b0));
  }
  return total;
}

/** Fraction of the slab [z - t/2, z + t/2] occupied by vertebral bone rather than disc (partial volume in z). */
export function vertebralBoneFraction(z: number, thicknessMm: number): number {
  const h = thicknessMm / 2;
  const disc = periodicOverlap(z - h, z + h, VERTEBRA.firstDiscMm, VERTEBRA.discMm, VERTEBRA.periodMm);
  return 1 - disc / thicknessMm;
}

/** Fraction of the slab holding the posterior arch (pedicles, laminae, processes), upper part of each vertebra. */
export function posteriorArchFraction(z: number, thicknessMm: number): number {
  const h = thicknessMm / 2;
  const start = VERTEBRA.firstDiscMm + VERTEBRA.discMm + VERTEBRA.archStartMm;
  return periodicOverlap(z - h, z + h, start, VERTEBRA.archLengthMm, VERTEBRA.periodMm) / thicknessMm;
}

/** Vertebral body and spinal canal (centre, radius) in the axial plane. */
export const SPINE = Object.freeze({ bodyY: 40, bodyRadius: 18, cortexMm: 1.7, canalY: 68, canalRadius: 8 });

/** Posterior-arch pieces as 2-D capsules [x0, y0, x1, y1, r] (mirrored for both sides where x ≠ 0). */
export const ARCH_PIECES: readonly (readonly [number, number, number, number, number])[] = [
  [9, 52, 11, 64, 4.5],
  [-9, 52, -11, 64, 4.5],
  [11, 66, 0, 80, 3.5],
  [-11, 66, 0, 80, 3.5],
  [0, 79, 0, 90, 3.5],
  [11, 62, 27, 58, 3.5],
  [-11, 62, -27, 58, 3.5],
];

/**
 * Rib centrelines: rib k of each side leaves the spine at z = 8 + 23k and runs around the chest wall
 * (angle ψ from the posterior midline, 0.38..2.55 rad) descending 55 mm to its anterior end.
 */
export function ribPaths(): Point3[][] {
  const ribs: Point3[][] = [];
  const psi0 = 0.38;
  const psi1 = 2.55;
  const steps = 14;
  for (let k = 0; k < 10; k++) {
    const zk = 8 + 23 * k;
    const muscle = muscleEllipse(zk);
    const rx = muscle.ax - 7;
    const ry = muscle.ay - 7;
    for (const side of [-1, 1]) {
      const path: Point3[] = [];
      for (let s = 0; s <= steps; s++) {
        const u = s / steps;
        const psi = psi0 + u * (psi1 - psi0);
        path.push([side * rx * Math.sin(psi), muscle.cy + ry * Math.cos(psi), zk + 55 * u]);
      }
      ribs.push(path);
    }
  }
  return ribs;
}
export const RIB_RADIUS_MM = 4;
export const RIB_MARROW_RADIUS_MM = 2.4;

/** One low-contrast insert: offset from the heart centre (mm), diameter (mm), contrast over 40 HU. */
export interface InsertSpec {
  readonly dx: number;
  readonly dy: number;
  readonly diameterMm: number;
  readonly contrastHu: number;
}

/** z range (normalised) of the insert cylinders. */
export const INSERT_Z_RANGE = Object.freeze({ from: 0.5, to: 0.95 });

/** Nine inserts on a 25 mm ring around the heart centre: contrasts +20/+10/+5 HU x diameters 12/7/4 mm. */
export const INSERTS: readonly InsertSpec[] = (() => {
  const specs: InsertSpec[] = [];
  const contrasts = [20, 10, 5];
  const diameters = [12, 7, 4];
  let n = 0;
  for (const contrastHu of contrasts) {
    for (const diameterMm of diameters) {
      const phi = (2 * Math.PI * n) / 9 - Math.PI / 2;
      specs.push({ dx: 25 * Math.cos(phi), dy: 25 * Math.sin(phi), diameterMm, contrastHu });
      n++;
    }
  }
  return specs;
})();
