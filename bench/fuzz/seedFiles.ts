import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** Folders of ../shared/data whose DICOM files seed the fuzzer (the CT series contribute their first files only). */
const SETS: readonly { readonly dir: string; readonly limit?: number }[] = [
  { dir: 'dicom-edge-cases' },
  { dir: 'ct-wg04-compressed' },
  { dir: 'endoscopy-wg04-vl' },
  { dir: 'ct-ge-head-human-tilted', limit: 2 },
  { dir: 'ct-human-chest-cmb-crc', limit: 2 },
  { dir: 'ct-human-petct-lowdose-acrin-flt-breast', limit: 2 },
  { dir: 'ct-human-abdomen-pancreatic-ct-cbct-seg', limit: 2 },
];
const NOT_DATA = /LICENSE|License|README|\.txt$|\.md$|\.tsv$|\.json$|\.mp4$|\.png$|\.jpg$/;

function walk(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const p = join(dir, name);
      return statSync(p).isDirectory() ? walk(p) : NOT_DATA.test(name) ? [] : [p];
    });
}

/** The seed corpus under `dataRoot`, files up to `maxBytes` (large seeds only slow every case down). */
export function seedFiles(dataRoot: string, maxBytes = 2 * 1024 * 1024): string[] {
  return SETS.flatMap(({ dir, limit }) => {
    const all = walk(join(dataRoot, dir)).filter((f) => statSync(f).size <= maxBytes);
    return limit ? all.slice(0, limit) : all;
  });
}
