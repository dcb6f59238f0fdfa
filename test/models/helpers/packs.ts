import { createHash } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DenoiserPack, GsdiffPack, LoadedPack, Strength } from '../../../models/index.js';
import { centreLookTimes } from './onnxGraph.js';

/** The tiny denoiser test pack (models/training/export_test_denoiser.py): 3 convs 3x3, tile 64, overlap 16. */
export const DENOISER_PACK = join(process.cwd(), 'models/packs/tiny-denoiser-test');

/** Narrows a loaded pack to the GSDiff class (tests that call GSDiff stages directly). */
export function asGsdiff(pack: LoadedPack): GsdiffPack {
  if (pack.kind !== 'gsdiff') throw new Error(`expected a GSDiff pack, got ${pack.kind} pack ${pack.index.name}`);
  return pack;
}

/** Narrows a loaded pack to the denoiser class. */
export function asDenoiser(pack: LoadedPack): DenoiserPack {
  if (pack.kind !== 'denoiser') throw new Error(`expected a denoiser pack, got ${pack.kind} pack ${pack.index.name}`);
  return pack;
}

/**
 * A temporary copy of a pack to break; `edit` changes files and re-signs them so only the intended check fails.
 * The caller removes the folder.
 */
export function brokenPack(source: string, edit: (dir: string, resign: (rel: string) => void) => void): string {
  const dir = mkdtempSync(join(tmpdir(), 'gsdiff-pack-'));
  cpSync(source, dir, { recursive: true });
  const indexFile = join(dir, 'model_index.json');
  const index = JSON.parse(readFileSync(indexFile, 'utf8')) as { files: Record<string, string> };
  let resigned = false;
  edit(dir, (rel) => {
    index.files[rel] = createHash('sha256')
      .update(readFileSync(join(dir, rel)))
      .digest('hex');
    resigned = true;
  });
  // Rewrite the index only when a file was re-signed: an edit of the index itself must survive.
  if (resigned) writeFileSync(indexFile, JSON.stringify(index, null, 2));
  return dir;
}

/** Renames a tensor in an ONNX file by a same-length byte substitution: the protobuf stays valid. */
export function renameInOnnx(file: string, from: string, to: string): void {
  if (from.length !== to.length) throw new Error('same length only');
  const bytes = readFileSync(file);
  const a = Buffer.from(from);
  let n = 0;
  for (let i = bytes.indexOf(a); i >= 0; i = bytes.indexOf(a, i + 1)) {
    Buffer.from(to).copy(bytes, i);
    n++;
  }
  if (n === 0) throw new Error(`${from} not found in ${file}`);
  writeFileSync(file, bytes);
}

/** A copy of `source` whose model_index.json `defaults` gain `extra` (the caller removes the folder). */
export function packWithDefaults(source: string, extra: Record<string, unknown>): string {
  return brokenPack(source, (dir) => {
    const file = join(dir, 'model_index.json');
    const index = JSON.parse(readFileSync(file, 'utf8')) as { defaults: Record<string, unknown> };
    Object.assign(index.defaults, extra);
    writeFileSync(file, JSON.stringify(index));
  });
}

/** A per-frame TRN test graph: `centreLookTimes(radius, scale)` written to `file` inside the pack. */
export interface CentreLookGraph {
  readonly file: string;
  readonly radius: number;
  readonly scale: number;
}

/**
 * A temporary copy of `source` (a GSDiff pack) with the per-frame TRN `ct` (`trn_frame`) and, when given, the RGB
 * series' graph `rgb` (`trn_frame.rgb`, listed as components.trn_frame_rgb), each a centreLookTimes graph, written
 * and signed. The caller removes the folder.
 */
export function rgbTrnPack(
  source: string,
  ct: CentreLookGraph,
  rgb?: CentreLookGraph & { readonly weights?: Readonly<Record<Strength, number>> },
): string {
  const dir = brokenPack(source, () => undefined);
  const indexFile = join(dir, 'model_index.json');
  const index = JSON.parse(readFileSync(indexFile, 'utf8')) as Record<string, Record<string, unknown>>;
  for (const g of rgb ? [ct, rgb] : [ct]) {
    const bytes = centreLookTimes(g.radius, g.scale);
    mkdirSync(join(dir, g.file, '..'), { recursive: true });
    writeFileSync(join(dir, g.file), bytes);
    index.files[g.file] = createHash('sha256').update(bytes).digest('hex');
  }
  index.components.trn_frame = ct.file;
  if (rgb) index.components.trn_frame_rgb = rgb.file;
  index.trn_frame = {
    radius: ct.radius,
    ...(rgb
      ? { rgb: { component: rgb.file, radius: rgb.radius, ...(rgb.weights ? { weights: rgb.weights } : {}) } }
      : {}),
  };
  writeFileSync(indexFile, JSON.stringify(index, null, 2));
  return dir;
}
