import { mkdtempSync, rmSync, writeFileSync, mkdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '../../common/index.js';
import { loadPack, restoreSeries, type SeriesSource } from '../../models/index.js';

const logger = createLogger('silent');
const index = JSON.parse(readFileSync('models/packs/bilateral/model_index.json', 'utf8')) as Record<string, unknown>;

function packWith(dir: string, patch: Record<string, unknown>): string {
  const p = join(dir, String(Math.random()).slice(2));
  mkdirSync(p);
  writeFileSync(join(p, 'model_index.json'), JSON.stringify({ ...index, ...patch }));
  return p;
}

function ctSource(frames: Float32Array[], n: number): SeriesSource {
  return { kind: 'ct', count: frames.length, height: n, width: n, frame: (i) => Promise.resolve(frames[i]) };
}

async function restored(packDir: string, src: SeriesSource): Promise<(Float32Array | Uint8Array)[]> {
  const pack = await loadPack(packDir, { logger });
  const out: (Float32Array | Uint8Array)[] = [];
  try {
    for await (const ev of restoreSeries(pack, src, {
      noise: (k) => new Float32Array(k),
      header: { modality: 'CT', sopClassUid: '1.2.840.10008.5.1.4.1.1.2', samplesPerPixel: 1, acquisition: {} },
      strength: 'high', // the filter's own output, unblended (test/models/strength.test.ts covers the blend)
      logger,
    }))
      if (ev.type === 'frame') out.push(ev.values);
  } finally {
    await pack.release();
  }
  return out;
}

describe('FilterPipeline packs (identity, OpenCV bilateral)', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'gsdiff-filter-'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));
  const n = 40;
  // A step edge (0 | 200 HU) with a checkerboard of ±20 HU "noise", and padding at -3024 outside the window.
  const frame = new Float32Array(n * n).map((_, i) => {
    const x = i % n;
    const y = Math.floor(i / n);
    if (y < 2) return -3024;
    return (x < n / 2 ? 0 : 200) + ((x + y) % 2 ? 20 : -20);
  });

  it('identity returns the input exactly through the runtime (mapping, tiling, delta rule)', async () => {
    const [out] = await restored('models/packs/identity', ctSource([frame], n));
    expect(Array.from(out)).toEqual(Array.from(frame));
  });

  it('bilateral smooths the checkerboard, keeps the edge, and passes values outside the window through', async () => {
    const [out] = (await restored('models/packs/bilateral', ctSource([frame], n))) as Float32Array[];
    const at = (x: number, y: number): number => out[y * n + x];
    expect(Math.abs(at(5, 20) - at(6, 20))).toBeLessThan(16); // was 40
    expect(Math.abs(at(35, 20) - at(36, 20))).toBeLessThan(16);
    expect(at(30, 20) - at(9, 20)).toBeGreaterThan(180); // the 200 HU edge survives
    expect(at(5, 0)).toBe(-3024);
  });

  it('has a sha256 of its own per filter and parameters', async () => {
    const a = await loadPack('models/packs/bilateral', { logger });
    const b = await loadPack(packWith(tmp, { filter: { ...(index.filter as object), sigma_color_hu: 41 } }), {
      logger,
    });
    const c = await loadPack('models/packs/identity', { logger });
    expect(new Set([a.sha256, b.sha256, c.sha256]).size).toBe(3);
  });

  it('refuses a bad filter field or a GPU device with the field or device named', async () => {
    await expect(loadPack(packWith(tmp, { filter: { kind: 'median' } }), { logger })).rejects.toMatchObject({
      code: 'MODEL_ERR_PACK_INDEX',
      message: expect.stringContaining('filter.kind'),
    });
    await expect(
      loadPack(packWith(tmp, { filter: { ...(index.filter as object), diameter: 0 } }), { logger }),
    ).rejects.toMatchObject({ message: expect.stringContaining('filter.diameter') });
    await expect(loadPack(packWith(tmp, { components: { denoiser: 'x.onnx' } }), { logger })).rejects.toMatchObject({
      message: expect.stringContaining('components'),
    });
    await expect(loadPack('models/packs/bilateral', { logger, device: 'webgpu' })).rejects.toMatchObject({
      code: 'MODEL_ERR_DEVICE_UNAVAILABLE',
    });
  });
});
