import type { LocalStore } from '../local/index.js';
import { readInstanceFile } from '../dicom/readInstance.js';
import { str } from '../dicom/readImageHeader.js';
import { PacsError } from '../errors.js';
import type {
  InstanceRef,
  PacsAdapter,
  RetrievedInstance,
  SeriesFacts,
  SeriesQuery,
  SeriesSummary,
  StoreReport,
  StudyQuery,
  StudySummary,
} from './PacsAdapter.js';

/**
 * The embedded local store behind the same interface as a remote PACS, so jobs and the watcher treat the default
 * set-up like any other source. The store is borrowed: `close()` does not close it.
 */
export class LocalStoreAdapter implements PacsAdapter {
  readonly name: string;

  constructor(private readonly store: LocalStore) {
    this.name = `local ${store.root}`;
  }

  async searchStudies(q: StudyQuery = {}): Promise<StudySummary[]> {
    return this.store
      .listStudies({
        patientId: q.patientId,
        studyDate: q.studyDate,
        accessionNumber: q.accessionNumber,
        studyInstanceUid: q.studyInstanceUid,
        modality: q.modality,
        limit: q.limit,
        offset: q.offset,
      })
      .map((s) => ({
        studyInstanceUid: s.studyInstanceUid,
        patientId: s.patientId,
        patientName: s.patientName,
        studyDate: s.studyDate,
        studyDescription: s.studyDescription,
        accessionNumber: s.accessionNumber,
        modalities: s.modalitiesInStudy,
        numberOfSeries: s.numberOfSeries,
        numberOfInstances: s.numberOfInstances,
      }));
  }

  async searchSeries(studyInstanceUid: string, q: SeriesQuery = {}): Promise<SeriesSummary[]> {
    const all = this.store
      .listSeries(studyInstanceUid)
      .filter(
        (s) =>
          (!q.modality || s.modality === q.modality) &&
          (!q.seriesInstanceUid || s.seriesInstanceUid === q.seriesInstanceUid),
      )
      .map((s) => ({
        studyInstanceUid: s.studyInstanceUid,
        seriesInstanceUid: s.seriesInstanceUid,
        modality: s.modality,
        seriesNumber: s.seriesNumber,
        seriesDescription: s.seriesDescription,
        numberOfInstances: s.numberOfInstances,
        numberOfFrames: s.numberOfFrames,
      }));
    const offset = q.offset ?? 0;
    return all.slice(offset, q.limit === undefined ? undefined : offset + q.limit);
  }

  async listInstances(studyInstanceUid: string, seriesInstanceUid: string): Promise<InstanceRef[]> {
    return this.store
      .listInstances(seriesInstanceUid)
      .filter((i) => i.studyInstanceUid === studyInstanceUid)
      .map((i) => ({
        studyInstanceUid: i.studyInstanceUid,
        seriesInstanceUid: i.seriesInstanceUid,
        sopInstanceUid: i.sopInstanceUid,
        sopClassUid: i.sopClassUid,
        instanceNumber: i.instanceNumber,
      }));
  }

  async seriesFacts(studyInstanceUid: string, seriesInstanceUid: string): Promise<SeriesFacts> {
    const first = (await this.listInstances(studyInstanceUid, seriesInstanceUid))[0];
    const path = first && this.store.getInstancePath(first.sopInstanceUid);
    if (!path) return {};
    const inst = await readInstanceFile(path, { requireIdentity: false });
    const h = inst.header;
    return {
      modality: h.modality,
      sopClassUid: h.sopClassUid,
      seriesDescription: h.seriesDescription,
      convolutionKernel: h.acquisition.convolutionKernel,
      ctdiVol: h.acquisition.ctdiVol,
      imageType: str(inst.dataSet, 'x00080008')?.split('\\'),
    };
  }

  async *retrieveSeries(
    studyInstanceUid: string,
    seriesInstanceUid: string,
    signal?: AbortSignal,
  ): AsyncIterable<RetrievedInstance> {
    for (const i of await this.listInstances(studyInstanceUid, seriesInstanceUid)) {
      signal?.throwIfAborted();
      yield { sopInstanceUid: i.sopInstanceUid, bytes: await this.store.readInstanceBytes(i.sopInstanceUid) };
    }
  }

  async storeInstances(
    instances: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
    signal?: AbortSignal,
  ): Promise<StoreReport> {
    const stored: string[] = [];
    const failed: StoreReport['failed'][number][] = [];
    let n = 0;
    for await (const bytes of instances) {
      signal?.throwIfAborted();
      n++;
      try {
        // Storing identical bytes again is a no-op ("exists"): retries never duplicate.
        stored.push((await this.store.storeInstance(bytes, `adapter store #${n}`)).sopInstanceUid);
      } catch (e) {
        if (!(e instanceof PacsError)) throw e;
        failed.push({
          sopInstanceUid: typeof e.details.sopInstanceUid === 'string' ? e.details.sopInstanceUid : undefined,
          reason: e.message,
          code: e.code,
        });
      }
    }
    return { stored, failed, warnings: [] };
  }

  async close(): Promise<void> {
    // Borrowed store: its owner closes it.
  }
}
