import { pacsError } from '../errors.js';
import { asDatasetArray, type DicomJsonDataset } from './dicomJson.js';
import type { HttpContext } from './HttpContext.js';
import { openRequest } from './openRequest.js';
import { mediaType, parseJson, readBody } from './readBody.js';
import { withRetries } from '../net/withRetries.js';
import { DICOMWEB_RETRY, statusError } from './statusError.js';

/** QIDO answers are metadata only; anything larger is refused rather than buffered. */
const MAX_QIDO_BYTES = 256 * 1024 * 1024;
const JSON_TYPES = new Set(['application/dicom+json', 'application/json']);

/**
 * One QIDO-RS search (GET, retried per the policy): 200 with DICOM JSON, or 204 No Content for no match.
 * @param path - below the base URL, e.g. "/studies" or "/studies/{uid}/series"
 * @throws PACS_ERR_AUTH, PACS_ERR_NOT_FOUND, PACS_ERR_HTTP, PACS_ERR_BAD_RESPONSE, PACS_ERR_UNREACHABLE,
 *   PACS_ERR_TIMEOUT, PACS_ERR_CLOSED
 */
export async function qidoGet(
  ctx: HttpContext,
  path: string,
  params: URLSearchParams,
  signal?: AbortSignal,
): Promise<DicomJsonDataset[]> {
  const url = new URL(`${ctx.config.baseUrl}${path}`);
  url.search = params.toString();
  return withRetries(
    ctx,
    DICOMWEB_RETRY,
    'QIDO-RS',
    async () => {
      const open = await openRequest(ctx, {
        method: 'GET',
        url,
        headers: { accept: 'application/dicom+json' },
        signal,
      });
      try {
        const { response } = open;
        if (response.status === 204) return [];
        if (response.status !== 200) {
          throw statusError('GET', open.shownUrl, response, 'HTTP 200 with application/dicom+json');
        }
        const type = mediaType(response.headers.get('content-type'));
        if (!JSON_TYPES.has(type)) {
          throw pacsError(
            'PACS_ERR_BAD_RESPONSE',
            `GET ${open.shownUrl}: expected Content-Type application/dicom+json, got ${type === '' ? 'none' : `"${type}"`}`,
            { url: open.shownUrl, method: 'GET', contentType: type },
          );
        }
        const bytes = await readBody(open, 'GET', MAX_QIDO_BYTES);
        const datasets = asDatasetArray(parseJson(bytes, 'GET', open.shownUrl), open.shownUrl);
        ctx.log.debug({ url: open.shownUrl, results: datasets.length }, 'dicomweb: QIDO-RS answered');
        return datasets;
      } finally {
        open.release();
      }
    },
    signal,
  );
}
