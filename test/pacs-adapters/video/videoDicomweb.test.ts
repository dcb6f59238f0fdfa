import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import dcmjs from 'dcmjs';
import { decodeFrame, parseInstance } from '../../../pacs-adapters/index.js';
import { DicomWebAdapter } from '../../../pacs-adapters/dicomweb/index.js';
import {
  availableEncoders,
  buildVideoInstance,
  encodeCase,
  psnr,
  sourceFrames,
  VIDEO_CASES,
  type VideoCase,
} from '../../helpers/videoInstances.js';
import { startPeer, type HttpPeer } from '../dicomweb/httpPeer.js';

const FRAMES = 12;
const BOUNDARY = 'video-boundary-1234';

/** What the fake server holds per SOP instance: DICOM JSON metadata and the Pixel Data bulk part. */
interface Served {
  readonly metadata: Record<string, unknown>;
  readonly part: { readonly type: string; readonly bytes: Uint8Array };
}

/** The instance's attributes as DICOM JSON, Pixel Data replaced by a BulkDataURI (how WADO-RS metadata reads). */
function metadataOf(bytes: Uint8Array, bulkUrl: string): Record<string, unknown> {
  const ab = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  const dict = dcmjs.data.DicomMessage.readFile(ab).dict as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [tag, attr] of Object.entries(dict)) out[tag.toUpperCase()] = attr;
  out['7FE00010'] = { vr: 'OB', BulkDataURI: bulkUrl };
  return out;
}

/**
 * The frames as H.264 in an MP4 container, as video/mp4 parts carry it: encoded straight to MP4 (a copy remux of
 * an elementary stream with B-frames loses frames for want of timestamps).
 */
function mp4Of(frames: readonly Uint8Array[], width: number, height: number): Uint8Array {
  const dir = mkdtempSync(join(tmpdir(), 'gsdiff-mp4-'));
  try {
    const out = join(dir, 'out.mp4');
    execFileSync(
      'ffmpeg',
      [
        ...['-v', 'error', '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-s', `${width}x${height}`, '-framerate', '8'],
        ...['-i', 'pipe:0', '-c:v', 'libx264', '-crf', '18', '-pix_fmt', 'yuv420p', '-movflags', '+faststart', out],
      ],
      { input: Buffer.concat(frames.map((f) => Buffer.from(f))) },
    );
    return new Uint8Array(readFileSync(out));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const encoders = availableEncoders();
const byEncoding = (e: string): VideoCase | undefined =>
  VIDEO_CASES.find((c) => c.encoding === e && c.fragmentBytes === undefined && encoders.has(c.encoder));

/** One row per media type a server may answer with: which test instance, and how its stream is packaged. */
const MEDIA = [
  { type: 'video/H264', c: byEncoding('h264'), mp4: false },
  { type: 'video/mp4', c: byEncoding('h264'), mp4: true },
  { type: 'video/H265', c: byEncoding('hevc'), mp4: false },
  { type: 'video/mpeg', c: byEncoding('mpeg2'), mp4: false },
].filter((m): m is { type: string; c: VideoCase; mp4: boolean } => m.c !== undefined);

describe('WADO-RS video as video/* bulk data (a scripted DICOMweb server)', () => {
  let peer: HttpPeer;
  let web: DicomWebAdapter;
  let source: Uint8Array[];
  const served = new Map<string, Served>();
  const sent = new Map<string, Uint8Array>();

  beforeAll(async () => {
    source = await sourceFrames(FRAMES);
    peer = await startPeer((req, res) => {
      const url = req.url ?? '';
      const sop = /instances\/([0-9.]+)/.exec(url)?.[1] ?? '';
      const s = served.get(sop);
      if (!s) {
        res.writeHead(404).end();
      } else if (url.endsWith('/metadata')) {
        res.writeHead(200, { 'content-type': 'application/dicom+json' }).end(JSON.stringify([s.metadata]));
      } else {
        const head = `--${BOUNDARY}\r\nContent-Type: ${s.part.type}\r\n\r\n`;
        res.writeHead(200, { 'content-type': `multipart/related; type="${s.part.type}"; boundary=${BOUNDARY}` });
        res.end(Buffer.concat([Buffer.from(head), Buffer.from(s.part.bytes), Buffer.from(`\r\n--${BOUNDARY}--\r\n`)]));
      }
    });
    web = new DicomWebAdapter({ baseUrl: `${peer.url}/dicom-web`, auth: { kind: 'none' }, timeoutMs: 10_000 });
  }, 60_000);

  afterAll(async () => {
    await web?.close();
    await peer?.close();
  });

  it.each(MEDIA.map((m) => [m.type, m] as [string, (typeof MEDIA)[number]]))(
    '%s: metadata + stream become an instance that decodes like the original',
    async (type, m) => {
      const encoded = await encodeCase(m.c, source);
      const bytes = await buildVideoInstance(m.c, source, { encoded });
      const h = parseInstance(bytes, type).header;
      const base = `/dicom-web/studies/${h.studyInstanceUid}/series/${h.seriesInstanceUid}/instances/${h.sopInstanceUid}`;
      served.set(h.sopInstanceUid, {
        metadata: metadataOf(bytes, `${peer.url}${base}/bulk/pixel`),
        part: { type, bytes: m.mp4 ? mp4Of(source, h.columns, h.rows) : encoded.bitstream },
      });
      sent.set(h.sopInstanceUid, bytes);
      const got = await web.retrieveVideoInstance(h.studyInstanceUid, h.seriesInstanceUid, h.sopInstanceUid);
      expect(got.sopInstanceUid).toBe(h.sopInstanceUid);
      const back = parseInstance(got.bytes, `rebuilt ${type}`);
      expect(back.header).toMatchObject({
        sopInstanceUid: h.sopInstanceUid,
        numberOfFrames: FRAMES,
        rows: h.rows,
        columns: h.columns,
        photometricInterpretation: 'YBR_PARTIAL_420',
        frameTimeMs: h.frameTimeMs,
        transferSyntaxUid: m.c.encoding === 'h264' ? '1.2.840.10008.1.2.4.102' : m.c.transferSyntaxUid,
      });
      for (let i = 0; i < FRAMES; i++) {
        const f = await decodeFrame(back, i);
        if (f.kind !== 'rgb') throw new Error('expected RGB');
        expect(psnr(f.rgb as Uint8Array, source[i])).toBeGreaterThan(30);
      }
      expect(peer.requests.at(-1)?.url).toContain('/bulk/pixel');
    },
    60_000,
  );

  it('refuses a bulk part that is not video, naming the URL and the type', async () => {
    const c = MEDIA[0].c;
    const encoded = await encodeCase(c, source.slice(0, 4));
    const bytes = await buildVideoInstance(c, source, { encoded });
    const h = parseInstance(bytes, 'jpeg').header;
    served.set(h.sopInstanceUid, {
      metadata: metadataOf(bytes, `${peer.url}/dicom-web/x/instances/${h.sopInstanceUid}/bulk`),
      part: { type: 'image/jpeg', bytes: encoded.bitstream },
    });
    await expect(
      web.retrieveVideoInstance(h.studyInstanceUid, h.seriesInstanceUid, h.sopInstanceUid),
    ).rejects.toMatchObject({
      code: 'PACS_ERR_BAD_RESPONSE',
      details: { contentType: expect.stringContaining('image/jpeg') },
    });
  });
});
