import { createHash } from 'node:crypto';
import { constants } from 'node:fs';
import { access, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type * as ort from 'onnxruntime-node';
import { describeThrown, type Logger } from '../../common/index.js';
import { modelError } from '../errors.js';
import { STRENGTHS, type Strength } from '../pipeline/Strength.js';
import { createSessionOn, type Device, type DeviceRequest } from '../runtime/devices.js';
import { loadOpenCv, type OpenCv } from '../runtime/opencv.js';
import { tensorMetas } from '../runtime/OnnxSession.js';
import {
  checkContract,
  checkDenoiserContract,
  checkTrnFrameContract,
  type ComponentIo,
  type PackShapes,
} from './checkContract.js';
import {
  COMPONENTS,
  DENOISER_COMPONENTS,
  type ComponentName,
  type DenoiserComponentName,
  type DenoiserModelIndex,
  type FilterModelIndex,
  type GsdiffModelIndex,
  type ModelIndex,
} from './ModelIndex.js';
import { readModelIndex } from './readModelIndex.js';

/** What every loaded pack has: sessions created once on one device and reused for every window. */
interface LoadedPackBase {
  readonly dir: string;
  /** sha256 of the canonical `files` map: identifies the exact weights in DerivationDescription and job records. */
  readonly sha256: string;
  readonly device: Device;
  release(): Promise<void>;
}

/** A loaded, verified GSDiff pack (`_class_name` GSDiffPipeline). */
export interface GsdiffPack extends LoadedPackBase {
  readonly kind: 'gsdiff';
  readonly index: GsdiffModelIndex;
  readonly sessions: Readonly<Record<ComponentName, ort.InferenceSession>>;
  readonly shapes: PackShapes;
  readonly labels: readonly string[];
  readonly schedulerConfig: Readonly<Record<string, unknown>>;
  readonly vocabPath: string;
  readonly mergesPath: string;
  /** The per-frame TRN when the pack has one (GsdiffModelIndex.trn_frame), on the same device. */
  readonly trnFrame?: {
    readonly session: ort.InferenceSession;
    readonly radius: number;
    /** Present when the pack declares how each strength acts (trn_frame.strengths): one graph per strength. */
    readonly byStrength?: Readonly<Record<Strength, TrnFrameStrength>>;
    /** Present when the pack has a graph for RGB series (trn_frame.rgb): RGB series run it instead of the above. */
    readonly rgb?: TrnFrameRgb;
  };
}

/** The per-frame TRN graph of RGB series (same I/O as `trnFrame.session`, at its own radius) and its blend weights. */
export interface TrnFrameRgb {
  readonly session: ort.InferenceSession;
  readonly radius: number;
  /** The blend weight of each strength (trn_frame.rgb.weights). */
  readonly weights: Readonly<Record<Strength, number>>;
}

/** One strength's per-frame TRN graph (same I/O as `trnFrame.session`), its blend weight and what it removes. */
export interface TrnFrameStrength {
  readonly session: ort.InferenceSession;
  readonly weight: number;
  readonly ownNoiseRemoved: number;
}

/** A loaded, verified single-network denoiser pack (`_class_name` DenoiserPipeline, e.g. the RED-CNN baseline). */
export interface DenoiserPack extends LoadedPackBase {
  readonly kind: 'denoiser';
  readonly index: DenoiserModelIndex;
  readonly sessions: Readonly<Record<DenoiserComponentName, ort.InferenceSession>>;
}

/**
 * A loaded classical-filter pack (`_class_name` FilterPipeline): identity or OpenCV's bilateral filter, run through
 * the same tiling, mapping and streaming as the network packs. Always on the CPU (OpenCV.js); `cv` is absent for
 * identity.
 */
export interface FilterPack extends LoadedPackBase {
  readonly kind: 'filter';
  readonly index: FilterModelIndex;
  readonly cv?: OpenCv;
}

/** A loaded, verified pack of any class; `kind` tells them apart. */
export type LoadedPack = GsdiffPack | DenoiserPack | FilterPack;

export interface LoadPackOptions {
  readonly device?: DeviceRequest;
  readonly logger: Logger;
  /** Skip per-file sha256 checks (large packs on trusted storage); the index itself is still validated. */
  readonly verifyFiles?: boolean;
}

/**
 * Loads a pack folder of either class: validates model_index.json, checks every listed file's sha256, creates the
 * sessions on the requested device and checks each component's I/O against its class's contract.
 * @throws MODEL_ERR_PACK_NOT_FOUND, MODEL_ERR_PACK_INDEX, MODEL_ERR_PACK_FILE, MODEL_ERR_PACK_COMPONENT,
 *   MODEL_ERR_PACK_CONTRACT, MODEL_ERR_DEVICE_UNAVAILABLE
 */
export async function loadPack(packDir: string, o: LoadPackOptions): Promise<LoadedPack> {
  const dir = resolve(packDir);
  const index = await readModelIndex(dir);
  if (o.verifyFiles !== false) await verifyFiles(dir, index);
  const hash = createHash('sha256').update(
    JSON.stringify(Object.fromEntries(Object.entries(index.files).sort(([a], [b]) => a.localeCompare(b)))),
  );
  // A filter pack has no files: its identity is its filter and mapping, so two filter packs never share a hash.
  if (index._class_name === 'FilterPipeline')
    hash.update(JSON.stringify({ filter: index.filter, mapping: index.mapping, tile: index.tile }));
  const sha256 = hash.digest('hex');
  if (index._class_name === 'FilterPipeline') return loadFilter(dir, index, sha256, o);
  return index._class_name === 'DenoiserPipeline'
    ? loadDenoiser(dir, index, sha256, o)
    : loadGsdiff(dir, index, sha256, o);
}

async function loadGsdiff(
  dir: string,
  index: GsdiffModelIndex,
  sha256: string,
  o: LoadPackOptions,
): Promise<GsdiffPack> {
  const labels = await readJson<unknown>(join(dir, index.recognizer_labels), 'recognizer_labels');
  if (!Array.isArray(labels) || labels.length === 0 || !labels.every((l) => typeof l === 'string' && l.length > 0)) {
    throw modelError('MODEL_ERR_PACK_INDEX', `${index.recognizer_labels}: expected a non-empty JSON array of strings`, {
      file: index.recognizer_labels,
    });
  }
  const schedulerConfig = await readJson<Record<string, unknown>>(join(dir, index.scheduler), 'scheduler');
  const { sessions, io, device, release: releaseMain } = await createSessions(dir, index, COMPONENTS, o);
  let release = releaseMain;
  try {
    const shapes = checkContract(index, io, labels.length);
    let trnFrame: GsdiffPack['trnFrame'];
    if (index.trn_frame) {
      const frame = await createSessions(
        dir,
        { ...index, components: { ...index.components, trn_frame: index.trn_frame.component } },
        ['trn_frame'] as const,
        { ...o, device },
      );
      release = async () => {
        await Promise.all([releaseMain(), frame.release()]);
      };
      checkTrnFrameContract(index, frame.io.trn_frame);
      trnFrame = { session: frame.sessions.trn_frame, radius: index.trn_frame.radius };
      // Every per-frame graph loaded so far, by file: a later entry naming the same file shares its session.
      const graphs: { component: string; session: ort.InferenceSession; io: ComponentIo }[] = [
        { component: index.trn_frame.component, session: frame.sessions.trn_frame, io: frame.io.trn_frame },
      ];
      const table = index.trn_frame.strengths;
      if (table) {
        // One session per distinct file: a strength that names trn_frame's own graph shares its session.
        const names = STRENGTHS.filter((s) => table[s].component !== index.trn_frame?.component);
        const extra = await createSessions(
          dir,
          {
            ...index,
            components: {
              ...index.components,
              ...Object.fromEntries(names.map((s) => [`trn_frame_${s}`, table[s].component])),
            },
          },
          names.map((s) => `trn_frame_${s}`),
          { ...o, device },
        );
        const before = release;
        release = async () => {
          await Promise.all([before(), extra.release()]);
        };
        for (const s of names) {
          checkTrnFrameContract(index, extra.io[`trn_frame_${s}`], `trn_frame_${s}`);
          graphs.push({
            component: table[s].component,
            session: extra.sessions[`trn_frame_${s}`],
            io: extra.io[`trn_frame_${s}`],
          });
        }
        const session = (s: Strength): ort.InferenceSession =>
          names.includes(s) ? extra.sessions[`trn_frame_${s}`] : frame.sessions.trn_frame;
        trnFrame = {
          ...trnFrame,
          byStrength: Object.fromEntries(
            STRENGTHS.map((s) => [
              s,
              { session: session(s), weight: table[s].weight, ownNoiseRemoved: table[s].own_noise_removed },
            ]),
          ) as Record<Strength, TrnFrameStrength>,
        };
      }
      const rgb = index.trn_frame.rgb;
      if (rgb) {
        let graph = graphs.find((g) => g.component === rgb.component);
        if (!graph) {
          const own = await createSessions(
            dir,
            { ...index, components: { ...index.components, trn_frame_rgb: rgb.component } },
            ['trn_frame_rgb'] as const,
            { ...o, device },
          );
          const before = release;
          release = async () => {
            await Promise.all([before(), own.release()]);
          };
          graph = { component: rgb.component, session: own.sessions.trn_frame_rgb, io: own.io.trn_frame_rgb };
        }
        // At the RGB graph's own radius, also when it shares a file checked above at trn_frame.radius.
        checkTrnFrameContract(index, graph.io, 'trn_frame_rgb', rgb.radius);
        trnFrame = { ...trnFrame, rgb: { session: graph.session, radius: rgb.radius, weights: rgb.weights } };
      }
    }
    return {
      ...(trnFrame ? { trnFrame } : {}),
      kind: 'gsdiff',
      dir,
      index,
      sha256,
      device,
      sessions,
      shapes,
      labels: labels as string[],
      schedulerConfig,
      vocabPath: join(dir, index.tokenizer.vocab),
      mergesPath: join(dir, index.tokenizer.merges),
      release,
    };
  } catch (e) {
    await release();
    throw e;
  }
}

async function loadDenoiser(
  dir: string,
  index: DenoiserModelIndex,
  sha256: string,
  o: LoadPackOptions,
): Promise<DenoiserPack> {
  const { sessions, io, device, release } = await createSessions(dir, index, DENOISER_COMPONENTS, o);
  try {
    checkDenoiserContract(index, io);
    return { kind: 'denoiser', dir, index, sha256, device, sessions, release };
  } catch (e) {
    await release();
    throw e;
  }
}

async function loadFilter(
  dir: string,
  index: FilterModelIndex,
  sha256: string,
  o: LoadPackOptions,
): Promise<FilterPack> {
  const requested = o.device ?? 'cpu';
  if (requested !== 'cpu' && requested !== 'auto')
    throw modelError(
      'MODEL_ERR_DEVICE_UNAVAILABLE',
      `pack "${index.name}" is a FilterPipeline (OpenCV on the CPU): expected device cpu or auto, got ${requested}`,
      { pack: index.name, device: requested },
    );
  const cv = index.filter.kind === 'identity' ? undefined : await loadOpenCv();
  o.logger.info({ pack: index.name, filter: index.filter.kind, device: 'cpu' }, 'filter pack loaded');
  return { kind: 'filter', dir, index, sha256, device: 'cpu', ...(cv ? { cv } : {}), release: () => Promise.resolve() };
}

/**
 * One session per component, all on one device (the first settles `auto`), with each graph's I/O metadata. On
 * failure the sessions made so far are released.
 */
async function createSessions<C extends string>(
  dir: string,
  index: ModelIndex & { readonly components: Readonly<Record<C, string>> },
  components: readonly C[],
  o: LoadPackOptions,
): Promise<{
  sessions: Record<C, ort.InferenceSession>;
  io: Record<C, ComponentIo>;
  device: Device;
  release: () => Promise<void>;
}> {
  const sessions: Partial<Record<C, ort.InferenceSession>> = {};
  let device: Device | undefined;
  const release = async (): Promise<void> => {
    await Promise.all(Object.values<ort.InferenceSession | undefined>(sessions).map((s) => s?.release()));
  };
  try {
    for (const c of components) {
      const path = join(dir, index.components[c]);
      try {
        // A missing file is the component's fault, not the device's (onnxruntime reports both alike).
        await access(path, constants.R_OK);
        const created = await createSessionOn(path, device ?? o.device ?? 'cpu', o.logger);
        sessions[c] = created.session;
        device = created.device;
      } catch (e) {
        if (e instanceof Error && 'code' in e && (e as { code: string }).code === 'MODEL_ERR_DEVICE_UNAVAILABLE')
          throw e;
        throw modelError(
          'MODEL_ERR_PACK_COMPONENT',
          `component ${c} (${index.components[c]}) cannot be loaded: ${describeThrown(e)}`,
          {
            pack: index.name,
            component: c,
            file: path,
          },
          e,
        );
      }
    }
  } catch (e) {
    await release();
    throw e;
  }
  const all = sessions as Record<C, ort.InferenceSession>;
  const io = Object.fromEntries(
    components.map((c) => [
      c,
      { inputs: tensorMetas(all[c].inputMetadata), outputs: tensorMetas(all[c].outputMetadata) },
    ]),
  ) as unknown as Record<C, ComponentIo>;
  return { sessions: all, io, device: device as Device, release };
}

async function verifyFiles(dir: string, index: ModelIndex): Promise<void> {
  for (const [rel, want] of Object.entries(index.files)) {
    const path = join(dir, rel);
    let bytes: Buffer;
    try {
      bytes = await readFile(path);
    } catch (e) {
      throw modelError(
        'MODEL_ERR_PACK_FILE',
        `pack "${index.name}" file ${rel} listed in model_index.json is missing: ${describeThrown(e)}`,
        {
          pack: index.name,
          file: rel,
        },
        e,
      );
    }
    const got = createHash('sha256').update(bytes).digest('hex');
    if (got !== want) {
      throw modelError(
        'MODEL_ERR_PACK_FILE',
        `pack "${index.name}" file ${rel}: sha256 ${got}: expected ${want} (model_index.json)`,
        {
          pack: index.name,
          file: rel,
        },
      );
    }
  }
}

async function readJson<T>(path: string, field: string): Promise<T> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as T;
  } catch (e) {
    throw modelError(
      'MODEL_ERR_PACK_INDEX',
      `${path} (${field}): cannot read JSON: ${describeThrown(e)}`,
      { file: path, field },
      e,
    );
  }
}
