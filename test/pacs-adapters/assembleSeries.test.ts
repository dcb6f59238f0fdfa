import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { assembleSeries, readInstanceFile, type ImageHeader } from '../../pacs-adapters/index.js';
import { readTsv, sharedPath } from '../helpers/sharedData.js';

const CT_SETS = [
  'ct-ge-head-human-tilted',
  'ct-human-abdomen-pancreatic-ct-cbct-seg',
  'ct-human-chest-cmb-crc',
  'ct-human-petct-lowdose-acrin-flt-breast',
];

async function headersOf(dir: string): Promise<ImageHeader[]> {
  const files = readdirSync(dir).filter((f) => f.endsWith('.dcm'));
  const out: ImageHeader[] = [];
  for (const f of files) out.push((await readInstanceFile(join(dir, f))).header);
  return out;
}

const ipp = (s: string): number[] => s.split('\\').map(Number);

describe('assembleSeries on the real CT series', () => {
  it.each(CT_SETS)('%s comes out in SERIES.tsv order with its spacing', async (set) => {
    const dir = sharedPath(set);
    const tsv = readTsv(join(dir, 'SERIES.tsv'));
    const [series, ...rest] = assembleSeries(await headersOf(dir));
    expect(rest).toHaveLength(0);
    expect(series.kind).toBe('volume');
    expect(series.slices.map((s) => s.file.split('/').pop())).toEqual(tsv.map((r) => r.file));
    for (let i = 1; i < tsv.length; i++) {
      const a = ipp(tsv[i - 1].ipp);
      const b = ipp(tsv[i].ipp);
      const step = Math.hypot(b[0] - a[0], b[1] - a[1], b[2] - a[2]);
      const run = series.geometry.spacingRuns.find((r) => r.fromSlice <= i - 1 && r.toSlice >= i);
      expect(run).toBeDefined();
      expect(Math.abs((run?.stepMm ?? 0) - step)).toBeLessThan(0.02 * step + 0.01);
    }
  });

  it('reports the head CT tilt and its two spacings explicitly', async () => {
    const [s] = assembleSeries(await headersOf(sharedPath('ct-ge-head-human-tilted')));
    expect(s.geometry.tiltDeg).toBeCloseTo(18.5, 0);
    expect(s.geometry.headerTiltDeg).toBeCloseTo(18.5, 1);
    expect(s.geometry.uniform).toBe(false);
    const runs = s.geometry.spacingRuns.map((r) => [r.fromSlice, r.toSlice, r.normalSpacingMm, r.stepMm]);
    expect(runs).toEqual([
      [0, 13, expect.closeTo(4.0, 2), expect.closeTo(4.22, 2)],
      [13, 14, expect.closeTo(1.08, 1), expect.closeTo(1.14, 2)],
      [14, 27, expect.closeTo(7.0, 1), expect.closeTo(7.38, 2)],
    ]);
    const kinds = s.issues.map((i) => i.kind).sort();
    expect(kinds).toEqual(['gantry-tilt', 'uneven-spacing']);
  });

  it('finds no issue in the evenly spaced abdomen series', async () => {
    const [s] = assembleSeries(await headersOf(sharedPath('ct-human-abdomen-pancreatic-ct-cbct-seg')));
    expect(s.issues).toEqual([]);
    expect(s.slices).toHaveLength(134);
    expect(s.geometry.spacingRuns).toEqual([{ fromSlice: 0, toSlice: 133, stepMm: 3, normalSpacingMm: 3 }]);
  });
});

describe('assembleSeries on synthetic headers', () => {
  const base = (i: number, z: number, over: Partial<ImageHeader> = {}): ImageHeader =>
    ({
      file: `/x/file-${String(100 - i).padStart(3, '0')}.dcm`,
      sopInstanceUid: `1.2.3.${i}`,
      studyInstanceUid: '1.2',
      seriesInstanceUid: '1.2.3',
      instanceNumber: i,
      numberOfFrames: 1,
      rows: 4,
      columns: 4,
      samplesPerPixel: 1,
      modality: 'CT',
      framePositions: [[0, 0, z]],
      imageOrientationPatient: [1, 0, 0, 0, 1, 0],
      ...over,
    }) as ImageHeader;

  it('orders by position, not by file name or instance number', () => {
    const hs = [base(1, 10), base(2, 0), base(3, 5)];
    const [s] = assembleSeries(hs);
    expect(s.slices.map((x) => x.location)).toEqual([0, 5, 10]);
  });

  it('reports duplicates and gaps with the slices involved', () => {
    const hs = [base(1, 0), base(2, 2), base(3, 2), base(4, 4), base(5, 10), base(6, 12)];
    const [s] = assembleSeries(hs);
    const dup = s.issues.find((i) => i.kind === 'duplicate-position');
    expect(dup?.sliceIndices).toEqual([1, 2]);
    const gap = s.issues.find((i) => i.kind === 'gap');
    expect(gap?.message).toContain('gap of 6 mm');
    expect(gap?.message).toContain('about 2 slice(s) missing');
    expect(s.issues.filter((i) => i.kind === 'gap')).toHaveLength(1);
  });

  it('falls back to InstanceNumber and says so when positions are missing', () => {
    const hs = [base(2, 0, { framePositions: [] }), base(1, 0, { framePositions: [] })];
    const [s] = assembleSeries(hs);
    expect(s.slices.map((x) => x.instanceNumber)).toEqual([1, 2]);
    expect(s.issues[0].kind).toBe('missing-position');
  });

  it('groups by SeriesInstanceUID', () => {
    const hs = [base(1, 0), base(2, 1, { seriesInstanceUid: '9.9' }), base(3, 2)];
    expect(
      assembleSeries(hs)
        .map((s) => s.slices.length)
        .sort(),
    ).toEqual([1, 2]);
  });

  it('treats multi-frame instances without per-frame positions as a frame sequence', () => {
    const hs = [
      base(2, 0, { numberOfFrames: 5, frameTimeMs: 125, framePositions: [] }),
      base(1, 0, { numberOfFrames: 3, frameTimeMs: 125, framePositions: [] }),
    ];
    const [s] = assembleSeries(hs);
    expect(s.kind).toBe('frames');
    expect(s.frameTimeMs).toBe(125);
    expect(s.slices.map((x) => `${x.instanceNumber}:${x.frameIndex}`)).toEqual([
      '1:0',
      '1:1',
      '1:2',
      '2:0',
      '2:1',
      '2:2',
      '2:3',
      '2:4',
    ]);
  });
});
