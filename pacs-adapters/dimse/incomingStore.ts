import type { AssociationPlan } from './AssociationPlan.js';
import type { AssociationState } from './AssociationState.js';
import { responses, type CStoreRequest, type CStoreResponse } from './library.js';

/**
 * Answers one C-STORE sub-operation arriving on our association (C-GET): hands its data set, collected as
 * received, to the plan's `onStore`, or refuses it (0x0122) when the plan expects none. Exactly one response is
 * sent, and none once the association is over.
 */
export function answerIncomingStore(
  state: AssociationState,
  onStore: AssociationPlan['onStore'],
  request: CStoreRequest,
  callback: (response: CStoreResponse) => void,
): void {
  let answered = false;
  const respond = (status: number, comment?: string): void => {
    if (answered || state.settled) return;
    answered = true;
    const response = responses.CStoreResponse.fromRequest(request);
    response.setStatus(status);
    // Error Comment is an LO: 64 characters at most.
    if (comment) response.setErrorComment(comment.slice(0, 64));
    callback(response);
  };
  const collector = state.collectors.get(request);
  if (!onStore || !collector) {
    respond(0x0122, 'no C-STORE expected on this association');
    return;
  }
  state.collectors.delete(request);
  try {
    onStore(
      {
        request,
        sopClassUid: request.getAffectedSopClassUid(),
        sopInstanceUid: request.getAffectedSopInstanceUid(),
        transferSyntaxUid: collector.transferSyntaxUid,
        dataset: collector.bytes(),
        tooLarge: collector.overflowed,
        size: collector.size,
      },
      respond,
    );
  } catch (e) {
    respond(0x0110, 'processing failure');
    state.fail(e);
  }
}
