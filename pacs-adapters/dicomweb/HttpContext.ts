import type { Logger } from '../../common/index.js';
import type { ResolvedDicomWebConfig } from './DicomWebConfig.js';

/** What every request of one adapter shares: its frozen settings, its logger, and the signal `close()` aborts. */
export interface HttpContext {
  readonly config: ResolvedDicomWebConfig;
  readonly log: Logger;
  readonly closed: AbortSignal;
}
