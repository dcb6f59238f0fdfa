import { PacsError, pacsError } from '../errors.js';
import type { StoreFailure, StoreReport } from '../pacs/PacsAdapter.js';
import { openAssociation } from './association.js';
import type { DimseContext } from './DimseContext.js';
import {
  PresentationContext,
  requests,
  type CStoreRequest,
  type DimseAssociation,
  type DimseResponse,
} from './library.js';
import { readPart10Meta, type Part10Meta } from './part10.js';
import { RawDataset } from './RawDataset.js';
import { waitBeforeRetry } from '../net/withRetries.js';
import { DIMSE_RETRY, isRetryable } from './retry.js';
import { describeStatus, hexStatus, statusKind } from './status.js';
import { explicitToImplicit } from './implicitVr.js';
import { EXPLICIT_VR_LE, IMPLICIT_VR_LE } from './storageClasses.js';

/** An association proposes at most 128 presentation contexts (odd IDs 1-255); keep a margin. */
const MAX_CONTEXTS = 120;

interface Outgoing {
  readonly bytes: Uint8Array;
  readonly meta: Part10Meta;
  /** 1-based position in the input, to report in input order. */
  readonly index: number;
}

type Outcome =
  | { readonly kind: 'stored' }
  | { readonly kind: 'warning'; readonly failure: StoreFailure }
  | { readonly kind: 'failed'; readonly failure: StoreFailure };

/** Report under construction: entries carry their input position, sorted at the end. */
interface Report {
  readonly stored: { index: number; sopInstanceUid: string }[];
  readonly failed: { index: number; failure: StoreFailure }[];
  readonly warnings: { index: number; failure: StoreFailure }[];
}

/**
 * C-STORE SCU for a stream of Part 10 instances. Instances are sent in batches (storeBatchSize instances or
 * storeBatchBytes bytes, whichever comes first), one association per batch, so memory holds one batch. Each
 * instance's data set is sent as the bytes of the file, in its own transfer syntax when the peer accepts it
 * (uncompressed data is transcoded by the library when the peer only takes another uncompressed syntax;
 * compressed data is never transcoded).
 *
 * Outcomes, per instance: 0x0000 -> `stored`; a warning status (0xB000, 0xB006, 0xB007, 0x0001) -> `stored` and
 * `warnings` (code "0xB000"); a failure status -> `failed` (code "0xA700"...); an instance that is not Part 10 or
 * that no accepted presentation context can carry -> `failed` with its PACS_ERR_* code. When an association
 * fails, instances without a response are sent again on a new one (retries policy); instances the peer answered
 * are never re-sent. Once retries are spent, the rest are `failed` with the association's error code, without
 * further tries.
 * @throws the association error (PACS_ERR_UNREACHABLE, PACS_ERR_TIMEOUT, PACS_ERR_DIMSE_ASSOCIATION) when no
 *   association could be made at all, so nothing reached the peer; the abort reason when `signal` aborts
 */
export async function cStoreAll(
  ctx: DimseContext,
  instances: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  signal?: AbortSignal,
): Promise<StoreReport> {
  const report: Report = { stored: [], failed: [], warnings: [] };
  const state = { associated: false, givenUp: undefined as PacsError | undefined };
  let batch: Outgoing[] = [];
  let batchBytes = 0;
  let index = 0;
  const flush = async (): Promise<void> => {
    if (batch.length === 0) return;
    const current = batch;
    batch = [];
    batchBytes = 0;
    await storeBatch(ctx, current, report, state, signal);
  };

  for await (const bytes of instances) {
    index++;
    throwIfAborted(ctx, signal);
    let meta: Part10Meta;
    try {
      meta = readPart10Meta(bytes, `storeInstances #${index}`);
    } catch (e) {
      const err = e as PacsError;
      report.failed.push({ index, failure: { reason: err.message, code: err.code } });
      continue;
    }
    if (state.givenUp) {
      report.failed.push({ index, failure: notSent(meta, state.givenUp) });
      continue;
    }
    batch.push({ bytes, meta, index });
    batchBytes += bytes.length;
    if (
      batch.length >= ctx.config.storeBatchSize ||
      batchBytes >= ctx.config.storeBatchBytes ||
      contextsNeeded(batch) >= MAX_CONTEXTS
    ) {
      await flush();
    }
  }
  await flush();
  ctx.log.info(
    { stored: report.stored.length, warnings: report.warnings.length, failed: report.failed.length },
    'dimse: C-STORE done',
  );
  const byIndex = (a: { index: number }, b: { index: number }) => a.index - b.index;
  return {
    stored: report.stored.sort(byIndex).map((s) => s.sopInstanceUid),
    failed: report.failed.sort(byIndex).map((f) => f.failure),
    warnings: report.warnings.sort(byIndex).map((w) => w.failure),
  };
}

async function storeBatch(
  ctx: DimseContext,
  batch: readonly Outgoing[],
  report: Report,
  state: { associated: boolean; givenUp: PacsError | undefined },
  signal?: AbortSignal,
): Promise<void> {
  let pending = batch;
  for (let attempt = 1; ; attempt++) {
    const { outcomes, error, associated } = await storeOnce(ctx, pending, signal);
    state.associated ||= associated;
    for (const [item, outcome] of outcomes) record(report, item, outcome);
    pending = pending.filter((item) => !outcomes.has(item));
    if (pending.length === 0) return;
    if (signal?.aborted) throw signal.reason;
    if (ctx.closed.aborted) throw ctx.closed.reason;
    const failure =
      error ??
      pacsError('PACS_ERR_DIMSE_ASSOCIATION', 'C-STORE: no response for some instances: expected one per C-STORE', {
        operation: 'C-STORE',
        retryable: true,
      });
    if (isRetryable(failure) && attempt < ctx.config.retries.attempts) {
      await waitBeforeRetry(ctx, DIMSE_RETRY, 'C-STORE', attempt, failure, signal);
      continue;
    }
    if (!state.associated) throw failure;
    const err =
      failure instanceof PacsError
        ? failure
        : pacsError('PACS_ERR_DIMSE_ASSOCIATION', `C-STORE: ${String(failure)}`, { operation: 'C-STORE' });
    state.givenUp = err;
    for (const item of pending) report.failed.push({ index: item.index, failure: notSent(item.meta, err) });
    return;
  }
}

/** One association for `items`: the outcome of each instance the peer answered (or we could not send). */
async function storeOnce(
  ctx: DimseContext,
  items: readonly Outgoing[],
  signal?: AbortSignal,
): Promise<{ outcomes: Map<Outgoing, Outcome>; error: unknown; associated: boolean }> {
  const { peer } = ctx.config;
  const where = `${peer.aet}@${peer.host}:${peer.port}`;
  const outcomes = new Map<Outgoing, Outcome>();
  const byRequest = new Map<CStoreRequest, Outgoing>();
  for (const item of items) {
    const { meta, bytes } = item;
    const dataset = new RawDataset(
      () => bytes.subarray(meta.datasetOffset),
      meta.transferSyntaxUid,
      meta.sopClassUid,
      meta.sopInstanceUid,
    );
    const request = new requests.CStoreRequest(dataset);
    request.on('response', (r: DimseResponse) => outcomes.set(item, outcomeOf(item, r)));
    byRequest.set(request, item);
  }
  // A context of its own for each uncompressed syntax, so the peer can accept the file's syntax exactly (the
  // library proposes Implicit+Explicit in one context, and a context for each compressed syntax).
  const pairs = new Set(
    items
      .filter((i) => i.meta.transferSyntaxUid === IMPLICIT_VR_LE || i.meta.transferSyntaxUid === EXPLICIT_VR_LE)
      .map((i) => `${i.meta.sopClassUid} ${i.meta.transferSyntaxUid}`),
  );
  const extraContexts = [...pairs].map((p) => {
    const [sopClass, ts] = p.split(' ');
    return new PresentationContext(1, sopClass, ts);
  });
  let associated = false;
  const onAccepted = (association: DimseAssociation): CStoreRequest[] => {
    associated = true;
    const keep: CStoreRequest[] = [];
    for (const [request, item] of byRequest) {
      const outcome = fitToAccepted(ctx, association, request, item, where);
      if (outcome) outcomes.set(item, outcome);
      else keep.push(request);
    }
    return keep;
  };
  let error: unknown = undefined;
  try {
    await openAssociation(ctx, {
      operation: 'C-STORE',
      requests: [...byRequest.keys()],
      extraContexts,
      onAccepted,
      signal,
    }).done;
  } catch (e) {
    error = e;
    if (signal?.aborted && e === signal.reason) throw e;
  }
  // A request the library finished without a response (its transcoding failed) is a failure of its own.
  if (error === undefined) {
    for (const item of items) {
      if (!outcomes.has(item)) {
        outcomes.set(item, negotiationFailure(item, `could not be sent in the transfer syntax ${where} accepted`));
      }
    }
  }
  return { outcomes, error, associated };
}

/**
 * Makes the request go out in a transfer syntax the peer accepted for its SOP class: the instance's own, or, for
 * an Explicit VR Little Endian instance at a peer that took only Implicit VR Little Endian (the DICOM default),
 * the same data set converted byte-wise (explicitToImplicit). Nothing else is transcoded.
 * @returns the instance's failure, or undefined when the request can be sent
 */
function fitToAccepted(
  ctx: DimseContext,
  association: DimseAssociation,
  request: CStoreRequest,
  item: Outgoing,
  where: string,
): Outcome | undefined {
  const { sopClassUid, sopInstanceUid, transferSyntaxUid: own, datasetOffset } = item.meta;
  const accepted = association.getAcceptedPresentationContextFromRequest(request)?.getAcceptedTransferSyntaxUid();
  if (!accepted) {
    return negotiationFailure(item, `${where} accepted no presentation context for SOP class ${sopClassUid}`);
  }
  if (accepted === own) return undefined;
  if (own === EXPLICIT_VR_LE) {
    let implicit: Uint8Array;
    try {
      implicit = explicitToImplicit(item.bytes.subarray(datasetOffset), `C-STORE ${sopInstanceUid}`);
    } catch (e) {
      const err = e as PacsError;
      return { kind: 'failed', failure: { sopInstanceUid, code: err.code, reason: err.message } };
    }
    request.setDataset(new RawDataset(() => implicit, IMPLICIT_VR_LE, sopClassUid, sopInstanceUid));
    const now = association.getAcceptedPresentationContextFromRequest(request)?.getAcceptedTransferSyntaxUid();
    if (now === IMPLICIT_VR_LE) {
      ctx.log.debug({ sopInstanceUid }, 'dimse: C-STORE sends an Explicit VR instance as Implicit VR');
      return undefined;
    }
  }
  return negotiationFailure(
    item,
    `${where} accepts SOP class ${sopClassUid} only in ${accepted}, the instance is in ${own} (only Explicit to Implicit VR Little Endian is converted)`,
  );
}

function outcomeOf(item: Outgoing, response: DimseResponse): Outcome {
  const status = response.getStatus();
  const kind = statusKind(status);
  if (kind === 'success') return { kind: 'stored' };
  const comment = String(response.getErrorComment() ?? '').trim();
  const failure: StoreFailure = {
    sopInstanceUid: item.meta.sopInstanceUid,
    code: hexStatus(status),
    reason: `C-STORE: ${describeStatus(status)}${comment ? ` (${comment})` : ''}`,
  };
  return kind === 'warning' ? { kind: 'warning', failure } : { kind: 'failed', failure };
}

function record(report: Report, item: Outgoing, outcome: Outcome): void {
  const { index } = item;
  if (outcome.kind === 'failed') {
    report.failed.push({ index, failure: outcome.failure });
    return;
  }
  report.stored.push({ index, sopInstanceUid: item.meta.sopInstanceUid });
  if (outcome.kind === 'warning') report.warnings.push({ index, failure: outcome.failure });
}

function negotiationFailure(item: Outgoing, what: string): Outcome {
  return {
    kind: 'failed',
    failure: {
      sopInstanceUid: item.meta.sopInstanceUid,
      code: 'PACS_ERR_DIMSE_NEGOTIATION',
      reason: `C-STORE: ${what}: expected an accepted presentation context in the instance's transfer syntax`,
    },
  };
}

function notSent(meta: Part10Meta, error: PacsError): StoreFailure {
  return { sopInstanceUid: meta.sopInstanceUid, code: error.code, reason: `not stored: ${error.message}` };
}

/** Presentation contexts a batch needs: one per SOP class plus one per (SOP class, transfer syntax). */
function contextsNeeded(batch: readonly Outgoing[]): number {
  const classes = new Set(batch.map((b) => b.meta.sopClassUid));
  const pairs = new Set(batch.map((b) => `${b.meta.sopClassUid} ${b.meta.transferSyntaxUid}`));
  return classes.size + pairs.size;
}

function throwIfAborted(ctx: DimseContext, signal?: AbortSignal): void {
  if (signal?.aborted) throw signal.reason;
  if (ctx.closed.aborted) throw ctx.closed.reason;
}
