import type { Logger } from '../../common/index.js';
import type { ResolvedDimseConfig } from './DimseConfig.js';

/** What every operation of one adapter shares. */
export interface DimseContext {
  readonly config: ResolvedDimseConfig;
  /** Child logger `{ module: 'pacs-adapters/dimse' }`; lines never carry patient names or IDs. */
  readonly log: Logger;
  /** Aborted by `close()`: operations in flight stop, new ones are refused. */
  readonly closed: AbortSignal;
}
