import { PacsError, decodeFrame, parseInstance } from '../../../pacs-adapters/index.js';
import {
  capsuleDataset,
  capsuleToDicom,
  planCapsuleInstances,
  type CapsuleDicomContext,
  type CapsuleRun,
  type VideoInfo,
} from '../../../pacs-adapters/capsule/index.js';

/** A 3x3 RGB "video" at 30000/1001 fps: odd pixel data length and a non-integer frame time. */
const VIDEO: VideoInfo = {
  file: 'tiny.mp4',
  width: 3,
  height: 3,
  frameRate: { numerator: 30000, denominator: 1001 },
  fps: 30000 / 1001,
  frameCount: 1,
  frameCountDecoded: true,
  codec: 'h264',
  codecLongName: 'H.264',
  pixelFormat: 'yuv420p',
  container: 'mov,mp4',
};

const RUN: CapsuleRun = {
  clip: 'tiny.mp4',
  runId: 0,
  firstFrameIndex: 0,
  length: 1,
  firstKvasirFrame: 7,
  lastKvasirFrame: 7,
  frames: [
    {
      clip: 'tiny.mp4',
      mp4FrameIndex: 0,
      kvasirFrameNumber: 7,
      label: 'Ulcer',
      officialSplit: 1,
      runId: 0,
      runLength: 1,
      consecutiveWithPrevious: false,
      line: 2,
    },
  ],
};

const CTX: CapsuleDicomContext = {
  video: VIDEO,
  studyInstanceUid: '2.25.1',
  seriesInstanceUid: '2.25.2',
  sopInstanceUid: '2.25.3',
  seriesNumber: 4,
  instanceNumber: 1,
  patientId: 'P',
  patientName: 'P^Q',
  createdAt: new Date(Date.UTC(2020, 5, 6, 7, 8, 9)),
};

describe('capsuleToDicom', () => {
  it('pads odd pixel data to an even length and reads back exactly', async () => {
    const [plan] = planCapsuleInstances([RUN]);
    const rgb = Uint8Array.from({ length: 27 }, (_, i) => i * 9);
    const inst = capsuleToDicom(plan, rgb, CTX);
    const parsed = parseInstance(inst.bytes, 'tiny.dcm');
    expect(parsed.dataSet.elements.x7fe00010.length).toBe(28);
    expect(parsed.header).toMatchObject({ numberOfFrames: 1, rows: 3, columns: 3, seriesNumber: 4 });
    expect(parsed.header.frameTimeMs).toBeCloseTo(33.366667, 5);
    const frame = await decodeFrame(parsed, 0);
    expect(frame.kind === 'rgb' && Array.from(frame.rgb)).toEqual(Array.from(rgb));
    expect(parsed.dataSet.string('x00282114')).toBe('ISO_10918_1\\ISO_14496_10');
    expect(parsed.dataSet.string('x00204000')).toContain('Labels by Kvasir-Capsule frame: Ulcer 7. Official split: 1.');
  });

  it('refuses pixel data of the wrong length with PACS_ERR_WRITE', () => {
    const [plan] = planCapsuleInstances([RUN]);
    expect(() => capsuleToDicom(plan, new Uint8Array(26), CTX)).toThrow(PacsError);
    expect(() => capsuleToDicom(plan, new Uint8Array(26), CTX)).toThrow('expected 27 (1 frames of 3x3 RGB)');
  });

  it('declares UTF-8 only when a value needs it', () => {
    const [plan] = planCapsuleInstances([RUN]);
    expect(capsuleDataset(plan, CTX).SpecificCharacterSet).toBeUndefined();
    expect(capsuleDataset(plan, { ...CTX, patientName: 'Jørgensen^Ø' }).SpecificCharacterSet).toBe('ISO_IR 192');
  });
});
