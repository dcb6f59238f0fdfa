import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  decodeFrame,
  encodeCtSlice,
  encodeEndoscopySequence,
  modalityValues,
  newUid,
  parseInstance,
  readNaturalDataset,
  type GrayFrame,
} from '../../pacs-adapters/index.js';
import { dciodvfyErrors } from '../helpers/dciodvfy.js';
import { gsdiff } from '../helpers/gsdiffCli.js';

const PACK = join(process.cwd(), 'models/packs/tiny-test');
const DENOISER_PACK = join(process.cwd(), 'models/packs/tiny-denoiser-test');

const context = (over: { seriesInstanceUid: string; studyInstanceUid: string }) => ({
  patientId: 'TEST',
  patientName: 'TEST^RESTORE',
  studyId: 'T1',
  studyDescription: 'restore test',
  seriesNumber: 5,
  seriesDescription: 'small series',
  frameOfReferenceUid: newUid(),
  provenance: 'SYNTHETIC test data',
  softwareVersion: 'test',
  createdAt: new Date('2026-11-26T10:00:00Z'),
  ...over,
});

describe('gsdiff restore with the tiny pack', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'gsdiff-restore-'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));
  const ctDir = join(tmp, 'ct');
  const esDir = join(tmp, 'es');
  const study = newUid();
  const ctSeries = newUid();

  beforeAll(() => {
    mkdirSync(ctDir);
    mkdirSync(esDir);
    for (let z = 0; z < 10; z++) {
      // A soft-tissue pattern plus -3024 HU outside a circle (as outside a CT reconstruction circle).
      const hu = Float32Array.from({ length: 64 * 64 }, (_, j) => {
        const x = (j % 64) - 32;
        const y = Math.floor(j / 64) - 32;
        return x * x + y * y > 30 * 30 ? -3024 : 40 + 60 * Math.sin(x / 5 + z / 3) * Math.cos(y / 7);
      });
      const bytes = encodeCtSlice(context({ seriesInstanceUid: ctSeries, studyInstanceUid: study }), {
        sopInstanceUid: newUid(),
        instanceNumber: 10 - z,
        rows: 64,
        columns: 64,
        hu,
        position: [0, 0, z * 2],
        pixelSpacing: [0.7, 0.7],
        sliceThickness: 2,
        acquisition: { kvp: 120, ctdiVol: 2, exposureMas: 40 },
      });
      writeFileSync(join(ctDir, `slice-${String(z).padStart(2, '0')}.dcm`), bytes);
    }
    const frames = Array.from({ length: 9 }, (_, f) =>
      Uint8Array.from({ length: 40 * 48 * 3 }, (_, j) => (j * 7 + f * 13) % 256),
    );
    writeFileSync(
      join(esDir, 'seq.dcm'),
      encodeEndoscopySequence(context({ seriesInstanceUid: newUid(), studyInstanceUid: newUid() }), {
        sopInstanceUid: newUid(),
        instanceNumber: 1,
        rows: 40,
        columns: 48,
        frames,
        frameTimeMs: 125,
      }),
    );
  });

  it('writes a complete, conformant derived CT series under --out and prints per-stage timings', async () => {
    const out = join(tmp, 'out');
    const r = await gsdiff('restore', ctDir, '--pack', PACK, '--out', out, '--steps', '2', '--json');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout) as {
      seriesInstanceUid: string;
      instances: number;
      degradation: string;
      timingsMs: Record<string, number>;
      device: string;
    };
    expect(j.instances).toBe(10);
    expect(j.degradation).toBe('low-dose CT noise');
    expect(j.device).toBe('cpu');
    expect(Object.keys(j.timingsMs)).toEqual(
      expect.arrayContaining(['recognition', 'guidance', 'vaeEncode', 'denoise', 'vaeDecode', 'refine', 'total']),
    );
    expect(readdirSync(out)).toEqual([j.seriesInstanceUid]);
    const files = readdirSync(join(out, j.seriesInstanceUid));
    expect(files).toHaveLength(10);
    const bytes = readFileSync(join(out, j.seriesInstanceUid, files[0]));
    expect(await dciodvfyErrors(bytes)).toEqual([]);
    const inst = parseInstance(bytes, files[0]);
    const hu = modalityValues((await decodeFrame(inst, 0)) as GrayFrame, inst.header);
    // Outside the pack's HU window: passed through exactly.
    expect(hu[0]).toBe(-3024);
    const ds = readNaturalDataset(bytes, files[0]);
    expect(String(ds.DerivationDescription)).toContain('gsdiff-tiny-test v0.1.0 sha256:');
    expect(ds.StudyInstanceUID).toBe(study);
  }, 180_000);

  it('restores a multi-frame RGB endoscopy instance into the store as one derived instance', async () => {
    const store = join(tmp, 'store');
    const r = await gsdiff('restore', esDir, '--pack', PACK, '--store', store, '--steps', '1', '--json');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout) as { instances: number; images: number; degradation: string };
    expect(j).toMatchObject({ instances: 1, images: 9, degradation: 'motion blur' });
    const info = await gsdiff('info', join(store, 'objects'));
    expect(info.stdout).toContain('[GSDiff]');
    expect(info.stdout).toContain('9 image(s) in 1 instance(s), 48x40 RGB');
  }, 180_000);

  it('runs a single-network denoiser pack through the same command, ignoring the sampling flags', async () => {
    const out = join(tmp, 'out-denoiser');
    const r = await gsdiff('restore', ctDir, '--pack', DENOISER_PACK, '--out', out, '--steps', '2', '--json');
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('gsdiff: note: --steps ignored: pack "tiny-denoiser-test" is a single-network denoiser\n');
    const j = JSON.parse(r.stdout) as {
      seriesInstanceUid: string;
      instances: number;
      degradation: string;
      pack: { name: string };
      timingsMs: Record<string, number>;
    };
    expect(j).toMatchObject({ instances: 10, degradation: 'not used by denoiser packs' });
    expect(j.pack.name).toBe('tiny-denoiser-test');
    expect(Object.keys(j.timingsMs)).toEqual(['denoiser', 'other', 'total']);
    const files = readdirSync(join(out, j.seriesInstanceUid));
    expect(files).toHaveLength(10);
    const bytes = readFileSync(join(out, j.seriesInstanceUid, files[0]));
    expect(await dciodvfyErrors(bytes)).toEqual([]);
    const inst = parseInstance(bytes, files[0]);
    const hu = modalityValues((await decodeFrame(inst, 0)) as GrayFrame, inst.header);
    expect(hu[0]).toBe(-3024);
    const ds = readNaturalDataset(bytes, files[0]);
    expect(String(ds.DerivationDescription)).toContain(
      'single-network denoiser (baseline); task denoise; model pack tiny-denoiser-test v0.1.0 sha256:',
    );

    // The human-readable summary prints the denoiser's own timing.
    const text = await gsdiff('restore', ctDir, '--pack', DENOISER_PACK, '--out', join(tmp, 'out-denoiser-2'));
    expect(text.code).toBe(0);
    expect(text.stderr).toBe('');
    expect(text.stdout).toContain('degradation: not used by denoiser packs');
    expect(text.stdout).toMatch(/timings \(ms\): denoiser \d+, other \d+, total \d+/);
  }, 180_000);

  it('--strength low writes a derived series that says so, with half the change of --strength high', async () => {
    const restore = async (strength: string): Promise<{ ds: Record<string, unknown>; hu: Float32Array }[]> => {
      const out = join(tmp, `out-strength-${strength}`);
      const r = await gsdiff('restore', ctDir, '--pack', DENOISER_PACK, '--out', out, '--strength', strength, '--json');
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      const j = JSON.parse(r.stdout) as { seriesInstanceUid: string; seriesDescription: string; strength: unknown };
      const weight = { low: 0.5, high: 1 }[strength];
      expect(j.strength).toEqual({ level: strength, weight });
      expect(j.seriesDescription).toBe(`small series [GSDiff] strength ${strength}`);
      const dir = join(out, j.seriesInstanceUid);
      return Promise.all(
        readdirSync(dir).map(async (f) => {
          const bytes = readFileSync(join(dir, f));
          const inst = parseInstance(bytes, f);
          const hu = modalityValues((await decodeFrame(inst, 0)) as GrayFrame, inst.header);
          return { ds: readNaturalDataset(bytes, f), hu };
        }),
      );
    };
    const byInstance = (xs: { ds: Record<string, unknown>; hu: Float32Array }[]) =>
      new Map(xs.map((x) => [Number(x.ds.InstanceNumber), x]));
    const low = byInstance(await restore('low'));
    const high = byInstance(await restore('high'));
    expect(low.size).toBe(10);
    for (const [n, l] of low) {
      expect(l.ds.SeriesDescription).toBe('small series [GSDiff] strength low');
      expect(String(l.ds.DerivationDescription)).toContain(
        'device=cpu; strength low (blend 0.5 with the input: input + 0.5 x (restored - input)); gsdiff ',
      );
      expect(String(high.get(n)?.ds.DerivationDescription)).toContain('; strength high (blend 1 with the input');
      // Stored values are whole HU here (slope 1): half the change, give or take the rounding of each.
      const src = readNaturalDataset(readFileSync(join(ctDir, `slice-${String(10 - n).padStart(2, '0')}.dcm`)), 'src');
      expect(src.SOPInstanceUID).toBe(
        (l.ds.SourceImageSequence as { ReferencedSOPInstanceUID: string }[])[0].ReferencedSOPInstanceUID,
      );
    }
    // The input, re-read through the same decoder, against both outputs.
    let worst = 0;
    let changed = 0;
    for (const [n, l] of low) {
      const file = join(ctDir, `slice-${String(10 - n).padStart(2, '0')}.dcm`);
      const inst = parseInstance(readFileSync(file), file);
      const input = modalityValues((await decodeFrame(inst, 0)) as GrayFrame, inst.header);
      const h = (high.get(n) as { hu: Float32Array }).hu;
      for (let i = 0; i < input.length; i++) {
        if (h[i] !== input[i]) changed++;
        worst = Math.max(worst, Math.abs(l.hu[i] - input[i] - 0.5 * (h[i] - input[i])));
      }
    }
    expect(changed).toBeGreaterThan(1000);
    expect(worst).toBeLessThanOrEqual(1);

    // A value outside low | medium | high is a usage error naming the option and the allowed values.
    const bad = await gsdiff(
      'restore',
      ctDir,
      '--pack',
      DENOISER_PACK,
      '--out',
      join(tmp, 'out-bad'),
      '--strength',
      'max',
    );
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("option '--strength <level>' argument 'max' is invalid");
    expect(bad.stderr).toContain('expected one of low, medium, high, got "max"');
  }, 180_000);

  it('fails clearly on a missing pack and an unavailable device, leaving nothing behind', async () => {
    const out = join(tmp, 'out-fail');
    const a = await gsdiff('restore', ctDir, '--pack', join(tmp, 'no-pack'), '--out', out);
    expect(a.code).toBe(4);
    expect(a.stderr).toContain('MODEL_ERR_PACK_NOT_FOUND');
    const b = await gsdiff('restore', ctDir, '--pack', PACK, '--device', 'cuda', '--out', out);
    expect(b.code).toBe(1);
    expect(b.stderr).toContain('MODEL_ERR_DEVICE_UNAVAILABLE');
    expect(() => readdirSync(out)).toThrow();
  });
});
