import {
  AIRWAYS,
  AORTA_PATH,
  AORTA_RADIUS_MM,
  ARCH_PIECES,
  bodyEllipse,
  HU,
  heartEllipse,
  INSERT_Z_RANGE,
  INSERTS,
  liverEllipse,
  lungEllipse,
  lungHu,
  lungParts,
  mediastinalFatEllipse,
  muscleEllipse,
  posteriorArchFraction,
  RIB_MARROW_RADIUS_MM,
  RIB_RADIUS_MM,
  ribPaths,
  SPINE,
  sternumEllipse,
  vertebralBoneFraction,
  EXTENT_MM,
} from './anatomy.js';
import type { HuCanvas } from './HuCanvas.js';
import { paintEllipse, paintPolylineTube, paintTube } from './shapes.js';
import { lungVesselTree } from './vesselTree.js';

let cachedRibs: ReturnType<typeof ribPaths> | undefined;

/**
 * Paints the phantom cross-section at z (mm) onto a canvas pre-filled with air, back to front (painter's order):
 * 1 body fat, 2 muscle, 3 lungs, 4 liver, 5 mediastinal fat, 6 heart/soft tissue, 7 pulmonary vessels (inside
 * lung only), 8 inserts, 9 aorta, 10 airways, 11 spine, 12 ribs, 13 sternum.
 */
export function renderSlice(canvas: HuCanvas, z: number, thicknessMm: number): void {
  const lungMask = new Float32Array(canvas.data.length);
  const zn = z / EXTENT_MM;

  // 1-2. body wall
  paintEllipse(canvas, bodyEllipse(z), HU.fat);
  paintEllipse(canvas, muscleEllipse(z), HU.muscle);

  // 3. lungs, recording their coverage for the vessels
  for (const side of [-1, 1] as const) {
    const lung = lungEllipse(side, z);
    if (lung === undefined) continue;
    for (const part of lungParts(side, z)) paintEllipse(canvas, part, lungHu(lung), { record: lungMask });
  }

  // 4-6. organs displacing lung
  const liver = liverEllipse(z);
  if (liver !== undefined) paintEllipse(canvas, liver, HU.liver, { erase: lungMask });
  const mediastinalFat = mediastinalFatEllipse(z);
  if (mediastinalFat !== undefined) paintEllipse(canvas, mediastinalFat, HU.mediastinalFat, { erase: lungMask });
  const heart = heartEllipse(z);
  if (heart !== undefined) paintEllipse(canvas, heart, HU.softTissue, { erase: lungMask });

  // 7. pulmonary vessels
  for (const tube of lungVesselTree()) paintTube(canvas, tube, z, HU.vessel, { mask: lungMask });

  // 8. low-contrast inserts (cylinders along z inside the heart/soft-tissue block)
  if (heart !== undefined && zn >= INSERT_Z_RANGE.from && zn <= INSERT_Z_RANGE.to) {
    for (const insert of INSERTS) {
      const r = insert.diameterMm / 2;
      paintEllipse(
        canvas,
        { cx: heart.cx + insert.dx, cy: heart.cy + insert.dy, ax: r, ay: r },
        HU.softTissue + insert.contrastHu,
      );
    }
  }

  // 9-10. aorta and airways
  paintPolylineTube(canvas, AORTA_PATH, AORTA_RADIUS_MM, z, HU.aorta);
  for (const airway of AIRWAYS) {
    paintPolylineTube(canvas, airway.path, airway.outer, z, HU.softTissue);
    paintPolylineTube(canvas, airway.path, airway.inner, z, HU.air);
  }

  // 11. spine: vertebral body (or disc), posterior arch, canal
  const bone = vertebralBoneFraction(z, thicknessMm);
  const mix = (boneHu: number): number => HU.disc + bone * (boneHu - HU.disc);
  paintEllipse(canvas, { cx: 0, cy: SPINE.bodyY, ax: SPINE.bodyRadius, ay: SPINE.bodyRadius }, mix(HU.corticalBone));
  const inner = SPINE.bodyRadius - SPINE.cortexMm;
  paintEllipse(canvas, { cx: 0, cy: SPINE.bodyY, ax: inner, ay: inner }, mix(HU.cancellousBone));
  const arch = posteriorArchFraction(z, thicknessMm);
  if (arch > 0) {
    const archHu = HU.muscle + arch * (HU.corticalBone * 0.7 - HU.muscle);
    for (const [x0, y0, x1, y1, r] of ARCH_PIECES) paintTube(canvas, { x0, y0, z0: z, x1, y1, z1: z, r }, z, archHu);
  }
  paintEllipse(canvas, { cx: 0, cy: SPINE.canalY, ax: SPINE.canalRadius, ay: SPINE.canalRadius }, HU.csf);

  // 12. ribs: cortex then marrow
  cachedRibs ??= ribPaths();
  for (const rib of cachedRibs) {
    paintPolylineTube(canvas, rib, RIB_RADIUS_MM, z, HU.ribCortex);
    paintPolylineTube(canvas, rib, RIB_MARROW_RADIUS_MM, z, HU.cancellousBone);
  }

  // 13. sternum: cortex then marrow
  const sternum = sternumEllipse(z);
  if (sternum !== undefined) {
    paintEllipse(canvas, sternum, HU.corticalBone * 0.8);
    paintEllipse(canvas, { ...sternum, ax: sternum.ax - 2, ay: sternum.ay - 2 }, HU.cancellousBone);
  }
}
