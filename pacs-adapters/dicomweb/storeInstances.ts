import { describeThrown } from '../../common/index.js';
import { PacsError } from '../errors.js';
import type { StoreFailure, StoreReport } from '../pacs/PacsAdapter.js';
import type { HttpContext } from './HttpContext.js';
import { sendStowBatch, type BatchedInstance } from './sendStowBatch.js';
import { instanceUids } from './instanceUids.js';

/**
 * STOW-RS store of any number of instances in batches of at most `storeBatchSize` instances / `storeBatchBytes`
 * bytes, so memory stays bounded by one batch whatever the input size. Every instance ends in `stored` or `failed`:
 * - an input that is not DICOM or has no SOPInstanceUID fails locally and is not sent;
 * - a SOPInstanceUID given twice fails the second time (PACS_ERR_STORE_CONFLICT) and is sent once;
 * - per-instance answers (200 / 202 / 400 / 409) are reconciled by `stowOutcome`;
 * - a request-level failure (unreachable, timeout, auth, 5xx…) fails its batch, stops the store, and adds one entry
 *   saying that later input was not read; the caller's abort or `close()` stops it the same way.
 * Batches are never retried (see sendStowBatch). Resolves with the report; never throws for a PACS failure.
 */
export async function storeInstances(
  ctx: HttpContext,
  instances: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  signal?: AbortSignal,
): Promise<StoreReport> {
  const { storeBatchSize, storeBatchBytes } = ctx.config;
  const stored: string[] = [];
  const failed: StoreFailure[] = [];
  const warnings: StoreFailure[] = [];
  const seen = new Set<string>();
  const started = Date.now();
  let batch: BatchedInstance[] = [];
  let batchBytes = 0;
  let batches = 0;
  let read = 0;
  let stopped: { code: string; why: string } | undefined;
  let exhausted = false;

  const flush = async (): Promise<void> => {
    if (batch.length === 0) return;
    const sending = batch;
    batch = [];
    batchBytes = 0;
    batches++;
    const t = Date.now();
    const { outcome, fatal } = await sendStowBatch(ctx, sending, signal);
    stored.push(...outcome.stored);
    failed.push(...outcome.failed);
    warnings.push(...outcome.warnings);
    ctx.log.info(
      {
        batch: batches,
        instances: sending.length,
        stored: outcome.stored.length,
        failed: outcome.failed.length,
        ms: Date.now() - t,
      },
      'dicomweb: STOW-RS batch answered',
    );
    if (fatal !== undefined) {
      stopped = {
        code: fatal instanceof PacsError ? fatal.code : 'PACS_ERR_STORE_PARTIAL',
        why: describeThrown(fatal),
      };
    }
  };

  try {
    for await (const bytes of instances) {
      const halt = haltReason(ctx, signal);
      if (halt) {
        stopped = halt;
        break;
      }
      read++;
      let sop: string;
      try {
        sop = instanceUids(bytes, `instance #${read}`).sopInstanceUid;
      } catch (e) {
        failed.push({
          code: e instanceof PacsError ? e.code : 'PACS_ERR_PARSE',
          reason: `not sent: ${describeThrown(e)}`,
        });
        continue;
      }
      if (seen.has(sop)) {
        failed.push({
          sopInstanceUid: sop,
          code: 'PACS_ERR_STORE_CONFLICT',
          reason: `instance #${read}: this SOPInstanceUID was given earlier in the same store; only the first was sent`,
        });
        continue;
      }
      seen.add(sop);
      if (batch.length > 0 && batchBytes + bytes.length > storeBatchBytes) await flush();
      if (stopped) break;
      batch.push({ sopInstanceUid: sop, bytes });
      batchBytes += bytes.length;
      if (batch.length >= storeBatchSize || batchBytes >= storeBatchBytes) await flush();
      if (stopped) break;
    }
    exhausted = !stopped;
    if (!stopped) {
      const halt = haltReason(ctx, signal);
      if (halt) stopped = halt;
      else await flush();
    }
  } catch (e) {
    // The caller's iterable threw (a file it could not read, a failed restoration…).
    stopped = {
      code: e instanceof PacsError ? e.code : 'PACS_ERR_STORE_PARTIAL',
      why: `reading the input failed: ${describeThrown(e)}`,
    };
  }

  if (stopped) {
    for (const b of batch) {
      failed.push({ sopInstanceUid: b.sopInstanceUid, code: stopped.code, reason: `not sent: ${stopped.why}` });
    }
    if (!exhausted) {
      failed.push({
        code: stopped.code,
        reason: `store stopped after ${read} input instance(s): any later input was not read or sent (${stopped.why})`,
      });
    }
  }
  ctx.log.info(
    { batches, stored: stored.length, failed: failed.length, warnings: warnings.length, ms: Date.now() - started },
    'dicomweb: STOW-RS store finished',
  );
  return { stored, failed, warnings };
}

function haltReason(ctx: HttpContext, signal?: AbortSignal): { code: string; why: string } | undefined {
  if (signal?.aborted) return { code: 'PACS_ERR_STORE_PARTIAL', why: `aborted: ${describeThrown(signal.reason)}` };
  if (ctx.closed.aborted) return { code: 'PACS_ERR_CLOSED', why: 'the adapter was closed' };
  return undefined;
}
