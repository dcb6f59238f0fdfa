import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { importCapsuleClip, readNaturalDataset } from '../../pacs-adapters/index.js';
import { gsdiff } from '../helpers/gsdiffCli.js';
import { sharedPath } from '../helpers/sharedData.js';

/**
 * A capsule clip as a new user has it: exported under another name, no FRAMES.tsv beside it, possibly in another
 * container. Copies go to a temporary folder, never into the repository.
 */
describe('gsdiff on a renamed capsule clip without FRAMES.tsv', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'gsdiff-clip-'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));
  const clip = join(tmp, 'exported clip 7.mp4');
  const ffmpeg = (...args: string[]): void => {
    execFileSync('ffmpeg', ['-v', 'error', '-y', ...args]);
  };

  beforeAll(() => {
    copyFileSync(sharedPath('capsule-endoscopy-kvasir-capsule-clips/ad91cf7ca91440aa.mp4'), clip);
    ffmpeg('-i', clip, '-frames:v', '24', '-c', 'copy', join(tmp, 'short.mkv'));
    ffmpeg('-i', clip, '-frames:v', '24', '-c', 'copy', join(tmp, 'short.mov'));
    ffmpeg('-i', clip, '-frames:v', '24', '-c:v', 'mpeg4', '-q:v', '3', join(tmp, 'short.avi'));
  });

  it('info summarizes it as the series import would make, runs from detected cuts', async () => {
    const r = await gsdiff('info', '--json', clip);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const { series } = JSON.parse(r.stdout) as {
      series: { modality: string; seriesDescription: string; images: number; instances: number; frameTimeMs: number }[];
    };
    expect(series).toHaveLength(1);
    expect(series[0]).toMatchObject({
      modality: 'ES',
      seriesDescription: 'Capsule exported clip 7 8 fps MP4',
      images: 74,
      frameTimeMs: 125,
    });
    // One instance per detected run: more than one, since the clip has scene cuts.
    expect(series[0].instances).toBeGreaterThan(1);
  });

  it('import stores it and the .mkv, .mov and .avi copies, each as one series', async () => {
    const store = join(tmp, 'store');
    const r = await gsdiff(
      'import',
      '--store',
      store,
      '--json',
      clip,
      ...['mkv', 'mov', 'avi'].map((e) => join(tmp, `short.${e}`)),
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const summary = JSON.parse(r.stdout) as { stored: number; failed: unknown[] };
    expect(summary.failed).toEqual([]);
    expect(summary.stored).toBeGreaterThanOrEqual(5);
    for (const ext of ['mkv', 'mov', 'avi']) {
      const info = await gsdiff('info', '--json', join(tmp, `short.${ext}`));
      expect(info.code).toBe(0);
      const { series } = JSON.parse(info.stdout) as { series: { images: number; seriesDescription: string }[] };
      expect(series[0]).toMatchObject({ images: 24, seriesDescription: `Capsule short 8 fps ${ext.toUpperCase()}` });
    }
  });

  it('restore writes a derived series of every frame', async () => {
    const out = join(tmp, 'restored');
    const r = await gsdiff('restore', clip, '--pack', 'models/packs/tiny-denoiser-test', '--out', out, '--json');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout) as { images: number; instances: number; seriesInstanceUid: string };
    expect(j.images).toBe(74);
    expect(readdirSync(join(out, j.seriesInstanceUid))).toHaveLength(j.instances);
  }, 120_000);

  it('validate --input takes it as a no-reference capsule series', async () => {
    const out = join(tmp, 'report');
    const r = await gsdiff(
      'validate',
      '--input',
      clip,
      '--frames',
      '1-5',
      '--pack',
      'models/packs/bilateral',
      '--out',
      out,
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(readFileSync(join(out, 'report.html'), 'utf8')).toContain('warping error');
  });

  it('counts repeated frames (a clip played at twice its rate) without cutting runs there', async () => {
    const doubled = join(tmp, 'doubled.avi');
    ffmpeg('-i', clip, '-frames:v', '24', '-vf', 'fps=16', '-c:v', 'mpeg4', '-q:v', '3', doubled);
    let repeats = 0;
    for await (const inst of importCapsuleClip(doubled)) {
      const comments = String(readNaturalDataset(inst.bytes, doubled).ImageComments);
      expect(comments).toContain('Run boundaries detected from frame statistics');
      repeats += Number(/Frames repeating their predecessor: (\d+)/.exec(comments)?.[1]);
      // A run never starts on a repeat: the frame before it is the same picture.
      expect(inst.firstFrameIndex % 2).toBe(0);
    }
    expect(repeats).toBe(12);
  });

  it('refuses a truncated clip and a file that is not a video, naming the file and what failed', async () => {
    const truncated = join(tmp, 'truncated.mkv');
    writeFileSync(truncated, readFileSync(join(tmp, 'short.mkv')).subarray(0, 120_000));
    const notVideo = join(tmp, 'notes.mp4');
    writeFileSync(notVideo, 'capsule notes, not a video\n');
    const r = await gsdiff('import', '--store', join(tmp, 'store-bad'), truncated, notVideo);
    expect(r.code).toBe(4);
    expect(r.stdout).toMatch(
      /PACS_ERR_VIDEO {2}\S*truncated\.mkv: truncated or corrupt video: the (stream header declares|container duration implies)/,
    );
    expect(r.stdout).toContain(`PACS_ERR_VIDEO  ${notVideo}: ffprobe could not read the file`);
    const info = await gsdiff('info', truncated);
    expect(info.code).toBe(4);
    expect(info.stdout).toContain(`${truncated}: truncated or corrupt video`);
  });
});
