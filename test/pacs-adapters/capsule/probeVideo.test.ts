import { readFile } from 'node:fs/promises';
import { PacsError } from '../../../pacs-adapters/index.js';
import { parseRational, probeVideo } from '../../../pacs-adapters/capsule/index.js';
import { FRAMES_TSV, MANIFEST_TSV, SHORT_CLIP, STILL_PNG, readTsvRecords } from './capsuleFixtures.js';

async function rejection(p: Promise<unknown>): Promise<PacsError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof PacsError) return e;
    throw e;
  }
  throw new Error('expected a PacsError');
}

describe('probeVideo', () => {
  it('reads size, rate, codec and the decoded frame count of a real clip, as MANIFEST.tsv states', async () => {
    const info = await probeVideo(SHORT_CLIP);
    const manifest = readTsvRecords(await readFile(MANIFEST_TSV, 'utf8')).find((m) => SHORT_CLIP.endsWith(m.file));
    expect(info).toMatchObject({
      file: SHORT_CLIP,
      width: 336,
      height: 336,
      frameRate: { numerator: 8, denominator: 1 },
      fps: 8,
      frameCount: 74,
      frameCountDecoded: true,
      codec: 'mpeg4',
      codecLongName: 'MPEG-4 part 2',
      pixelFormat: 'yuv420p',
    });
    expect(info.frameCount).toBe(Number(manifest?.frames_decoded));
    expect(info.container).toContain('mp4');
    expect(info.durationSeconds).toBeCloseTo(9.25, 3);
  });

  it('can trust the container frame count instead of decoding', async () => {
    const info = await probeVideo(SHORT_CLIP, { countFrames: false });
    expect(info.frameCount).toBe(74);
    expect(info.frameCountDecoded).toBe(false);
  });

  it('refuses a file that is not a video with PACS_ERR_VIDEO naming the file', async () => {
    const e = await rejection(probeVideo(FRAMES_TSV));
    expect(e.code).toBe('PACS_ERR_VIDEO');
    expect(e.details.file).toBe(FRAMES_TSV);
    expect(e.message).toMatch(/^\/work\/shared\/.*FRAMES\.tsv: ffprobe could not read the file: expected a video/);
    expect(e.message).toContain('Invalid data');
  });

  it('refuses a still image', async () => {
    const e = await rejection(probeVideo(STILL_PNG));
    expect(e.code).toBe('PACS_ERR_VIDEO');
    expect(e.message).toContain('expected a video container, got a still image ("png_pipe")');
  });

  it('reports a missing file as PACS_ERR_FILE_READ', async () => {
    const e = await rejection(probeVideo('/nonexistent/clip.mp4'));
    expect(e.code).toBe('PACS_ERR_FILE_READ');
    expect(e.details.file).toBe('/nonexistent/clip.mp4');
  });

  it('reports a missing ffprobe as PACS_ERR_TOOL_MISSING naming the program and the Debian package', async () => {
    const e = await rejection(probeVideo(SHORT_CLIP, { ffprobePath: '/nonexistent/bin/ffprobe' }));
    expect(e.code).toBe('PACS_ERR_TOOL_MISSING');
    expect(e.status).toBe(500);
    expect(e.details).toMatchObject({ tool: 'ffprobe', debianPackage: 'ffmpeg', errno: 'ENOENT' });
    expect(e.message).toContain('apt-get install ffmpeg');
  });
});

describe('parseRational', () => {
  it('reads ffprobe rationals and refuses unknown or zero rates', () => {
    expect(parseRational('8/1')).toEqual({ numerator: 8, denominator: 1 });
    expect(parseRational('30000/1001')).toEqual({ numerator: 30000, denominator: 1001 });
    expect(parseRational('0/0')).toBeUndefined();
    expect(parseRational('8')).toBeUndefined();
    expect(parseRational(8)).toBeUndefined();
  });
});
