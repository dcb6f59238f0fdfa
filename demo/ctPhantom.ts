import {
  AORTA_PATH,
  bodyEllipse,
  fatThicknessMm,
  HU,
  heartEllipse,
  INSERT_Z_RANGE,
  INSERTS,
  liverEllipse,
  lungEllipse,
  SPINE,
  vertebralBoneFraction,
  EXTENT_MM,
} from './ct/anatomy.js';
import { CT_PHANTOM_GEOMETRY, ctPhantomPixelSpacingMm, ctPhantomSlicePositionMm } from './ct/geometry.js';
import type { HuCanvas } from './ct/HuCanvas.js';
import type { Ellipse } from './ct/shapes.js';
import type { CtPhantomRois, InsertRoi, PhantomRoi } from './ct/PhantomRoi.js';
import { renderSlice } from './ct/renderSlice.js';
import { checkIntegerArgument } from './errors.js';

export { CT_PHANTOM_GEOMETRY } from './ct/geometry.js';

const MAX_SIZE = 4096;
const MAX_SLICES = 100000;

function checkArguments(fn: string, zIndex: number, sliceCount: number, size: number): void {
  checkIntegerArgument(fn, 'sliceCount', sliceCount, 1, MAX_SLICES);
  checkIntegerArgument(fn, 'zIndex', zIndex, 0, sliceCount - 1);
  checkIntegerArgument(fn, 'size', size, 16, MAX_SIZE);
}

/**
 * One axial slice of the synthetic anthropomorphic chest/upper-abdomen CT phantom, in HU.
 *
 * Contents (nominal HU): air -1000 outside; skin ellipse with subcutaneous fat (-100) over muscle (40); two lungs
 * (-885 anterior to -815 posterior) whose cross-section grows from the apex and shrinks to the bases, with
 * branching pulmonary vessels (40 HU, radius 5 mm down to ~0.6 mm); heart / upper-abdominal soft tissue (40);
 * liver (60) from its dome down; anterior mediastinal fat (-90); contrast-filled aorta (200); trachea and main
 * bronchi (air lumen, 40 HU wall); vertebral bodies (cortex 1000, cancellous 400) alternating with discs (80) every
 * 27 mm, posterior arch (700), spinal canal (15); ribs (cortex 900, marrow 400) descending around the chest wall;
 * sternum; and nine low-contrast cylinders (+20/+10/+5 HU x 12/7/4 mm) in the 40 HU heart block for zn in
 * [0.5, 0.95]. Edges carry in-plane partial volume (one-pixel linear coverage ramp from a signed distance);
 * oblique tubes are cut in 3-D, the vertebral disc partial volume uses a 5 mm slab.
 * Deterministic: no randomness at call time (the vessel tree comes from a fixed seed).
 *
 * @param zIndex - slice index, 0 (lung apices) .. sliceCount - 1 (upper abdomen)
 * @param sliceCount - number of slices the phantom's 240 mm extent is cut into (48 gives 5 mm spacing)
 * @param size - image width = height in pixels (16..4096); pixel spacing = 358.4 mm / size (0.7 mm at 512)
 * @returns size x size row-major HU values, row 0 anterior, column 0 patient right
 * @throws DEMO_ERR_BAD_ARGUMENT when an argument is out of range
 * @example const slice = ctPhantomSlice(20, 48); // 512 x 512, 0.7 mm pixels, z = 102.5 mm
 */
export function ctPhantomSlice(
  zIndex: number,
  sliceCount: number,
  size: number = CT_PHANTOM_GEOMETRY.defaultSize,
): Float32Array {
  checkArguments('ctPhantomSlice', zIndex, sliceCount, size);
  const canvas: HuCanvas = {
    size,
    pixelMm: ctPhantomPixelSpacingMm(size),
    data: new Float32Array(size * size).fill(HU.air),
  };
  renderSlice(canvas, ctPhantomSlicePositionMm(zIndex, sliceCount), CT_PHANTOM_GEOMETRY.sliceThicknessMm);
  return canvas.data;
}

/**
 * Regions of interest of a phantom slice, for noise, bias and CNR measurements: where each tissue sits in that
 * slice, with the HU it was painted with. ROIs keep at least one pixel away from painted edges.
 * @param zIndex - slice index as for ctPhantomSlice
 * @param sliceCount - as for ctPhantomSlice
 * @param size - as for ctPhantomSlice
 * @throws DEMO_ERR_BAD_ARGUMENT when an argument is out of range
 */
export function ctPhantomRois(
  zIndex: number,
  sliceCount: number,
  size: number = CT_PHANTOM_GEOMETRY.defaultSize,
): CtPhantomRois {
  checkArguments('ctPhantomRois', zIndex, sliceCount, size);
  const z = ctPhantomSlicePositionMm(zIndex, sliceCount);
  const zn = z / EXTENT_MM;
  const px = ctPhantomPixelSpacingMm(size);
  const c = (size - 1) / 2;
  const roi = (x: number, y: number, radiusMm: number, nominalHu: number): PhantomRoi => ({
    row: y / px + c,
    col: x / px + c,
    radiusPx: radiusMm / px,
    nominalHu,
  });

  const body = bodyEllipse(z);
  const fat = fatThicknessMm(z);
  const liver = liverEllipse(z);
  const heart = heartEllipse(z);
  const lungs: PhantomRoi[] = [];
  for (const side of [-1, 1] as const) {
    const lung = lungEllipse(side, z);
    if (lung === undefined || lung.ax < 25) continue;
    // lateral part of the lung, kept only where no organ painted over it (liver dome, heart)
    const x = lung.cx + side * 0.5 * lung.ax;
    const r = 0.2 * lung.ax;
    if (!overlaps(liver, x, lung.cy, r) && !overlaps(heart, x, lung.cy, r)) {
      lungs.push(roi(x, lung.cy, r, HU.lungMean));
    }
  }
  const bone = vertebralBoneFraction(z, CT_PHANTOM_GEOMETRY.sliceThicknessMm);
  const insertsPresent = heart !== undefined && zn >= INSERT_Z_RANGE.from && zn <= INSERT_Z_RANGE.to;
  const inserts: InsertRoi[] = insertsPresent
    ? INSERTS.map((spec) => ({
        // keep 1.5 pixels off the partial-volume edge, but at least the centre pixel
        ...roi(
          heart.cx + spec.dx,
          heart.cy + spec.dy,
          Math.max(0.5 * px, spec.diameterMm / 2 - 1.5 * px),
          HU.softTissue + spec.contrastHu,
        ),
        contrastHu: spec.contrastHu,
        diameterMm: spec.diameterMm,
      }))
    : [];

  return {
    air: roi(0, -150, 12, HU.air),
    fat: roi(0, body.cy - body.ay + fat / 2, fat / 2 - 2 * px, HU.fat),
    muscle: roi(30, 86, 5, HU.muscle),
    lungs,
    ...(liver !== undefined && liver.ax > 60 ? { liver: roi(-80, 20, 10, HU.liver) } : {}),
    vertebra: roi(0, SPINE.bodyY, 8, HU.disc + bone * (HU.cancellousBone - HU.disc)),
    ...(z >= 100 ? { aorta: roi(...descendingAortaAt(z), 6, HU.aorta) } : {}),
    ...(insertsPresent ? { insertBackground: roi(heart.cx, heart.cy, 10, HU.softTissue) } : {}),
    inserts,
  };
}

/** True when the disc (x, y, r) may touch the ellipse (the ellipse grown by r). */
function overlaps(e: Ellipse | undefined, x: number, y: number, r: number): boolean {
  if (e === undefined) return false;
  const angle = e.angle ?? 0;
  const dx = x - e.cx;
  const dy = y - e.cy;
  const u = (dx * Math.cos(angle) + dy * Math.sin(angle)) / (e.ax + r);
  const v = (-dx * Math.sin(angle) + dy * Math.cos(angle)) / (e.ay + r);
  return u * u + v * v < 1;
}

/** Centre (x, y) of the descending aorta at z (z >= 84), interpolated on its centreline. */
function descendingAortaAt(z: number): [number, number] {
  for (let k = 4; k + 1 < AORTA_PATH.length; k++) {
    const [x0, y0, z0] = AORTA_PATH[k];
    const [x1, y1, z1] = AORTA_PATH[k + 1];
    if (z >= z0 && z <= z1) {
      const t = (z - z0) / (z1 - z0);
      return [x0 + t * (x1 - x0), y0 + t * (y1 - y0)];
    }
  }
  const [x, y] = AORTA_PATH[AORTA_PATH.length - 1];
  return [x, y];
}
