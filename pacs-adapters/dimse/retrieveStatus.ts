import { pacsError } from '../errors.js';
import type { DimseContext } from './DimseContext.js';
import type { CGetResponse, CMoveResponse } from './library.js';
import { describeStatus, hexStatus, statusKind } from './status.js';

/**
 * Judges the final C-GET / C-MOVE response once every instance that arrived was yielded: success passes; a failure
 * status, a cancel, or any failed sub-operation (warning 0xB000 "complete with failures") throws, so a partial
 * series is never mistaken for a whole one.
 * @param refusedHere - sub-operations we refused ourselves (instance over maxInstanceBytes)
 * @throws PACS_ERR_DIMSE_STATUS
 */
export function checkRetrieveFinal(
  ctx: DimseContext,
  operation: string,
  final: CGetResponse | CMoveResponse | undefined,
  refusedHere: number,
): void {
  const { peer } = ctx.config;
  const where = `${peer.aet}@${peer.host}:${peer.port}`;
  if (final === undefined) {
    throw pacsError('PACS_ERR_DIMSE_STATUS', `${operation} to ${where}: no final response: expected a final status`, {
      operation,
      host: peer.host,
      port: peer.port,
    });
  }
  const status = final.getStatus();
  const failed = count(final.getFailures());
  const warnings = count(final.getWarnings());
  const completed = count(final.getCompleted());
  const kind = statusKind(status);
  if (kind === 'success' && failed === 0 && refusedHere === 0) {
    if (warnings > 0) ctx.log.warn({ operation, warnings }, 'dimse: sub-operations completed with warnings');
    return;
  }
  const comment = String(final.getErrorComment() ?? '').trim();
  throw pacsError(
    'PACS_ERR_DIMSE_STATUS',
    `${operation} to ${where}: ${describeStatus(status)}${comment ? ` (${comment})` : ''}, ${completed} completed, ${failed} failed${refusedHere ? ` (${refusedHere} refused here: over maxInstanceBytes)` : ''}, ${warnings} warning: expected 0x0000 Success with no failed sub-operation`,
    { operation, status: hexStatus(status), completed, failed, warnings, host: peer.host, port: peer.port },
  );
}

function count(v: unknown): number {
  return typeof v === 'number' && Number.isFinite(v) ? v : 0;
}
