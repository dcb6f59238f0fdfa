import { MIMEType } from 'node:util';
import type { Request, Response, Router } from 'express';
import { GsdiffError } from '../../common/index.js';
import { isUid } from '../../pacs-adapters/index.js';
import { serverError } from '../errors.js';
import { negotiateJson } from './accept.js';
import { audited } from './audited.js';
import { attribute, sortedDataset, type DicomJsonAttribute, type DicomJsonDataset } from './dicomJson.js';
import type { DicomWebContext } from './DicomWebContext.js';
import { readMultipartBody, type ReceivedPart } from './multipartReader.js';
import { partUids, type PartUids } from './partUids.js';
import { resourceUids } from './pathParams.js';
import { instanceUrl } from './resolveInstances.js';
import { FAILURE_REASON, hex, storeFailure, type StowFailure } from './stowFailure.js';

/** The outcome of one part. */
type PartOutcome =
  | { readonly ok: true; readonly uids: Required<PartUids>; readonly existed: boolean }
  | { readonly ok: false; readonly uids: PartUids; readonly failure: StowFailure };

/**
 * STOW-RS (PS3.18 10.5): `POST /studies` and `POST /studies/{study}` with a
 * `multipart/related; type="application/dicom"` body of Part 10 files. The body is parsed incrementally and each
 * part stored with `LocalStore.storeInstance` as soon as it is complete (bytes unchanged). An instance already
 * stored with identical bytes counts as stored. Answer: DICOM JSON with ReferencedSOPSequence (0008,1199) and
 * FailedSOPSequence (0008,1198); 200 all stored, 202 some failed, 409 none stored.
 */
export function stowRoutes(router: Router, ctx: DicomWebContext): void {
  router.post('/studies', audited(ctx, 'dicomweb.store', stow));
  router.post('/studies/:study', audited(ctx, 'dicomweb.store', stow));
}

async function stow(req: Request, res: Response, ctx: DicomWebContext): Promise<void> {
  const started = Date.now();
  drainAfterAnswer(req, res);
  const target = (req.params as { study?: string }).study === undefined ? undefined : resourceUids(req).study;
  const type = negotiateJson(req);
  const boundary = stowBoundary(req);
  const declared = req.get('content-length');
  if (declared !== undefined && Number(declared) > ctx.maxBodyBytes) {
    res.set('Connection', 'close'); // refused on its headers: the announced body is not read at all
    throw serverError(
      'SRV_ERR_PAYLOAD_TOO_LARGE',
      `STOW-RS body: expected at most ${ctx.maxBodyBytes} bytes, got Content-Length ${declared}`,
      { field: 'body', maxBytes: ctx.maxBodyBytes },
    );
  }

  const outcomes: PartOutcome[] = [];
  try {
    // Not destroyed when parsing stops early (413, malformed): the error answer must still reach the client.
    const body = req.iterator({ destroyOnReturn: false }) as AsyncIterable<Uint8Array>;
    for await (const part of readMultipartBody(body, boundary, ctx.maxBodyBytes)) {
      const outcome = await storePart(ctx, part, target);
      outcomes.push(outcome);
      auditPart(req, ctx, outcome, part.index);
    }
  } catch (e) {
    // A malformed or cut body after complete parts: those parts stand, the rest is one failure (C000).
    const framing = e instanceof GsdiffError && e.code === 'SRV_ERR_BAD_REQUEST';
    if (!framing || outcomes.length === 0) throw e;
    const failure = { reason: FAILURE_REASON.cannotUnderstand, why: e.message };
    outcomes.push({ ok: false, uids: {}, failure });
    auditPart(req, ctx, outcomes[outcomes.length - 1], outcomes.length - 1);
  }
  if (outcomes.length === 0) {
    throw serverError('SRV_ERR_BAD_REQUEST', 'STOW-RS body: expected at least one application/dicom part, got none', {
      field: 'body',
    });
  }

  const stored = outcomes.filter((o) => o.ok).length;
  const status = stored === outcomes.length ? 200 : stored === 0 ? 409 : 202;
  const root = ctx.rootUrl(req);
  ctx.log.info(
    { target, parts: outcomes.length, stored, failed: outcomes.length - stored, status, ms: Date.now() - started },
    'stow-rs',
  );
  res.removeHeader('Connection');
  res
    .status(status)
    .type(type)
    .send(JSON.stringify(stowResponse(outcomes, root, target)));
}

/**
 * After an answer sent before the body was read to its end (413 past the limit, a malformed body), the rest of
 * the body is read and discarded so the client, still sending, receives the answer instead of a reset
 * connection; a body still arriving 30 s after the answer has its connection closed.
 */
function drainAfterAnswer(req: Request, res: Response): void {
  res.once('finish', () => {
    if (req.complete || req.destroyed) return;
    const timer = setTimeout(() => req.socket?.destroy(), 30_000);
    timer.unref();
    req.once('end', () => clearTimeout(timer));
    req.once('close', () => clearTimeout(timer));
    req.resume();
  });
}

/**
 * The boundary of a STOW-RS request.
 * @throws SRV_ERR_UNSUPPORTED_MEDIA for anything but multipart/related with type application/dicom (or no type);
 *   SRV_ERR_BAD_REQUEST when the boundary is missing
 */
function stowBoundary(req: Request): string {
  const header = req.get('content-type');
  const refuse = (got: string): Error =>
    serverError(
      'SRV_ERR_UNSUPPORTED_MEDIA',
      `STOW-RS Content-Type: expected multipart/related; type="application/dicom", got ${got} (DICOM JSON/XML + bulk data bodies are not supported)`,
      { field: 'Content-Type', contentType: header },
    );
  let mime: MIMEType;
  try {
    mime = new MIMEType(header ?? '');
  } catch {
    throw refuse(header === undefined ? 'none' : JSON.stringify(header));
  }
  const type = mime.params.get('type');
  if (mime.essence !== 'multipart/related' || (type !== null && type.toLowerCase() !== 'application/dicom')) {
    throw refuse(JSON.stringify(header));
  }
  const boundary = mime.params.get('boundary');
  if (boundary === null || boundary === '' || boundary.length > 200) {
    throw serverError(
      'SRV_ERR_BAD_REQUEST',
      'STOW-RS Content-Type: expected a boundary parameter (at most 200 characters)',
      {
        field: 'Content-Type',
      },
    );
  }
  return boundary;
}

async function storePart(ctx: DicomWebContext, part: ReceivedPart, target: string | undefined): Promise<PartOutcome> {
  const fail = (uids: PartUids, reason: number, why: string): PartOutcome => ({
    ok: false,
    uids,
    failure: { reason, why },
  });
  const partType = part.headers['content-type'];
  if (partType !== undefined && partType.split(';')[0].trim().toLowerCase() !== 'application/dicom') {
    return fail(
      {},
      FAILURE_REASON.cannotUnderstand,
      `part ${part.index} is ${partType.slice(0, 60)}: expected application/dicom`,
    );
  }
  const uids = partUids(part.bytes);
  if (uids === undefined) {
    return fail({}, FAILURE_REASON.cannotUnderstand, `part ${part.index} is not a DICOM Part 10 file`);
  }
  const { studyInstanceUid, seriesInstanceUid, sopInstanceUid, sopClassUid } = uids;
  if (target !== undefined && studyInstanceUid !== target) {
    return fail(
      uids,
      FAILURE_REASON.identifierMismatch,
      `part ${part.index}: StudyInstanceUID ${studyInstanceUid ?? '(none)'} is not the study of the request ${target}`,
    );
  }
  if (
    studyInstanceUid === undefined ||
    seriesInstanceUid === undefined ||
    sopInstanceUid === undefined ||
    sopClassUid === undefined
  ) {
    return fail(
      uids,
      FAILURE_REASON.cannotUnderstand,
      `part ${part.index}: expected SOPClassUID, SOPInstanceUID, SeriesInstanceUID and StudyInstanceUID`,
    );
  }
  try {
    const r = await ctx.store.storeInstance(part.bytes, 'dicomweb-stow');
    return {
      ok: true,
      uids: { studyInstanceUid, seriesInstanceUid, sopInstanceUid, sopClassUid },
      existed: r.status === 'exists',
    };
  } catch (e) {
    const failure = storeFailure(e);
    if (failure.reason === FAILURE_REASON.processingFailure || failure.reason === FAILURE_REASON.outOfResources) {
      ctx.log.error({ sopInstanceUid, reason: hex(failure.reason), err: failure.why }, 'stow-rs: store failed');
    }
    return { ok: false, uids, failure };
  }
}

function auditPart(req: Request, ctx: DicomWebContext, o: PartOutcome, index: number): void {
  const valid = (u: string | undefined): string | undefined => (u !== undefined && isUid(u) ? u : undefined);
  ctx.audit(req, {
    action: 'dicomweb.store',
    studyInstanceUid: valid(o.uids.studyInstanceUid),
    seriesInstanceUid: valid(o.uids.seriesInstanceUid),
    sopInstanceUid: valid(o.uids.sopInstanceUid),
    outcome: o.ok ? 'ok' : 'error',
    detail: o.ok
      ? `STOW-RS part ${index}: ${o.existed ? 'already stored (identical bytes)' : 'stored'}`
      : `STOW-RS part ${index}: failed ${hex(o.failure.reason)}`,
  });
}

/** The STOW-RS answer data set (PS3.18 Table 10.5.3-2). */
function stowResponse(outcomes: readonly PartOutcome[], root: string, target: string | undefined): DicomJsonDataset {
  const ui = (v: string | undefined): DicomJsonAttribute => attribute('UI', v === undefined ? undefined : [v]);
  const referenced: DicomJsonDataset[] = [];
  const failed: DicomJsonDataset[] = [];
  for (const o of outcomes) {
    if (o.ok) {
      referenced.push(
        sortedDataset({
          '00081150': ui(o.uids.sopClassUid),
          '00081155': ui(o.uids.sopInstanceUid),
          '00081190': attribute('UR', [instanceUrl(root, o.uids)]),
        }),
      );
    } else {
      const item: Record<string, DicomJsonAttribute> = { '00081197': attribute('US', [o.failure.reason]) };
      if (o.uids.sopClassUid !== undefined) item['00081150'] = ui(o.uids.sopClassUid);
      if (o.uids.sopInstanceUid !== undefined) item['00081155'] = ui(o.uids.sopInstanceUid);
      failed.push(sortedDataset(item));
    }
  }
  const studies = new Set(outcomes.flatMap((o) => (o.ok ? [o.uids.studyInstanceUid] : [])));
  const study = target ?? (studies.size === 1 ? [...studies][0] : undefined);
  const out: Record<string, DicomJsonAttribute> = { '00081199': attribute('SQ', referenced) };
  if (failed.length > 0) out['00081198'] = attribute('SQ', failed);
  if (study !== undefined) out['00081190'] = attribute('UR', [`${root}/studies/${study}`]);
  return sortedDataset(out);
}
