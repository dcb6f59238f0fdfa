import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gsdiff } from '../helpers/gsdiffCli.js';
import { startOrthanc, type RunningOrthanc } from '../helpers/orthanc.js';
import { sharedPath } from '../helpers/sharedData.js';

const HEAD = sharedPath('ct-ge-head-human-tilted');
const CLIP = sharedPath('capsule-endoscopy-kvasir-capsule-clips/4aebc5cb2d4847aa.mp4');

function sha256Files(dir: string): string {
  const h = createHash('sha256');
  for (const f of readdirSync(dir).sort()) h.update(f).update(readFileSync(join(dir, f)));
  return h.digest('hex');
}

function csvRows(file: string): Record<string, string>[] {
  const [head, ...lines] = readFileSync(file, 'utf8').trim().split('\n');
  const cols = head.split(',');
  return lines.map((l) => Object.fromEntries(l.split(',').map((v, i) => [cols[i], v])));
}

describe('gsdiff validate', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'gsdiff-validate-'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('paired, simulated 25 % dose: input, bilateral and a denoiser pack side by side in one report', async () => {
    const before = sha256Files(HEAD);
    const out = join(tmp, 'paired');
    const r = await gsdiff(
      'validate',
      '--reference',
      HEAD,
      '--simulate-dose',
      '0.25',
      '--frames',
      '10-12',
      '--pack',
      'models/packs/bilateral',
      '--pack',
      'models/packs/tiny-denoiser-test',
      '--out',
      out,
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^input\s+\d/m);
    const summary = csvRows(join(out, 'summary.csv'));
    expect(summary.map((s) => s.method)).toEqual(['input', 'bilateral', 'tiny-denoiser-test']);
    expect(Number(summary[1].psnr_metric)).toBeGreaterThan(Number(summary[0].psnr_metric));
    expect(Number(summary[1].noise_sd)).toBeLessThan(Number(summary[0].noise_sd));
    expect(summary[1].pack_sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(csvRows(join(out, 'slices.csv'))).toHaveLength(9);
    const json = JSON.parse(readFileSync(join(out, 'result.json'), 'utf8')) as {
      mode: string;
      input: { simulatedDose: number };
      provenance: Record<string, string>;
    };
    expect(json.mode).toBe('paired');
    expect(json.input.simulatedDose).toBe(0.25);
    expect(json.provenance.command).toContain('--simulate-dose 0.25');
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    for (const part of [
      '<h2>Summary</h2>',
      '<h2>Per slice</h2>',
      '<h2>Images</h2>',
      '<h2>Noise power spectra</h2>',
      '<h2>Reproducibility</h2>',
    ])
      expect(html).toContain(part);
    expect(html).toContain(summary[1].pack_sha256);
    expect(html.match(/<svg /g)?.length).toBeGreaterThanOrEqual(5);
    expect(html).toContain('data:image/png;base64,');
    expect(sha256Files(HEAD)).toBe(before); // originals untouched
    expect(readdirSync(tmp).filter((f) => f.includes('.partial'))).toEqual([]);
  });

  it('reads a series from the local store and measures it against its own folder: identical', async () => {
    const store = join(tmp, 'store');
    expect((await gsdiff('import', '--store', store, HEAD)).code).toBe(0);
    const info = JSON.parse((await gsdiff('info', '--json', HEAD)).stdout) as {
      series: { seriesInstanceUid: string }[];
    };
    const uid = info.series[0].seriesInstanceUid;
    const out = join(tmp, 'store-report');
    const r = await gsdiff(
      'validate',
      '--store',
      store,
      '--reference',
      HEAD,
      '--input',
      `store:${uid}`,
      '--frames',
      '1-2',
      '--out',
      out,
    );
    expect(r.code).toBe(0);
    const [input] = csvRows(join(out, 'summary.csv'));
    expect(input.psnr_metric).toBe('inf'); // identical frames: PSNR is infinite, pooled too
    expect(input.psnr_pooled_metric).toBe('inf');
    expect(Number(input.ssim_metric)).toBe(1);
    expect(Number(input.rmse)).toBe(0);
  });

  it('no-reference on a capsule clip: luma noise, temporal difference and warping error', async () => {
    const out = join(tmp, 'capsule');
    const r = await gsdiff(
      'validate',
      '--input',
      CLIP,
      '--frames',
      '1-5',
      '--pack',
      'models/packs/bilateral',
      '--out',
      out,
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const [input, bilateral] = csvRows(join(out, 'summary.csv'));
    expect(Number(input.warping_error)).toBeGreaterThan(0);
    expect(Number(bilateral.warping_error)).toBeGreaterThan(0);
    expect(Number(bilateral.temporal_diff)).toBeLessThanOrEqual(Number(input.temporal_diff));
    expect(readFileSync(join(out, 'report.html'), 'utf8')).toContain('warping error');
  });

  it('rejects what it cannot use with the path, field or option named, and writes no report', async () => {
    const out = join(tmp, 'bad');
    const missing = await gsdiff('validate', '--reference', join(tmp, 'nope'), '--simulate-dose', '0.25', '--out', out);
    expect(missing.code).toBe(4);
    expect(missing.stderr).toContain(join(tmp, 'nope'));
    const mismatch = await gsdiff('validate', '--reference', HEAD, '--input', `${HEAD}/01.dcm`, '--out', out);
    expect(mismatch.code).toBe(4);
    expect(mismatch.stderr).toContain('VAL_ERR_SIZE_MISMATCH');
    const roi = await gsdiff('validate', '--reference', HEAD, '--noise-roi', '1,2,3', '--out', out);
    expect(roi.code).toBe(2);
    expect(roi.stderr).toContain('x,y,width,height');
    expect(existsSync(out)).toBe(false);
  });

  describe('from a PACS (a real Orthanc, DICOMweb)', () => {
    let orthanc: RunningOrthanc;
    beforeAll(async () => {
      orthanc = await startOrthanc();
      for (const f of ['05.dcm', '06.dcm', '07.dcm']) await orthanc.upload(readFileSync(join(HEAD, f)));
    });
    afterAll(() => orthanc?.stop());

    it('pulls pacs:<source>/<study>/<series> and validates it like a folder', async () => {
      const info = JSON.parse((await gsdiff('info', '--json', HEAD)).stdout) as {
        series: { studyInstanceUid: string; seriesInstanceUid: string }[];
      };
      const { studyInstanceUid: study, seriesInstanceUid: series } = info.series[0];
      const sources = [
        {
          id: 'pacs',
          kind: 'dicomweb',
          baseUrl: orthanc.dicomWebUrl,
          auth: { kind: 'basic', username: orthanc.username, password: orthanc.password },
        },
      ];
      const out = join(tmp, 'pacs');
      const { stdout } = await promisify(execFile)(
        process.execPath,
        [
          join(process.cwd(), 'dist/cli/main.js'),
          'validate',
          '--input',
          `pacs:pacs/${study}/${series}`,
          '--out',
          out,
          '--json',
        ],
        { env: { ...process.env, GSDIFF_SOURCES: JSON.stringify(sources) }, timeout: 120_000 },
      );
      const j = JSON.parse(stdout) as { methods: { name: string; noiseSd: number }[] };
      expect(j.methods[0].name).toBe('input');
      expect(j.methods[0].noiseSd).toBeGreaterThan(0);
      expect(JSON.parse(readFileSync(join(out, 'result.json'), 'utf8')).count).toBe(3);
    });
  });
});
