import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '../../../common/index.js';
import {
  encodeCtSlice,
  LocalStore,
  newUid,
  parseInstance,
  type InstanceRef,
  type PacsAdapter,
  type RetrievedInstance,
  type SeriesFacts,
  type SeriesSummary,
  type StoreReport,
  type StudySummary,
} from '../../../pacs-adapters/index.js';
import { memoryAuditLog } from '../../../server/AuditLog.js';
import { JobService, type JobQueue, type JobRecord, type JobServiceOptions } from '../../../server/jobs/index.js';

export const PACK = join(process.cwd(), 'models/packs/tiny-test');
export const silent = createLogger('silent');

export interface SyntheticSeries {
  readonly study: string;
  readonly series: string;
  readonly instances: readonly Uint8Array[];
}

/** A small synthetic CT series (one instance per slice), `size` x `size`. */
export function ctSeries(slices: number, size = 32, o: { study?: string; description?: string } = {}): SyntheticSeries {
  const study = o.study ?? newUid();
  const series = newUid();
  const ctx = {
    patientId: 'JOBTEST',
    patientName: 'TEST^JOBS',
    studyInstanceUid: study,
    studyId: 'J1',
    studyDescription: 'job test',
    seriesInstanceUid: series,
    seriesNumber: 3,
    seriesDescription: o.description ?? 'low dose',
    frameOfReferenceUid: newUid(),
    provenance: 'SYNTHETIC test data',
    softwareVersion: 'test',
    createdAt: new Date('2026-11-26T10:00:00Z'),
  };
  const instances = Array.from({ length: slices }, (_, z) => {
    const hu = Float32Array.from({ length: size * size }, (_, j) => {
      const x = (j % size) - size / 2;
      const y = Math.floor(j / size) - size / 2;
      return 40 + 60 * Math.sin(x / 3 + z / 2) * Math.cos(y / 4) + ((j * 7919 + z * 104729) % 37) - 18;
    });
    return encodeCtSlice(ctx, {
      sopInstanceUid: newUid(),
      instanceNumber: z + 1,
      rows: size,
      columns: size,
      hu,
      position: [0, 0, z * 2],
      pixelSpacing: [0.7, 0.7],
      sliceThickness: 2,
      acquisition: { kvp: 120, ctdiVol: 2, exposureMas: 40 },
    });
  });
  return { study, series, instances };
}

export interface Env {
  readonly dataDir: string;
  readonly store: LocalStore;
  readonly jobs: JobService;
  readonly audit: ReturnType<typeof memoryAuditLog>;
  /** Closes the service and the store (the folder stays for a re-open). */
  close(): Promise<void>;
  /** Re-opens service and store on the same folder. */
  reopen(over?: Partial<JobServiceOptions>): Promise<Env>;
}

/** A data folder with a store holding `series`, and a JobService on it (CPU, steps 1 unless overridden). */
export async function openEnv(
  series: readonly SyntheticSeries[],
  over: Partial<JobServiceOptions> = {},
  dataDir = mkdtempSync(join(tmpdir(), 'gsdiff-jobs-')),
): Promise<Env> {
  const store = await LocalStore.open(join(dataDir, 'store'));
  for (const s of series) for (const bytes of s.instances) await store.storeInstance(bytes, 'test');
  const audit = memoryAuditLog();
  const jobs = await JobService.open({
    dataDir,
    store,
    sources: new Map(),
    packDir: PACK,
    device: 'cpu',
    cpuConcurrency: 1,
    logger: silent,
    audit,
    defaultSteps: 1,
    softwareVersion: 'test',
    ...over,
  });
  const env: Env = {
    dataDir,
    store,
    jobs,
    audit,
    close: async () => {
      await jobs.close();
      await store.close();
    },
    reopen: async (o = {}) => {
      await env.close();
      return openEnv([], { ...over, ...o }, dataDir);
    },
  };
  return env;
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** Resolves with the record once `pred` holds (checked now and on every record change). */
export function waitFor(
  jobs: Pick<JobQueue, 'get' | 'subscribe'>,
  id: string,
  pred: (j: JobRecord) => boolean,
  timeoutMs = 60_000,
): Promise<JobRecord> {
  return new Promise((resolve, reject) => {
    const now = jobs.get(id);
    if (now && pred(now)) return resolve(now);
    const t = setTimeout(() => {
      off();
      reject(new Error(`waitFor ${id}: timed out; state ${jobs.get(id)?.state}`));
    }, timeoutMs);
    const off = jobs.subscribe(id, (ev) => {
      if (ev.type === 'job' && pred(ev.job)) {
        clearTimeout(t);
        off();
        resolve(ev.job);
      }
    });
  });
}

export const ended = (j: JobRecord): boolean => j.state === 'done' || j.state === 'failed' || j.state === 'cancelled';

/** An in-memory PACS holding some instances; records what is stored into it. */
export class MemoryPacs implements PacsAdapter {
  readonly name = 'memory pacs';
  readonly stored: Uint8Array[] = [];
  failStore: Error | undefined;

  constructor(private readonly instances: readonly Uint8Array[]) {}

  private refs(study: string, series: string): (InstanceRef & { bytes: Uint8Array })[] {
    return this.instances
      .map((bytes) => ({ bytes, h: parseInstance(bytes, 'memory').header }))
      .filter(({ h }) => h.studyInstanceUid === study && h.seriesInstanceUid === series)
      .map(({ bytes, h }) => ({
        bytes,
        studyInstanceUid: h.studyInstanceUid,
        seriesInstanceUid: h.seriesInstanceUid,
        sopInstanceUid: h.sopInstanceUid,
      }));
  }

  async searchStudies(): Promise<StudySummary[]> {
    return [];
  }
  async searchSeries(): Promise<SeriesSummary[]> {
    return [];
  }
  async listInstances(study: string, series: string): Promise<InstanceRef[]> {
    return this.refs(study, series).map(({ bytes: _b, ...r }) => r);
  }
  async seriesFacts(): Promise<SeriesFacts> {
    return {};
  }
  async *retrieveSeries(study: string, series: string, signal?: AbortSignal): AsyncIterable<RetrievedInstance> {
    for (const r of this.refs(study, series)) {
      signal?.throwIfAborted();
      yield { sopInstanceUid: r.sopInstanceUid, bytes: r.bytes };
    }
  }
  async storeInstances(instances: AsyncIterable<Uint8Array> | Iterable<Uint8Array>): Promise<StoreReport> {
    if (this.failStore) throw this.failStore;
    const stored: string[] = [];
    for await (const b of instances) {
      this.stored.push(b);
      stored.push(parseInstance(b, 'pushed').header.sopInstanceUid);
    }
    return { stored, failed: [], warnings: [] };
  }
  async close(): Promise<void> {}
}
