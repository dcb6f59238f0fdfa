import { readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { createLogger } from '../../common/index.js';
import {
  loadPack,
  parseModelIndex,
  restoreSeries,
  type DenoiserPack,
  type RestoreEvent,
  type SeriesSource,
} from '../../models/index.js';
import { TINY_PACK } from './helpers/golden.js';
import { asDenoiser, brokenPack, DENOISER_PACK, renameInOnnx } from './helpers/packs.js';

const logger = createLogger('silent');
const header = { modality: 'CT', samplesPerPixel: 1, acquisition: {} };
const noise = (n: number): Float32Array => new Float32Array(n);

describe('denoiser packs load and validate like GSDiff packs', () => {
  const dirs: string[] = [];
  const make = (edit: Parameters<typeof brokenPack>[1]): string => {
    const d = brokenPack(DENOISER_PACK, edit);
    dirs.push(d);
    return d;
  };
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  it('loads the tiny denoiser pack with its class, hash and provenance', async () => {
    const pack = asDenoiser(await loadPack(DENOISER_PACK, { device: 'cpu', logger }));
    expect(pack.kind).toBe('denoiser');
    expect(pack.device).toBe('cpu');
    expect(pack.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(pack.index).toMatchObject({
      _class_name: 'DenoiserPipeline',
      name: 'tiny-denoiser-test',
      tile: { height: 64, width: 64 },
      defaults: { tile_overlap: 16 },
      mapping: { ct: { low_hu: -1024, high_hu: 1024 } },
    });
    expect(pack.index.training).toMatchObject({ seed: 20260102 });
    expect(Object.keys(pack.sessions)).toEqual(['denoiser']);
    await pack.release();
  });

  it('accepts an optional training object in a GSDiff index, and rejects a non-object one', () => {
    const raw = JSON.parse(readFileSync(join(TINY_PACK, 'model_index.json'), 'utf8')) as Record<string, unknown>;
    const index = parseModelIndex({ ...raw, training: { joint: { steps: 10 } } }, 'model_index.json');
    expect(index.training).toEqual({ joint: { steps: 10 } });
    expect(() => parseModelIndex({ ...raw, training: 'yes' }, 'model_index.json')).toThrow(
      'model_index.json: training: expected an object, got "yes"',
    );
  });

  it('an unknown _class_name', () => {
    const raw = JSON.parse(readFileSync(join(DENOISER_PACK, 'model_index.json'), 'utf8')) as Record<string, unknown>;
    expect(() => parseModelIndex({ ...raw, _class_name: 'UNet2DModel' }, 'model_index.json')).toThrow(
      'model_index.json: _class_name: expected one of "GSDiffPipeline", "DenoiserPipeline", "FilterPipeline", got "UNet2DModel"',
    );
  });

  it('a missing component entry', async () => {
    const dir = make((d) => {
      const f = join(d, 'model_index.json');
      const j = JSON.parse(readFileSync(f, 'utf8')) as { components: Record<string, string> };
      delete j.components.denoiser;
      writeFileSync(f, JSON.stringify(j));
    });
    await expect(loadPack(dir, { logger })).rejects.toMatchObject({
      code: 'MODEL_ERR_PACK_INDEX',
      details: { field: 'components.denoiser' },
      message: expect.stringContaining('components.denoiser: expected a non-empty string, got undefined'),
    });
  });

  it('a missing component file', async () => {
    const dir = make((d) => unlinkSync(join(d, 'denoiser/model.onnx')));
    await expect(loadPack(dir, { logger })).rejects.toMatchObject({
      code: 'MODEL_ERR_PACK_FILE',
      details: { pack: 'tiny-denoiser-test', file: 'denoiser/model.onnx' },
      message: expect.stringContaining('file denoiser/model.onnx listed in model_index.json is missing'),
    });
    // Without the sha256 checks, onnxruntime's failure is reported against the component.
    await expect(loadPack(dir, { logger, verifyFiles: false })).rejects.toMatchObject({
      code: 'MODEL_ERR_PACK_COMPONENT',
      details: { component: 'denoiser' },
    });
  });

  it('a component whose sha256 does not match', async () => {
    const dir = make((d) => renameInOnnx(join(d, 'denoiser/model.onnx'), 'restored', 'restorex'));
    await expect(loadPack(dir, { logger })).rejects.toMatchObject({
      code: 'MODEL_ERR_PACK_FILE',
      message: expect.stringMatching(/denoiser\/model\.onnx: sha256 [0-9a-f]{64}: expected [0-9a-f]{64}/),
    });
  });

  it('an input with the wrong name', async () => {
    const dir = make((d, resign) => {
      renameInOnnx(join(d, 'denoiser/model.onnx'), 'frames', 'framez');
      resign('denoiser/model.onnx');
    });
    await expect(loadPack(dir, { logger })).rejects.toMatchObject({
      code: 'MODEL_ERR_PACK_CONTRACT',
      details: { pack: 'tiny-denoiser-test', component: 'denoiser' },
      message: expect.stringContaining('component denoiser: input "frames" missing: expected one of its inputs'),
    });
  });

  it('an output with the wrong name', async () => {
    const dir = make((d, resign) => {
      renameInOnnx(join(d, 'denoiser/model.onnx'), 'restored', 'restorex');
      resign('denoiser/model.onnx');
    });
    await expect(loadPack(dir, { logger })).rejects.toMatchObject({
      code: 'MODEL_ERR_PACK_CONTRACT',
      details: { component: 'denoiser' },
      message: expect.stringContaining('output "restored" missing'),
    });
  });
});

/**
 * The independent reference: the same ONNX graph run directly, once on the whole frame, with the README's value
 * mapping written out here (not the runtime's mapping or tiling code).
 */
async function wholeFrame(session: ort.InferenceSession, x: Float32Array, H: number, W: number): Promise<Float32Array> {
  const out = await session.run({ frames: new ort.Tensor('float32', x, [1, 3, H, W]) });
  return out.restored.data as Float32Array;
}

describe('restoreSeries with a denoiser pack', () => {
  let pack: DenoiserPack;
  let session: ort.InferenceSession;
  beforeAll(async () => {
    pack = asDenoiser(await loadPack(DENOISER_PACK, { device: 'cpu', logger }));
    session = await ort.InferenceSession.create(join(DENOISER_PACK, 'denoiser/model.onnx'));
  });
  afterAll(async () => {
    await pack.release();
    await session.release();
  });

  // 5 slices of 80x80: larger than the 64x64 tile, so each frame is 2x2 tiles (starts 0 and 16 on each axis).
  const N = 5;
  const S = 80;
  const LOW = -1024;
  const HIGH = 1024;
  const slice = (z: number): Float32Array =>
    Float32Array.from({ length: S * S }, (_, j) => {
      const x = (j % S) - 40;
      const y = Math.floor(j / S) - 40;
      if (x * x + y * y > 37 * 37) return -3024; // outside the reconstruction circle
      if (x === 5 && y >= -3 && y <= 3) return 2500; // a metal streak, above the window
      return 40 + 300 * Math.sin(x / 6 + z) * Math.cos(y / 9) + ((j * 7919 + z * 104729) % 61) - 30;
    });
  const ctSource = (calls: number[] = []): SeriesSource => ({
    kind: 'ct',
    count: N,
    height: S,
    width: S,
    frame: async (i) => (calls.push(i), slice(i)),
  });

  it('streams every frame once, in order, fetching no frame before the previous one is out', async () => {
    const calls: number[] = [];
    const events: RestoreEvent[] = [];
    const seenAtEmit: number[] = [];
    for await (const e of restoreSeries(pack, ctSource(calls), { noise, header })) {
      events.push(e);
      if (e.type === 'frame') seenAtEmit.push(calls.length);
    }
    expect(events[0]).toEqual({
      type: 'degradation',
      estimate: { phrase: 'not used by denoiser packs', prompt: '', guesses: [] },
    });
    const frames = events.filter((e) => e.type === 'frame');
    expect(frames.map((f) => [f.index, f.done, f.total])).toEqual(Array.from({ length: N }, (_, i) => [i, i + 1, N]));
    expect(seenAtEmit).toEqual([1, 2, 3, 4, 5]);
    expect(calls).toEqual([0, 1, 2, 3, 4]);
    const done = events[events.length - 1];
    expect(done).toMatchObject({ type: 'done', windows: N, tilesPerFrame: 4 });
    if (done.type === 'done') {
      expect(Object.keys(done.timings).sort()).toEqual(['denoiser', 'other', 'total']);
      expect(Object.values(done.timings).every((v) => v >= 0)).toBe(true);
    }
  });

  it('equals a whole-frame run of the network, with exact pass-through outside the CT window', async () => {
    const got: Float32Array[] = [];
    // strength high (weight 1): the network's own output, unblended.
    for await (const e of restoreSeries(pack, ctSource(), { noise, header, strength: 'high' })) {
      if (e.type === 'frame') got[e.index] = e.values as Float32Array;
    }
    // Tiles cover [0, 64) and [16, 80) on each axis. The network sees 3 pixels to each side (three 3x3 convs), so
    // a tile's output is exact except within 3 pixels of an edge it shares with the frame's interior: rows and
    // columns 16..18 (the second tile's first) and 61..63 (the first tile's last). Everywhere else every covering
    // tile computed the whole-frame value, and feathering averages equal values.
    const seam = (c: number): boolean => (c >= 16 && c <= 18) || (c >= 61 && c <= 63);
    let interior = 0;
    let seams = 0;
    let outside = 0;
    for (let z = 0; z < N; z++) {
      const hu = slice(z);
      const x = new Float32Array(3 * S * S);
      for (let i = 0; i < S * S; i++) {
        const v = (2 * (hu[i] - LOW)) / (HIGH - LOW) - 1;
        x[i] = x[S * S + i] = x[2 * S * S + i] = Math.max(-1, Math.min(1, v));
      }
      const y = await wholeFrame(session, x, S, S);
      for (let i = 0; i < S * S; i++) {
        if (hu[i] < LOW || hu[i] > HIGH) {
          if (got[z][i] !== hu[i]) throw new Error(`frame ${z} pixel ${i}: ${got[z][i]} instead of ${hu[i]}`);
          outside++;
          continue;
        }
        let d = 0;
        for (let c = 0; c < 3; c++) d += y[c * S * S + i] - x[c * S * S + i];
        const want = hu[i] + (d * (HIGH - LOW)) / 2 / 3;
        const err = Math.abs(got[z][i] - want);
        if (seam(i % S) || seam(Math.floor(i / S))) seams = Math.max(seams, err);
        else interior = Math.max(interior, err);
      }
    }
    expect(outside).toBeGreaterThan(N * 1000);
    // Interior: the same float32 convolutions on the same inputs; only the summation order of a differently sized
    // run may differ (~1e-7 in model range, ~1e-4 HU after the x1024/3 scale; measured 1.5e-5 HU). 0.01 HU leaves a
    // wide margin and is still far below one stored HU step.
    expect(interior).toBeLessThan(0.01);
    // Seams: a tile that sees zero padding instead of context weighs at most 3/49 there (ramp (p+1)/49 over the
    // 48-pixel overlap), so the deviation is a small fraction of the network's edge effect (measured 1.7 HU).
    // Non-zero shows the frames were really tiled; 5 HU bounds it.
    expect(seams).toBeGreaterThan(0.01);
    expect(seams).toBeLessThan(5);
  });

  it('restores RGB frames smaller than a tile (edge-padded to it) like a whole-frame run away from the padding', async () => {
    const H = 40;
    const W = 48;
    const rgb = (f: number): Uint8Array => Uint8Array.from({ length: H * W * 3 }, (_, j) => (j * 7 + f * 13) % 256);
    const out: Uint8Array[] = [];
    let tiles = 0;
    for await (const e of restoreSeries(
      pack,
      { kind: 'rgb', count: 2, height: H, width: W, frame: async (i) => rgb(i) },
      { noise, header, strength: 'high' },
    )) {
      if (e.type === 'frame') out[e.index] = e.values as Uint8Array;
      if (e.type === 'done') tiles = e.tilesPerFrame;
    }
    expect(tiles).toBe(1);
    let worst = 0;
    for (let f = 0; f < 2; f++) {
      const src = rgb(f);
      const x = new Float32Array(3 * H * W);
      for (let i = 0; i < H * W; i++) for (let c = 0; c < 3; c++) x[c * H * W + i] = src[i * 3 + c] / 127.5 - 1;
      const y = await wholeFrame(session, x, H, W);
      // The padded tile differs from the whole frame (zero padding) only within 3 pixels of the bottom/right edge.
      for (let r = 0; r < H - 3; r++)
        for (let q = 0; q < W - 3; q++)
          for (let c = 0; c < 3; c++) {
            const i = r * W + q;
            const want = Math.min(
              255,
              Math.max(0, Math.round(src[i * 3 + c] + (y[c * H * W + i] - x[c * H * W + i]) * 127.5)),
            );
            worst = Math.max(worst, Math.abs(out[f][i * 3 + c] - want));
          }
    }
    // Off by at most one where float rounding lands on the other side of a .5.
    expect(worst).toBeLessThanOrEqual(1);
  });

  it('stops between frames and between tiles when cancelled', async () => {
    const ac = new AbortController();
    const got: number[] = [];
    const run = async (): Promise<void> => {
      for await (const e of restoreSeries(pack, ctSource(), { noise, header, signal: ac.signal })) {
        if (e.type === 'frame') {
          got.push(e.index);
          ac.abort();
        }
      }
    };
    await expect(run()).rejects.toMatchObject({ code: 'MODEL_ERR_CANCELLED', details: { stage: 'frame', frame: 1 } });
    expect(got).toEqual([0]);

    // Aborted while frame 2 is being fetched: the first tile of frame 2 does not run.
    const ac2 = new AbortController();
    const src: SeriesSource = {
      kind: 'ct',
      count: N,
      height: S,
      width: S,
      frame: async (i) => {
        if (i === 2) ac2.abort();
        return slice(i);
      },
    };
    const frames: number[] = [];
    const run2 = async (): Promise<void> => {
      for await (const e of restoreSeries(pack, src, { noise, header, signal: ac2.signal }))
        if (e.type === 'frame') frames.push(e.index);
    };
    await expect(run2()).rejects.toMatchObject({
      code: 'MODEL_ERR_CANCELLED',
      details: { stage: 'tile', frame: 2, tile: 0 },
    });
    expect(frames).toEqual([0, 1]);
  });

  it('names the sampling options it ignores, once', async () => {
    const lines: unknown[] = [];
    const spy = { warn: (...a: unknown[]) => lines.push(a) } as unknown as Parameters<
      typeof restoreSeries
    >[2]['logger'];
    for await (const e of restoreSeries(pack, ctSource(), {
      noise,
      header,
      steps: 4,
      img2imgStrength: 0.5,
      strength: 'low',
      logger: spy,
    }))
      void e;
    expect(lines).toHaveLength(1);
    // strength is used by every pack class, so it is not named.
    expect(JSON.stringify(lines[0])).toContain('options steps, img2imgStrength are not used by denoiser packs');
  });
});
