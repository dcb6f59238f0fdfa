import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type * as ort from 'onnxruntime-node';
import { describeThrown, type Logger } from '../../common/index.js';
import { modelError } from '../errors.js';
import { createSessionOn, type Device, type DeviceRequest } from '../runtime/devices.js';
import { tensorMetas } from '../runtime/OnnxSession.js';
import { checkContract, type ComponentIo, type PackShapes } from './checkContract.js';
import { COMPONENTS, type ComponentName, type ModelIndex } from './ModelIndex.js';
import { parseModelIndex } from './parseModelIndex.js';

/** A loaded, verified pack: sessions created once on one device and reused for every window. */
export interface LoadedPack {
  readonly dir: string;
  readonly index: ModelIndex;
  /** sha256 of the canonical `files` map: identifies the exact weights in DerivationDescription and job records. */
  readonly sha256: string;
  readonly device: Device;
  readonly sessions: Readonly<Record<ComponentName, ort.InferenceSession>>;
  readonly shapes: PackShapes;
  readonly labels: readonly string[];
  readonly schedulerConfig: Readonly<Record<string, unknown>>;
  readonly vocabPath: string;
  readonly mergesPath: string;
  release(): Promise<void>;
}

export interface LoadPackOptions {
  readonly device?: DeviceRequest;
  readonly logger: Logger;
  /** Skip per-file sha256 checks (large packs on trusted storage); the index itself is still validated. */
  readonly verifyFiles?: boolean;
}

/**
 * Loads a pack folder: validates model_index.json, checks every listed file's sha256, creates the sessions on the
 * requested device and checks each component's I/O against the GSDiff contract.
 * @throws MODEL_ERR_PACK_NOT_FOUND, MODEL_ERR_PACK_INDEX, MODEL_ERR_PACK_FILE, MODEL_ERR_PACK_COMPONENT,
 *   MODEL_ERR_PACK_CONTRACT, MODEL_ERR_DEVICE_UNAVAILABLE
 */
export async function loadPack(packDir: string, o: LoadPackOptions): Promise<LoadedPack> {
  const dir = resolve(packDir);
  const indexFile = join(dir, 'model_index.json');
  let raw: string;
  try {
    raw = await readFile(indexFile, 'utf8');
  } catch (e) {
    throw modelError(
      'MODEL_ERR_PACK_NOT_FOUND',
      `${indexFile}: cannot read: ${describeThrown(e)}`,
      { file: indexFile },
      e,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch (e) {
    throw modelError('MODEL_ERR_PACK_INDEX', `${indexFile}: not JSON: ${describeThrown(e)}`, { file: indexFile }, e);
  }
  const index = parseModelIndex(json, indexFile);
  if (o.verifyFiles !== false) await verifyFiles(dir, index);
  const sha256 = createHash('sha256')
    .update(JSON.stringify(Object.fromEntries(Object.entries(index.files).sort(([a], [b]) => a.localeCompare(b)))))
    .digest('hex');

  const labels = await readJson<unknown>(join(dir, index.recognizer_labels), 'recognizer_labels');
  if (!Array.isArray(labels) || labels.length === 0 || !labels.every((l) => typeof l === 'string' && l.length > 0)) {
    throw modelError('MODEL_ERR_PACK_INDEX', `${index.recognizer_labels}: expected a non-empty JSON array of strings`, {
      file: index.recognizer_labels,
    });
  }
  const schedulerConfig = await readJson<Record<string, unknown>>(join(dir, index.scheduler), 'scheduler');

  const sessions: Partial<Record<ComponentName, ort.InferenceSession>> = {};
  let device: Device | undefined;
  const release = async (): Promise<void> => {
    await Promise.all(Object.values(sessions).map((s) => s?.release()));
  };
  try {
    for (const c of COMPONENTS) {
      const path = join(dir, index.components[c]);
      // The first session settles `auto`; the others go to the same device.
      try {
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
    const all = sessions as Record<ComponentName, ort.InferenceSession>;
    const io = Object.fromEntries(
      COMPONENTS.map((c) => [
        c,
        { inputs: tensorMetas(all[c].inputMetadata), outputs: tensorMetas(all[c].outputMetadata) },
      ]),
    ) as unknown as Record<ComponentName, ComponentIo>;
    const shapes = checkContract(index, io, labels.length);
    return {
      dir,
      index,
      sha256,
      device: device as Device,
      sessions: all,
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
