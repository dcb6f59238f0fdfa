import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PacsError } from '../../../pacs-adapters/index.js';
import { decodeVideoFrames } from '../../../pacs-adapters/capsule/index.js';
import { FRAME_BYTES, FRAMES_TSV, LONG_RUN_CLIP, SHORT_CLIP, collect, ffmpegRgbFrames } from './capsuleFixtures.js';

const SIZE = { width: 336, height: 336 };

async function rejection(p: Promise<unknown>): Promise<PacsError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof PacsError) return e;
    throw e;
  }
  throw new Error('expected a PacsError');
}

describe('decodeVideoFrames', () => {
  it('streams every frame of a clip as RGB24, byte-identical to a plain ffmpeg decode', async () => {
    const [frames, reference] = await Promise.all([
      collect(decodeVideoFrames(SHORT_CLIP, SIZE)),
      ffmpegRgbFrames(SHORT_CLIP),
    ]);
    expect(frames).toHaveLength(74);
    expect(reference.length).toBe(74 * FRAME_BYTES);
    frames.forEach((f, i) => {
      expect(f.length).toBe(FRAME_BYTES);
      expect(Buffer.compare(f, reference.subarray(i * FRAME_BYTES, (i + 1) * FRAME_BYTES))).toBe(0);
    });
    // Distinct buffers per frame: keeping one does not see it overwritten by the next.
    expect(frames[0].buffer).not.toBe(frames[1].buffer);
  });

  it('delivers a frame range', async () => {
    const [frames, reference] = await Promise.all([
      collect(decodeVideoFrames(SHORT_CLIP, SIZE, { firstFrame: 20, frameCount: 3 })),
      ffmpegRgbFrames(SHORT_CLIP),
    ]);
    expect(frames).toHaveLength(3);
    frames.forEach((f, i) =>
      expect(Buffer.compare(f, reference.subarray((20 + i) * FRAME_BYTES, (21 + i) * FRAME_BYTES))).toBe(0),
    );
  });

  it('kills ffmpeg when the consumer stops early', async () => {
    // A wrapper records ffmpeg's pid (exec keeps it) so the test can check the process is gone.
    const dir = await mkdtemp(join(tmpdir(), 'capsule-decode-'));
    try {
      const pidFile = join(dir, 'pid');
      const wrapper = join(dir, 'ffmpeg');
      await writeFile(wrapper, `#!/bin/sh\necho $$ > '${pidFile}'\nexec ffmpeg "$@"\n`);
      await chmod(wrapper, 0o755);
      let seen = 0;
      for await (const frame of decodeVideoFrames(LONG_RUN_CLIP, SIZE, { ffmpegPath: wrapper })) {
        expect(frame.length).toBe(FRAME_BYTES);
        if (++seen === 2) break;
      }
      const pid = Number(await readFile(pidFile, 'utf8'));
      expect(pid).toBeGreaterThan(0);
      expect(() => process.kill(pid, 0)).toThrow(expect.objectContaining({ code: 'ESRCH' }));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('stops ffmpeg and rejects with AbortError when the signal aborts', async () => {
    const controller = new AbortController();
    let seen = 0;
    const run = (async (): Promise<void> => {
      for await (const _frame of decodeVideoFrames(LONG_RUN_CLIP, SIZE, { signal: controller.signal })) {
        if (++seen === 1) controller.abort();
      }
    })();
    await expect(run).rejects.toMatchObject({ name: 'AbortError' });
    expect(seen).toBeLessThan(554);
  });

  it('fails with PACS_ERR_VIDEO when the video has fewer frames than asked', async () => {
    const e = await rejection(collect(decodeVideoFrames(SHORT_CLIP, SIZE, { firstFrame: 70, frameCount: 10 })));
    expect(e.code).toBe('PACS_ERR_VIDEO');
    expect(e.message).toContain('expected 10 frames from frame 70, got 4');
  });

  it('fails with PACS_ERR_VIDEO naming the file when it is not a video', async () => {
    const e = await rejection(collect(decodeVideoFrames(FRAMES_TSV, SIZE)));
    expect(e.code).toBe('PACS_ERR_VIDEO');
    expect(e.details.file).toBe(FRAMES_TSV);
    expect(e.message).toContain('expected exit status 0');
  });

  it('fails with PACS_ERR_TOOL_MISSING when ffmpeg is absent', async () => {
    const e = await rejection(collect(decodeVideoFrames(SHORT_CLIP, SIZE, { ffmpegPath: '/nonexistent/ffmpeg' })));
    expect(e.code).toBe('PACS_ERR_TOOL_MISSING');
    expect(e.details).toMatchObject({ tool: 'ffmpeg', debianPackage: 'ffmpeg' });
  });

  it('refuses a bad frame range before starting ffmpeg', async () => {
    const e = await rejection(collect(decodeVideoFrames(SHORT_CLIP, SIZE, { firstFrame: -1 })));
    expect(e.details).toMatchObject({ field: 'firstFrame' });
  });
});
