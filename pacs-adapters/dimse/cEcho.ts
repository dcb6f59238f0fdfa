import { pacsError } from '../errors.js';
import { requireAccepted } from './acceptedSyntax.js';
import { openAssociation } from './association.js';
import type { DimseContext } from './DimseContext.js';
import { requests, type DimseResponse } from './library.js';
import { withRetries } from '../net/withRetries.js';
import { DIMSE_RETRY } from './retry.js';
import { describeStatus, hexStatus } from './status.js';

/** What a successful C-ECHO measured. */
export interface EchoResult {
  /** Milliseconds from connecting to the C-ECHO response (association set-up included). */
  readonly roundTripMs: number;
}

/**
 * C-ECHO (Verification SOP Class): is the peer there and does it accept our association?
 * @throws PACS_ERR_DIMSE_STATUS when the peer answers other than 0x0000, and the association errors
 */
export async function cEcho(ctx: DimseContext, signal?: AbortSignal): Promise<EchoResult> {
  const { peer } = ctx.config;
  return withRetries(
    ctx,
    DIMSE_RETRY,
    'C-ECHO',
    async () => {
      const started = performance.now();
      const request = new requests.CEchoRequest();
      let status: number | undefined;
      request.on('response', (r: DimseResponse) => {
        status = r.getStatus();
      });
      await openAssociation(ctx, {
        operation: 'C-ECHO',
        requests: [request],
        signal,
        onAccepted: (a) => [requireAccepted(ctx, 'C-ECHO', a, request)],
      }).done;
      if (status !== 0x0000) {
        throw pacsError(
          'PACS_ERR_DIMSE_STATUS',
          `C-ECHO to ${peer.aet}@${peer.host}:${peer.port}: ${status === undefined ? 'no response' : describeStatus(status)}: expected 0x0000 Success`,
          {
            operation: 'C-ECHO',
            status: status === undefined ? undefined : hexStatus(status),
            host: peer.host,
            port: peer.port,
          },
        );
      }
      return { roundTripMs: Math.round(performance.now() - started) };
    },
    signal,
  );
}
