import type { RetrievedInstance } from '../pacs/PacsAdapter.js';
import { requireAccepted } from './acceptedSyntax.js';
import { AsyncQueue } from './AsyncQueue.js';
import { openAssociation } from './association.js';
import type { DimseContext } from './DimseContext.js';
import { requests, type CMoveResponse } from './library.js';
import type { MoveDestination } from './MoveDestination.js';
import { uid } from './queries.js';
import { retrieveWithRetries } from './retrieveLoop.js';
import { checkRetrieveFinal } from './retrieveStatus.js';
import { statusKind } from './status.js';

/**
 * C-MOVE at SERIES level (Study Root) to our own SCP (`MoveDestination`): the peer opens a second association to
 * it and stores each instance there; each is yielded as it arrives, and its C-STORE response waits until the
 * consumer has room. Needs the peer to know retrieve.destinationAet at our host and port.
 * @throws PACS_ERR_DIMSE_STATUS (e.g. 0xA801 move destination unknown), PACS_ERR_DIMSE_LISTEN, the association errors
 */
export function cMoveSeries(
  ctx: DimseContext,
  destination: MoveDestination,
  studyInstanceUid: string,
  seriesInstanceUid: string,
  signal?: AbortSignal,
): AsyncGenerator<RetrievedInstance, void, undefined> {
  const study = uid('studyInstanceUid', studyInstanceUid);
  const series = uid('seriesInstanceUid', seriesInstanceUid);
  const { retrieve, retrieveBufferSize } = ctx.config;
  if (retrieve.mode !== 'move') throw new Error('cMoveSeries needs retrieve.mode "move"');
  const operation = 'C-MOVE SERIES';
  let current: { queue: AsyncQueue<RetrievedInstance>; delivered: ReadonlySet<string> } | undefined;

  const sink = async (bytes: Uint8Array, info: { sopInstanceUid: string }): Promise<void> => {
    const c = current;
    if (!c || c.delivered.has(info.sopInstanceUid)) return;
    await c.queue.push({ sopInstanceUid: info.sopInstanceUid, bytes });
  };

  return destination.exclusive(sink, () =>
    retrieveWithRetries(
      ctx,
      operation,
      (delivered) => {
        const queue = new AsyncQueue<RetrievedInstance>(retrieveBufferSize);
        current = { queue, delivered };
        const request = requests.CMoveRequest.createSeriesMoveRequest(retrieve.destinationAet, study, series);
        let final: CMoveResponse | undefined;
        request.on('response', (r: CMoveResponse) => {
          if (statusKind(r.getStatus()) !== 'pending') final = r;
        });
        const association = openAssociation(ctx, {
          operation,
          requests: [request],
          signal,
          onAccepted: (a) => [requireAccepted(ctx, operation, a, request)],
        });
        return { association, queue, checkFinal: () => checkRetrieveFinal(ctx, operation, final, 0) };
      },
      signal,
    ),
  );
}
