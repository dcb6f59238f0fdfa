import { createLogger, createRng } from '../../../common/index.js';
import { EDGE_RISE_DEFAULTS, evaluateRealNoise } from '../../../validation/index.js';

// No-reference figures of `gsdiff evaluate --real` on synthetic slices: a soft-tissue disc (40 HU) in fat (-100 HU),
// its border blurred by a Gaussian of SD 1.2 px, white noise of SD 20 HU; the input and the identity pack.
const N = 128;
const K = 6;
const SIGMA = 1.2;
const logger = createLogger('silent');
const header = { modality: 'CT', samplesPerPixel: 1, acquisition: {} };

/** Standard normal CDF (Abramowitz & Stegun 7.1.26). */
function phi(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  const erf = 1 - poly * Math.exp(-x * x);
  return z >= 0 ? (1 + erf) / 2 : (1 - erf) / 2;
}

function slices(tissueOnly = false): Float32Array[] {
  const rng = createRng(7);
  return Array.from({ length: K }, (_, k) => {
    const img = new Float32Array(N * N);
    for (let y = 0; y < N; y++)
      for (let x = 0; x < N; x++) {
        const inside = (44 - k - Math.hypot(x - 64.3, y - 63.8 + 0.2 * k)) / SIGMA;
        img[y * N + x] = (tissueOnly ? 40 : -100 + 140 * phi(inside)) + 20 * rng.normal();
      }
    return img;
  });
}

describe('evaluateRealNoise', () => {
  it('reports the edge rise distance at the input edges next to the noise figures', async () => {
    const { figures } = await evaluateRealNoise(
      slices(),
      N,
      N,
      [{ name: 'input' }, { name: 'identity', pack: 'models/packs/identity' }],
      'cpu',
      header,
      logger,
      { pixelSpacingMm: 0.8 },
    );
    const { input, identity } = figures;
    expect(Object.keys(input)).toEqual(
      expect.arrayContaining(['noiseSdHu', 'meanHu', 'seconds', 'edgeRisePx', 'edgeRiseMm', 'edges']),
    );
    expect(input.edges).toBeGreaterThanOrEqual(EDGE_RISE_DEFAULTS.minEdges);
    expect(identity.edges).toBe(input.edges);
    expect(input.edgeRisePx! / (2.563 * SIGMA)).toBeGreaterThan(0.93);
    expect(input.edgeRisePx! / (2.563 * SIGMA)).toBeLessThan(1.07);
    expect(input.edgeRiseMm).toBeCloseTo(input.edgeRisePx! * 0.8, 10);
    // The runtime is transparent for identity: the same figure at the same edges.
    expect(identity.edgeRisePx).toBeCloseTo(input.edgeRisePx!, 3);
    expect(identity.noiseSdHu).toBeCloseTo(input.noiseSdHu, 3);
  });

  it('gives no edge figure, but the noise figures, when the slices hold too few edges', async () => {
    const { figures } = await evaluateRealNoise(slices(true), N, N, [{ name: 'input' }], 'cpu', header, logger);
    expect(figures.input.edges).toBe(0);
    expect(figures.input.edgeRisePx).toBeUndefined();
    expect(figures.input.edgeRiseMm).toBeUndefined();
    expect(Number.isFinite(figures.input.noiseSdHu)).toBe(true);
  });

  it('gives the figure in pixels only without a pixel spacing', async () => {
    const { figures } = await evaluateRealNoise(slices(), N, N, [{ name: 'input' }], 'cpu', header, logger);
    expect(figures.input.edgeRisePx).toBeGreaterThan(0);
    expect(figures.input.edgeRiseMm).toBeUndefined();
  });
});
