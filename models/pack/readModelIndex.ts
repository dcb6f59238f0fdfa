import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { describeThrown } from '../../common/index.js';
import { modelError } from '../errors.js';
import type { ModelIndex } from './ModelIndex.js';
import { parseModelIndex } from './parseModelIndex.js';

/**
 * A pack folder's model_index.json as parsed JSON, not yet validated: for readers that need the raw document too
 * (the job queue hashes it, server/jobs/redis/packSha256.ts).
 * @param packDir - the pack folder
 * @throws MODEL_ERR_PACK_NOT_FOUND when it cannot be read; MODEL_ERR_PACK_INDEX when it is not JSON
 */
export async function readModelIndexJson(packDir: string): Promise<{ readonly file: string; readonly json: unknown }> {
  const file = join(resolve(packDir), 'model_index.json');
  let raw: string;
  try {
    raw = await readFile(file, 'utf8');
  } catch (e) {
    throw modelError('MODEL_ERR_PACK_NOT_FOUND', `${file}: cannot read: ${describeThrown(e)}`, { file }, e);
  }
  try {
    return { file, json: JSON.parse(raw) as unknown };
  } catch (e) {
    throw modelError('MODEL_ERR_PACK_INDEX', `${file}: not JSON: ${describeThrown(e)}`, { file }, e);
  }
}

/**
 * A pack folder's model_index.json, read and validated without creating any session: for what a command says about
 * a pack before it loads it (how each strength acts, `strengthAction({ index }, level)`), and for loadPack itself.
 * @param packDir - the pack folder
 * @throws MODEL_ERR_PACK_NOT_FOUND when it cannot be read; MODEL_ERR_PACK_INDEX when it is not JSON or not valid
 */
export async function readModelIndex(packDir: string): Promise<ModelIndex> {
  const { file, json } = await readModelIndexJson(packDir);
  return parseModelIndex(json, file);
}
