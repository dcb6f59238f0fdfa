import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PacsError, decodeFrame, parseInstance } from '../../../pacs-adapters/index.js';
import {
  VIDEO_ENDOSCOPIC_IMAGE_STORAGE,
  clipFrames,
  importCapsuleClip,
  parseFramesTsv,
  readFramesTsv,
  type CapsuleInstance,
} from '../../../pacs-adapters/capsule/index.js';
import {
  DCIODVFY,
  FRAME_BYTES,
  FRAMES_TSV,
  LONG_RUN_CLIP,
  SHORT_CLIP,
  collect,
  dciodvfy,
  ffmpegRgbFrames,
  haveDciodvfy,
} from './capsuleFixtures.js';

const CREATED = new Date(Date.UTC(2024, 0, 2, 3, 4, 5));

describe('importCapsuleClip on the 74-frame clip, first 30 frames', () => {
  let instances: CapsuleInstance[];
  let reference: Buffer;

  beforeAll(async () => {
    [instances, reference] = await Promise.all([
      collect(importCapsuleClip(SHORT_CLIP, { maxFrames: 30, createdAt: CREATED })),
      ffmpegRgbFrames(SHORT_CLIP, 0, 30),
    ]);
  });

  it('writes one instance per run, in order, cutting the last run at the limit', () => {
    expect(instances.map((i) => [i.runId, i.firstFrameIndex, i.frameCount, i.chunkIndex])).toEqual([
      [0, 0, 11, 0],
      [1, 11, 2, 0],
      [2, 13, 2, 0],
      [3, 15, 7, 0],
      [4, 22, 8, 0],
    ]);
    expect(instances.map((i) => i.instanceNumber)).toEqual([1, 2, 3, 4, 5]);
  });

  it('puts all runs of the clip in one series of one study, each instance with its own SOP Instance UID', () => {
    expect(new Set(instances.map((i) => i.studyInstanceUid)).size).toBe(1);
    expect(new Set(instances.map((i) => i.seriesInstanceUid)).size).toBe(1);
    expect(new Set(instances.map((i) => i.sopInstanceUid)).size).toBe(instances.length);
    expect(instances[0].studyInstanceUid).not.toBe(instances[0].seriesInstanceUid);
  });

  it('never mixes runs: each instance holds consecutive capsule frames of one run', async () => {
    const clip = clipFrames(await readFramesTsv(FRAMES_TSV), SHORT_CLIP);
    for (const inst of instances) {
      const rows = clip.frames.slice(inst.firstFrameIndex, inst.firstFrameIndex + inst.frameCount);
      expect(new Set(rows.map((r) => r.runId))).toEqual(new Set([inst.runId]));
      expect(inst.kvasirFrames).toEqual([rows[0].kvasirFrameNumber, rows[rows.length - 1].kvasirFrameNumber]);
      expect(inst.kvasirFrames[1] - inst.kvasirFrames[0] + 1).toBe(inst.frameCount);
    }
  });

  it('reads back with our reader: Video Endoscopic, ES, RGB 8-bit, NumberOfFrames, FrameTime 125 ms', () => {
    for (const inst of instances) {
      const h = parseInstance(inst.bytes, `run-${inst.runId}.dcm`).header;
      expect(h).toMatchObject({
        sopClassUid: VIDEO_ENDOSCOPIC_IMAGE_STORAGE,
        sopInstanceUid: inst.sopInstanceUid,
        seriesInstanceUid: inst.seriesInstanceUid,
        studyInstanceUid: inst.studyInstanceUid,
        transferSyntaxUid: '1.2.840.10008.1.2.1',
        modality: 'ES',
        rows: 336,
        columns: 336,
        samplesPerPixel: 3,
        photometricInterpretation: 'RGB',
        bitsAllocated: 8,
        bitsStored: 8,
        planarConfiguration: 0,
        numberOfFrames: inst.frameCount,
        frameTimeMs: 125,
        instanceNumber: inst.instanceNumber,
      });
    }
  });

  it('decodes every frame byte-identical to the frame ffmpeg decodes at that MP4 index', async () => {
    for (const inst of instances) {
      const parsed = parseInstance(inst.bytes, `run-${inst.runId}.dcm`);
      for (let i = 0; i < inst.frameCount; i++) {
        const frame = await decodeFrame(parsed, i);
        if (frame.kind !== 'rgb') throw new Error('expected an RGB frame');
        const at = (inst.firstFrameIndex + i) * FRAME_BYTES;
        expect(frame.rgb.length).toBe(FRAME_BYTES);
        expect(
          Buffer.compare(
            Buffer.from(frame.rgb.buffer, frame.rgb.byteOffset, frame.rgb.byteLength),
            reference.subarray(at, at + FRAME_BYTES),
          ),
        ).toBe(0);
      }
    }
  });

  it('keeps provenance: clip, run, MP4 and Kvasir-Capsule frame numbers, lossy history, cine timing', () => {
    const inst = instances[4];
    const ds = parseInstance(inst.bytes, 'run-4.dcm').dataSet;
    const comments = ds.string('x00204000') ?? '';
    expect(ds.string('x0008103e')).toBe('Kvasir-Capsule ad91cf7ca91440aa 8 fps MP4');
    expect(comments).toContain('clip ad91cf7ca91440aa.mp4, run 4 (52 frames)');
    expect(comments).toContain('run cut short by an import limit');
    expect(comments).toContain(
      `MP4 frames 22-29; Kvasir-Capsule frames ${inst.kvasirFrames[0]}-${inst.kvasirFrames[1]}`,
    );
    expect(comments).toContain('not the capsule capture rate');
    expect(ds.string('x00082111')).toMatch(/ad91cf7ca91440aa\.mp4 \(sha256 [0-9a-f]{64}\)/);
    expect({
      imageType: ds.string('x00080008'),
      lossy: ds.string('x00282110'),
      lossyMethod: ds.string('x00282114'),
      frameIncrementPointer: ds.attributeTag('x00280009'),
      cineRate: ds.intString('x00180040'),
      patientId: ds.string('x00100020'),
      identityRemoved: ds.string('x00120062'),
      contentDate: ds.string('x00080023'),
      contentTime: ds.string('x00080033'),
    }).toEqual({
      imageType: 'DERIVED\\PRIMARY',
      lossy: '01',
      lossyMethod: 'ISO_10918_1\\ISO_14496_2',
      frameIncrementPointer: 'x00181063',
      cineRate: 8,
      patientId: 'KVASIR-CAPSULE-ad91cf7ca91440aa',
      identityRemoved: 'YES',
      contentDate: '20240102',
      contentTime: '030405',
    });
  });

  it('passes dciodvfy with no errors', async () => {
    if (!haveDciodvfy) {
      console.warn(`dciodvfy check skipped: ${DCIODVFY} is not installed (Debian package dicom3tools)`);
      return;
    }
    const dir = await mkdtemp(join(tmpdir(), 'capsule-import-'));
    try {
      for (const inst of [instances[0], instances[4]]) {
        const file = join(dir, `run-${inst.runId}.dcm`);
        await writeFile(file, inst.bytes);
        const report = await dciodvfy(file);
        expect(report).toContain('VideoEndoscopicImage');
        expect(report.split('\n').filter((l) => /^Error/.test(l))).toEqual([]);
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('importCapsuleClip options', () => {
  it('splits a long run into ordered chunks within one series', async () => {
    // fe5d372e43f94f68: runs of 11, 532, 11. First 11 + 250 frames, at most 100 per instance.
    const instances = await collect(
      importCapsuleClip(LONG_RUN_CLIP, { maxFrames: 261, maxFramesPerInstance: 100, createdAt: CREATED }),
    );
    expect(instances.map((i) => [i.runId, i.chunkIndex, i.chunkCount, i.firstFrameIndex, i.frameCount])).toEqual([
      [0, 0, 1, 0, 11],
      [1, 0, 3, 11, 84],
      [1, 1, 3, 95, 83],
      [1, 2, 3, 178, 83],
    ]);
    expect(instances[2].kvasirFrames[0]).toBe(instances[1].kvasirFrames[1] + 1);
    expect(new Set(instances.map((i) => i.seriesInstanceUid)).size).toBe(1);
    expect(parseInstance(instances[2].bytes, 'chunk.dcm').dataSet.string('x00204000')).toContain('chunk 2 of 3');
    // Spot check: the chunk's first frame is MP4 frame 95.
    const [frame, reference] = await Promise.all([
      decodeFrame(parseInstance(instances[2].bytes, 'chunk.dcm'), 0),
      ffmpegRgbFrames(LONG_RUN_CLIP, 95, 1),
    ]);
    if (frame.kind !== 'rgb') throw new Error('expected an RGB frame');
    expect(Buffer.compare(Buffer.from(frame.rgb.buffer, frame.rgb.byteOffset, frame.rgb.byteLength), reference)).toBe(
      0,
    );
  });

  it('gives the same UIDs and bytes for the same seed, and other UIDs for another seed', async () => {
    const run = (uidSeed: string): Promise<CapsuleInstance[]> =>
      collect(importCapsuleClip(SHORT_CLIP, { maxFrames: 3, uidSeed, createdAt: CREATED }));
    const [a, b, c] = await Promise.all([run('seed-1'), run('seed-1'), run('seed-2')]);
    expect(a.map((i) => i.sopInstanceUid)).toEqual(b.map((i) => i.sopInstanceUid));
    expect(Buffer.compare(a[0].bytes, b[0].bytes)).toBe(0);
    expect(c[0].studyInstanceUid).not.toBe(a[0].studyInstanceUid);
    expect(a[0].studyInstanceUid).toMatch(/^2\.25\.\d{1,39}$/);
  });

  it('refuses a frame table that does not match the video', async () => {
    const table = parseFramesTsv(
      'file\tmp4_frame_index\tkvasir_capsule_frame_number\tlabel\tofficial_split\trun_id\trun_length\tconsecutive_with_previous\n' +
        'ad91cf7ca91440aa.mp4\t0\t1\tNormal\t0\t0\t1\t0\n',
      'short/FRAMES.tsv',
    );
    await expect(collect(importCapsuleClip(SHORT_CLIP, { framesTsv: table }))).rejects.toThrow(
      'short/FRAMES.tsv: frame table lists 1 frames for clip "ad91cf7ca91440aa.mp4": expected the 74 frames ffprobe decodes',
    );
  });

  it('checks options before running any tool', async () => {
    await expect(collect(importCapsuleClip('/nonexistent/clip.mp4', { maxFrames: 0 }))).rejects.toMatchObject({
      code: 'PACS_ERR_BAD_ATTRIBUTE',
      details: { field: 'maxFrames' },
    });
  });

  it('refuses a non-video file with PACS_ERR_VIDEO naming it', async () => {
    const e = await collect(importCapsuleClip(FRAMES_TSV)).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(e).toBeInstanceOf(PacsError);
    expect((e as PacsError).code).toBe('PACS_ERR_VIDEO');
    expect((e as PacsError).details.file).toBe(FRAMES_TSV);
  });
});
