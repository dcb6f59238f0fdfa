import { pacsError } from '../errors.js';
import { openAssociation } from './association.js';
import type { DimseContext } from './DimseContext.js';
import type { Elements } from './elementValues.js';
import { requireAccepted } from './acceptedSyntax.js';
import { Dataset, requests, type CFindResponse } from './library.js';
import type { Identifier } from './queries.js';
import { withRetries } from '../net/withRetries.js';
import { DIMSE_RETRY } from './retry.js';
import { describeStatus, hexStatus, statusKind } from './status.js';

/**
 * One C-FIND (Study Root Query/Retrieve Information Model - FIND) on its own association: every match, as dcmjs
 * naturalized elements. Retried on association failures (a query is safe to repeat). More than maxFindResults
 * matches abort the association.
 * @param identifier - keys to match and return (see queries.ts); `QueryRetrieveLevel` says the level
 * @throws PACS_ERR_DIMSE_STATUS (failure status), PACS_ERR_DIMSE_NEGOTIATION (FIND not accepted),
 *   PACS_ERR_DIMSE_TOO_MANY_MATCHES, and the association errors of openAssociation
 */
export async function cFind(ctx: DimseContext, identifier: Identifier, signal?: AbortSignal): Promise<Elements[]> {
  const operation = `C-FIND ${identifier.QueryRetrieveLevel ?? ''}`.trim();
  return withRetries(ctx, DIMSE_RETRY, operation, () => findOnce(ctx, operation, identifier, signal), signal);
}

async function findOnce(
  ctx: DimseContext,
  operation: string,
  identifier: Identifier,
  signal?: AbortSignal,
): Promise<Elements[]> {
  const { peer, maxFindResults } = ctx.config;
  const where = `${peer.aet}@${peer.host}:${peer.port}`;
  const request = new requests.CFindRequest();
  request.setDataset(new Dataset({ ...identifier }));
  const matches: Elements[] = [];
  let final: CFindResponse | undefined;
  let tooMany = false;

  const association = openAssociation(ctx, {
    operation,
    requests: [request],
    signal,
    onAccepted: (a) => [requireAccepted(ctx, operation, a, request)],
  });
  request.on('response', (response: CFindResponse) => {
    const kind = statusKind(response.getStatus());
    if (kind === 'pending') {
      const ds = response.getDataset();
      if (ds && !tooMany) matches.push(ds.getElements());
      if (matches.length > maxFindResults && !tooMany) {
        tooMany = true;
        association.abort();
      }
    } else {
      final = response;
    }
  });
  try {
    await association.done;
  } catch (e) {
    if (!tooMany) throw e;
  }
  if (tooMany) {
    throw pacsError(
      'PACS_ERR_DIMSE_TOO_MANY_MATCHES',
      `${operation} to ${where}: more than ${maxFindResults} matches: expected at most maxFindResults; narrow the query`,
      { operation, maxFindResults },
    );
  }
  const status = final?.getStatus();
  if (status === undefined || statusKind(status) === 'failure' || statusKind(status) === 'cancel') {
    throw pacsError(
      'PACS_ERR_DIMSE_STATUS',
      `${operation} to ${where}: ${status === undefined ? 'no final response' : describeStatus(status)}${comment(final)}: expected 0x0000 Success`,
      { operation, status: status === undefined ? undefined : hexStatus(status), host: peer.host, port: peer.port },
    );
  }
  ctx.log.debug({ operation, matches: matches.length }, 'dimse: C-FIND done');
  return matches;
}

function comment(r: CFindResponse | undefined): string {
  const c = r?.getErrorComment();
  return typeof c === 'string' && c.trim() !== '' ? ` (${c.trim()})` : '';
}
