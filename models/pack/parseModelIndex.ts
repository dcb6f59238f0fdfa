import { modelError } from '../errors.js';
import {
  COMPONENTS,
  DENOISER_COMPONENTS,
  FILTER_KINDS,
  PACK_CLASSES,
  type DenoiserModelIndex,
  type FilterModelIndex,
  type FilterSpec,
  type GsdiffModelIndex,
  type ModelIndex,
} from './ModelIndex.js';
import { parseTrnRgb } from './parseTrnRgb.js';
import { parseTrnStrengths } from './parseTrnStrengths.js';

type Json = Record<string, unknown>;

/**
 * Validates model_index.json field by field for its `_class_name` (GSDiffPipeline, DenoiserPipeline or FilterPipeline); the first
 * problem is reported with its JSON path and what was expected. Returns a deep-frozen index.
 * @throws MODEL_ERR_PACK_INDEX
 */
export function parseModelIndex(raw: unknown, file: string): ModelIndex {
  const fail = (path: string, expected: string, got: unknown): never => {
    throw modelError('MODEL_ERR_PACK_INDEX', `${file}: ${path}: expected ${expected}, got ${JSON.stringify(got)}`, {
      file,
      field: path,
    });
  };
  const obj = (v: unknown, path: string): Json =>
    v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : fail(path, 'an object', v);
  const str = (v: unknown, path: string): string =>
    typeof v === 'string' && v.length > 0 ? v : fail(path, 'a non-empty string', v);
  const num = (v: unknown, path: string, min: number, max = Infinity, integer = false): number =>
    typeof v === 'number' && Number.isFinite(v) && v >= min && v <= max && (!integer || Number.isInteger(v))
      ? v
      : fail(path, `${integer ? 'an integer' : 'a number'} in [${min}, ${max}]`, v);
  const relPath = (v: unknown, path: string): string => {
    const s = str(v, path);
    return s.startsWith('/') || s.split('/').includes('..') ? fail(path, 'a path inside the pack', s) : s;
  };

  // 1. What every pack class shares.
  const root = obj(raw, '$');
  const cls = root._class_name;
  if (cls !== 'GSDiffPipeline' && cls !== 'DenoiserPipeline' && cls !== 'FilterPipeline')
    fail('_class_name', `one of ${PACK_CLASSES.map((c) => `"${c}"`).join(', ')}`, cls);
  if (root.format_version !== 1) fail('format_version', '1', root.format_version);
  const components = obj(root.components, 'components');
  const files = obj(root.files, 'files');
  for (const [k, v] of Object.entries(files)) {
    relPath(k, `files key ${k}`);
    if (typeof v !== 'string' || !/^[0-9a-f]{64}$/.test(v)) fail(`files["${k}"]`, 'a sha256 in hex', v);
  }
  const tile = obj(root.tile, 'tile');
  const mapping = obj(root.mapping, 'mapping');
  const ct = obj(mapping.ct, 'mapping.ct');
  const rgb = obj(mapping.rgb, 'mapping.rgb');
  const defaults = obj(root.defaults, 'defaults');
  const training = root.training === undefined ? undefined : obj(root.training, 'training');
  // A GSDiff tile must be a whole number of latent cells; a denoiser tile has no such constraint.
  const tileMin =
    cls === 'GSDiffPipeline' ? num(obj(root.latent, 'latent').downscale, 'latent.downscale', 1, 64, true) : 1;
  const base = {
    format_version: 1 as const,
    name: str(root.name, 'name'),
    version: str(root.version, 'version'),
    files: files as Record<string, string>,
    tile: {
      height: num(tile.height, 'tile.height', tileMin, 8192, true),
      width: num(tile.width, 'tile.width', tileMin, 8192, true),
    },
    mapping: {
      ct: {
        low_hu: num(ct.low_hu, 'mapping.ct.low_hu', -32768, 65535),
        high_hu: num(ct.high_hu, 'mapping.ct.high_hu', -32768, 65535),
      },
      rgb: {
        scale: num(rgb.scale, 'mapping.rgb.scale', Number.MIN_VALUE),
        offset: num(rgb.offset, 'mapping.rgb.offset', -1e6),
      },
    },
    ...(training !== undefined ? { training } : {}),
  };
  if (base.mapping.ct.high_hu <= base.mapping.ct.low_hu) {
    fail('mapping.ct.high_hu', `a value above low_hu (${base.mapping.ct.low_hu})`, base.mapping.ct.high_hu);
  }
  const tileOverlap = (): number =>
    num(defaults.tile_overlap, 'defaults.tile_overlap', 0, Math.min(base.tile.height, base.tile.width) - 1, true);

  // 2. The class's own fields.
  let index: ModelIndex;
  let used: string[];
  if (cls === 'FilterPipeline') {
    if (Object.keys(components).length > 0)
      fail('components', 'an empty object (a filter pack has no network)', components);
    const f: FilterModelIndex = {
      _class_name: 'FilterPipeline',
      ...base,
      filter: parseFilter(obj(root.filter, 'filter'), str, num, fail),
      defaults: { tile_overlap: tileOverlap() },
    };
    index = f;
    used = [];
  } else if (cls === 'DenoiserPipeline') {
    const d: DenoiserModelIndex = {
      _class_name: 'DenoiserPipeline',
      ...base,
      components: Object.fromEntries(
        DENOISER_COMPONENTS.map((c) => [c, relPath(components[c], `components.${c}`)]),
      ) as DenoiserModelIndex['components'],
      defaults: { tile_overlap: tileOverlap() },
    };
    index = d;
    used = Object.values(d.components);
  } else {
    const tok = obj(root.tokenizer, 'tokenizer');
    const grid = obj(root.grid, 'grid');
    const latent = obj(root.latent, 'latent');
    const prompts = obj(root.prompts, 'prompts');
    const downscale = tileMin;
    const g: GsdiffModelIndex = {
      _class_name: 'GSDiffPipeline',
      ...base,
      components: Object.fromEntries(
        COMPONENTS.map((c) => [c, relPath(components[c], `components.${c}`)]),
      ) as GsdiffModelIndex['components'],
      tokenizer: {
        vocab: relPath(tok.vocab, 'tokenizer.vocab'),
        merges: relPath(tok.merges, 'tokenizer.merges'),
        max_length: num(tok.max_length, 'tokenizer.max_length', 2, 4096, true),
      },
      recognizer_labels: relPath(root.recognizer_labels, 'recognizer_labels'),
      scheduler: relPath(root.scheduler, 'scheduler'),
      grid: { rows: num(grid.rows, 'grid.rows', 1, 16, true), cols: num(grid.cols, 'grid.cols', 1, 16, true) },
      latent: {
        channels: num(latent.channels, 'latent.channels', 1, 4096, true),
        downscale,
        scaling_factor: num(latent.scaling_factor, 'latent.scaling_factor', Number.MIN_VALUE),
      },
      defaults: {
        steps: num(defaults.steps, 'defaults.steps', 1, 1000, true),
        strength: num(defaults.strength, 'defaults.strength', 0, 1),
        start_noise: defaults.start_noise === undefined ? 1 : num(defaults.start_noise, 'defaults.start_noise', 0, 1),
        ...(defaults.start_timestep === undefined
          ? {}
          : {
              start_timestep:
                defaults.start_timestep === 'matched'
                  ? ('matched' as const)
                  : typeof defaults.start_timestep === 'number'
                    ? num(defaults.start_timestep, 'defaults.start_timestep', 1, 999, true)
                    : fail(
                        'defaults.start_timestep',
                        '"matched", an integer timestep 1..999 or absent',
                        defaults.start_timestep,
                      ),
              start_t_max: num(defaults.start_t_max ?? 25, 'defaults.start_t_max', 1, 999, true),
            }),
        eta: num(defaults.eta, 'defaults.eta', 0, 1),
        window_stride: num(defaults.window_stride, 'defaults.window_stride', 1, 256, true),
        tile_overlap: num(defaults.tile_overlap, 'defaults.tile_overlap', 0, 4096, true),
      },
      prompts: {
        recognition: str(prompts.recognition, 'prompts.recognition'),
        template: str(prompts.template, 'prompts.template'),
      },
      ...(components.trn_frame === undefined && root.trn_frame === undefined
        ? {}
        : {
            trn_frame: {
              component: relPath(components.trn_frame, 'components.trn_frame'),
              radius: num(obj(root.trn_frame, 'trn_frame').radius, 'trn_frame.radius', 0, 16, true),
              ...((root.trn_frame as Json).strengths === undefined
                ? {}
                : {
                    strengths: parseTrnStrengths((root.trn_frame as Json).strengths, {
                      file,
                      pack: base.name,
                      components,
                    }),
                  }),
              ...((root.trn_frame as Json).rgb === undefined
                ? {}
                : { rgb: parseTrnRgb((root.trn_frame as Json).rgb, { file, pack: base.name, components }) }),
              ...((root.trn_frame as Json).diffusion === undefined
                ? {}
                : {
                    diffusion:
                      typeof (root.trn_frame as Json).diffusion === 'boolean'
                        ? ((root.trn_frame as Json).diffusion as boolean)
                        : fail('trn_frame.diffusion', 'true or false', (root.trn_frame as Json).diffusion),
                  }),
            },
          }),
    };
    if (g.tile.height % downscale !== 0 || g.tile.width % downscale !== 0) {
      fail('tile', `multiples of latent.downscale (${downscale})`, g.tile);
    }
    if (!g.prompts.template.includes('[degradation]'))
      fail('prompts.template', 'a text containing "[degradation]"', g.prompts.template);
    index = g;
    used = [
      ...Object.values(g.components),
      ...(g.trn_frame ? [g.trn_frame.component] : []),
      ...Object.values(g.trn_frame?.strengths ?? {}).map((s) => s.component),
      ...(g.trn_frame?.rgb ? [g.trn_frame.rgb.component] : []),
      g.tokenizer.vocab,
      g.tokenizer.merges,
      g.recognizer_labels,
      g.scheduler,
    ];
  }

  // 3. Every file the pack uses is signed.
  for (const p of used) {
    if (!(p in index.files)) fail(`files["${p}"]`, 'a sha256 for every file the pack uses', undefined);
  }
  return deepFreeze(index);
}

function parseFilter(
  f: Json,
  str: (v: unknown, path: string) => string,
  num: (v: unknown, path: string, min: number, max?: number, integer?: boolean) => number,
  fail: (path: string, expected: string, got: unknown) => never,
): FilterSpec {
  const kind = str(f.kind, 'filter.kind');
  if (kind === 'identity') return { kind };
  if (kind === 'bilateral') {
    return {
      kind,
      diameter: num(f.diameter, 'filter.diameter', 1, 31, true),
      sigma_color_hu: num(f.sigma_color_hu, 'filter.sigma_color_hu', Number.MIN_VALUE, 10000),
      sigma_color_rgb: num(f.sigma_color_rgb, 'filter.sigma_color_rgb', Number.MIN_VALUE, 255),
      sigma_space_px: num(f.sigma_space_px, 'filter.sigma_space_px', Number.MIN_VALUE, 100),
    };
  }
  return fail('filter.kind', FILTER_KINDS.map((k) => `"${k}"`).join(' or '), kind);
}

function deepFreeze<T>(o: T): T {
  if (o !== null && typeof o === 'object') {
    for (const v of Object.values(o)) deepFreeze(v);
    Object.freeze(o);
  }
  return o;
}
