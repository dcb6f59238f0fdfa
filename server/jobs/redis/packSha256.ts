import { createHash } from 'node:crypto';
import { parseModelIndex, readModelIndexJson } from '../../../models/index.js';

/**
 * The version identity a queued job carries: sha256 of the pack's `model_index.json` in canonical form (keys sorted,
 * no whitespace). The index lists every file's own sha256 (loadPack checks the files against it) and every setting,
 * so two packs that could restore differently never share it, while re-saving the same index does not change it.
 * Computed the same way by the server and the workers, without loading the weights.
 * @throws MODEL_ERR_PACK_NOT_FOUND when model_index.json cannot be read; MODEL_ERR_PACK_INDEX when it is invalid
 */
export async function packSha256(packDir: string): Promise<string> {
  const { file, json } = await readModelIndexJson(packDir);
  parseModelIndex(json, file);
  return createHash('sha256').update(canonical(json)).digest('hex');
}

/** JSON with object keys sorted at every level. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    const entries = Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${canonical(x)}`).join(',')}}`;
  }
  return JSON.stringify(v);
}
