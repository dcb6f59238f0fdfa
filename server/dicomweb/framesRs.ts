import type { Request, Response, Router } from 'express';
import { describeThrown, GsdiffError } from '../../common/index.js';
import {
  decodeFrame,
  parseInstance,
  type DecodedFrame,
  type DicomInstance,
  type InstanceEntry,
} from '../../pacs-adapters/index.js';
import { serverError } from '../errors.js';
import { EXPLICIT_VR_LE, negotiateOctetStream } from './accept.js';
import { audited } from './audited.js';
import { PIXEL_DATA_TAG } from './dicomJson.js';
import type { DicomWebContext } from './DicomWebContext.js';
import { MultipartWriter } from './multipartWriter.js';
import { frameList, resourceUids } from './pathParams.js';
import { RecentVideos } from './recentVideos.js';
import { instanceUrl, resolveInstances } from './resolveInstances.js';

const PART_TYPE = `application/octet-stream; transfer-syntax=${EXPLICIT_VR_LE}`;

/** Shared by every store this process serves: keyed by SOPInstanceUID, which names one instance everywhere. */
const videos = new RecentVideos();

/**
 * WADO-RS frames (PS3.18 10.4.1.1.4) and the Pixel Data bulk data the metadata points at:
 * - `GET .../instances/{i}/frames/{list}`: one `application/octet-stream` part per frame number (1-based), in
 *   the order asked;
 * - `GET .../instances/{i}/bulk/7FE00010`: one part holding every frame.
 * Frames are always uncompressed (Explicit VR Little Endian): each is decoded by pacs-adapters' `decodeFrame`,
 * whatever the stored syntax — native frames too, so every answer is exactly what our decoder gives (stored
 * values, little-endian, BitsAllocated wide; colour as interleaved RGB). A video instance (MPEG-2, H.264, HEVC) is
 * decoded once by ffmpeg and its frames served from the decode (RecentVideos): the viewer's cine path.
 */
export function framesRoutes(router: Router, ctx: DicomWebContext): void {
  router.get(
    '/studies/:study/series/:series/instances/:instance/frames/:frames',
    audited(ctx, 'dicomweb.retrieve', frames),
  );
  router.get('/studies/:study/series/:series/instances/:instance/bulk/:tag', audited(ctx, 'dicomweb.retrieve', bulk));
}

async function frames(req: Request, res: Response, ctx: DicomWebContext): Promise<void> {
  const uids = resourceUids(req);
  const numbers = frameList((req.params as { frames?: string }).frames);
  negotiateOctetStream(req);
  const [entry] = resolveInstances(ctx, uids);
  const instance = await readImage(ctx, entry);
  const count = instance.header.numberOfFrames;
  const missing = numbers.find((n) => n > count);
  if (missing !== undefined) {
    throw serverError('SRV_ERR_NOT_FOUND', `frame ${missing}: expected a frame number in 1..${count}`, {
      field: 'frames',
      sopInstanceUid: entry.sopInstanceUid,
      frames: count,
    });
  }
  // The first frame is decoded before the status is sent, so a file we cannot decode gets a JSON error.
  const first = await decoded(instance, entry, numbers[0]);
  const writer = new MultipartWriter(res);
  res.status(200).set('Content-Type', writer.contentType('application/octet-stream'));
  const url = `${instanceUrl(ctx.rootUrl(req), entry)}/frames`;
  for (const [k, n] of numbers.entries()) {
    const bytes = k === 0 ? first : await decoded(instance, entry, n);
    await writer.writePart({ 'Content-Type': PART_TYPE, 'Content-Location': `${url}/${n}` }, bytes);
  }
  await writer.end();
  audit(req, ctx, entry, `WADO-RS frames ${numbers.length} of ${count}`);
}

async function bulk(req: Request, res: Response, ctx: DicomWebContext): Promise<void> {
  const uids = resourceUids(req);
  const tag = ((req.params as { tag?: string }).tag ?? '').toUpperCase();
  const [entry] = resolveInstances(ctx, uids);
  if (tag !== PIXEL_DATA_TAG) {
    throw serverError(
      'SRV_ERR_NOT_FOUND',
      `bulk data ${tag.slice(0, 16)}: expected 7FE00010 (only Pixel Data is sent as bulk data)`,
      {
        field: 'tag',
        sopInstanceUid: entry.sopInstanceUid,
      },
    );
  }
  negotiateOctetStream(req);
  const instance = await readImage(ctx, entry);
  const parts: Uint8Array[] = [];
  for (let n = 1; n <= instance.header.numberOfFrames; n++) parts.push(await decoded(instance, entry, n));
  const writer = new MultipartWriter(res);
  res.status(200).set('Content-Type', writer.contentType('application/octet-stream'));
  await writer.writePart(
    { 'Content-Type': PART_TYPE, 'Content-Location': `${instanceUrl(ctx.rootUrl(req), entry)}/bulk/${PIXEL_DATA_TAG}` },
    Buffer.concat(parts),
  );
  await writer.end();
  audit(req, ctx, entry, `WADO-RS bulk data ${PIXEL_DATA_TAG} (${parts.length} frame(s))`);
}

function audit(req: Request, ctx: DicomWebContext, entry: InstanceEntry, detail: string): void {
  ctx.audit(req, {
    action: 'dicomweb.retrieve',
    studyInstanceUid: entry.studyInstanceUid,
    seriesInstanceUid: entry.seriesInstanceUid,
    sopInstanceUid: entry.sopInstanceUid,
    outcome: 'ok',
    detail,
  });
}

async function readImage(ctx: DicomWebContext, entry: InstanceEntry): Promise<DicomInstance> {
  const bytes = await ctx.store.readInstanceBytes(entry.sopInstanceUid);
  try {
    return videos.get(entry.sopInstanceUid, bytes, () => parseInstance(bytes, `store:${entry.sopInstanceUid}`));
  } catch (e) {
    throw frameError(e, entry);
  }
}

async function decoded(instance: DicomInstance, entry: InstanceEntry, frameNumber: number): Promise<Uint8Array> {
  let frame: DecodedFrame;
  try {
    frame = await decodeFrame(instance, frameNumber - 1);
  } catch (e) {
    throw frameError(e, entry);
  }
  const data = frame.kind === 'gray' ? frame.stored : frame.rgb;
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

/**
 * Decoder errors as answers: no pixel data (or not an image) -> 404, a syntax or pixel format we cannot decode
 * -> 406 (no uncompressed representation can be made), a damaged file -> 500 SRV_ERR_STORED_INSTANCE.
 */
function frameError(e: unknown, entry: InstanceEntry): Error {
  const code = e instanceof GsdiffError ? e.code : undefined;
  const details = { sopInstanceUid: entry.sopInstanceUid, transferSyntax: entry.transferSyntaxUid, cause: code };
  const why = describeThrown(e);
  if (code === 'PACS_ERR_NO_PIXEL_DATA' || code === 'PACS_ERR_MISSING_ATTRIBUTE') {
    return serverError(
      'SRV_ERR_NOT_FOUND',
      `frames of SOPInstanceUID ${entry.sopInstanceUid}: expected an image, got ${why}`,
      details,
      e,
    );
  }
  if (code === 'PACS_ERR_UNSUPPORTED_TRANSFER_SYNTAX' || code === 'PACS_ERR_UNSUPPORTED_PIXEL_FORMAT') {
    return serverError(
      'SRV_ERR_NOT_ACCEPTABLE',
      `frames of SOPInstanceUID ${entry.sopInstanceUid}: expected pixels we can decode to uncompressed frames, got ${why}`,
      details,
      e,
    );
  }
  return serverError(
    'SRV_ERR_STORED_INSTANCE',
    `frames of SOPInstanceUID ${entry.sopInstanceUid}: the stored file could not be decoded: ${why}`,
    details,
    e,
  );
}
