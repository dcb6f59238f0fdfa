import { createLogger } from '../../../common/index.js';
import { ctPhantomPixelSpacingMm, ctPhantomSlice } from '../../../demo/index.js';
import { loadPack, restoreSeries, type LoadedPack, type SeriesSource } from '../../../models/index.js';
import { isAirTile, planTiles } from '../../../models/tiling/index.js';
import { simulateLowDose } from '../../../validation/index.js';
import { seamSteps } from '../helpers/airSeam.js';

// The top-left of the demo phantom's chest at 25 % dose, cropped so that air tiles above and beside the body border
// restored tiles along both axes (gsdiff-t: 64 px tiles, overlap 8; tile rows 0 and the left of row 1 are air).
const FULL = 512;
const S = 192;
const X0 = 32;
const SLICES = [22, 23, 24];

function crop(frame: Float32Array): Float32Array {
  return Float32Array.from({ length: S * S }, (_, i) => frame[Math.floor(i / S) * FULL + X0 + (i % S)]);
}

describe('restoreSeries: no seam where air tiles meet restored tiles', () => {
  let pack: LoadedPack;
  const truth = SLICES.map((z) => ctPhantomSlice(z, 48, FULL));
  const frames = truth.map((t, i) =>
    crop(
      simulateLowDose(t, FULL, {
        doseFraction: 0.25,
        pixelSizeMm: ctPhantomPixelSpacingMm(FULL),
        mode: 'from-truth',
        seed: 100 + i,
      }),
    ),
  );
  const src: SeriesSource = { kind: 'ct', count: frames.length, height: S, width: S, frame: async (i) => frames[i] };

  beforeAll(async () => {
    pack = await loadPack('models/packs/gsdiff-t', { device: 'cpu', logger: createLogger('silent') });
  });
  afterAll(async () => {
    await pack.release();
  });

  const restore = async (skipAir: boolean): Promise<Float32Array[]> => {
    const out: Float32Array[] = [];
    for await (const ev of restoreSeries(pack, src, {
      noise: (n) => new Float32Array(n),
      header: { modality: 'CT', samplesPerPixel: 1, acquisition: {} },
      degradation: 'low-dose CT noise',
      strength: 'high',
      skipAir,
    }))
      if (ev.type === 'frame') out.push(ev.values as Float32Array);
    return out;
  };

  it('steps the difference image across air/tissue tile borders no more than between two restored tiles', async () => {
    const plan = planTiles(S, S, pack.index.tile.height, pack.index.tile.width, pack.index.defaults.tile_overlap);
    const isAir = plan.tiles.map((t) => frames.every((f) => isAirTile(f, S, t)));
    const allAir = plan.tiles.map(() => false);
    const skipped = await restore(true);
    const kept = await restore(false);
    const cropped = truth.map(crop);
    const diff = (out: Float32Array[], i: number): Float32Array => out[i].map((v, p) => v - frames[i][p]);
    let seam = 0;
    let floor = 0;
    let borders = 0;
    for (let i = 0; i < frames.length; i++) {
      const air = seamSteps(diff(skipped, i), cropped[i], plan, isAir).airTissue;
      // The floor: the same borders when every tile is restored, where neighbours differ only by their content.
      const restored = seamSteps(diff(kept, i), cropped[i], plan, allAir).tissueTissue;
      borders += air.length;
      seam = Math.max(seam, ...air);
      floor = Math.max(floor, ...restored);
    }
    expect(isAir.filter(Boolean).length).toBeGreaterThanOrEqual(4);
    expect(borders).toBeGreaterThanOrEqual(3 * frames.length);
    expect(floor).toBeGreaterThan(0);
    expect(seam).toBeLessThanOrEqual(floor);
  }, 120_000);
});
