import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { encodePart10, newUid, readNaturalDataset, type NaturalDataset } from '../../pacs-adapters/index.js';

export interface LoopedSeries {
  readonly studyInstanceUid: string;
  readonly seriesInstanceUid: string;
  /** The written Part 10 files, in slice order. */
  readonly files: readonly string[];
  readonly sourceSlices: number;
  readonly spacingMm: number;
  readonly rows: number;
  readonly columns: number;
}

const num = (v: unknown): number => (typeof v === 'number' ? v : Number(v));
// DS values hold 16 characters at most: keep positions to 0.1 µm, not float noise from the averaged spacing.
const ds4 = (v: number): number => +v.toFixed(4);

function vec(ds: NaturalDataset, keyword: string, length: number, file: string): number[] {
  const v = ds[keyword] as unknown;
  const a = Array.isArray(v) ? v.map(num) : [];
  if (a.length !== length || a.some((x) => !Number.isFinite(x)))
    throw new Error(`${file}: ${keyword}: expected ${length} numbers, got ${JSON.stringify(v)}`);
  return a;
}

/**
 * Builds a series of `slices` slices by looping a uniformly spaced source series: every slice gets a new
 * SOPInstanceUID, the whole series one new SeriesInstanceUID (same study and frame of reference), InstanceNumber runs
 * 1..slices in position order, and each further copy is shifted along the slice normal by the source's extent, so
 * positions keep increasing with the source's own spacing. The source files are only read; the copies go to `outDir`.
 * @throws naming the file and tag when the source is not one uniformly spaced, untilted stack
 */
export function writeLoopedSeries(sourceDir: string, outDir: string, slices: number): LoopedSeries {
  const names = readdirSync(sourceDir)
    .filter((n) => n.toLowerCase().endsWith('.dcm'))
    .sort();
  if (names.length < 2) throw new Error(`${sourceDir}: expected a series of .dcm files, found ${names.length}`);
  const source = names.map((n) => {
    const file = join(sourceDir, n);
    const ds = readNaturalDataset(readFileSync(file), file);
    return {
      file,
      ds,
      ipp: vec(ds, 'ImagePositionPatient', 3, file),
      iop: vec(ds, 'ImageOrientationPatient', 6, file),
    };
  });
  const [r0, r1, r2, c0, c1, c2] = source[0].iop;
  const normal = [r1 * c2 - r2 * c1, r2 * c0 - r0 * c2, r0 * c1 - r1 * c0];
  const along = (p: number[]): number => p[0] * normal[0] + p[1] * normal[1] + p[2] * normal[2];
  source.sort((a, b) => along(a.ipp) - along(b.ipp));
  const series0 = source[0].ds.SeriesInstanceUID;
  const steps = source.slice(1).map((s, i) => along(s.ipp) - along(source[i].ipp));
  const spacing = steps.reduce((a, b) => a + b, 0) / steps.length;
  source.forEach((s, i) => {
    if (s.ds.SeriesInstanceUID !== series0)
      throw new Error(
        `${s.file}: SeriesInstanceUID: expected ${series0} like the others, got ${s.ds.SeriesInstanceUID}`,
      );
    if (s.iop.some((v, k) => Math.abs(v - source[0].iop[k]) > 1e-4))
      throw new Error(`${s.file}: ImageOrientationPatient: expected the same orientation as ${source[0].file}`);
    if (i > 0 && Math.abs(steps[i - 1] - spacing) > 0.01)
      throw new Error(
        `${s.file}: ImagePositionPatient: expected a step of ${spacing.toFixed(3)} mm from the previous slice, got ${steps[i - 1].toFixed(3)}`,
      );
  });
  const seriesInstanceUid = newUid();
  const extent = spacing * source.length;
  mkdirSync(outDir, { recursive: true });
  const files: string[] = [];
  for (let i = 0; i < slices; i++) {
    const copy = Math.floor(i / source.length);
    const src = source[i % source.length];
    const shift = copy * extent;
    const sopInstanceUid = newUid();
    const ds: NaturalDataset = {
      ...src.ds,
      SOPInstanceUID: sopInstanceUid,
      SeriesInstanceUID: seriesInstanceUid,
      SeriesDescription: `${String(src.ds.SeriesDescription ?? '')} looped x${slices}`.trim().slice(0, 64),
      InstanceNumber: i + 1,
      ImagePositionPatient: src.ipp.map((v, k) => ds4(v + shift * normal[k])),
      ...(src.ds.SliceLocation !== undefined ? { SliceLocation: ds4(num(src.ds.SliceLocation) + shift) } : {}),
    };
    const file = join(outDir, `${String(i + 1).padStart(5, '0')}.dcm`);
    writeFileSync(file, encodePart10(ds, file));
    files.push(file);
  }
  return {
    studyInstanceUid: String(source[0].ds.StudyInstanceUID),
    seriesInstanceUid,
    files,
    sourceSlices: source.length,
    spacingMm: spacing,
    rows: num(source[0].ds.Rows),
    columns: num(source[0].ds.Columns),
  };
}
