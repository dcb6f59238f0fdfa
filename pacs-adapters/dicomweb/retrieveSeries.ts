import { PacsError, pacsError } from '../errors.js';
import type { RetrievedInstance } from '../pacs/PacsAdapter.js';
import { backoffDelay, sleep } from '../net/backoff.js';
import type { HttpContext } from './HttpContext.js';
import { openRequest, type OpenResponse } from './openRequest.js';
import { uid } from './qidoQuery.js';
import { multipartBoundary, readDicomParts } from './readDicomParts.js';
import { instanceUids } from './instanceUids.js';
import { isRetryable, statusError, withAttempts } from './statusError.js';

/**
 * `transfer-syntax=*` asks for the instances as stored, without transcoding (PS3.18 8.7.3.5.2), so the bytes
 * match what was sent to the PACS.
 */
export const WADO_SERIES_ACCEPT = 'multipart/related; type="application/dicom"; transfer-syntax=*';

/**
 * WADO-RS retrieve of a whole series as a stream of Part 10 instances, each yielded as soon as its part completes.
 * Memory is bounded by one instance plus network buffers: the next chunk is read only when the consumer asks.
 *
 * Retries (GET, idempotent): a retriable failure (unreachable, timeout, truncated body, 408/429/5xx) re-requests
 * the series after a jittered backoff and skips every SOPInstanceUID already yielded, so the consumer never sees a
 * duplicate. An attempt that yielded new instances resets the count of tries.
 * @throws PACS_ERR_BAD_ATTRIBUTE (a UID argument), PACS_ERR_NOT_FOUND (404), PACS_ERR_AUTH, PACS_ERR_HTTP,
 *   PACS_ERR_BAD_RESPONSE (wrong content type, an instance of another series), PACS_ERR_MULTIPART,
 *   PACS_ERR_UNREACHABLE, PACS_ERR_TIMEOUT, PACS_ERR_NOT_DICOM / PACS_ERR_PARSE (a part that is not DICOM),
 *   PACS_ERR_CLOSED, or the caller's abort reason
 */
export async function* retrieveSeries(
  ctx: HttpContext,
  studyInstanceUid: string,
  seriesInstanceUid: string,
  signal?: AbortSignal,
): AsyncGenerator<RetrievedInstance, void, undefined> {
  const study = uid('studyInstanceUid', studyInstanceUid);
  const series = uid('seriesInstanceUid', seriesInstanceUid);
  const url = new URL(`${ctx.config.baseUrl}/studies/${study}/series/${series}`);
  const policy = ctx.config.retries;
  const yielded = new Set<string>();
  const started = Date.now();
  let bytesOut = 0;
  let requests = 0;
  let triesWithoutProgress = 0;

  for (;;) {
    requests++;
    triesWithoutProgress++;
    let open: OpenResponse | undefined;
    let skipped = 0;
    try {
      open = await openRequest(ctx, { method: 'GET', url, headers: { accept: WADO_SERIES_ACCEPT }, signal });
      if (open.response.status !== 200) {
        throw statusError('GET', open.shownUrl, open.response, 'HTTP 200 with multipart/related');
      }
      const boundary = multipartBoundary(open, 'GET');
      for await (const part of readDicomParts(open, 'GET', boundary, ctx.config.maxInstanceBytes)) {
        const where = `${open.shownUrl} part ${part.index}`;
        const uids = instanceUids(part.bytes, where);
        if (uids.seriesInstanceUid !== undefined && uids.seriesInstanceUid !== series) {
          throw pacsError(
            'PACS_ERR_BAD_RESPONSE',
            `GET ${where}: expected an instance of series ${series}, got one of series ${uids.seriesInstanceUid}`,
            { url: open.shownUrl, part: part.index, tag: '0020000E' },
          );
        }
        if (yielded.has(uids.sopInstanceUid)) {
          skipped++;
          continue;
        }
        yielded.add(uids.sopInstanceUid);
        triesWithoutProgress = 0;
        bytesOut += part.bytes.length;
        yield { sopInstanceUid: uids.sopInstanceUid, bytes: part.bytes };
      }
      ctx.log.info(
        { url: open.shownUrl, instances: yielded.size, bytes: bytesOut, requests, ms: Date.now() - started, skipped },
        'dicomweb: WADO-RS series retrieved',
      );
      return;
    } catch (e) {
      if (!(e instanceof PacsError)) throw e;
      if (!isRetryable(e) || triesWithoutProgress >= policy.attempts) throw withAttempts(e, requests);
      const delayMs = backoffDelay(triesWithoutProgress, policy);
      ctx.log.warn(
        { url: open?.shownUrl, code: e.code, attempt: requests, alreadyYielded: yielded.size, delayMs },
        'dicomweb: WADO-RS retrieve failed; retrying and skipping instances already yielded',
      );
      await sleep(delayMs, ctx.closed, signal);
    } finally {
      open?.release();
    }
  }
}
