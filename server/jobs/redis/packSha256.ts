import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describeThrown } from '../../../common/index.js';
import { modelError, parseModelIndex } from '../../../models/index.js';

/**
 * The identity of a pack's exact weights without loading them: sha256 of its canonical `files` map, the same value
 * loadPack reports as `LoadedPack.sha256` (and that derived instances record).
 * @throws MODEL_ERR_PACK_NOT_FOUND when model_index.json cannot be read; MODEL_ERR_PACK_INDEX when it is invalid
 */
export async function packSha256(packDir: string): Promise<string> {
  const file = path.join(path.resolve(packDir), 'model_index.json');
  let raw: string;
  try {
    raw = await readFile(file, 'utf8');
  } catch (e) {
    throw modelError('MODEL_ERR_PACK_NOT_FOUND', `${file}: cannot read: ${describeThrown(e)}`, { file }, e);
  }
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch (e) {
    throw modelError('MODEL_ERR_PACK_INDEX', `${file}: not JSON: ${describeThrown(e)}`, { file }, e);
  }
  const index = parseModelIndex(json, file);
  return createHash('sha256')
    .update(JSON.stringify(Object.fromEntries(Object.entries(index.files).sort(([a], [b]) => a.localeCompare(b)))))
    .digest('hex');
}
