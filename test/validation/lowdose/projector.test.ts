import {
  backproject,
  createParallelBeamGeometry,
  filterSinogram,
  forwardProject,
  projectAdjoint,
  rampResponse,
} from '../../../validation/lowdose/index.js';
import { createRng } from '../../../validation/lowdose/index.js';
import { smoothDiscImage } from './testImages.js';

function dot(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

describe('createParallelBeamGeometry', () => {
  it('defaults to 720 views and ceil(N·√2) + 4 bins of the pixel pitch', () => {
    const g = createParallelBeamGeometry(512, 0.7);
    expect(g.viewCount).toBe(720);
    expect(g.detectorCount).toBe(Math.ceil(512 * Math.SQRT2) + 4);
    expect(g.detectorSpacingMm).toBe(0.7);
    expect(g.cos[0]).toBe(1);
    expect(g.sin[360]).toBeCloseTo(1, 12);
  });

  it('refuses a detector that does not cover the image diagonal, and empty view sets', () => {
    expect(() => createParallelBeamGeometry(64, 1, { detectorCount: 64 })).toThrow(
      expect.objectContaining({ code: 'VAL_ERR_BAD_GEOMETRY' }),
    );
    expect(() => createParallelBeamGeometry(64, 1, { viewCount: 0 })).toThrow(/viewCount/);
    expect(() => createParallelBeamGeometry(64, 0)).toThrow(/pixelSizeMm/);
  });
});

describe('forwardProject (Joseph)', () => {
  it('gives the chord length of a uniform disc: p(t) = 2μ·√(R² - t²) within 1% (partial-volume disc, away from the rim)', () => {
    const size = 96;
    const pixel = 1.5;
    const radiusPx = 35;
    const mu = 0.02;
    const g = createParallelBeamGeometry(size, pixel, { viewCount: 36 });
    const p = forwardProject(smoothDiscImage(size, radiusPx, mu, 0), g);
    const radiusMm = radiusPx * pixel;
    const tc = (g.detectorCount - 1) / 2;
    for (let v = 0; v < g.viewCount; v += 5) {
      for (let k = 0; k < g.detectorCount; k++) {
        const t = (k - tc) * g.detectorSpacingMm;
        if (Math.abs(t) > 0.8 * radiusMm) continue;
        const expected = 2 * mu * Math.sqrt(radiusMm * radiusMm - t * t);
        expect(Math.abs(p[v * g.detectorCount + k] / expected - 1)).toBeLessThan(0.01);
      }
    }
  });

  it('projectAdjoint is its exact transpose: <Ax, y> = <x, Aᵀy>', () => {
    const g = createParallelBeamGeometry(40, 0.8, { viewCount: 30, detectorSpacingMm: 0.6 });
    const rng = createRng(5);
    const x = Float32Array.from({ length: 40 * 40 }, () => rng.normal());
    const y = Float32Array.from({ length: g.viewCount * g.detectorCount }, () => rng.normal());
    const lhs = dot(forwardProject(x, g), y);
    const rhs = dot(x, projectAdjoint(y, g));
    expect(Math.abs(lhs - rhs) / Math.abs(lhs)).toBeLessThan(1e-5);
  });

  it('refuses arrays of the wrong length', () => {
    const g = createParallelBeamGeometry(16, 1, { viewCount: 4 });
    expect(() => forwardProject(new Float32Array(10), g)).toThrow(
      expect.objectContaining({ code: 'VAL_ERR_SIZE_MISMATCH' }),
    );
    expect(() => projectAdjoint(new Float32Array(10), g)).toThrow(/projectAdjoint: sinogram/);
    expect(() => backproject(new Float32Array(10), g)).toThrow(/backproject: sinogram/);
  });
});

describe('ramp filter', () => {
  it('has zero gain at DC (spatial Ram-Lak sums to ~0) and |ν| at mid band', () => {
    const d = 257;
    const dt = 0.5;
    const { response, paddedLength } = rampResponse(d, dt);
    expect(Math.abs(response[0])).toBeLessThan(2e-3 / dt);
    const k = paddedLength / 4; // ν = 1/(4Δt), half of Nyquist
    expect(response[k]).toBeCloseTo(k / (paddedLength * dt), 2);
  });

  it('Hann and Shepp-Logan apodize the high frequencies; cutoff removes them', () => {
    const { response: ramLak, paddedLength } = rampResponse(129, 1);
    const { response: hann } = rampResponse(129, 1, { window: 'hann' });
    const { response: shepp } = rampResponse(129, 1, { window: 'shepp-logan' });
    const { response: cut } = rampResponse(129, 1, { cutoff: 0.5 });
    const nyquist = paddedLength / 2;
    expect(Math.abs(hann[nyquist])).toBeLessThan(1e-9);
    expect(shepp[nyquist] / ramLak[nyquist]).toBeCloseTo(2 / Math.PI, 6);
    expect(cut[nyquist]).toBe(0);
    expect(cut[nyquist / 4]).toBeCloseTo(ramLak[nyquist / 4], 12);
    expect(() => rampResponse(129, 1, { cutoff: 0 })).toThrow(expect.objectContaining({ code: 'VAL_ERR_BAD_OPTION' }));
  });

  it('filters an odd number of views (the unpaired last view) like the paired ones', () => {
    const g = createParallelBeamGeometry(32, 1, { viewCount: 3 });
    const row = Float32Array.from({ length: g.detectorCount }, (_, k) => Math.exp(-(((k - 24) / 5) ** 2)));
    const sino = new Float32Array(3 * g.detectorCount);
    for (let v = 0; v < 3; v++) sino.set(row, v * g.detectorCount);
    const q = filterSinogram(sino, g);
    for (let k = 0; k < g.detectorCount; k++) {
      expect(q[2 * g.detectorCount + k]).toBeCloseTo(q[k], 6);
      expect(q[g.detectorCount + k]).toBeCloseTo(q[k], 6);
    }
  });
});
