import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  parseModelIndex,
  RGB_TRN_WEIGHTS,
  STRENGTH_WEIGHTS,
  strengthAction,
  type ModelIndex,
} from '../../models/index.js';

// model_index.json `trn_frame.rgb`: the per-frame TRN graph of RGB series, with its own radius and blend weights.
// Every error names the pack, the field and what was expected; CT series and packs without the entry act as before.
const TINY = join(process.cwd(), 'models/packs/tiny-test/model_index.json');
const SHA = 'a'.repeat(64);
type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function index(edit: (rgb: Json, index: Json) => void = () => undefined): Json {
  const j = JSON.parse(readFileSync(TINY, 'utf8')) as Json;
  Object.assign(j.components, {
    trn_frame: 'trn_frame/model.onnx',
    trn_frame_low: 'trn_frame_low/model.onnx',
    trn_frame_high: 'trn_frame_high/model.onnx',
    trn_frame_rgb: 'trn_frame_rgb/model.onnx',
  });
  for (const f of ['trn_frame', 'trn_frame_low', 'trn_frame_high', 'trn_frame_rgb']) j.files[`${f}/model.onnx`] = SHA;
  j.trn_frame = {
    radius: 1,
    strengths: {
      low: { component: 'trn_frame_low/model.onnx', weight: 1, own_noise_removed: 0 },
      medium: { component: 'trn_frame/model.onnx', weight: 1, own_noise_removed: 0.5 },
      high: { component: 'trn_frame_high/model.onnx', weight: 1, own_noise_removed: 1 },
    },
    rgb: { component: 'trn_frame_rgb/model.onnx', radius: 2, weights: { low: 0.5, medium: 1, high: 1 } },
  };
  edit(j.trn_frame.rgb as Json, j);
  return j;
}

const parse = (j: Json): ModelIndex => parseModelIndex(j, 'pack/model_index.json');

function gsdiff(j: Json): Extract<ModelIndex, { _class_name: 'GSDiffPipeline' }> {
  const idx = parse(j);
  if (idx._class_name !== 'GSDiffPipeline') throw new Error('expected a GSDiff index');
  return idx;
}

/** The MODEL_ERR_PACK_INDEX a bad entry gives, with its message and details. */
function failure(j: Json): { code: string; message: string; details: Record<string, unknown> } {
  try {
    parse(j);
  } catch (e) {
    return e as { code: string; message: string; details: Record<string, unknown> };
  }
  throw new Error('expected parseModelIndex to refuse the index');
}

describe('model_index trn_frame.rgb', () => {
  it('parses a good entry next to the strengths table', () => {
    const idx = gsdiff(index());
    expect(idx.trn_frame?.rgb).toEqual({
      component: 'trn_frame_rgb/model.onnx',
      radius: 2,
      weights: { low: 0.5, medium: 1, high: 1 },
      diffusion: true, // absent: RGB series run the diffusion branch
    });
    expect(idx.trn_frame?.radius).toBe(1);
    expect(idx.trn_frame?.strengths?.low.component).toBe('trn_frame_low/model.onnx');
    expect(Object.isFrozen(idx.trn_frame?.rgb?.weights)).toBe(true);
  });

  it('parses an entry without a strengths table, and without components.trn_frame_rgb', () => {
    const idx = gsdiff(
      index((_, j) => {
        delete j.trn_frame.strengths;
        delete j.components.trn_frame_rgb;
      }),
    );
    expect(idx.trn_frame?.strengths).toBeUndefined();
    expect(idx.trn_frame?.rgb?.component).toBe('trn_frame_rgb/model.onnx');
  });

  it('takes the default weights when the entry gives none: low 0.5, medium 1, high 1', () => {
    const idx = gsdiff(index((rgb) => delete rgb.weights));
    expect(idx.trn_frame?.rgb?.weights).toEqual({ low: 0.5, medium: 1, high: 1 });
    expect(RGB_TRN_WEIGHTS).toEqual({ low: 0.5, medium: 1, high: 1 });
  });

  it('reads diffusion false: RGB series then skip the diffusion branch', () => {
    expect(gsdiff(index((rgb) => (rgb.diffusion = false))).trn_frame?.rgb?.diffusion).toBe(false);
    expect(gsdiff(index((rgb) => (rgb.diffusion = true))).trn_frame?.rgb?.diffusion).toBe(true);
    // trn_frame.diffusion (the CT graphs' flag): absent stays absent (the branch runs), a boolean is kept
    expect(gsdiff(index()).trn_frame?.diffusion).toBeUndefined();
    expect(gsdiff(index((_rgb, j) => (j.trn_frame.diffusion = false))).trn_frame?.diffusion).toBe(false);
    const bad = failure(index((_rgb, j) => (j.trn_frame.diffusion = 'off')));
    expect(bad.code).toBe('MODEL_ERR_PACK_INDEX');
    expect(bad.message).toContain('trn_frame.diffusion');
    expect(bad.message).toContain('true or false');
  });

  it('accepts radius 0 and weights 0 and 1', () => {
    const idx = gsdiff(
      index((rgb) => {
        rgb.radius = 0;
        rgb.weights = { low: 0, medium: 0.25, high: 1 };
      }),
    );
    expect(idx.trn_frame?.rgb).toMatchObject({ radius: 0, weights: { low: 0, medium: 0.25, high: 1 } });
  });

  it.each<[string, (rgb: Json, j: Json) => void, string, string]>([
    ['an entry that is not an object', (_, j) => (j.trn_frame.rgb = 'rgb.onnx'), 'trn_frame.rgb', 'an object'],
    ['a missing component', (rgb) => delete rgb.component, 'trn_frame.rgb.component', 'a path inside the pack'],
    [
      'a component outside the pack',
      (rgb) => (rgb.component = '../x.onnx'),
      'trn_frame.rgb.component',
      'a path inside the pack',
    ],
    [
      'an absolute component',
      (rgb) => (rgb.component = '/x.onnx'),
      'trn_frame.rgb.component',
      'a path inside the pack',
    ],
    ['a missing radius', (rgb) => delete rgb.radius, 'trn_frame.rgb.radius', 'a non-negative integer'],
    ['a negative radius', (rgb) => (rgb.radius = -1), 'trn_frame.rgb.radius', 'a non-negative integer'],
    ['a fractional radius', (rgb) => (rgb.radius = 1.5), 'trn_frame.rgb.radius', 'a non-negative integer'],
    ['a radius as text', (rgb) => (rgb.radius = '2'), 'trn_frame.rgb.radius', 'a non-negative integer'],
    ['a radius above 16', (rgb) => (rgb.radius = 17), 'trn_frame.rgb.radius', 'a non-negative integer'],
    ['weights that are not an object', (rgb) => (rgb.weights = 1), 'trn_frame.rgb.weights', 'an object'],
    ['a weight above 1', (rgb) => (rgb.weights.low = 1.5), 'trn_frame.rgb.weights.low', 'a number in [0, 1]'],
    ['a negative weight', (rgb) => (rgb.weights.high = -0.1), 'trn_frame.rgb.weights.high', 'a number in [0, 1]'],
    ['a weight as text', (rgb) => (rgb.weights.medium = '1'), 'trn_frame.rgb.weights.medium', 'a number in [0, 1]'],
    ['a missing weight', (rgb) => delete rgb.weights.high, 'trn_frame.rgb.weights.high', 'a number in [0, 1]'],
    ['an unknown strength', (rgb) => (rgb.weights.max = 1), 'trn_frame.rgb.weights.max', 'only the strengths'],
    ['an unknown field', (rgb) => (rgb.weight = 1), 'trn_frame.rgb.weight', 'only the fields component, radius'],
    ['diffusion as text', (rgb) => (rgb.diffusion = 'no'), 'trn_frame.rgb.diffusion', 'true or false'],
    [
      'a components entry naming another file',
      (_, j) => (j.components.trn_frame_rgb = 'trn_frame/model.onnx'),
      'components.trn_frame_rgb',
      'the file of trn_frame.rgb.component ("trn_frame_rgb/model.onnx")',
    ],
  ])('refuses %s, naming the field', (_, edit, field, expected) => {
    const e = failure(index(edit));
    expect(e.code).toBe('MODEL_ERR_PACK_INDEX');
    expect(e.details).toMatchObject({ field, pack: 'gsdiff-tiny-test', file: 'pack/model_index.json' });
    expect(e.message).toContain(`pack "gsdiff-tiny-test": ${field}: expected ${expected}`);
  });

  it('says what it got', () => {
    expect(failure(index((rgb) => (rgb.weights.low = 2))).message).toContain(
      'trn_frame.rgb.weights.low: expected a number in [0, 1], got 2',
    );
  });

  it('requires the RGB graph to be signed in files', () => {
    const e = failure(index((_, j) => delete j.files['trn_frame_rgb/model.onnx']));
    expect(e.code).toBe('MODEL_ERR_PACK_INDEX');
    expect(e.message).toContain('files["trn_frame_rgb/model.onnx"]: expected a sha256 for every file the pack uses');
  });
});

describe('strengthAction with trn_frame.rgb', () => {
  it('gives RGB series the RGB weight of each strength, without an own-noise share', () => {
    const idx = gsdiff(index((rgb) => (rgb.weights = { low: 0.25, medium: 0.5, high: 0.75 })));
    expect(strengthAction({ index: idx }, 'low', 'rgb')).toEqual({ level: 'low', weight: 0.25 });
    expect(strengthAction({ index: idx }, 'medium', 'rgb')).toEqual({ level: 'medium', weight: 0.5 });
    expect(strengthAction({ index: idx }, 'high', 'rgb')).toEqual({ level: 'high', weight: 0.75 });
    expect(strengthAction({ index: idx }, undefined, 'rgb')).toEqual({ level: 'medium', weight: 0.5 });
  });

  it('keeps CT series (and no kind) on the strengths table', () => {
    const idx = gsdiff(index());
    expect(strengthAction({ index: idx }, 'low', 'ct')).toEqual({ level: 'low', weight: 1, ownNoiseRemoved: 0 });
    expect(strengthAction({ index: idx }, 'low')).toEqual({ level: 'low', weight: 1, ownNoiseRemoved: 0 });
  });

  it('keeps RGB series of packs without the entry as today: the strengths table, else the global blend', () => {
    const table = gsdiff(index((_, j) => delete j.trn_frame.rgb));
    expect(strengthAction({ index: table }, 'low', 'rgb')).toEqual({ level: 'low', weight: 1, ownNoiseRemoved: 0 });
    const plain = gsdiff(JSON.parse(readFileSync(TINY, 'utf8')) as Json);
    for (const level of ['low', 'medium', 'high'] as const) {
      expect(strengthAction({ index: plain }, level, 'rgb')).toEqual({ level, weight: STRENGTH_WEIGHTS[level] });
      expect(strengthAction(undefined, level, 'rgb')).toEqual({ level, weight: STRENGTH_WEIGHTS[level] });
    }
  });

  it('refuses an unknown strength for RGB series too', () => {
    expect(() => strengthAction({ index: gsdiff(index()) }, 'max', 'rgb')).toThrow(
      /strength: expected low \| medium \| high/,
    );
  });
});
