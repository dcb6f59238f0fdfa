import { PacsError } from '../errors.js';
import type { RetrievedInstance } from '../pacs/PacsAdapter.js';
import { requireAccepted } from './acceptedSyntax.js';
import { AsyncQueue } from './AsyncQueue.js';
import { openAssociation } from './association.js';
import type { RoleContext } from './AssociationPlan.js';
import { cFind } from './cFind.js';
import type { DimseContext } from './DimseContext.js';
import { str } from './elementValues.js';
import { requests, type CGetResponse } from './library.js';
import { wrapPart10 } from './part10.js';
import { instanceIdentifier, uid } from './queries.js';
import { retrieveWithRetries } from './retrieveLoop.js';
import { checkRetrieveFinal } from './retrieveStatus.js';
import { STATUS, statusKind } from './status.js';
import { compressedSyntaxesFor, EXPLICIT_VR_LE, IMPLICIT_VR_LE } from './storageClasses.js';

/** Presentation contexts an association may propose (odd IDs 1-255), less the C-GET context and a margin. */
const ROLE_CONTEXT_BUDGET = 120;

/**
 * C-GET at SERIES level (Study Root): the peer sends each instance as a C-STORE sub-operation on our association.
 * A C-FIND first lists the series' SOP classes; for each we propose, with the SCP role, a context for Explicit and
 * Implicit VR LE and one context per compressed syntax this module decodes, so the peer can send each instance in
 * the syntax it stores it in (a PACS that cannot transcode JPEG 2000, like Orthanc 1.10, would otherwise fail the
 * sub-operation). Each data set is framed as Part 10 as received and yielded as soon as it arrives; its C-STORE
 * response waits until the consumer has room (`retrieveBufferSize`), so the peer never runs ahead of the consumer.
 * @throws PACS_ERR_BAD_ATTRIBUTE (bad UID), PACS_ERR_DIMSE_STATUS (failure status or failed sub-operations,
 *   after the instances that did arrive), PACS_ERR_DIMSE_NEGOTIATION, the C-FIND and association errors
 */
export async function* cGetSeries(
  ctx: DimseContext,
  studyInstanceUid: string,
  seriesInstanceUid: string,
  signal?: AbortSignal,
): AsyncGenerator<RetrievedInstance, void, undefined> {
  const study = uid('studyInstanceUid', studyInstanceUid);
  const series = uid('seriesInstanceUid', seriesInstanceUid);
  const operation = 'C-GET SERIES';
  const { peer, maxInstanceBytes, retrieveBufferSize } = ctx.config;
  const matches = await cFind(ctx, instanceIdentifier(study, series), signal).catch((e: unknown) => {
    // A series too long to list (maxFindResults) is still retrieved, with the library's contexts.
    if (e instanceof PacsError && e.code === 'PACS_ERR_DIMSE_TOO_MANY_MATCHES') return [];
    throw e;
  });
  const sopClasses = [...new Set(matches.map((m) => str(m.SOPClassUID)).filter((c): c is string => c !== undefined))];
  const roleContexts = storageRoleContexts(sopClasses);
  yield* retrieveWithRetries(
    ctx,
    operation,
    (delivered) => {
      const queue = new AsyncQueue<RetrievedInstance>(retrieveBufferSize);
      const request = requests.CGetRequest.createSeriesGetRequest(study, series);
      // Without the series' SOP classes (none found), fall back to the library's list: every storage class, uncompressed.
      request.setAddStorageSopClassesToAssociation(roleContexts.length === 0);
      let final: CGetResponse | undefined;
      let refused = 0;
      request.on('response', (r: CGetResponse) => {
        if (statusKind(r.getStatus()) !== 'pending') final = r;
      });
      const association = openAssociation(ctx, {
        operation,
        requests: [request],
        roleContexts,
        signal,
        onAccepted: (a) => [requireAccepted(ctx, operation, a, request)],
        onStore: (incoming, respond) => {
          if (incoming.tooLarge) {
            refused++;
            respond(STATUS.OUT_OF_RESOURCES, `instance exceeds ${maxInstanceBytes} bytes`);
            return;
          }
          if (delivered.has(incoming.sopInstanceUid)) {
            respond(STATUS.SUCCESS);
            return;
          }
          const bytes = wrapPart10(incoming.dataset, {
            sopClassUid: incoming.sopClassUid,
            sopInstanceUid: incoming.sopInstanceUid,
            transferSyntaxUid: incoming.transferSyntaxUid,
            sourceAet: peer.aet,
          });
          queue.push({ sopInstanceUid: incoming.sopInstanceUid, bytes }).then(
            () => respond(STATUS.SUCCESS),
            () => respond(STATUS.PROCESSING_FAILURE),
          );
        },
      });
      return {
        association,
        queue,
        checkFinal: () => checkRetrieveFinal(ctx, operation, final, refused),
      };
    },
    signal,
  );
}

/**
 * SCP-role contexts for the storage sub-operations: per SOP class one context for Explicit + Implicit VR LE and
 * one per compressed syntax that class is stored in (`compressedSyntaxesFor`: video syntaxes for video classes,
 * image syntaxes otherwise), as long as the budget lasts (then uncompressed only).
 */
export function storageRoleContexts(sopClasses: readonly string[]): RoleContext[] {
  const out: RoleContext[] = [];
  let left = ROLE_CONTEXT_BUDGET - sopClasses.length;
  for (const sopClassUid of sopClasses) {
    const others = compressedSyntaxesFor(sopClassUid);
    out.push({ sopClassUid, transferSyntaxes: [EXPLICIT_VR_LE, IMPLICIT_VR_LE] });
    if (left >= others.length) {
      for (const ts of others) out.push({ sopClassUid, transferSyntaxes: [ts] });
      left -= others.length;
    }
  }
  return out;
}
