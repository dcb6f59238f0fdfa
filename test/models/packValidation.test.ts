import { readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createLogger } from '../../common/index.js';
import { loadPack, parseModelIndex, type ComponentName, type GsdiffModelIndex } from '../../models/index.js';
import { checkContract, type ComponentIo } from '../../models/pack/checkContract.js';
import { TINY_PACK } from './helpers/golden.js';
import { asGsdiff, brokenPack, renameInOnnx } from './helpers/packs.js';

const logger = createLogger('silent');

describe('loadPack rejects broken packs, naming what is wrong', () => {
  const dirs: string[] = [];
  const make = (edit: Parameters<typeof brokenPack>[1]): string => {
    const d = brokenPack(TINY_PACK, edit);
    dirs.push(d);
    return d;
  };
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  it('loads the intact tiny pack and reports its hash and residual inputs', async () => {
    const pack = asGsdiff(await loadPack(TINY_PACK, { device: 'cpu', logger }));
    expect(pack.kind).toBe('gsdiff');
    expect(pack.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(pack.shapes.residuals).toHaveLength(7);
    expect(pack.shapes.timestepType).toEqual({ unet: 'int64', dpm: 'float32' });
    await pack.release();
  });

  it('a missing folder', async () => {
    await expect(loadPack('/nonexistent/pack', { logger })).rejects.toMatchObject({ code: 'MODEL_ERR_PACK_NOT_FOUND' });
  });

  it('a model_index.json without its grid', async () => {
    const dir = make((d) => {
      const f = join(d, 'model_index.json');
      const j = JSON.parse(readFileSync(f, 'utf8')) as Record<string, unknown>;
      delete j.grid;
      writeFileSync(f, JSON.stringify(j));
    });
    await expect(loadPack(dir, { logger })).rejects.toMatchObject({
      code: 'MODEL_ERR_PACK_INDEX',
      message: expect.stringContaining('grid: expected an object, got undefined'),
    });
  });

  it('a missing component file', async () => {
    const dir = make((d) => unlinkSync(join(d, 'dpm/model.onnx')));
    await expect(loadPack(dir, { logger })).rejects.toMatchObject({
      code: 'MODEL_ERR_PACK_FILE',
      message: expect.stringContaining('file dpm/model.onnx listed in model_index.json is missing'),
    });
  });

  it('a file whose sha256 does not match', async () => {
    const dir = make((d) => writeFileSync(join(d, 'degradation_recognizer/labels.json'), '["a","b","c"]'));
    await expect(loadPack(dir, { logger })).rejects.toMatchObject({
      code: 'MODEL_ERR_PACK_FILE',
      message: expect.stringMatching(
        /degradation_recognizer\/labels\.json: sha256 [0-9a-f]{64}: expected [0-9a-f]{64}/,
      ),
    });
  });

  it('a U-Net input with the wrong name', async () => {
    const dir = make((d, resign) => {
      renameInOnnx(join(d, 'unet/model.onnx'), 'timestep', 'timesteq');
      resign('unet/model.onnx');
    });
    await expect(loadPack(dir, { logger })).rejects.toMatchObject({
      code: 'MODEL_ERR_PACK_CONTRACT',
      details: { component: 'unet' },
      message: expect.stringContaining('input "timestep" missing'),
    });
  });

  it('a DPM that does not produce every U-Net residual', async () => {
    const dir = make((d, resign) => {
      renameInOnnx(join(d, 'dpm/model.onnx'), 'down_block_additional_residual_5', 'down_block_additional_residual_9');
      resign('dpm/model.onnx');
    });
    await expect(loadPack(dir, { logger })).rejects.toMatchObject({
      code: 'MODEL_ERR_PACK_CONTRACT',
      message: expect.stringContaining('output "down_block_additional_residual_5" missing'),
    });
  });

  it('labels.json that disagrees with the recognizer', async () => {
    const dir = make((d, resign) => {
      writeFileSync(join(d, 'degradation_recognizer/labels.json'), '["a","b","c","d"]');
      resign('degradation_recognizer/labels.json');
    });
    await expect(loadPack(dir, { logger })).rejects.toMatchObject({
      code: 'MODEL_ERR_PACK_CONTRACT',
      message: expect.stringContaining('recognizer classes vs labels.json entries: 3 vs 4'),
    });
  });
});

describe('checkContract on graph metadata', () => {
  const index = parseModelIndex(
    JSON.parse(readFileSync(join(TINY_PACK, 'model_index.json'), 'utf8')),
    'model_index.json',
  ) as GsdiffModelIndex;
  const t = (name: string, type: string, shape: (number | string)[]) => ({ name, type, shape });
  const good = (): Record<ComponentName, ComponentIo> => ({
    vae_encoder: {
      inputs: [t('sample', 'float32', ['B', 3, 'H', 'W'])],
      outputs: [t('latent_sample', 'float32', ['B', 4, 'h', 'w'])],
    },
    vae_decoder: {
      inputs: [t('latent_sample', 'float32', ['B', 4, 'h', 'w'])],
      outputs: [t('sample', 'float32', ['B', 3, 'H', 'W'])],
    },
    unet: {
      inputs: [
        t('sample', 'float32', ['B', 4, 'h', 'w']),
        t('timestep', 'int64', ['B']),
        t('encoder_hidden_states', 'float32', ['B', 'S', 32]),
        t('down_block_additional_residual_0', 'float32', ['B', 16, 'h', 'w']),
        t('mid_block_additional_residual', 'float32', ['B', 32, 'h', 'w']),
      ],
      outputs: [t('out_sample', 'float32', ['B', 4, 'h', 'w'])],
    },
    dpm: {
      inputs: [
        t('f_d', 'float32', ['B', 4, 'h', 'w']),
        t('z_t', 'float32', ['B', 4, 'h', 'w']),
        t('timestep', 'float32', ['B']),
        t('z_d', 'float32', ['B', 'S', 32]),
      ],
      outputs: [
        t('down_block_additional_residual_0', 'float32', ['B', 16, 'h', 'w']),
        t('mid_block_additional_residual', 'float32', ['B', 32, 'h', 'w']),
      ],
    },
    trn: {
      inputs: [t('frames', 'float32', ['B', 9, 3, 'H', 'W'])],
      outputs: [t('refined', 'float32', ['B', 9, 3, 'H', 'W'])],
    },
    degradation_extractor: {
      inputs: [t('image_embeds', 'float32', ['B', 32]), t('text_embeds', 'float32', ['B', 32])],
      outputs: [t('z_d', 'float32', ['B', 4, 32])],
    },
    clip_image_encoder: {
      inputs: [t('pixel_values', 'float32', ['B', 3, 32, 32])],
      outputs: [t('image_embeds', 'float32', ['B', 32])],
    },
    clip_text_encoder: {
      inputs: [t('input_ids', 'int64', ['B', 77])],
      outputs: [t('text_embeds', 'float32', ['B', 32])],
    },
    degradation_recognizer: {
      inputs: [t('pixel_values', 'float32', ['B', 3, 32, 32])],
      outputs: [t('logits', 'float32', ['B', 3])],
    },
  });

  it('accepts the contract', () => {
    expect(checkContract(index, good(), 3).residuals).toEqual([
      'down_block_additional_residual_0',
      'mid_block_additional_residual',
    ]);
  });

  it('names a wrong dtype', () => {
    const io = good();
    io.clip_text_encoder = { ...io.clip_text_encoder, inputs: [t('input_ids', 'float32', ['B', 77])] };
    expect(() => checkContract(index, io, 3)).toThrow(
      'component clip_text_encoder: "input_ids" has dtype float32: expected int32 or int64',
    );
  });

  it('names a wrong rank', () => {
    const io = good();
    io.vae_encoder = { ...io.vae_encoder, inputs: [t('sample', 'float32', ['B', 3, 'H'])] };
    expect(() => checkContract(index, io, 3)).toThrow(
      'component vae_encoder: "sample" has rank 3 ([B, 3, H]): expected rank 4',
    );
  });

  it('names a residual whose shape differs between DPM and U-Net', () => {
    const io = good();
    io.dpm = {
      ...io.dpm,
      outputs: [t('down_block_additional_residual_0', 'float32', ['B', 8, 'h', 'w']), io.dpm.outputs[1]],
    };
    expect(() => checkContract(index, io, 3)).toThrow(
      /output "down_block_additional_residual_0" has shape \[B, 8, h, w\]: expected the U-Net input's \[B, 16, h, w\]/,
    );
  });

  it('names an embedding width that does not reach the U-Net', () => {
    const io = good();
    io.degradation_extractor = { ...io.degradation_extractor, outputs: [t('z_d', 'float32', ['B', 4, 64])] };
    expect(() => checkContract(index, io, 3)).toThrow('z_d token width vs unet encoder_hidden_states: 64 vs 32');
  });
});
