import {
  decodeFrame,
  decodeVideoInstance,
  encapsulatedPixelDataElement,
  encodeEndoscopyVideo,
  encodePart10,
  newUid,
  parseInstance,
  readNaturalDataset,
} from '../../../pacs-adapters/index.js';
import { dciodvfyErrors } from '../../helpers/dciodvfy.js';
import {
  availableEncoders,
  buildVideoInstance,
  dcmdump,
  encodeCase,
  jpegFrames,
  psnr,
  sourceFrames,
  VIDEO_CASES,
  VIDEO_SIZE,
  videoSeriesContext,
  type VideoCase,
} from '../../helpers/videoInstances.js';

/** 3 s of the clip at its 8 fps: enough for several GOPs of each encoder, quick to decode. */
const FRAMES = 24;

/** What dciodvfy (dicom3tools 20220618) says about a syntax its dictionary lacks: it cannot read the file at all. */
const UNKNOWN_SYNTAX_ERRORS = [
  'Error - Undefined value length of other byte/word element is illegal in non-encapsulated transfer syntax',
  'Error - Dicom dataset read failed',
  'Error - Missing attribute Type 1C Conditional Element=<PixelData> Module=<ImagePixel>',
];

const encoders = availableEncoders();
const testable = VIDEO_CASES.filter((c) => encoders.has(c.encoder));
const missing = VIDEO_CASES.filter((c) => !encoders.has(c.encoder));

describe('DICOM video made by the project (ffmpeg + writeVideoInstance), checked by independent readers', () => {
  let source: Uint8Array[];
  const built = new Map<string, Uint8Array>();

  beforeAll(async () => {
    source = await sourceFrames(FRAMES);
    for (const c of testable) built.set(c.name, await buildVideoInstance(c, source));
  }, 120_000);

  it('has every encoder the syntaxes need (a missing one is named and its syntax skipped)', () => {
    // libx264, libx265 and mpeg2video are in Debian 12's ffmpeg; if one goes missing the list says which.
    expect(missing.map((c) => `${c.name}: ${c.encoder} missing`)).toEqual([]);
  });

  describe.each(testable.map((c) => [c.name, c] as [string, VideoCase]))('%s', (_name, c) => {
    const bytes = (): Uint8Array => built.get(c.name) as Uint8Array;

    it('dcmdump parses it: the syntax, the frame count, YBR_PARTIAL_420 and an encapsulated pixel sequence', async () => {
      const { code, out } = await dcmdump(bytes());
      expect(code).toBe(0);
      expect(out).toMatch(/\(0028,0008\) IS \[24\]/);
      expect(out).toContain('YBR_PARTIAL_420');
      const items = /PixelSequence #=(\d+)/.exec(out);
      // The Basic Offset Table item (empty for video) plus one item per fragment.
      const stream = bytes().length; // upper bound of the stream size
      const expectedItems = c.fragmentBytes ? 1 + Math.ceil(stream / c.fragmentBytes) : 2;
      expect(items).not.toBeNull();
      if (c.fragmentBytes) {
        expect(Number(items?.[1])).toBeGreaterThan(2);
        expect(Number(items?.[1])).toBeLessThanOrEqual(expectedItems);
      } else {
        expect(Number(items?.[1])).toBe(2);
      }
      expect(out).toMatch(/\(fffe,e000\) pi \(no value available\)\s+#\s+0, 1 Item/);
    });

    it('dciodvfy finds no error in the Video Endoscopic IOD', async () => {
      const errors = await dciodvfyErrors(bytes());
      if (!c.unknownToDciodvfy) {
        expect(errors).toEqual([]);
        return;
      }
      // Its dictionary predates this syntax, so it cannot read the pixel sequence; the same attributes under the
      // H.264 syntax it knows, with the same stream in one fragment, must be clean.
      expect(errors).toEqual(UNKNOWN_SYNTAX_ERRORS);
      const twin = await buildVideoInstance(c, source, {
        transferSyntaxUid: '1.2.840.10008.1.2.4.102',
        encoded: await encodeCase(c, source.slice(0, 4)),
        fragmentBytes: undefined,
      });
      expect(await dciodvfyErrors(twin)).toEqual([]);
    }, 30_000);

    it('our reader decodes every frame: count, size, frame time, PSNR > 30 dB against ffmpeg’s decode of the clip', async () => {
      const inst = parseInstance(bytes(), `${c.name}.dcm`);
      expect(inst.header).toMatchObject({
        transferSyntaxUid: c.transferSyntaxUid,
        numberOfFrames: FRAMES,
        rows: VIDEO_SIZE,
        columns: VIDEO_SIZE,
        photometricInterpretation: 'YBR_PARTIAL_420',
      });
      expect(inst.header.frameTimeMs).toBeCloseTo(1000 / c.fps, 3);
      const worst: number[] = [];
      for (let i = 0; i < FRAMES; i++) {
        const f = await decodeFrame(inst, i);
        expect(f.kind).toBe('rgb');
        if (f.kind !== 'rgb') return;
        expect([f.columns, f.rows, f.rgb.length]).toEqual([VIDEO_SIZE, VIDEO_SIZE, VIDEO_SIZE * VIDEO_SIZE * 3]);
        worst.push(psnr(f.rgb as Uint8Array, source[i]));
      }
      expect(Math.min(...worst)).toBeGreaterThan(30);
      const video = await decodeVideoInstance(inst);
      expect(video.frames).toHaveLength(FRAMES);
      expect(video.codec).toBe(c.encoding === 'mpeg2' ? 'mpeg2video' : c.encoding);
      expect(video.container).toBe(c.encoding === 'mpeg2' ? 'mpeg-ps' : 'elementary');
      expect(video.streamFps).toBeCloseTo(c.fps, 3);
    }, 60_000);
  });
});

describe('Video Endoscopic multi-frame in JPEG Baseline (one JPEG per fragment, empty Basic Offset Table)', () => {
  const JPEG_BASELINE = '1.2.840.10008.1.2.4.50';
  let source: Uint8Array[];
  let bytes: Uint8Array;

  beforeAll(async () => {
    source = await sourceFrames(8);
    const jpegs = jpegFrames(source);
    const ctx = videoSeriesContext('JPEG Baseline');
    const ds = readNaturalDataset(
      encodeEndoscopyVideo(ctx, {
        sopInstanceUid: newUid(),
        instanceNumber: 1,
        rows: VIDEO_SIZE,
        columns: VIDEO_SIZE,
        frames: jpegs.length,
        frameTimeMs: 125,
        transferSyntaxUid: '1.2.840.10008.1.2.4.102',
        bitstream: new Uint8Array(2),
      }),
      'template',
    );
    // The same modules, with the JPEG pixel description (PS3.5 8.2.1: YBR_FULL_422 for 4:2:2 baseline JPEG).
    const { PixelData: _p, ...attrs } = ds;
    const header = encodePart10(
      {
        ...attrs,
        PhotometricInterpretation: 'YBR_FULL_422',
        LossyImageCompressionMethod: ['ISO_14496_2', 'ISO_10918_1'],
      },
      'jpeg video',
      JPEG_BASELINE,
    );
    const pixels = encapsulatedPixelDataElement(jpegs);
    bytes = new Uint8Array(header.length + pixels.length);
    bytes.set(header);
    bytes.set(pixels, header.length);
  }, 60_000);

  it('dciodvfy finds no error, and the reader decodes each frame (PSNR > 30 dB)', async () => {
    expect(await dciodvfyErrors(bytes)).toEqual([]);
    const inst = parseInstance(bytes, 'jpeg-video.dcm');
    expect(inst.header).toMatchObject({ transferSyntaxUid: JPEG_BASELINE, numberOfFrames: 8, frameTimeMs: 125 });
    for (let i = 0; i < 8; i++) {
      const f = await decodeFrame(inst, i);
      if (f.kind !== 'rgb') throw new Error('expected RGB');
      expect(psnr(f.rgb as Uint8Array, source[i])).toBeGreaterThan(30);
    }
  });
});
