import type { Logger } from '../../../common/index.js';
import type { DeviceRequest } from '../../../models/index.js';
import type { LocalStore, PacsAdapter } from '../../../pacs-adapters/index.js';
import type { JobPatch } from '../JobDb.js';
import type { JobRecord } from '../JobRecord.js';
import type { PackPool } from '../PackPool.js';

/** What every stage of one job run gets from the service. */
export interface JobContext {
  readonly job: JobRecord;
  /** `<dataDir>/jobs/<id>`: `input/` (pulled instances) and `frames/` live here. */
  readonly jobDir: string;
  readonly store: LocalStore;
  readonly sourceId: string;
  readonly source: PacsAdapter;
  readonly packs: PackPool;
  /** The pack folder this job uses. */
  readonly packDir: string;
  readonly device: DeviceRequest;
  /** Steps when the spec gives none (the service default); undefined: the pack's default. */
  readonly defaultSteps?: number;
  readonly softwareVersion: string;
  /** Aborted on cancel ('cancel') or shutdown ('shutdown'); the reason says which. */
  readonly signal: AbortSignal;
  readonly logger: Logger;
  /** Persists a change and announces it to subscribers. */
  update(patch: JobPatch): JobRecord;
  /** Persists progress after a frame reached disk and announces the frame. */
  frameWritten(index: number, done: number, total: number): void;
  /** SeriesNumbers used in a study, including those reserved by running jobs; `reserve` adds one. */
  takenSeriesNumbers(studyInstanceUid: string): number[];
  reserveSeriesNumber(studyInstanceUid: string, n: number): void;
}
