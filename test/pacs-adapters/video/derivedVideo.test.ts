import {
  decodeFrame,
  derivedAsVideo,
  DerivedSeriesWriter,
  derivedSeriesSpec,
  encodeEndoscopySequence,
  encodePart10,
  newUid,
  parseInstance,
  readNaturalDataset,
  writeDerivedInstance,
  type DerivationInfo,
  type DicomInstance,
} from '../../../pacs-adapters/index.js';
import { DicomWebAdapter } from '../../../pacs-adapters/dicomweb/index.js';
import { dciodvfyErrors } from '../../helpers/dciodvfy.js';
import { startOrthanc, type RunningOrthanc } from '../../helpers/orthanc.js';
import { availableEncoders, psnr, sourceFrames, VIDEO_SIZE, videoSeriesContext } from '../../helpers/videoInstances.js';

const FRAMES = 16;
const derivation: DerivationInfo = {
  method: 'identity (derived video test)',
  task: 'identity',
  packName: 'none',
  packSha256: '0'.repeat(64),
  parameters: {},
  softwareVersion: '0.1.0',
};

/** An uncompressed capsule-like Video Endoscopic source, optionally already lossy (as capsule import writes it). */
function capsuleSource(frames: readonly Uint8Array[], lossyMethods?: string[]): DicomInstance {
  let bytes = encodeEndoscopySequence(videoSeriesContext('uncompressed'), {
    sopInstanceUid: newUid(),
    instanceNumber: 1,
    rows: VIDEO_SIZE,
    columns: VIDEO_SIZE,
    frames,
    frameTimeMs: 125,
  });
  if (lossyMethods) {
    const ds = readNaturalDataset(bytes, 'source');
    bytes = encodePart10(
      { ...ds, LossyImageCompression: '01', LossyImageCompressionMethod: lossyMethods },
      'lossy source',
    );
  }
  return parseInstance(bytes, 'capsule-source.dcm');
}

function derivedOf(src: DicomInstance, frames: readonly Uint8Array[]) {
  const spec = derivedSeriesSpec(src.header, [], new Date('2026-12-07T00:00:00Z'));
  return writeDerivedInstance(src, { kind: 'rgb', frames }, derivation, spec);
}

const haveX264 = availableEncoders().has('libx264');

(haveX264 ? describe : describe.skip)(
  'derived capsule series written as H.264 (opt-in; lossless stays the default)',
  () => {
    let source: Uint8Array[];
    let orthanc: RunningOrthanc;

    beforeAll(async () => {
      source = await sourceFrames(FRAMES);
      orthanc = await startOrthanc();
    }, 60_000);
    afterAll(async () => {
      await orthanc?.stop();
    });

    it('records LossyImageCompression 01, the method and the ratio; dciodvfy is clean; frames decode (PSNR > 30 dB)', async () => {
      const derived = derivedOf(capsuleSource(source), source);
      expect(parseInstance(derived.bytes, 'lossless').header.transferSyntaxUid).toBe('1.2.840.10008.1.2.1');
      const video = await derivedAsVideo(derived);
      expect(video.sopInstanceUid).toBe(derived.sopInstanceUid);
      expect(video.transferSyntaxUid).toBe('1.2.840.10008.1.2.4.102');
      expect(video.ratioRecorded).toBe(true);
      expect(video.compressionRatio).toBeGreaterThan(5);
      const ds = readNaturalDataset(video.bytes, 'video');
      expect(ds).toMatchObject({
        LossyImageCompression: '01',
        LossyImageCompressionMethod: 'ISO_14496_10',
        PhotometricInterpretation: 'YBR_PARTIAL_420',
        ImageType: expect.arrayContaining(['DERIVED', 'SECONDARY']),
        NumberOfFrames: FRAMES,
      });
      expect(Number(ds.LossyImageCompressionRatio)).toBeCloseTo(video.compressionRatio, 1);
      expect(String(ds.DerivationDescription)).toMatch(/Stored as ISO_14496_10 \(libx264\) at [0-9.]+:1\./);
      expect(await dciodvfyErrors(video.bytes)).toEqual([]);
      const inst = parseInstance(video.bytes, 'derived-h264.dcm');
      for (let i = 0; i < FRAMES; i++) {
        const f = await decodeFrame(inst, i);
        if (f.kind !== 'rgb') throw new Error('expected RGB');
        expect(psnr(f.rgb as Uint8Array, source[i])).toBeGreaterThan(30);
      }
    }, 60_000);

    it('keeps earlier lossy steps first; their unknown ratios keep the ratio out of (0028,2112), stated in the description', async () => {
      const derived = derivedOf(capsuleSource(source, ['ISO_10918_1', 'ISO_14496_2']), source);
      const video = await derivedAsVideo(derived);
      expect(video.ratioRecorded).toBe(false);
      const ds = readNaturalDataset(video.bytes, 'video');
      expect(ds.LossyImageCompressionMethod).toEqual(['ISO_10918_1', 'ISO_14496_2', 'ISO_14496_10']);
      expect(ds.LossyImageCompressionRatio).toBeUndefined();
      expect(String(ds.DerivationDescription)).toContain(`at ${video.compressionRatio.toFixed(1)}:1`);
      expect(await dciodvfyErrors(video.bytes)).toEqual([]);
    }, 60_000);

    it('DerivedSeriesWriter writes H.264 when asked, uncompressed by default', async () => {
      const src = capsuleSource(source.slice(0, 6));
      const slices = Array.from({ length: 6 }, (_, frameIndex) => ({
        file: 'capsule-source.dcm',
        sopInstanceUid: src.header.sopInstanceUid,
        frameIndex,
      }));
      const spec = derivedSeriesSpec(src.header, []);
      for (const video of [undefined, { encoding: 'h264' as const }]) {
        const writer = new DerivedSeriesWriter({ slices, kind: 'rgb', spec, source: () => src, video });
        let out;
        for (let i = 0; i < 6; i++) out = await writer.add(i, source[i], derivation);
        expect(out).toBeDefined();
        expect(parseInstance(out?.bytes as Uint8Array, 'written').header.transferSyntaxUid).toBe(
          video ? '1.2.840.10008.1.2.4.102' : '1.2.840.10008.1.2.1',
        );
      }
    }, 60_000);

    it('STOW-RS to Orthanc and back by WADO-RS: byte-identical, decodable', async () => {
      const video = await derivedAsVideo(derivedOf(capsuleSource(source), source));
      const web = new DicomWebAdapter({
        baseUrl: orthanc.dicomWebUrl,
        auth: { kind: 'basic', username: orthanc.username, password: orthanc.password },
        timeoutMs: 20_000,
      });
      try {
        const report = await web.storeInstances([video.bytes]);
        expect(report).toMatchObject({ stored: [video.sopInstanceUid], failed: [] });
        const h = parseInstance(video.bytes, 'sent').header;
        const back: Uint8Array[] = [];
        for await (const r of web.retrieveSeries(h.studyInstanceUid, h.seriesInstanceUid)) back.push(r.bytes);
        expect(back).toHaveLength(1);
        expect(Buffer.from(back[0]).equals(Buffer.from(video.bytes))).toBe(true);
        const f = await decodeFrame(parseInstance(back[0], 'wado'), FRAMES - 1);
        if (f.kind !== 'rgb') throw new Error('expected RGB');
        expect(psnr(f.rgb as Uint8Array, source[FRAMES - 1])).toBeGreaterThan(30);
      } finally {
        await web.close();
      }
    }, 60_000);
  },
);
