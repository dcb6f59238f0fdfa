import { pacsError } from '../errors.js';
import type { RetrievedInstance } from '../pacs/PacsAdapter.js';
import { withRetries } from '../net/withRetries.js';
import { videoInstanceFromMetadata } from '../write/videoInstanceFromMetadata.js';
import { transferSyntaxInfo, isVideoEncoding } from '../dicom/transferSyntax.js';
import type { HttpContext } from './HttpContext.js';
import { openRequest } from './openRequest.js';
import { qidoGet } from './qidoGet.js';
import { uid } from './qidoQuery.js';
import { multipartBoundary, readDicomParts } from './readDicomParts.js';
import { DICOMWEB_RETRY, statusError } from './statusError.js';

/**
 * Media types a WADO-RS server may answer a video bulk data request with (PS3.18 8.7.3.5.3, Table 8.7.4-2), each
 * with the syntax it implies when the part names none: video/mpeg for MPEG-2, video/mp4 and video/H264 for H.264,
 * video/H265 for HEVC. application/octet-stream is what Orthanc 1.10 sends (the fragments as parts).
 */
export const VIDEO_PART_SYNTAX: Readonly<Record<string, string | undefined>> = {
  'video/mpeg': '1.2.840.10008.1.2.4.100',
  'video/mp4': '1.2.840.10008.1.2.4.102',
  'video/h264': '1.2.840.10008.1.2.4.102',
  'video/h265': '1.2.840.10008.1.2.4.107',
  'application/octet-stream': undefined,
};

const VIDEO_PART_TYPES: ReadonlySet<string> = new Set(Object.keys(VIDEO_PART_SYNTAX));

export const WADO_VIDEO_ACCEPT = [
  'multipart/related; type="video/mpeg"',
  'multipart/related; type="video/mp4"',
  'multipart/related; type="video/H264"',
  'multipart/related; type="video/H265"',
  'multipart/related; type="application/octet-stream"; transfer-syntax=*',
].join(', ');

/** PixelData and TransferSyntaxUID in DICOM JSON. */
const PIXEL_DATA = '7FE00010';
const TRANSFER_SYNTAX = '00020010';

/**
 * Retrieves one video instance the way WADO-RS serves video as video: its DICOM JSON metadata
 * (`…/instances/{i}/metadata`) and the bitstream of its Pixel Data from the BulkDataURI the metadata gives (else
 * `…/instances/{i}/bulk/7fe00010`, Orthanc's form), as video/mpeg, video/mp4, video/H264, video/H265 or
 * application/octet-stream parts, concatenated. The syntax is the part's `transfer-syntax` parameter, else the
 * metadata's TransferSyntaxUID, else the one the media type implies, else recognised from the stream's first bytes.
 * The rebuilt instance (`videoInstanceFromMetadata`) reads like any other; use `retrieveSeries` when the PACS
 * serves application/dicom, which keeps the bytes.
 * @throws PACS_ERR_BAD_ATTRIBUTE (bad UID), PACS_ERR_BAD_RESPONSE (no metadata, no stream, a syntax that is not
 *   video), the WADO-RS and QIDO errors (AUTH, NOT_FOUND, HTTP, MULTIPART, UNREACHABLE, TIMEOUT, CLOSED),
 *   PACS_ERR_WRITE when the metadata cannot make an instance
 */
export async function retrieveVideoInstance(
  ctx: HttpContext,
  studyInstanceUid: string,
  seriesInstanceUid: string,
  sopInstanceUid: string,
  signal?: AbortSignal,
): Promise<RetrievedInstance> {
  const study = uid('studyInstanceUid', studyInstanceUid);
  const series = uid('seriesInstanceUid', seriesInstanceUid);
  const sop = uid('sopInstanceUid', sopInstanceUid);
  const path = `/studies/${study}/series/${series}/instances/${sop}`;
  const [metadata] = await qidoGet(ctx, `${path}/metadata`, new URLSearchParams(), signal);
  const where = `${ctx.config.baseUrl}${path}`;
  if (!metadata) {
    throw pacsError('PACS_ERR_BAD_RESPONSE', `GET ${where}/metadata: expected one DICOM JSON data set, got none`, {
      url: `${where}/metadata`,
    });
  }
  const pixel = metadata[PIXEL_DATA] as { BulkDataURI?: unknown } | undefined;
  const bulkUrl = new URL(
    typeof pixel?.BulkDataURI === 'string' ? pixel.BulkDataURI : `${where}/bulk/7fe00010`,
    `${ctx.config.baseUrl}/`,
  );
  const bulk = await withRetries(
    ctx,
    DICOMWEB_RETRY,
    'WADO-RS',
    async () => {
      const open = await openRequest(ctx, {
        method: 'GET',
        url: bulkUrl,
        headers: { accept: WADO_VIDEO_ACCEPT },
        signal,
      });
      try {
        if (open.response.status !== 200) {
          throw statusError('GET', open.shownUrl, open.response, 'HTTP 200 with multipart/related video bulk data');
        }
        const boundary = multipartBoundary(open, 'GET', VIDEO_PART_TYPES);
        const parts: Uint8Array[] = [];
        let mediaType = '';
        let partSyntax: string | undefined;
        for await (const part of readDicomParts(open, 'GET', boundary, ctx.config.maxInstanceBytes, VIDEO_PART_TYPES)) {
          parts.push(part.bytes);
          if (part.bytes.length > 0) {
            mediaType ||= part.mediaType;
            partSyntax ??= part.transferSyntax;
          }
        }
        return { shownUrl: open.shownUrl, stream: Buffer.concat(parts), mediaType, partSyntax };
      } finally {
        open.release();
      }
    },
    signal,
  );
  const stream = new Uint8Array(bulk.stream.buffer, bulk.stream.byteOffset, bulk.stream.length);
  if (stream.length === 0) {
    throw pacsError(
      'PACS_ERR_BAD_RESPONSE',
      `GET ${bulk.shownUrl}: expected the video stream of Pixel Data, got no bytes`,
      {
        url: bulk.shownUrl,
      },
    );
  }
  const metaSyntax = (metadata[TRANSFER_SYNTAX] as { Value?: unknown[] } | undefined)?.Value?.[0];
  const syntax =
    (bulk.partSyntax !== undefined && bulk.partSyntax !== '*' ? bulk.partSyntax : undefined) ??
    (typeof metaSyntax === 'string' ? metaSyntax : undefined) ??
    VIDEO_PART_SYNTAX[bulk.mediaType] ??
    syntaxFromStream(stream);
  const info = syntax === undefined ? undefined : transferSyntaxInfo(syntax);
  if (!info || !isVideoEncoding(info.encoding)) {
    throw pacsError(
      'PACS_ERR_BAD_RESPONSE',
      `GET ${bulk.shownUrl}: expected an MPEG-2, H.264 or HEVC stream, got ${syntax ?? 'a stream of unknown syntax'} (${bulk.mediaType || 'no media type'})`,
      { url: bulk.shownUrl, contentType: bulk.mediaType, transferSyntax: syntax },
    );
  }
  const bytes = videoInstanceFromMetadata(
    metadata as Record<string, { vr?: unknown; Value?: unknown }>,
    info.uid,
    stream,
    `${where} (metadata + bulk data)`,
  );
  ctx.log.info(
    { url: bulk.shownUrl, bytes: stream.length, transferSyntax: info.uid },
    'dicomweb: WADO-RS video retrieved',
  );
  return { sopInstanceUid: sop, bytes };
}

/**
 * Last resort when neither the part, the metadata nor the media type names the syntax: an MPEG-2 program stream or
 * sequence header, an H.264 SPS or an HEVC VPS at the start of an Annex B stream.
 */
function syntaxFromStream(s: Uint8Array): string | undefined {
  const start =
    s[0] === 0 && s[1] === 0 && s[2] === 0 && s[3] === 1 ? 4 : s[0] === 0 && s[1] === 0 && s[2] === 1 ? 3 : -1;
  if (start < 0) return undefined;
  const code = s[start];
  if (start === 3 && (code === 0xba || code === 0xb3)) return '1.2.840.10008.1.2.4.100';
  if ((code & 0x1f) === 7 || (code & 0x1f) === 9) return '1.2.840.10008.1.2.4.102';
  if (((code >> 1) & 0x3f) === 32 || ((code >> 1) & 0x3f) === 35) return '1.2.840.10008.1.2.4.107';
  return undefined;
}
