import { generateCases } from '../../bench/fuzz/fuzzCases.js';
import { applyMutations, loadSeed, type Seed } from '../../bench/fuzz/dicomMutations.js';
import { GsdiffError } from '../../common/index.js';
import {
  decodeFrame,
  decodeVideoInstance,
  encodeEndoscopyVideo,
  newUid,
  parseInstance,
  PacsError,
  readNaturalDataset,
  writeVideoInstance,
  type EncodedVideo,
} from '../../pacs-adapters/index.js';
import {
  availableEncoders,
  encodeCase,
  sourceFrames,
  VIDEO_CASES,
  VIDEO_SIZE,
  videoSeriesContext,
  type VideoCase,
} from '../helpers/videoInstances.js';

/**
 * Truncated, corrupt and mislabelled DICOM video (issue 20): every case must end in a typed PACS_ERR_* naming the
 * file, within a bound, never a crash or a hang. The instances are made here (ffmpeg + the module's writer, in
 * memory), because the shared DICOM corpus holds no MPEG-2 / H.264 / HEVC file.
 */
const FRAMES = 8;
const HANG_MS = 20_000;
const FUZZ_CASES = 40;
const FUZZ_SEED = 20261207;

const encoders = availableEncoders();
const cases = VIDEO_CASES.filter((c) => encoders.has(c.encoder) && c.fragmentBytes === undefined);

interface Built {
  readonly c: VideoCase;
  readonly encoded: EncodedVideo;
  readonly bytes: Uint8Array;
}

function instance(c: VideoCase, bitstream: Uint8Array, over: Record<string, unknown> = {}, ts?: string): Uint8Array {
  const bytes = encodeEndoscopyVideo(videoSeriesContext(c.name), {
    sopInstanceUid: newUid(),
    instanceNumber: 1,
    rows: VIDEO_SIZE,
    columns: VIDEO_SIZE,
    frames: FRAMES,
    frameTimeMs: 1000 / c.fps,
    transferSyntaxUid: ts ?? c.transferSyntaxUid,
    bitstream,
  });
  if (Object.keys(over).length === 0) return bytes;
  const ds = readNaturalDataset(bytes, c.name);
  return writeVideoInstance({
    dataset: { ...ds, ...over },
    transferSyntaxUid: ts ?? c.transferSyntaxUid,
    bitstream,
    context: c.name,
  });
}

/** Reads every frame the way a job does; resolves with the typed error, or null when the file decoded. */
async function outcome(bytes: Uint8Array, name: string, timeoutMs?: number): Promise<PacsError | null> {
  const work = (async () => {
    const inst = parseInstance(bytes, name, { requireIdentity: false });
    for (let i = 0; i < inst.header.numberOfFrames; i++) await decodeFrame(inst, i, { timeoutMs });
    return null;
  })();
  let timer: NodeJS.Timeout | undefined;
  const hang = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${name}: hang (no outcome in ${HANG_MS} ms)`)), HANG_MS);
  });
  try {
    return await Promise.race([work, hang]);
  } catch (e) {
    if (e instanceof PacsError) return e;
    throw e; // a crash: anything but a registry error fails the test with its stack
  } finally {
    clearTimeout(timer);
  }
}

function corrupt(stream: Uint8Array, seed: number): Uint8Array {
  const out = stream.slice();
  let s = seed;
  for (let k = 0; k < 24; k++) {
    s = (s * 1103515245 + 12345) >>> 0;
    const at = Math.floor(out.length / 4 + ((s / 2 ** 32) * (out.length * 3)) / 4);
    out[at] ^= 0xff;
  }
  return out;
}

describe.each(cases.map((c) => [c.name, c] as [string, VideoCase]))('broken %s instances', (_name, c) => {
  let built: Built;

  beforeAll(async () => {
    const encoded = await encodeCase(c, (await sourceFrames(FRAMES)).slice(0, FRAMES));
    built = { c, encoded, bytes: instance(c, encoded.bitstream) };
  }, 60_000);

  it('reads the intact instance', async () => {
    expect(await outcome(built.bytes, `${c.name}/intact`)).toBeNull();
  });

  it.each([0.3, 0.6, 0.9, 0.99])(
    'file cut at %p of its bytes: a typed error naming the file',
    async (at) => {
      const name = `${c.name}/cut-${at}`;
      const e = await outcome(built.bytes.subarray(0, Math.floor(built.bytes.length * at)), name);
      expect(e).toBeInstanceOf(PacsError);
      expect(e?.message).toContain(name);
      expect(['PACS_ERR_PARSE', 'PACS_ERR_DECODE', 'PACS_ERR_NOT_DICOM', 'PACS_ERR_NO_PIXEL_DATA']).toContain(e?.code);
    },
    30_000,
  );

  it.each([0.2, 0.5, 0.8])(
    'stream cut at %p (file intact): PACS_ERR_DECODE on the stream or the frame count',
    async (at) => {
      const s = built.encoded.bitstream;
      const name = `${c.name}/stream-cut-${at}`;
      const e = await outcome(instance(c, s.subarray(0, Math.floor(s.length * at) & ~1)), name);
      expect(e).toMatchObject({ code: 'PACS_ERR_DECODE', details: { file: name, tag: '7FE00010' } });
      expect(['stream', 'frame count']).toContain(e?.details.field);
    },
    30_000,
  );

  it.each([1, 2, 3])(
    'stream corrupt (24 bytes inverted, seed %p): PACS_ERR_DECODE quoting ffmpeg',
    async (seed) => {
      const name = `${c.name}/corrupt-${seed}`;
      const e = await outcome(instance(c, corrupt(built.encoded.bitstream, seed)), name);
      expect(e).toMatchObject({ code: 'PACS_ERR_DECODE', details: { file: name, tag: '7FE00010' } });
      expect(e?.message).toMatch(/ffmpeg|frame/);
    },
    30_000,
  );

  it('random bytes as the stream: PACS_ERR_DECODE from the probe', async () => {
    const junk = Uint8Array.from({ length: 4096 }, (_, i) => (i * 7919 + 13) & 0xff);
    const e = await outcome(instance(c, junk), `${c.name}/junk`);
    expect(e).toMatchObject({ code: 'PACS_ERR_DECODE', details: { file: `${c.name}/junk` } });
  }, 30_000);

  it('the stream under another video syntax: PACS_ERR_DECODE naming the codec found', async () => {
    const other = c.encoding === 'h264' ? '1.2.840.10008.1.2.4.107' : '1.2.840.10008.1.2.4.102';
    const name = `${c.name}/as-${other}`;
    const e = await outcome(instance(c, built.encoded.bitstream, {}, other), name);
    expect(e).toMatchObject({ code: 'PACS_ERR_DECODE', details: { file: name, field: 'codec' } });
  }, 30_000);

  it('NumberOfFrames, Rows/Columns or CineRate that disagree with the stream: named errors', async () => {
    const s = built.encoded.bitstream;
    expect(await outcome(instance(c, s, { NumberOfFrames: FRAMES + 5 }), `${c.name}/frames`)).toMatchObject({
      code: 'PACS_ERR_DECODE',
      details: { field: 'frame count', expectedFrames: FRAMES + 5, decodedFrames: FRAMES },
    });
    expect(await outcome(instance(c, s, { NumberOfFrames: FRAMES - 3 }), `${c.name}/fewer`)).toMatchObject({
      code: 'PACS_ERR_DECODE',
      details: { field: 'frame count' },
    });
    expect(await outcome(instance(c, s, { Rows: 320, Columns: 320 }), `${c.name}/size`)).toMatchObject({
      code: 'PACS_ERR_DECODE',
      details: { field: 'size', width: VIDEO_SIZE },
    });
    expect(await outcome(instance(c, s, { CineRate: Math.round(c.fps) + 7 }), `${c.name}/cine`)).toMatchObject({
      code: 'PACS_ERR_BAD_ATTRIBUTE',
      details: { tag: '00180040' },
    });
  }, 60_000);

  it('a decode over its time budget kills ffmpeg and says so', async () => {
    const inst = parseInstance(built.bytes, `${c.name}/slow`);
    const e = await decodeVideoInstance(inst, { timeoutMs: 1 }).catch((x: unknown) => x);
    expect(e).toMatchObject({ code: 'PACS_ERR_DECODE', details: { field: 'decode time', timeoutMs: 1 } });
    expect((e as Error).message).toContain('ffmpeg was killed');
  });

  it(`mutation fuzzing (${FUZZ_CASES} cases, seed ${FUZZ_SEED}): no crash, no hang, every rejection names the file`, async () => {
    const seed: Seed = loadSeed(built.bytes);
    const outcomes = { decoded: 0, rejected: 0 };
    const codes = new Set<string>();
    for (const [i, fc] of generateCases(1, FUZZ_CASES, FUZZ_SEED).entries()) {
      const name = `fuzz/${c.encoding}#${i}`;
      const bytes = applyMutations(seed, fc.mutations);
      const e = await outcome(bytes, name).catch((x: unknown) => {
        throw new Error(`${name} ${JSON.stringify(fc.mutations)}: ${String(x)}`);
      });
      if (e === null) outcomes.decoded++;
      else {
        outcomes.rejected++;
        codes.add(e.code);
        expect(e).toBeInstanceOf(GsdiffError);
        expect(`${name}: ${e.message}`).toContain(name);
      }
    }
    expect(outcomes.decoded + outcomes.rejected).toBe(FUZZ_CASES);
    expect(outcomes.rejected).toBeGreaterThan(0);
  }, 300_000);
});
