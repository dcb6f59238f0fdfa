import { cnr, createRng, placeHomogeneousRois, roiStats, type Roi } from '../../../validation/index.js';

// 4 x 3 image, row-major:
//   1  2  3  4
//   5  6  7  8
//   9 10 11 12
const small = Float32Array.from({ length: 12 }, (_, i) => i + 1);

describe('roiStats', () => {
  it('matches a hand computation (sample SD, n - 1)', () => {
    // ROI x 1..2, y 0..1: values 2, 3, 6, 7 → mean 4.5; Σ(v - 4.5)² = 6.25 + 2.25 + 2.25 + 6.25 = 17; sd = √(17/3)
    const s = roiStats(small, 4, 3, { x: 1, y: 0, width: 2, height: 2 });
    expect(s.mean).toBe(4.5);
    expect(s.sd).toBeCloseTo(Math.sqrt(17 / 3), 12);
    expect(s.n).toBe(4);
    expect(roiStats(small, 4, 3, { x: 3, y: 2, width: 1, height: 1 })).toEqual({ mean: 12, sd: 0, n: 1 });
  });

  it('keeps precision on a large offset', () => {
    const offset = Float32Array.from(small, (v) => v + 1e5);
    expect(roiStats(offset, 4, 3, { x: 1, y: 0, width: 2, height: 2 }).sd).toBeCloseTo(Math.sqrt(17 / 3), 9);
  });

  it('refuses ROIs outside the image, empty or fractional ones, and a wrong image length', () => {
    const bad: Roi[] = [
      { x: 3, y: 0, width: 2, height: 1 },
      { x: 0, y: 2, width: 1, height: 2 },
      { x: -1, y: 0, width: 1, height: 1 },
      { x: 0, y: 0, width: 0, height: 1 },
      { x: 0.5, y: 0, width: 1, height: 1 },
    ];
    for (const roi of bad) {
      expect(() => roiStats(small, 4, 3, roi)).toThrow(
        expect.objectContaining({ code: 'VAL_ERR_BAD_ROI', message: expect.stringMatching(/^roiStats: roi/) }),
      );
    }
    expect(() => roiStats(small, 4, 4, { x: 0, y: 0, width: 1, height: 1 })).toThrow(
      expect.objectContaining({ code: 'VAL_ERR_SIZE_MISMATCH' }),
    );
  });
});

describe('cnr', () => {
  it('is |mean_s - mean_b| / sd_b (hand computation)', () => {
    // signal: bottom row 9..12 → mean 10.5; background: column x = 0 → 1, 5, 9: mean 5, sd = √((16 + 0 + 16)/2) = 4
    const signal = { x: 0, y: 2, width: 4, height: 1 };
    const background = { x: 0, y: 0, width: 1, height: 3 };
    expect(cnr(small, 4, 3, signal, background)).toBeCloseTo(5.5 / 4, 12);
    expect(cnr(small, 4, 3, background, { x: 0, y: 2, width: 4, height: 1 })).toBeCloseTo(5.5 / Math.sqrt(5 / 3), 12);
  });

  it('names the bad ROI', () => {
    expect(() => cnr(small, 4, 3, { x: 0, y: 0, width: 1, height: 1 }, { x: 0, y: 0, width: 9, height: 1 })).toThrow(
      expect.objectContaining({ code: 'VAL_ERR_BAD_ROI', message: expect.stringMatching(/^cnr: background/) }),
    );
  });
});

describe('placeHomogeneousRois', () => {
  // 160 x 160 disc phantom: air (-1000) outside radius 60 around (80, 80); inside, 40 HU soft tissue with noise of
  // SD 5 in the left half and SD 20 in the right half, and a 700 HU bone insert of radius 12 at (80, 60).
  const size = 160;
  const rng = createRng(7);
  const phantom = new Float32Array(size * size);
  for (let r = 0; r < size; r++) {
    for (let c = 0; c < size; c++) {
      const inDisc = (r - 80) ** 2 + (c - 80) ** 2 <= 60 * 60;
      const inBone = (r - 60) ** 2 + (c - 80) ** 2 <= 12 * 12;
      const noise = rng.normal() * (c < 80 ? 5 : 20);
      phantom[r * size + c] = inBone ? 700 + noise : inDisc ? 40 + noise : -1000 + noise;
    }
  }
  const insideDisc = (roi: Roi) =>
    [
      [roi.x, roi.y],
      [roi.x + roi.width - 1, roi.y],
      [roi.x, roi.y + roi.height - 1],
      [roi.x + roi.width - 1, roi.y + roi.height - 1],
    ].every(([c, r]) => (r - 80) ** 2 + (c - 80) ** 2 <= 60 * 60);

  it('lands inside the disc, in the quieter half, without overlap, away from the bone insert', () => {
    const rois = placeHomogeneousRois(phantom, size, size, { count: 3, size: 16 });
    expect(rois).toHaveLength(3);
    for (const [k, roi] of rois.entries()) {
      expect(insideDisc(roi)).toBe(true);
      expect(roi.x + roi.width).toBeLessThanOrEqual(80); // left (SD 5) half
      const s = roiStats(phantom, size, size, roi);
      expect(s.mean).toBeGreaterThan(30);
      expect(s.mean).toBeLessThan(50);
      expect(s.sd).toBeLessThan(7);
      for (const other of rois.slice(k + 1)) {
        const apart = Math.abs(roi.x - other.x) >= 16 || Math.abs(roi.y - other.y) >= 16;
        expect(apart).toBe(true);
      }
    }
  });

  it('uses the right half once the quiet half is full, stops at maxSd, and is deterministic', () => {
    const rois = placeHomogeneousRois(phantom, size, size, { count: 40, size: 16, maxSd: 30 });
    expect(rois.length).toBeGreaterThan(10);
    expect(rois.length).toBeLessThan(40); // the disc holds fewer than 40 homogeneous 16 x 16 squares
    expect(rois.every(insideDisc)).toBe(true);
    expect(rois.some((roi) => roi.x >= 80)).toBe(true);
    expect(placeHomogeneousRois(phantom, size, size, { count: 40, size: 16, maxSd: 30 })).toEqual(rois);
    const sds = rois.map((roi) => roiStats(phantom, size, size, roi).sd);
    expect(sds.every((sd, k) => k === 0 || sd >= sds[k - 1] - 1)).toBe(true); // lowest SD first (sample vs population SD)
    // without the limit, the last squares straddle the disc edge: in range on average, but far from homogeneous
    const all = placeHomogeneousRois(phantom, size, size, { count: 40, size: 16 });
    expect(all.slice(0, rois.length)).toEqual(rois);
    expect(roiStats(phantom, size, size, all[all.length - 1]).sd).toBeGreaterThan(100);
  });

  it('honours huRange and stride', () => {
    const bone = placeHomogeneousRois(phantom, size, size, { count: 1, size: 8, huRange: [600, 800], stride: 2 });
    expect(bone).toHaveLength(1);
    expect(roiStats(phantom, size, size, bone[0]).mean).toBeGreaterThan(600);
    expect(bone[0].x % 2).toBe(0);
    expect(bone[0].y % 2).toBe(0);
  });

  it('refuses an image with no soft tissue, and bad options', () => {
    const air = new Float32Array(64 * 64).fill(-1000);
    expect(() => placeHomogeneousRois(air, 64, 64)).toThrow(expect.objectContaining({ code: 'VAL_ERR_NO_ROI' }));
    expect(() => placeHomogeneousRois(air, 64, 64, { size: 65 })).toThrow(
      expect.objectContaining({ code: 'VAL_ERR_BAD_OPTION' }),
    );
    expect(() => placeHomogeneousRois(air, 64, 64, { count: 0 })).toThrow(
      expect.objectContaining({ code: 'VAL_ERR_BAD_OPTION' }),
    );
    expect(() => placeHomogeneousRois(air, 64, 32)).toThrow(expect.objectContaining({ code: 'VAL_ERR_SIZE_MISMATCH' }));
  });
});
