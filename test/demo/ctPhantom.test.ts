import {
  CT_PHANTOM_GEOMETRY,
  ctPhantomPixelSpacingMm,
  ctPhantomRois,
  ctPhantomSlice,
  ctPhantomSlicePositionMm,
  ctPhantomSliceSpacingMm,
} from '../../demo/index.js';
import { mean, median, roiValues } from './roiStats.js';

const SLICES = CT_PHANTOM_GEOMETRY.defaultSliceCount; // 48
const SIZE = 256; // fast; pixel spacing 1.4 mm

describe('CT_PHANTOM_GEOMETRY', () => {
  it('gives 0.7 mm pixels at 512 and 5 mm slices at the default slice count', () => {
    expect(ctPhantomPixelSpacingMm(512)).toBeCloseTo(CT_PHANTOM_GEOMETRY.pixelSpacingMm, 12);
    expect(ctPhantomSliceSpacingMm(SLICES)).toBe(CT_PHANTOM_GEOMETRY.sliceSpacingMm);
    expect(ctPhantomSlicePositionMm(1, SLICES) - ctPhantomSlicePositionMm(0, SLICES)).toBe(5);
  });
});

describe('ctPhantomSlice', () => {
  const slices = Array.from({ length: SLICES }, (_, z) => ctPhantomSlice(z, SLICES, SIZE));

  it('is air (-1000 HU) outside the body and stays within [-1000, 1000] HU', () => {
    for (const s of slices) {
      expect(s.length).toBe(SIZE * SIZE);
      expect(s[0]).toBe(-1000);
      expect(s[SIZE * SIZE - 1]).toBe(-1000);
      let min = Infinity;
      let max = -Infinity;
      for (const v of s) {
        min = Math.min(min, v);
        max = Math.max(max, v);
      }
      expect(min).toBeGreaterThanOrEqual(-1000);
      expect(max).toBeLessThanOrEqual(1000);
    }
  });

  it('holds each tissue at its nominal HU inside its ROI, in every slice', () => {
    for (let z = 0; z < SLICES; z++) {
      const rois = ctPhantomRois(z, SLICES, SIZE);
      for (const roi of [
        rois.air,
        rois.fat,
        rois.muscle,
        rois.vertebra,
        rois.liver,
        rois.aorta,
        rois.insertBackground,
      ]) {
        if (roi === undefined) continue;
        const values = roiValues(slices[z], SIZE, roi);
        expect(values.length).toBeGreaterThan(0);
        expect(Math.abs(mean(values) - roi.nominalHu)).toBeLessThan(0.5);
      }
    }
  });

  it('has air at -1000, fat near -100, muscle near 40, lung in [-900, -800], liver 60, aorta 200', () => {
    const mid = ctPhantomRois(16, SLICES, SIZE);
    const low = ctPhantomRois(40, SLICES, SIZE);
    expect(mean(roiValues(slices[16], SIZE, mid.air))).toBe(-1000);
    expect(mean(roiValues(slices[16], SIZE, mid.fat))).toBeCloseTo(-100, 0);
    expect(mean(roiValues(slices[16], SIZE, mid.muscle))).toBeCloseTo(40, 0);
    expect(mid.lungs).toHaveLength(2);
    for (const lung of mid.lungs) {
      const values = roiValues(slices[16], SIZE, lung);
      // parenchyma, with vessels (and their partial volume) crossing the ROI
      expect(median(values)).toBeGreaterThan(-900);
      expect(median(values)).toBeLessThan(-800);
      expect(values.filter((v) => v >= -900 && v <= -800).length / values.length).toBeGreaterThan(0.5);
    }
    expect(low.liver).toBeDefined();
    expect(mean(roiValues(slices[40], SIZE, low.liver!))).toBeCloseTo(60, 0);
    expect(mean(roiValues(slices[40], SIZE, low.aorta!))).toBeCloseTo(200, 0);
  });

  it('has bone between 400 (cancellous) and 1000 HU (cortical) in the vertebral bodies and ribs', () => {
    let sawBoneSlice = false;
    for (let z = 0; z < SLICES; z++) {
      const vertebra = ctPhantomRois(z, SLICES, SIZE).vertebra;
      if (vertebra.nominalHu !== 400) continue; // slab entirely within a vertebral body, not a disc
      sawBoneSlice = true;
      const values = roiValues(slices[z], SIZE, vertebra);
      expect(Math.min(...values)).toBeGreaterThanOrEqual(399.5);
      const dense = slices[z].filter((v) => v >= 800).length;
      expect(dense).toBeGreaterThan(20); // cortical shells of vertebra and ribs
    }
    expect(sawBoneSlice).toBe(true);
  });

  it('carries low-contrast inserts of +5/+10/+20 HU over the 40 HU background at full resolution', () => {
    const z = 30;
    const slice = ctPhantomSlice(z, SLICES, 512);
    const rois = ctPhantomRois(z, SLICES, 512);
    expect(rois.inserts).toHaveLength(9);
    const background = mean(roiValues(slice, 512, rois.insertBackground!));
    expect(background).toBeCloseTo(40, 1);
    for (const insert of rois.inserts) {
      expect([5, 10, 20]).toContain(insert.contrastHu);
      expect(insert.diameterMm).toBeGreaterThanOrEqual(4);
      expect(insert.diameterMm).toBeLessThanOrEqual(12);
      expect(mean(roiValues(slice, 512, insert)) - background).toBeCloseTo(insert.contrastHu, 0);
    }
    expect(ctPhantomRois(2, SLICES, 512).inserts).toHaveLength(0);
  });

  it('changes along z: every slice differs from its neighbours, far slices differ more', () => {
    const meanAbsDiff = (a: Float32Array, b: Float32Array): number => {
      let s = 0;
      for (let i = 0; i < a.length; i++) s += Math.abs(a[i] - b[i]);
      return s / a.length;
    };
    for (let z = 1; z < SLICES; z++) expect(meanAbsDiff(slices[z], slices[z - 1])).toBeGreaterThan(0.5);
    expect(meanAbsDiff(slices[0], slices[47])).toBeGreaterThan(5 * meanAbsDiff(slices[0], slices[1]));
    // lungs grow from the apex then give way to the liver
    const lungArea = (s: Float32Array): number => s.filter((v) => v < -700 && v > -950).length;
    expect(lungArea(slices[12])).toBeGreaterThan(2 * lungArea(slices[0]));
    expect(lungArea(slices[12])).toBeGreaterThan(2 * lungArea(slices[40]));
  });

  it('is deterministic', () => {
    expect(Array.from(ctPhantomSlice(20, SLICES, 128))).toEqual(Array.from(ctPhantomSlice(20, SLICES, 128)));
  });

  it('refuses out-of-range arguments with DEMO_ERR_BAD_ARGUMENT', () => {
    expect(() => ctPhantomSlice(48, 48)).toThrow(expect.objectContaining({ code: 'DEMO_ERR_BAD_ARGUMENT' }));
    expect(() => ctPhantomSlice(0, 0)).toThrow(/ctPhantomSlice: sliceCount/);
    expect(() => ctPhantomSlice(0, 10, 8)).toThrow(/ctPhantomSlice: size/);
    expect(() => ctPhantomRois(1.5, 10)).toThrow(/ctPhantomRois: zIndex/);
  });
});
