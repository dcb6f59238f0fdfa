import { modelError } from '../errors.js';
import { staticDim, type TensorMeta } from '../runtime/OnnxSession.js';
import { CONTRACT, DENOISER_CONTRACT, residualNames, TRN_FRAME_CONTRACT, type TensorSpec } from './contract.js';
import type { ComponentName, DenoiserComponentName, DenoiserModelIndex, GsdiffModelIndex } from './ModelIndex.js';

export interface ComponentIo {
  readonly inputs: readonly TensorMeta[];
  readonly outputs: readonly TensorMeta[];
}

/** What the runtime learns from a valid pack's graphs. */
export interface PackShapes {
  /** U-Net residual inputs (= DPM outputs), diffusers order, mid last. */
  readonly residuals: readonly string[];
  /** CLIP / recognizer input side R (static), or undefined when dynamic. */
  readonly clipImageSize?: number;
  readonly recognizerImageSize?: number;
  readonly timestepType: { readonly unet: string; readonly dpm: string };
  /** 0 for a scalar timestep, 1 for [B]. */
  readonly timestepRank: { readonly unet: number; readonly dpm: number };
  readonly inputIdsType: string;
}

type Contract<C extends string> = Readonly<
  Record<C, { readonly inputs: readonly TensorSpec[]; readonly outputs: readonly TensorSpec[] }>
>;

/** Throws MODEL_ERR_PACK_CONTRACT naming the pack, the component and what was expected. */
function contractFailure(pack: string): (component: string, what: string) => never {
  return (component, what) => {
    throw modelError('MODEL_ERR_PACK_CONTRACT', `pack "${pack}" component ${component}: ${what}`, {
      pack,
      component,
    });
  };
}

/** Checks that every tensor a contract names exists on its component with an accepted dtype and rank. */
function checkTensors<C extends string>(
  pack: string,
  contract: Contract<C>,
  io: Readonly<Record<C, ComponentIo>>,
): void {
  const fail = contractFailure(pack);
  for (const [c, spec] of Object.entries(contract) as [C, Contract<C>[C]][]) {
    for (const side of ['inputs', 'outputs'] as const) {
      const list = io[c][side];
      for (const want of spec[side]) {
        const t = list.find((m) => m.name === want.name);
        if (!t)
          fail(
            c,
            `${side === 'inputs' ? 'input' : 'output'} "${want.name}" missing: expected one of its ${side} to be named so, got ${list.map((m) => `"${m.name}"`).join(', ') || 'none'}`,
          );
        else {
          if (!want.dtypes.includes(t.type))
            fail(c, `"${want.name}" has dtype ${t.type}: expected ${want.dtypes.join(' or ')}`);
          if (!want.ranks.includes(t.shape.length))
            fail(
              c,
              `"${want.name}" has rank ${t.shape.length} ([${t.shape.join(', ')}]): expected rank ${want.ranks.join(' or ')}`,
            );
        }
      }
    }
  }
}

/**
 * Checks a denoiser pack's network against its contract: `frames` f32 [B, 3, H, W] in, `restored` f32
 * [B, 3, H, W] out (a static channel axis must be 3); no other inputs.
 * @throws MODEL_ERR_PACK_CONTRACT
 */
export function checkDenoiserContract(
  index: DenoiserModelIndex,
  io: Readonly<Record<DenoiserComponentName, ComponentIo>>,
): void {
  const fail = contractFailure(index.name);
  checkTensors(index.name, DENOISER_CONTRACT, io);
  const extra = io.denoiser.inputs.filter((m) => m.name !== 'frames').map((m) => `"${m.name}"`);
  if (extra.length) fail('denoiser', `unexpected inputs ${extra.join(', ')}: the runtime feeds only "frames"`);
  for (const [side, name] of [
    ['inputs', 'frames'],
    ['outputs', 'restored'],
  ] as const) {
    const shape = io.denoiser[side].find((m) => m.name === name)?.shape ?? [];
    const channels = staticDim(shape[1]);
    if (channels !== undefined && channels !== 3)
      fail('denoiser', `"${name}" has shape [${shape.join(', ')}]: expected 3 channels on axis 1`);
  }
}

/**
 * Checks a GSDiff pack's per-frame TRN: `looks` f32 [N, 3 (2 radius + 1), H, W] in, `refined` f32 [N, 3, H, W] out
 * (static channel axes must say so), no other inputs.
 * @param component - the name errors give the graph: `trn_frame`, `trn_frame_<strength>` for a strength's own graph,
 *   `trn_frame_rgb` for the RGB series' graph
 * @param radius - the graph's radius: `trn_frame.radius`, or `trn_frame.rgb.radius` for the RGB graph
 * @throws MODEL_ERR_PACK_CONTRACT
 */
export function checkTrnFrameContract(
  index: GsdiffModelIndex,
  io: ComponentIo,
  component = 'trn_frame',
  radius = index.trn_frame?.radius ?? 0,
): void {
  const fail = contractFailure(index.name);
  checkTensors(index.name, { [component]: TRN_FRAME_CONTRACT.trn_frame }, { [component]: io });
  const extra = io.inputs.filter((m) => m.name !== 'looks').map((m) => `"${m.name}"`);
  if (extra.length) fail(component, `unexpected inputs ${extra.join(', ')}: the runtime feeds only "looks"`);
  for (const [side, name, want] of [
    ['inputs', 'looks', 3 * (2 * radius + 1)],
    ['outputs', 'refined', 3],
  ] as const) {
    const shape = io[side].find((m) => m.name === name)?.shape ?? [];
    const channels = staticDim(shape[1]);
    if (channels !== undefined && channels !== want)
      fail(
        component,
        `"${name}" has shape [${shape.join(', ')}]: expected ${want} channels on axis 1 (radius ${radius})`,
      );
  }
}

/**
 * Checks every component's inputs and outputs against the GSDiff contract and the pack's own index; the first
 * mismatch is reported naming the component, the tensor and what was expected.
 * @throws MODEL_ERR_PACK_CONTRACT
 */
export function checkContract(
  index: GsdiffModelIndex,
  io: Readonly<Record<ComponentName, ComponentIo>>,
  labelCount: number,
): PackShapes {
  const fail = contractFailure(index.name);
  checkTensors(index.name, CONTRACT, io);
  const unetInputs = io.unet.inputs.map((m) => m.name);
  const res = residualNames(unetInputs);
  if ('problem' in res) return fail('unet', `ControlNet-style residual inputs: ${res.problem}`);
  const dpmOut = new Map(io.dpm.outputs.map((m) => [m.name, m]));
  for (const name of res.names) {
    const u = io.unet.inputs.find((m) => m.name === name) as TensorMeta;
    const d = dpmOut.get(name);
    if (!d) fail('dpm', `output "${name}" missing: expected the DPM to produce every U-Net residual input`);
    else {
      if (d.type !== 'float32' || u.type !== 'float32')
        fail('dpm', `"${name}" must be float32 on both sides, got dpm ${d.type} / unet ${u.type}`);
      if (
        d.shape.length !== u.shape.length ||
        d.shape.some((x, i) => staticDim(x) && staticDim(u.shape[i]) && x !== u.shape[i])
      ) {
        fail(
          'dpm',
          `output "${name}" has shape [${d.shape.join(', ')}]: expected the U-Net input's [${u.shape.join(', ')}]`,
        );
      }
    }
  }
  const extra = [...dpmOut.keys()].filter((n) => !res.names.includes(n));
  if (extra.length) fail('dpm', `outputs ${extra.join(', ')} are not U-Net residual inputs`);
  const unknown = unetInputs.filter((n) => !['sample', 'timestep', 'encoder_hidden_states', ...res.names].includes(n));
  if (unknown.length)
    fail('unet', `unexpected inputs ${unknown.join(', ')}: the runtime feeds only the contract's inputs`);

  // Cross-component sizes that must agree when both sides are static.
  const dim = (c: ComponentName, side: 'inputs' | 'outputs', name: string, axis: number): number | undefined => {
    const shape = io[c][side].find((m) => m.name === name)?.shape ?? [];
    return staticDim(shape[axis < 0 ? shape.length + axis : axis]);
  };
  const agree = (what: string, a: number | undefined, b: number | undefined, c: ComponentName): void => {
    if (a !== undefined && b !== undefined && a !== b) fail(c, `${what}: ${a} vs ${b}`);
  };
  agree(
    'image_embeds width of clip_image_encoder vs degradation_extractor',
    dim('clip_image_encoder', 'outputs', 'image_embeds', -1),
    dim('degradation_extractor', 'inputs', 'image_embeds', -1),
    'degradation_extractor',
  );
  agree(
    'text_embeds width of clip_text_encoder vs degradation_extractor',
    dim('clip_text_encoder', 'outputs', 'text_embeds', -1),
    dim('degradation_extractor', 'inputs', 'text_embeds', -1),
    'degradation_extractor',
  );
  agree(
    'z_d token width vs unet encoder_hidden_states',
    dim('degradation_extractor', 'outputs', 'z_d', -1),
    dim('unet', 'inputs', 'encoder_hidden_states', -1),
    'unet',
  );
  agree(
    'z_d token width vs dpm z_d',
    dim('degradation_extractor', 'outputs', 'z_d', -1),
    dim('dpm', 'inputs', 'z_d', -1),
    'dpm',
  );
  agree(
    'latent channels of the index vs unet sample',
    index.latent.channels,
    dim('unet', 'inputs', 'sample', 1),
    'unet',
  );
  agree(
    'latent channels of the index vs vae_encoder latent_sample',
    index.latent.channels,
    dim('vae_encoder', 'outputs', 'latent_sample', 1),
    'vae_encoder',
  );
  agree(
    'recognizer classes vs labels.json entries',
    dim('degradation_recognizer', 'outputs', 'logits', 1),
    labelCount,
    'degradation_recognizer',
  );
  const ids = dim('clip_text_encoder', 'inputs', 'input_ids', 1);
  agree('input_ids length vs tokenizer.max_length', ids, index.tokenizer.max_length, 'clip_text_encoder');
  const type = (c: ComponentName, name: string): string => io[c].inputs.find((m) => m.name === name)?.type ?? 'float32';
  return {
    residuals: res.names,
    clipImageSize: dim('clip_image_encoder', 'inputs', 'pixel_values', 2),
    recognizerImageSize: dim('degradation_recognizer', 'inputs', 'pixel_values', 2),
    timestepType: { unet: type('unet', 'timestep'), dpm: type('dpm', 'timestep') },
    timestepRank: {
      unet: io.unet.inputs.find((m) => m.name === 'timestep')?.shape.length ?? 1,
      dpm: io.dpm.inputs.find((m) => m.name === 'timestep')?.shape.length ?? 1,
    },
    inputIdsType: type('clip_text_encoder', 'input_ids'),
  };
}
