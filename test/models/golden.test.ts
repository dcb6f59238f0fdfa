import { createLogger } from '../../common/index.js';
import { loadPack, restoreSeries, restoreWindow, type GsdiffPack, type RestoreEvent } from '../../models/index.js';
import { encodeGuidance, encodeText } from '../../models/pipeline/encodeGuidance.js';
import { vaeEncode } from '../../models/pipeline/vae.js';
import { spliceGrid } from '../../models/grid/index.js';
import { createDdimSchedule, setTimesteps } from '../../models/scheduler/index.js';
import { loadClipTokenizer } from '../../models/tokenizer/index.js';
import { frameOf, golden, goldenF32, maxAbsDiff, TINY_PACK } from './helpers/golden.js';
import { asGsdiff } from './helpers/packs.js';

/**
 * The TypeScript pipeline on the tiny pack against an independent PyTorch run of the same graphs and DDIM scheduler
 * (models/training/reference_run.py, 4 steps, eta 0, pure-noise start): within 1e-4 in model range.
 */
describe('golden: TypeScript GSDiff pipeline vs the PyTorch reference', () => {
  let pack: GsdiffPack;
  const per = 3 * 32 * 32;
  const framesModel = goldenF32('frames_model');
  const frames = Array.from({ length: 9 }, (_, i) => frameOf(framesModel, i, per));
  const noise = goldenF32('initial_noise');

  beforeAll(async () => {
    pack = asGsdiff(await loadPack(TINY_PACK, { device: 'cpu', logger: createLogger('silent') }));
  });
  afterAll(() => pack.release());

  it('tokenizes the filled template to the reference ids', async () => {
    const tok = await loadClipTokenizer(pack.vocabPath, pack.mergesPath);
    expect(tok.encode(golden.prompt, 77)).toEqual(golden.input_ids);
  });

  it('matches the text branch, Z_d and f_d', async () => {
    const text = await encodeText(pack, golden.input_ids);
    expect(maxAbsDiff(text, goldenF32('text_embeds'))).toBeLessThan(1e-4);
    const g = await encodeGuidance(pack, frames, 32, 32, text);
    expect(g.zDDims).toEqual([1, 4, 32]);
    expect(maxAbsDiff(g.zD, goldenF32('z_d'))).toBeLessThan(1e-4);
    const fD = await vaeEncode(pack, spliceGrid(frames, 3, 3, 3, 32, 32), 96, 96);
    expect(maxAbsDiff(fD, goldenF32('f_d'))).toBeLessThan(1e-4);
  });

  it('uses the reference timesteps', () => {
    expect(setTimesteps(createDdimSchedule(pack.schedulerConfig), 4, 1)).toEqual(golden.scheduler.timesteps);
  });

  it('restores the window to V_r within 1e-4', async () => {
    const text = await encodeText(pack, golden.input_ids);
    const { restored: out } = await restoreWindow({
      pack,
      frames,
      height: 32,
      width: 32,
      textEmbeds: text,
      sampling: {
        schedule: createDdimSchedule(pack.schedulerConfig),
        steps: 4,
        strength: 1,
        eta: 0,
        noise: () => noise.slice(),
      },
    });
    const vr = goldenF32('v_r');
    const worst = Math.max(...out.map((f, i) => maxAbsDiff(f, frameOf(vr, i, per))));
    expect(worst).toBeLessThan(1e-4);
  });

  it('restores a 9-slice low-dose CT series end to end in HU', async () => {
    const hu = goldenF32('frames_hu');
    const events: RestoreEvent[] = [];
    for await (const e of restoreSeries(
      pack,
      { kind: 'ct', count: 9, height: 32, width: 32, frame: async (i) => hu.slice(i * 1024, (i + 1) * 1024) },
      {
        noise: () => noise.slice(),
        steps: 4,
        img2imgStrength: 1,
        // The reference is the pipeline's own output: strength high (weight 1) leaves it unblended.
        strength: 'high',
        eta: 0,
        header: { modality: 'CT', samplesPerPixel: 1, acquisition: { ctdiVol: 2.5 } },
      },
    )) {
      events.push(e);
    }
    const deg = events.find((e) => e.type === 'degradation');
    expect(deg?.type === 'degradation' && deg.estimate.prompt).toBe(golden.prompt);
    // The recognizer agrees (argmax "low-dose CT noise", p = 0.44) but below the 0.5 it must reach to decide alone.
    const rec = deg?.type === 'degradation' ? deg.estimate.guesses.find((g) => g.source === 'recognizer') : undefined;
    expect(rec?.phrase).toBe('low-dose CT noise');
    expect(rec?.confidence).toBeCloseTo(0.437, 2);
    const frames = events.filter((e) => e.type === 'frame');
    expect(frames.map((f) => (f.type === 'frame' ? f.index : -1))).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
    const out = new Float32Array(9 * 1024);
    for (const f of frames) if (f.type === 'frame') out.set(f.values as Float32Array, f.index * 1024);
    expect(maxAbsDiff(out, goldenF32('hu_out'))).toBeLessThan(0.05);
    // Padding (-3024) and metal (3500) lie outside the pack's HU window: passed through exactly.
    for (let i = 0; i < hu.length; i++) if (hu[i] < -1024 || hu[i] > 3071) expect(out[i]).toBe(hu[i]);
    expect(events[events.length - 1].type).toBe('done');
  });
});
