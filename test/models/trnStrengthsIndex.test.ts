import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseModelIndex, STRENGTH_WEIGHTS, strengthAction, type ModelIndex } from '../../models/index.js';

// model_index.json `trn_frame.strengths`: how a GSDiff pack says each strength acts. Every error names the pack, the
// field and what was expected; packs without the table keep the global blend.
const TINY = join(process.cwd(), 'models/packs/tiny-test/model_index.json');
const SHA = 'a'.repeat(64);
type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function index(edit: (strengths: Json, index: Json) => void = () => undefined): Json {
  const j = JSON.parse(readFileSync(TINY, 'utf8')) as Json;
  Object.assign(j.components, {
    trn_frame: 'trn_frame/model.onnx',
    trn_frame_low: 'trn_frame_low/model.onnx',
    trn_frame_high: 'trn_frame_high/model.onnx',
  });
  for (const f of ['trn_frame', 'trn_frame_low', 'trn_frame_high']) j.files[`${f}/model.onnx`] = SHA;
  j.trn_frame = {
    radius: 2,
    strengths: {
      low: { component: 'trn_frame_low/model.onnx', weight: 1, own_noise_removed: 0 },
      medium: { component: 'trn_frame/model.onnx', weight: 1, own_noise_removed: 0.5 },
      high: { component: 'trn_frame_high/model.onnx', weight: 1, own_noise_removed: 1 },
    },
  };
  edit(j.trn_frame.strengths as Json, j);
  return j;
}

const parse = (j: Json): ModelIndex => parseModelIndex(j, 'pack/model_index.json');

/** The MODEL_ERR_PACK_INDEX a bad table gives, with its message and details. */
function failure(j: Json): { code: string; message: string; details: Record<string, unknown> } {
  try {
    parse(j);
  } catch (e) {
    return e as { code: string; message: string; details: Record<string, unknown> };
  }
  throw new Error('expected parseModelIndex to refuse the index');
}

describe('model_index trn_frame.strengths', () => {
  it('parses a good table and hands each strength its row', () => {
    const idx = parse(index());
    if (idx._class_name !== 'GSDiffPipeline') throw new Error('expected a GSDiff index');
    expect(idx.trn_frame?.strengths?.high).toEqual({
      component: 'trn_frame_high/model.onnx',
      weight: 1,
      own_noise_removed: 1,
    });
    expect(strengthAction({ index: idx }, 'medium')).toEqual({ level: 'medium', weight: 1, ownNoiseRemoved: 0.5 });
    expect(strengthAction({ index: idx }, 'low')).toEqual({ level: 'low', weight: 1, ownNoiseRemoved: 0 });
  });

  it('keeps the global blend for packs without the table, and for no pack', () => {
    const plain = parse(JSON.parse(readFileSync(TINY, 'utf8')) as Json);
    for (const level of ['low', 'medium', 'high'] as const) {
      expect(strengthAction({ index: plain }, level)).toEqual({ level, weight: STRENGTH_WEIGHTS[level] });
      expect(strengthAction(undefined, level)).toEqual({ level, weight: STRENGTH_WEIGHTS[level] });
    }
    expect(strengthAction(undefined)).toEqual({ level: 'medium', weight: 0.75 });
    expect(() => strengthAction({ index: plain }, 'max')).toThrow(/strength: expected low \| medium \| high/);
  });

  it.each<[string, (s: Json, j: Json) => void, string, string]>([
    ['a missing strength', (s) => delete s.high, 'trn_frame.strengths.high', 'every strength'],
    ['a weight of 0', (s) => (s.high.weight = 0), 'trn_frame.strengths.high.weight', 'a number in (0, 1]'],
    ['a weight above 1', (s) => (s.low.weight = 1.5), 'trn_frame.strengths.low.weight', 'a number in (0, 1]'],
    ['a weight as text', (s) => (s.medium.weight = '1'), 'trn_frame.strengths.medium.weight', 'a number in (0, 1]'],
    [
      'own_noise_removed below 0',
      (s) => (s.low.own_noise_removed = -0.1),
      'trn_frame.strengths.low.own_noise_removed',
      'a number in [0, 1]',
    ],
    [
      'own_noise_removed missing',
      (s) => delete s.medium.own_noise_removed,
      'trn_frame.strengths.medium.own_noise_removed',
      'a number in [0, 1]',
    ],
    [
      'a component outside the pack',
      (s) => (s.high.component = '../x.onnx'),
      'trn_frame.strengths.high.component',
      'a path inside the pack',
    ],
    ['an unknown strength', (s) => (s.max = s.high), 'trn_frame.strengths.max', 'only the strengths'],
    [
      'a components entry naming another file',
      (_, j) => (j.components.trn_frame_low = 'trn_frame/model.onnx'),
      'components.trn_frame_low',
      'the file of trn_frame.strengths.low.component',
    ],
  ])('refuses %s, naming the field', (_, edit, field, expected) => {
    const e = failure(index(edit));
    expect(e.code).toBe('MODEL_ERR_PACK_INDEX');
    expect(e.details).toMatchObject({ field, pack: 'gsdiff-tiny-test', file: 'pack/model_index.json' });
    expect(e.message).toContain(`pack "gsdiff-tiny-test": ${field}: expected ${expected}`);
  });

  it('requires every strength graph to be signed in files', () => {
    const e = failure(index((_, j) => delete j.files['trn_frame_high/model.onnx']));
    expect(e.message).toContain('files["trn_frame_high/model.onnx"]: expected a sha256 for every file the pack uses');
  });
});
