import { randomUUID } from 'node:crypto';
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { describeThrown } from '../../common/index.js';
import { pacsError } from '../errors.js';
import { isErrno, writeSynced } from './durableFs.js';
import type { PreparedInstance } from './prepareInstance.js';
import type { CommitResult } from './types.js';

/** What a stage needs from its store; LocalStore implements it. */
export interface StageHost {
  readonly tmpDir: string;
  /**
   * Parses and validates an instance and checks that neither its SOPInstanceUID nor its series is indexed.
   * @throws every error of prepareInstance; PACS_ERR_STORE_CONFLICT
   */
  admit(bytes: Uint8Array, source: string): PreparedInstance;
  /** Moves the stage folder into objects/ and indexes its instances in one transaction. */
  publish(stage: StagedContent): Promise<CommitResult>;
  /** The stage was committed or aborted; the store stops tracking it. */
  release(stage: StagedSeries): void;
  /** @throws PACS_ERR_STORE when the store is closed */
  assertOpen(operation: string): void;
}

/** The files of a stage, ready to publish. */
export interface StagedContent {
  readonly id: string;
  readonly dir: string;
  readonly studyInstanceUid: string;
  readonly seriesInstanceUid: string;
  readonly items: readonly { readonly prepared: PreparedInstance; readonly source: string }[];
}

/** Identity of an instance added to a stage. */
export interface StagedInstance {
  readonly sopInstanceUid: string;
  readonly seriesInstanceUid: string;
  readonly studyInstanceUid: string;
}

type StageState = 'open' | 'committing' | 'committed' | 'aborted';

/**
 * A derived series being written: instances go to `tmp/stage-<id>/` and stay invisible to every `list*` call
 * until `commit()` renames the whole folder into `objects/<study>/<series>/` (the commit point) and indexes it
 * in one transaction. `abort()`, or a crash at any moment before that rename, leaves nothing behind once the
 * store's recovery pass has run. One stage holds exactly one new series.
 * @example
 * const stage = await store.stageSeries();
 * for (const bytes of derivedInstances) await stage.add(bytes, 'gsdiff:job-42');
 * await stage.commit();
 */
export class StagedSeries {
  readonly id: string;
  /** Absolute path of the staging folder. */
  readonly dir: string;
  private readonly host: StageHost;
  private state: StageState = 'open';
  private readonly items = new Map<string, { prepared: PreparedInstance; source: string }>();
  private readonly reserved = new Set<string>();
  private readonly inFlight = new Set<Promise<unknown>>();
  private identity: { studyInstanceUid: string; seriesInstanceUid: string } | undefined;

  private constructor(host: StageHost, id: string) {
    this.host = host;
    this.id = id;
    this.dir = path.join(host.tmpDir, `stage-${id}`);
  }

  /** Creates the staging folder. Called by LocalStore.stageSeries. */
  static async create(host: StageHost): Promise<StagedSeries> {
    const stage = new StagedSeries(host, randomUUID());
    await mkdir(stage.dir);
    return stage;
  }

  /** The series of the first instance added, once there is one. */
  get seriesInstanceUid(): string | undefined {
    return this.identity?.seriesInstanceUid;
  }

  /** Instances added so far. */
  get size(): number {
    return this.items.size;
  }

  get status(): StageState {
    return this.state;
  }

  /**
   * Writes one instance into the stage (fsynced). All instances of a stage share one study and series, which
   * must not be in the store yet.
   * @param bytes - a complete DICOM file
   * @param source - recorded as the instance's source (e.g. the job that derived it)
   * @throws PACS_ERR_STORE when the stage is no longer open; PACS_ERR_SERIES_INCONSISTENT when the instance
   *   belongs to another series than the stage's; PACS_ERR_STORE_CONFLICT when its SOPInstanceUID is already
   *   staged or stored, or its series is stored; every error of prepareInstance
   */
  async add(bytes: Uint8Array, source = 'staged'): Promise<StagedInstance> {
    this.assertState('open', 'add');
    const prepared = this.host.admit(bytes, source);
    const { sopInstanceUid, seriesInstanceUid, studyInstanceUid } = prepared.instance;
    const mine = this.identity;
    if (
      mine !== undefined &&
      (mine.seriesInstanceUid !== seriesInstanceUid || mine.studyInstanceUid !== studyInstanceUid)
    ) {
      throw pacsError(
        'PACS_ERR_SERIES_INCONSISTENT',
        `StagedSeries.add: stage holds series ${mine.seriesInstanceUid} of study ${mine.studyInstanceUid}: expected every instance in it, got series ${seriesInstanceUid} of study ${studyInstanceUid}`,
        { file: source, tag: '0020000E', seriesInstanceUid, stage: this.id },
      );
    }
    if (this.reserved.has(sopInstanceUid)) {
      throw pacsError(
        'PACS_ERR_STORE_CONFLICT',
        `StagedSeries.add: SOPInstanceUID ${sopInstanceUid} is already in this stage`,
        {
          file: source,
          tag: '00080018',
          sopInstanceUid,
          stage: this.id,
        },
      );
    }
    this.identity ??= { studyInstanceUid, seriesInstanceUid };
    this.reserved.add(sopInstanceUid);
    const write = writeSynced(path.join(this.dir, `${sopInstanceUid}.dcm`), bytes);
    this.inFlight.add(write);
    try {
      await write;
      this.items.set(sopInstanceUid, { prepared, source });
    } catch (e) {
      this.reserved.delete(sopInstanceUid);
      if (this.reserved.size === 0) this.identity = undefined;
      throw pacsError(
        'PACS_ERR_STORE',
        `StagedSeries.add: cannot write the staged file: ${describeThrown(e)}`,
        { file: source, stage: this.id },
        e,
      );
    } finally {
      this.inFlight.delete(write);
    }
    return { sopInstanceUid, seriesInstanceUid, studyInstanceUid };
  }

  /**
   * Publishes the stage: after this resolves the series is listed, complete; if it rejects nothing was
   * published and the stage stays open (add more, retry, or abort).
   * @throws PACS_ERR_SERIES_EMPTY when nothing was added; PACS_ERR_STORE_CONFLICT when the series or an
   *   instance was stored meanwhile; PACS_ERR_STORE on I/O or index failure
   */
  async commit(): Promise<CommitResult> {
    this.assertState('open', 'commit');
    this.state = 'committing';
    try {
      await Promise.allSettled([...this.inFlight]);
      const identity = this.identity;
      if (identity === undefined || this.items.size === 0) {
        throw pacsError(
          'PACS_ERR_SERIES_EMPTY',
          'StagedSeries.commit: stage holds no instance: expected at least one',
          {
            stage: this.id,
          },
        );
      }
      const result = await this.host.publish({
        id: this.id,
        dir: this.dir,
        ...identity,
        items: [...this.items.values()],
      });
      this.state = 'committed';
      this.host.release(this);
      return result;
    } catch (e) {
      if (this.state === 'committing') this.state = 'open';
      throw e;
    }
  }

  /** Removes the staging folder and everything in it. No-op once aborted or committed. */
  async abort(): Promise<void> {
    if (this.state === 'aborted' || this.state === 'committed') return;
    if (this.state === 'committing') {
      throw pacsError('PACS_ERR_STORE', 'StagedSeries.abort: a commit is in progress: expected an open stage', {
        stage: this.id,
      });
    }
    this.state = 'aborted';
    await Promise.allSettled([...this.inFlight]);
    try {
      await rm(this.dir, { recursive: true, force: true });
    } catch (e) {
      if (!isErrno(e, 'ENOENT')) throw e;
    } finally {
      this.items.clear();
      this.reserved.clear();
      this.host.release(this);
    }
  }

  private assertState(expected: StageState, operation: string): void {
    this.host.assertOpen(`StagedSeries.${operation}`);
    if (this.state !== expected) {
      throw pacsError('PACS_ERR_STORE', `StagedSeries.${operation}: stage is ${this.state}: expected ${expected}`, {
        stage: this.id,
      });
    }
  }
}
