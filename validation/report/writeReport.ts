import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ValidationResult } from '../validate/runValidation.js';
import { renderHtml, type ReportOptions } from './renderHtml.js';

const num = (x: number): string =>
  Number.isFinite(x) ? String(Number(x.toPrecision(8))) : x === Infinity ? 'inf' : x === -Infinity ? '-inf' : '';

/** Per-slice CSV: one row per method and frame, every figure in its own column. */
export function slicesCsv(r: ValidationResult): string {
  const wins = Object.keys(r.methods[0]?.rows[0]?.psnr ?? {});
  const head = [
    'method',
    'index',
    'position',
    ...wins.flatMap((w) => [`psnr_${w}`, `ssim_${w}`]),
    'rmse',
    'noise_sd',
    'cnr',
    r.mode === 'paired' ? 'flicker_pair' : 'temporal_diff_pair',
    'warping_pair',
  ];
  const lines = r.methods.flatMap((m) =>
    m.rows.map((row) =>
      [
        m.name,
        String(row.index + 1),
        num(row.position ?? NaN),
        ...wins.flatMap((w) => [num(row.psnr[w]), num(row.ssim[w])]),
        num(row.rmse),
        num(row.noiseSd),
        num(row.cnr),
        num(row.flickerPair),
        num(row.warpPair),
      ].join(','),
    ),
  );
  return [head.join(','), ...lines].join('\n') + '\n';
}

/** Per-series CSV: one row per method. */
export function summaryCsv(r: ValidationResult): string {
  const wins = Object.keys(r.methods[0]?.summary.psnr ?? {});
  const head = [
    'method',
    ...wins.flatMap((w) => [`psnr_${w}`, `psnr_pooled_${w}`, `ssim_${w}`]),
    'rmse',
    'noise_sd',
    'cnr',
    r.mode === 'paired' ? 'flicker' : 'temporal_diff',
    'warping_error',
    'nps_peak_per_mm',
    'nps_mean_per_mm',
    'nps_variance',
    'seconds',
    'frames_per_s',
    'pack_sha256',
  ];
  const lines = r.methods.map((m) => {
    const s = m.summary;
    return [
      m.name,
      ...wins.flatMap((w) => [num(s.psnr[w]), num(s.psnrPooled[w] ?? NaN), num(s.ssim[w])]),
      num(s.rmse),
      num(s.noiseSd),
      num(s.cnr),
      num(s.flicker),
      num(s.warpingError),
      num(s.nps?.peakFrequency ?? NaN),
      num(s.nps?.meanFrequency ?? NaN),
      num(s.nps?.variance ?? NaN),
      num(s.seconds),
      num(s.framesPerSecond),
      m.pack?.sha256 ?? '',
    ].join(',');
  });
  return [head.join(','), ...lines].join('\n') + '\n';
}

/** Everything but the pixels, as JSON (typed arrays as plain arrays; NaN, a figure that does not apply, as null; ±∞ as "Infinity" / "-Infinity"). */
export function resultJson(r: ValidationResult, provenance: Readonly<Record<string, string>>): string {
  const { strips, ...rest } = r;
  return (
    JSON.stringify(
      { ...rest, strips: strips.map((s) => s.index + 1), provenance },
      (_k, v: unknown) =>
        v instanceof Float64Array || v instanceof Float32Array
          ? Array.from(v)
          : typeof v === 'number' && !Number.isFinite(v)
            ? Number.isNaN(v)
              ? null
              : String(v)
            : v,
      2,
    ) + '\n'
  );
}

/**
 * Writes report.html, slices.csv, summary.csv and result.json into `dir`: into a temporary sibling first, renamed
 * into place when complete, so a report folder is never half-written.
 * @returns the files written
 */
export async function writeReport(r: ValidationResult, dir: string, o: ReportOptions): Promise<string[]> {
  const tmp = `${dir}.partial-${process.pid}`;
  await rm(tmp, { recursive: true, force: true });
  await mkdir(tmp, { recursive: true });
  const files: [string, string][] = [
    ['report.html', renderHtml(r, o)],
    ['slices.csv', slicesCsv(r)],
    ['summary.csv', summaryCsv(r)],
    ['result.json', resultJson(r, o.provenance)],
  ];
  for (const [name, text] of files) await writeFile(join(tmp, name), text);
  await rm(dir, { recursive: true, force: true });
  await rename(tmp, dir);
  return files.map(([name]) => join(dir, name));
}
