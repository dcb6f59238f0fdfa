import { describeThrown } from '../../common/index.js';
import { PacsError, pacsError } from '../errors.js';
import type { StoreFailure } from '../pacs/PacsAdapter.js';
import { asDataset, type DicomJsonDataset } from './dicomJson.js';
import type { HttpContext } from './HttpContext.js';
import { multipartBody } from './multipartBody.js';
import { openRequest, type OpenResponse } from './openRequest.js';
import { readBody } from './readBody.js';
import { statusError } from './statusError.js';
import { stowOutcome, type StowOutcome } from './stowOutcome.js';

/** One instance waiting in a STOW-RS batch. */
export interface BatchedInstance {
  readonly sopInstanceUid: string;
  readonly bytes: Uint8Array;
}

export interface BatchResult {
  readonly outcome: StowOutcome;
  /** Set when the request as a whole failed (transport, auth, 5xx…): the store stops sending further batches. */
  readonly fatal?: unknown;
}

/** Statuses whose body is a per-instance STOW-RS answer (PS3.18 Table 10.5.3-1). */
const ANSWER_STATUSES = new Set([200, 202, 400, 409]);
const MAX_ANSWER_BYTES = 64 * 1024 * 1024;

/**
 * Sends one STOW-RS request (POST {base}/studies) for a batch, exactly once: never retried, because a retry after a
 * lost answer could store instances twice on a PACS that does not deduplicate. Never throws: every instance of the
 * batch comes back stored or failed, a request-level failure also as `fatal`.
 */
export async function sendStowBatch(
  ctx: HttpContext,
  batch: readonly BatchedInstance[],
  signal?: AbortSignal,
): Promise<BatchResult> {
  const url = new URL(`${ctx.config.baseUrl}/studies`);
  const sent = batch.map((b) => b.sopInstanceUid);
  const { body, contentType } = multipartBody(batch.map((b) => b.bytes));
  let open: OpenResponse;
  try {
    open = await openRequest(ctx, {
      method: 'POST',
      url,
      headers: { accept: 'application/dicom+json', 'content-type': contentType },
      body,
      signal,
    });
  } catch (e) {
    // A refused connection means nothing was sent; anything else (timeout, reset, abort) leaves the outcome unknown.
    const nothingSent =
      e instanceof PacsError && e.code === 'PACS_ERR_UNREACHABLE' && e.details.errno === 'ECONNREFUSED';
    return allFailed(sent, e, nothingSent ? 'not stored' : 'outcome unknown, the PACS may have stored it');
  }
  try {
    const { response } = open;
    if (!ANSWER_STATUSES.has(response.status)) {
      const e = statusError('POST', open.shownUrl, response, 'HTTP 200, 202, 400 or 409 with a STOW-RS answer');
      return allFailed(sent, e, response.status >= 500 ? 'outcome unknown, the PACS may have stored it' : 'not stored');
    }
    let bytes: Uint8Array;
    try {
      bytes = await readBody(open, 'POST', MAX_ANSWER_BYTES);
    } catch (e) {
      return allFailed(sent, e, 'outcome unknown, the answer was lost');
    }
    const answer = answerDataset(bytes, open.shownUrl);
    if (answer === undefined && response.status !== 200) {
      ctx.log.warn(
        { url: open.shownUrl, status: response.status },
        'dicomweb: STOW-RS answer without a DICOM JSON body',
      );
    }
    const outcome = stowOutcome(sent, response.status, answer, `POST ${open.shownUrl}`);
    if (outcome.unexpected.length > 0) {
      ctx.log.warn(
        { url: open.shownUrl, unexpected: outcome.unexpected.length },
        'dicomweb: STOW-RS answer names instances not sent',
      );
    }
    return { outcome };
  } finally {
    open.release();
  }
}

/** The answer's data set, or undefined when the body is empty or not a DICOM JSON object (or a one-item array). */
function answerDataset(bytes: Uint8Array, shownUrl: string): DicomJsonDataset | undefined {
  if (bytes.length === 0) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8'));
  } catch {
    return undefined;
  }
  if (Array.isArray(json) && json.length === 1) json = json[0];
  try {
    return asDataset(json, shownUrl);
  } catch {
    return undefined;
  }
}

function allFailed(sent: readonly string[], e: unknown, outcome: string): BatchResult {
  const code = e instanceof PacsError ? e.code : 'PACS_ERR_STORE_PARTIAL';
  const reason = `${outcome} (never retried): ${describeThrown(e)}`;
  const failed: StoreFailure[] = sent.map((sopInstanceUid) => ({ sopInstanceUid, code, reason }));
  const fatal =
    e instanceof PacsError
      ? e
      : pacsError('PACS_ERR_STORE_PARTIAL', `STOW-RS request failed: ${describeThrown(e)}`, {}, e);
  return { outcome: { stored: [], failed, warnings: [], unexpected: [] }, fatal };
}
