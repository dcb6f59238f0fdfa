import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dciodvfyErrors } from '../helpers/dciodvfy.js';
import { gsdiff } from '../helpers/gsdiffCli.js';
import { sharedPath } from '../helpers/sharedData.js';

function sha256Dir(dir: string): string {
  const h = createHash('sha256');
  for (const f of readdirSync(dir).sort()) h.update(f).update(readFileSync(join(dir, f)));
  return h.digest('hex');
}

describe('gsdiff CLI', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'gsdiff-cli-'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('info summarizes the tilted head CT with its two spacings and its tilt', async () => {
    const r = await gsdiff('info', sharedPath('ct-ge-head-human-tilted'));
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('28 image(s) in 28 instance(s), 512x512');
    expect(r.stdout).toContain('slice spacing NOT uniform');
    expect(r.stdout).toContain('slices 15-28: 6.999 mm along the normal (table step 7.38 mm)');
    expect(r.stdout).toContain('gantry tilt 18.5 deg');
    expect(r.stdout).toContain('skipped 3 non-DICOM file(s)');
  });

  it('info --json is machine-readable and orders slices along the normal', async () => {
    const r = await gsdiff('info', '--json', sharedPath('ct-human-chest-cmb-crc'));
    const j = JSON.parse(r.stdout) as { series: { images: number; order: { location: number }[] }[] };
    expect(j.series).toHaveLength(1);
    expect(j.series[0].images).toBe(100);
    const loc = j.series[0].order.map((o) => o.location);
    expect(loc).toEqual([...loc].sort((a, b) => a - b));
  });

  it('info exits 4 and names the reason for a file that is not DICOM', async () => {
    const r = await gsdiff('info', sharedPath('dicom-edge-cases/pydicom/zipMR.gz'));
    expect(r.code).toBe(4);
    expect(r.stdout).toContain('PACS_ERR_NOT_DICOM');
    expect(r.stdout).toContain('zipMR.gz: file is gzip-compressed');
  });

  it('rejects bad usage with exit 2', async () => {
    expect((await gsdiff('frobnicate')).code).toBe(2);
    expect((await gsdiff('demo-data', '--dose', '2')).code).toBe(2);
    expect((await gsdiff('info')).code).toBe(2);
  });

  it('import copies a series and a capsule clip into the store, idempotently, without touching the sources', async () => {
    const store = join(tmp, 'import-store');
    const head = sharedPath('ct-ge-head-human-tilted');
    const clip = sharedPath('capsule-endoscopy-kvasir-capsule-clips/ad91cf7ca91440aa.mp4');
    const before = sha256Dir(head);
    const first = await gsdiff('import', '--store', store, '--json', head, clip);
    expect(first.code).toBe(0);
    const a = JSON.parse(first.stdout) as { stored: number; exists: number; skipped: number; failed: unknown[] };
    expect(a).toMatchObject({ stored: 28 + 5, exists: 0, skipped: 3, failed: [] });
    const second = JSON.parse((await gsdiff('import', '--store', store, '--json', head, clip)).stdout) as typeof a;
    expect(second).toMatchObject({ stored: 0, exists: 33 });
    expect(sha256Dir(head)).toBe(before);
    const info = await gsdiff('info', join(store, 'objects'));
    expect(info.stdout).toContain('74 image(s) in 5 instance(s), 336x336 RGB');
    expect(info.stdout).toContain('frame sequence at 125 ms/frame (8 fps)');
  });

  it('import reports a rejected file and exits 3 when others succeed', async () => {
    const store = join(tmp, 'partial-store');
    const r = await gsdiff(
      'import',
      '--store',
      store,
      sharedPath('ct-ge-head-human-tilted/01.dcm'),
      sharedPath('dicom-edge-cases/pydicom/MR_truncated.dcm'),
    );
    expect(r.code).toBe(3);
    expect(r.stdout).toContain('1 stored');
    expect(r.stdout).toMatch(/PACS_ERR_PARSE .*MR_truncated\.dcm: file is truncated/);
  });

  it('demo-data writes five complete, conformant series and finds them on a second run', async () => {
    const store = join(tmp, 'demo-store');
    const r = await gsdiff('demo-data', '--store', store, '--slices', '4', '--frames', '6', '--workers', '1', '--json');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout) as {
      alreadyPresent: boolean;
      series: { role: string; instances: number; seriesInstanceUid: string; studyInstanceUid: string }[];
      noise: { role: string; sdHu: number }[];
    };
    expect(j.alreadyPresent).toBe(false);
    expect(j.series.map((s) => s.role)).toEqual([
      'ct-normal-dose',
      'ct-low-dose',
      'ct-reference',
      'endoscopy-blurred',
      'endoscopy-sharp',
    ]);
    const sd = Object.fromEntries(j.noise.map((n) => [n.role, n.sdHu]));
    expect(sd['ct-reference']).toBeLessThan(0.5);
    expect(sd['ct-normal-dose']).toBeGreaterThan(5);
    // 25 % dose: noise about 2x (sqrt(1/0.25)), a little more with electronic noise.
    expect(sd['ct-low-dose'] / sd['ct-normal-dose']).toBeGreaterThan(1.6);
    expect(sd['ct-low-dose'] / sd['ct-normal-dose']).toBeLessThan(2.8);
    for (const s of [j.series[1], j.series[3]]) {
      const dir = join(store, 'objects', s.studyInstanceUid, s.seriesInstanceUid);
      const files = readdirSync(dir);
      expect(files).toHaveLength(s.instances);
      expect(await dciodvfyErrors(readFileSync(join(dir, files[0])))).toEqual([]);
    }
    const again = JSON.parse(
      (await gsdiff('demo-data', '--store', store, '--slices', '4', '--frames', '6', '--json')).stdout,
    ) as {
      alreadyPresent: boolean;
    };
    expect(again.alreadyPresent).toBe(true);
  });
});
