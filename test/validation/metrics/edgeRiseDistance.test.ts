import { createRng } from '../../../common/index.js';
import {
  EDGE_RISE_DEFAULTS,
  edgeRiseDistance,
  findTissueFatEdges,
  ValidationError,
  type TissueFatEdge,
  type TissueFatEdgeOptions,
} from '../../../validation/index.js';

const FAT = -100;
const TISSUE = 40;
/** 10-90 % distance of a Gaussian-blurred step: 2 · Φ⁻¹(0.9) · σ. */
const GAUSS_10_90 = 2 * 1.2815515655446004;

/** Standard normal CDF via erf (Abramowitz & Stegun 7.1.26, |error| < 1.5e-7). */
function phi(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  const erf = 1 - poly * Math.exp(-x * x);
  return z >= 0 ? (1 + erf) / 2 : (1 - erf) / 2;
}

/**
 * Fat/tissue image whose value at each pixel centre is FAT + (TISSUE - FAT) · Φ(dist / σ): the exact Gaussian blur of
 * a straight step, `dist` the signed distance to the border (tissue positive); optional white noise of `noiseSd` HU.
 */
function blurredBorder(
  width: number,
  height: number,
  sigma: number,
  dist: (x: number, y: number) => number,
  noiseSd = 0,
  seed = 1,
): Float32Array {
  const rng = createRng(seed);
  const img = new Float32Array(width * height);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++)
      img[y * width + x] = FAT + (TISSUE - FAT) * phi(dist(x, y) / sigma) + (noiseSd > 0 ? noiseSd * rng.normal() : 0);
  return img;
}

const N = 160;
/** A straight border through the image centre (plus a sub-pixel shift), tissue on the side the angle points to. */
const line =
  (angleDeg: number, shift: number) =>
  (x: number, y: number): number => {
    const a = (angleDeg * Math.PI) / 180;
    return (x - N / 2) * Math.cos(a) + (y - N / 2) * Math.sin(a) - shift;
  };
/** A tissue disc of radius r in fat. */
const disc =
  (cx: number, cy: number, r: number) =>
  (x: number, y: number): number =>
    r - Math.hypot(x - cx, y - cy);

const DENSE: TissueFatEdgeOptions = { minSpacingPx: 4, maxEdges: 1000 };

/**
 * Sixteen slices, each with one straight border at its own angle and sub-pixel position, and their edges: about 450
 * edges, as many as a few real slices give (the ensemble's precision under 20 HU noise is then about 1.5 %).
 */
function lineSlices(sigma: number, noiseSd: number, seed = 10): { images: Float32Array[]; edges: TissueFatEdge[] } {
  const angles = [3, 97, 200, -60, 38, 141, 250, -17, 22, 71, 113, 166, 188, 231, 284, 333];
  const images = angles.map((a, i) => blurredBorder(N, N, sigma, line(a, ((i * 0.37) % 1) - 0.5), noiseSd, seed + i));
  const edges = images.flatMap((img, i) => findTissueFatEdges(img, N, N, { ...DENSE, slice: i }));
  return { images, edges };
}

describe('findTissueFatEdges', () => {
  it('places sub-pixel points on the border with normals pointing into tissue, spread out', () => {
    const b = line(30, 0.37);
    const img = blurredBorder(N, N, 1.5, b);
    const edges = findTissueFatEdges(img, N, N, { slice: 2 });
    expect(edges.length).toBeGreaterThan(10);
    const a = (30 * Math.PI) / 180;
    for (const e of edges) {
      expect(e.slice).toBe(2);
      expect(Math.abs(b(e.x, e.y))).toBeLessThan(0.05);
      // Central differences: within a degree of the true normal.
      expect(Math.abs(e.nx - Math.cos(a))).toBeLessThan(0.02);
      expect(Math.abs(e.ny - Math.sin(a))).toBeLessThan(0.02);
    }
    for (let i = 0; i < edges.length; i++)
      for (let j = i + 1; j < edges.length; j++)
        expect(Math.hypot(edges[i].x - edges[j].x, edges[i].y - edges[j].y)).toBeGreaterThanOrEqual(8);
  });

  it('is deterministic and honours maxEdges', () => {
    const img = blurredBorder(N, N, 1.5, disc(80, 80, 50), 20, 5);
    const a = findTissueFatEdges(img, N, N);
    expect(findTissueFatEdges(img, N, N)).toEqual(a);
    expect(findTissueFatEdges(img, N, N, { maxEdges: 5 })).toHaveLength(5);
  });

  it('finds nothing without fat, or where the tissue side is not homogeneous', () => {
    expect(findTissueFatEdges(new Float32Array(64 * 64).fill(TISSUE), 64, 64)).toEqual([]);
    // Fat against air-like values: no soft-tissue side.
    const airFat = blurredBorder(N, N, 1.5, line(0, 0)).map((v) => (v > -30 ? -600 : v));
    expect(findTissueFatEdges(airFat, N, N)).toEqual([]);
  });

  it('rejects a bad option', () => {
    expect(() => findTissueFatEdges(new Float32Array(64 * 64), 64, 64, { thresholdHu: 50 })).toThrow(
      expect.objectContaining({ code: 'VAL_ERR_BAD_OPTION' }),
    );
  });
});

describe('edgeRiseDistance', () => {
  it('recovers 2.563 σ of a Gaussian-blurred straight border, noise-free', () => {
    const sigma = 1.5;
    const { images, edges } = lineSlices(sigma, 0);
    const r = edgeRiseDistance(images, N, N, edges, 0.7);
    expect(r.edges).toBe(edges.length);
    expect(r.edges).toBeGreaterThan(400);
    expect(r.riseDistancePx / (GAUSS_10_90 * sigma)).toBeCloseTo(1, 1);
    expect(Math.abs(r.riseDistancePx / (GAUSS_10_90 * sigma) - 1)).toBeLessThan(0.05);
    expect(r.riseDistanceMm).toBeCloseTo(r.riseDistancePx * 0.7, 10);
    expect(r.fatHu).toBeCloseTo(FAT, -1);
    expect(r.tissueHu).toBeCloseTo(TISSUE, -1);
    expect(r.offsetsPx).toHaveLength(65);
    expect(r.profileHu).toHaveLength(65);
  });

  it('recovers it with 20 HU of white noise (fixed seed)', () => {
    const sigma = 1.5;
    const { images, edges } = lineSlices(sigma, 20);
    const r = edgeRiseDistance(images, N, N, edges);
    expect(r.edges).toBeGreaterThan(400);
    expect(r.riseDistanceMm).toBeUndefined();
    expect(Math.abs(r.riseDistancePx / (GAUSS_10_90 * sigma) - 1)).toBeLessThan(0.05);
  });

  it('recovers it on a curved border (discs), with and without noise', () => {
    const sigma = 1.2;
    for (const noise of [0, 20]) {
      const images = [55, 48, 60, 40, 52, 45, 58, 42].map((r, i) =>
        blurredBorder(N, N, sigma, disc(80 + 0.3 * i, 79.6 - 0.2 * i, r), noise, 30 + i),
      );
      const edges = images.flatMap((img, i) => findTissueFatEdges(img, N, N, { ...DENSE, slice: i }));
      const r = edgeRiseDistance(images, N, N, edges);
      expect(r.edges).toBeGreaterThan(400);
      expect(Math.abs(r.riseDistancePx / (GAUSS_10_90 * sigma) - 1)).toBeLessThan(0.05);
    }
  });

  it('gives a larger distance for a wider blur, each close to 2.563 σ', () => {
    const rises = [1, 2.5].map((sigma) => {
      const { images, edges } = lineSlices(sigma, 20);
      const r = edgeRiseDistance(images, N, N, edges);
      expect(Math.abs(r.riseDistancePx / (GAUSS_10_90 * sigma) - 1)).toBeLessThan(0.05);
      return r.riseDistancePx;
    });
    expect(rises[1]).toBeGreaterThan(2 * rises[0]);
  });

  it('measures another image at the input edges (a blurred copy rises more slowly)', () => {
    const { images, edges } = lineSlices(1, 20);
    const sharp = lineSlices(1, 0).images;
    const blurred = lineSlices(2, 0).images;
    const onInput = edgeRiseDistance(images, N, N, edges).riseDistancePx;
    expect(edgeRiseDistance(sharp, N, N, edges).riseDistancePx).toBeCloseTo(onInput, 0);
    expect(edgeRiseDistance(blurred, N, N, edges).riseDistancePx).toBeGreaterThan(1.8 * onInput);
  });

  it('throws VAL_ERR_FEW_EDGES with the count found and the count expected', () => {
    const img = blurredBorder(64, 64, 1.5, (x) => x - 32.2);
    const edges = findTissueFatEdges(img, 64, 64);
    expect(edges.length).toBeGreaterThan(0);
    expect(edges.length).toBeLessThan(EDGE_RISE_DEFAULTS.minEdges);
    let err: unknown;
    try {
      edgeRiseDistance(img, 64, 64, edges);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ValidationError);
    expect(err).toMatchObject({
      code: 'VAL_ERR_FEW_EDGES',
      message: `edgeRiseDistance: edges: expected at least 30 soft-tissue/fat edges, got ${edges.length}`,
      details: { expected: 30, got: edges.length },
    });
    // A smaller minimum accepts them.
    expect(edgeRiseDistance(img, 64, 64, edges, undefined, { minEdges: 1 }).edges).toBe(edges.length);
  });

  it('rejects an edge whose profile leaves the image or whose slice does not exist', () => {
    const img = new Float32Array(32 * 32);
    const ok = { slice: 0, x: 16, y: 16, nx: 1, ny: 0 };
    const opts = { minEdges: 1 };
    expect(() => edgeRiseDistance(img, 32, 32, [{ ...ok, x: 3 }], undefined, opts)).toThrow(
      expect.objectContaining({ code: 'VAL_ERR_BAD_OPTION' }),
    );
    expect(() => edgeRiseDistance(img, 32, 32, [{ ...ok, slice: 1 }], undefined, opts)).toThrow(
      expect.objectContaining({ code: 'VAL_ERR_BAD_OPTION' }),
    );
    // A flat image has no rise.
    expect(() => edgeRiseDistance(img, 32, 32, [ok], undefined, opts)).toThrow(
      expect.objectContaining({ code: 'VAL_ERR_BAD_INPUT' }),
    );
  });
});
