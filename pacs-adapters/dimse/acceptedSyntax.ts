import { pacsError } from '../errors.js';
import type { DimseContext } from './DimseContext.js';
import type { DimseAssociation, DimseRequest } from './library.js';

/**
 * For `onAccepted`: checks that the peer accepted a presentation context for the request's SOP class and encodes
 * the request's identifier (if any) in that context's transfer syntax, so the library never transcodes it.
 * @returns the request, for `onAccepted` to return in its list
 * @throws PACS_ERR_DIMSE_NEGOTIATION when no context for the SOP class was accepted
 */
export function requireAccepted(
  ctx: DimseContext,
  operation: string,
  association: DimseAssociation,
  request: DimseRequest,
): DimseRequest {
  const context = association.getAcceptedPresentationContextFromRequest(request);
  const ts = context?.getAcceptedTransferSyntaxUid();
  if (!context || !ts) {
    const { peer } = ctx.config;
    const sopClass = request.getAffectedSopClassUid();
    throw pacsError(
      'PACS_ERR_DIMSE_NEGOTIATION',
      `${operation} to ${peer.aet}@${peer.host}:${peer.port}: SOP class ${sopClass} not accepted: expected an accepted presentation context, got none`,
      { host: peer.host, port: peer.port, calledAet: peer.aet, operation, sopClassUid: sopClass, retryable: false },
    );
  }
  request.getDataset()?.setTransferSyntaxUid(ts);
  return request;
}
