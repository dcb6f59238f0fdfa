import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeFrame, encodeCtSlice, newUid, parseInstance, readNaturalDataset } from '../../pacs-adapters/index.js';
import { dciodvfyErrors } from '../helpers/dciodvfy.js';
import { gsdiff } from '../helpers/gsdiffCli.js';
import { smallCapsuleH264 } from '../helpers/smallVideoInstance.js';

const PACK = join(process.cwd(), 'models/packs/tiny-test');
// Few small frames (112x112): the restoration is the tiny pack's, what is tested is the derived output's form.
const FRAMES = 6;
const STEP = 3;
const SIZE = 112;
const FPS = 8;

describe('gsdiff restore --video (issue 20 item 3)', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'gsdiff-restore-video-'));
  const src = join(tmp, 'src');
  const ct = join(tmp, 'ct');
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  beforeAll(async () => {
    mkdirSync(src);
    mkdirSync(ct);
    writeFileSync(
      join(ct, 'slice.dcm'),
      encodeCtSlice(
        {
          patientId: 'TEST',
          patientName: 'TEST^VIDEO',
          studyInstanceUid: newUid(),
          studyId: 'T1',
          studyDescription: 'grey-scale series asked for video',
          seriesInstanceUid: newUid(),
          seriesNumber: 2,
          seriesDescription: 'one CT slice',
          frameOfReferenceUid: newUid(),
          provenance: 'SYNTHETIC test data',
          softwareVersion: 'test',
          createdAt: new Date('2026-12-07T10:00:00Z'),
        },
        {
          sopInstanceUid: newUid(),
          instanceNumber: 1,
          rows: 32,
          columns: 32,
          hu: new Float32Array(32 * 32).fill(40),
          position: [0, 0, 0],
          pixelSpacing: [0.7, 0.7],
          sliceThickness: 2,
          acquisition: { kvp: 120, ctdiVol: 2, exposureMas: 40 },
        },
      ),
    );
    writeFileSync(join(src, 'capsule-h264.dcm'), (await smallCapsuleH264(FRAMES, STEP, FPS)).bytes);
  }, 60_000);

  it('restores a DICOM H.264 capsule instance into an H.264 derived instance with its lossy compression recorded', async () => {
    const out = join(tmp, 'out');
    const r = await gsdiff('restore', src, '--pack', PACK, '--out', out, '--steps', '1', '--video', 'h264', '--json');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout) as { seriesInstanceUid: string; instances: number; images: number };
    expect(j).toMatchObject({ instances: 1, images: FRAMES, transferSyntax: '1.2.840.10008.1.2.4.102' });
    const [file] = readdirSync(join(out, j.seriesInstanceUid));
    const bytes = readFileSync(join(out, j.seriesInstanceUid, file));

    // Our reader decodes it: the syntax, every frame, the frame time kept.
    const inst = parseInstance(bytes, file);
    expect(inst.header.transferSyntaxUid).toBe('1.2.840.10008.1.2.4.102');
    expect(inst.header.numberOfFrames).toBe(FRAMES);
    expect(inst.header.frameTimeMs).toBeCloseTo(1000 / FPS, 3);
    const last = await decodeFrame(inst, FRAMES - 1);
    expect(last.kind).toBe('rgb');
    expect(last.kind === 'rgb' && last.rgb.length).toBe(SIZE * SIZE * 3);

    // The lossy steps recorded: the source's MPEG-4 Part 2 and H.264, then the derived H.264 with its ratio.
    const ds = readNaturalDataset(bytes, file);
    expect(ds.LossyImageCompression).toBe('01');
    const methods = ([] as unknown[]).concat(ds.LossyImageCompressionMethod).map(String);
    expect(methods.at(-1)).toBe('ISO_14496_10');
    expect(String(ds.DerivationDescription)).toMatch(/Stored as ISO_14496_10 \(libx264\) at [\d.]+:1\./);
    expect(await dciodvfyErrors(bytes)).toEqual([]);
  }, 240_000);

  it('refuses a video encoding it does not write, naming the option and the choices', async () => {
    const bad = await gsdiff('restore', src, '--pack', PACK, '--out', join(tmp, 'out-bad'), '--video', 'mpeg2');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("option '--video <encoding>' argument 'mpeg2' is invalid");
    expect(bad.stderr).toContain('expected one of h264, hevc, got "mpeg2"');
    expect(() => readdirSync(join(tmp, 'out-bad'))).toThrow();

    // A grey-scale series has no video form: refused before anything is written, naming the option.
    const grey = await gsdiff('restore', ct, '--pack', PACK, '--out', join(tmp, 'out-ct'), '--video', 'h264');
    expect(grey.code).not.toBe(0);
    expect(grey.stderr).toContain('PACS_ERR_WRITE');
    expect(grey.stderr).toContain('video h264: expected an RGB series (video endoscopic, capsule), got CT');
    expect(() => readdirSync(join(tmp, 'out-ct'))).toThrow();
  }, 120_000);
});
