import { execFile } from 'node:child_process';
import { cp, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createLogger } from '../../common/index.js';
import { loadPack, restoreSeries, type SeriesSource } from '../../models/index.js';

const run = promisify(execFile);

// The post-export attention fusion (models/training/gsdiff/fuse_attention.py) must change speed only: the fused pack
// gives the decomposed pack's restoration, and the fused op is really in the graphs.
describe('fuse_pack_attention: MultiHeadAttention contrib op, same results', () => {
  let dir: string;
  const logger = createLogger('silent');
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'gsdiff-fuse-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const restore = async (packDir: string): Promise<Float32Array[]> => {
    const H = 64;
    const src: SeriesSource = {
      kind: 'ct',
      count: 9,
      height: H,
      width: H,
      frame: async (i) => Float32Array.from({ length: H * H }, (_, p) => 40 + 300 * Math.sin(p / 37 + i)),
    };
    const pack = await loadPack(packDir, { device: 'cpu', logger });
    const out: Float32Array[] = [];
    try {
      for await (const ev of restoreSeries(pack, src, {
        noise: (n) => Float32Array.from({ length: n }, (_, j) => Math.sin(j)),
        header: { modality: 'CT', samplesPerPixel: 1, acquisition: {} },
        steps: 2,
        degradation: 'low-dose CT noise',
      }))
        if (ev.type === 'frame') out.push(ev.values as Float32Array);
    } finally {
      await pack.release();
    }
    return out;
  };

  it('fuses every attention of the tiny pack and restores the same frames', async () => {
    const fused = join(dir, 'tiny-fused');
    await cp('models/packs/tiny-test', fused, { recursive: true });
    const { stdout } = await run('/usr/bin/python3', ['models/training/fuse_pack_attention.py', '--pack', fused]);
    for (const c of ['trn', 'unet', 'dpm', 'clip_image_encoder'])
      expect(stdout).toMatch(new RegExp(`^${c}: [1-9]\\d* attention\\(s\\) fused$`, 'm'));
    const trn = await readFile(join(fused, 'trn', 'model.onnx'));
    expect(trn.includes('MultiHeadAttention')).toBe(true);
    expect(trn.includes('Softmax')).toBe(false);

    const [a, b] = [await restore('models/packs/tiny-test'), await restore(fused)];
    expect(b).toHaveLength(9);
    let maxDiff = 0;
    let changed = 0;
    a.forEach((f, i) =>
      f.forEach((v, p) => {
        maxDiff = Math.max(maxDiff, Math.abs(v - b[i][p]));
        if (Math.abs(v - (40 + 300 * Math.sin(p / 37 + i))) > 1e-3) changed++;
      }),
    );
    expect(changed).toBeGreaterThan(0); // the restoration did something, so equality is not vacuous
    // float32 rounding only (measured 0.006 HU through 2 steps); a wrong head count or scale moves tens of HU
    expect(maxDiff).toBeLessThan(0.05);
  }, 120_000);
});
