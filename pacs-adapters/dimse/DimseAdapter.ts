import { createLogger } from '../../common/index.js';
import { pacsError } from '../errors.js';
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
} from '../pacs/PacsAdapter.js';
import { cEcho, type EchoResult } from './cEcho.js';
import { cFind } from './cFind.js';
import { cGetSeries } from './cGetSeries.js';
import { cMoveSeries } from './cMoveSeries.js';
import { cStoreAll } from './cStore.js';
import type { DimseConfig, ResolvedDimseConfig } from './DimseConfig.js';
import type { DimseContext } from './DimseContext.js';
import type { Elements } from './elementValues.js';
import { MoveDestination } from './MoveDestination.js';
import { factsIdentifier, instanceIdentifier, paging, seriesIdentifier, studyIdentifier } from './queries.js';
import { resolveDimseConfig } from './resolveDimseConfig.js';
import {
  compareInstances,
  compareSeries,
  compareStudies,
  toInstanceRef,
  toSeriesFacts,
  toSeriesSummary,
  toStudySummary,
} from './toSummaries.js';

/**
 * A PACS reached over DIMSE (DICOM upper layer, PS3.7/PS3.8): C-ECHO, C-FIND (Study Root), C-GET or C-MOVE,
 * C-STORE. Each operation opens its own association and releases it when done; nothing stays connected between
 * calls, so there is no idle association to time out and `close()` only has to stop work in flight (and the
 * C-MOVE SCP).
 * @example
 * const pacs = new DimseAdapter({ callingAet: 'GSDIFF', peer: { aet: 'ORTHANC', host: '127.0.0.1', port: 4242 }, logger });
 * for await (const { bytes } of pacs.retrieveSeries(studyUid, seriesUid)) await stage.add(bytes, 'pacs');
 * await pacs.close();
 */
export class DimseAdapter implements PacsAdapter {
  readonly name: string;
  readonly config: ResolvedDimseConfig;
  readonly #ctx: DimseContext;
  readonly #closer = new AbortController();
  readonly #move: MoveDestination | undefined;

  /** @throws PACS_ERR_CONFIG naming the field */
  constructor(config: DimseConfig) {
    this.config = resolveDimseConfig(config);
    const { peer } = this.config;
    this.name = `dimse ${peer.aet}@${peer.host}:${peer.port}`;
    const log = (config.logger ?? createLogger('silent')).child({
      module: 'pacs-adapters/dimse',
      peer: `${peer.aet}@${peer.host}:${peer.port}`,
    });
    this.#ctx = { config: this.config, log, closed: this.#closer.signal };
    this.#move = this.config.retrieve.mode === 'move' ? new MoveDestination(this.#ctx) : undefined;
  }

  /**
   * C-ECHO: the peer is reachable and accepts our association.
   * @throws PACS_ERR_UNREACHABLE, PACS_ERR_TIMEOUT, PACS_ERR_DIMSE_ASSOCIATION, PACS_ERR_DIMSE_STATUS
   */
  echo(signal?: AbortSignal): Promise<EchoResult> {
    return cEcho(this.#ctx, signal);
  }

  /**
   * STUDY-level C-FIND. Matching is the peer's: exact, or wildcard (* ?) on patientId / accessionNumber; studyDate
   * a date or range; modality against ModalitiesInStudy. Sorted by StudyDate then UID; limit/offset after sorting.
   * @throws PACS_ERR_BAD_ATTRIBUTE (bad query value), PACS_ERR_DIMSE_TOO_MANY_MATCHES, and the C-FIND errors
   */
  async searchStudies(query: StudyQuery = {}, signal?: AbortSignal): Promise<StudySummary[]> {
    const { limit, offset } = paging(query);
    const matches = await cFind(this.#ctx, studyIdentifier(query), signal);
    const studies = this.#mapped(matches, toStudySummary, 'STUDY').sort(compareStudies);
    return studies.slice(offset, offset + limit);
  }

  /** SERIES-level C-FIND within a study; sorted by SeriesNumber then UID. */
  async searchSeries(
    studyInstanceUid: string,
    query: SeriesQuery = {},
    signal?: AbortSignal,
  ): Promise<SeriesSummary[]> {
    const { limit, offset } = paging(query);
    const matches = await cFind(this.#ctx, seriesIdentifier(studyInstanceUid, query), signal);
    const series = this.#mapped(matches, (e) => toSeriesSummary(e, studyInstanceUid), 'SERIES').sort(compareSeries);
    return series.slice(offset, offset + limit);
  }

  /** IMAGE-level C-FIND of one series; sorted by InstanceNumber then UID. Unknown series: []. */
  async listInstances(
    studyInstanceUid: string,
    seriesInstanceUid: string,
    signal?: AbortSignal,
  ): Promise<InstanceRef[]> {
    const matches = await cFind(this.#ctx, instanceIdentifier(studyInstanceUid, seriesInstanceUid), signal);
    return this.#mapped(matches, (e) => toInstanceRef(e, studyInstanceUid, seriesInstanceUid), 'IMAGE').sort(
      compareInstances,
    );
  }

  /**
   * Facts of the series' first instance (lowest InstanceNumber): two IMAGE-level C-FINDs, one listing the series
   * from the peer's index, one asking that instance for SOPClassUID, Modality, SeriesDescription,
   * ConvolutionKernel, CTDIvol and ImageType. What comes back is the peer's choice: Orthanc 1.10 answers all of
   * them, reading the non-indexed ones (kernel, CTDIvol, ImageType) from the stored file; absent or empty
   * attributes are left undefined.
   * @throws PACS_ERR_NOT_FOUND when the series has no instance at the peer
   */
  async seriesFacts(studyInstanceUid: string, seriesInstanceUid: string, signal?: AbortSignal): Promise<SeriesFacts> {
    const [first] = await this.listInstances(studyInstanceUid, seriesInstanceUid, signal);
    const notFound = () =>
      pacsError(
        'PACS_ERR_NOT_FOUND',
        `seriesFacts: series ${seriesInstanceUid} of study ${studyInstanceUid}: expected at least one instance at ${this.name}, got none`,
        { studyInstanceUid, seriesInstanceUid },
      );
    if (!first) throw notFound();
    const [facts] = await cFind(
      this.#ctx,
      factsIdentifier(studyInstanceUid, seriesInstanceUid, first.sopInstanceUid),
      signal,
    );
    if (!facts) throw notFound();
    return toSeriesFacts(facts);
  }

  /**
   * Streams the series instance by instance (C-GET, or C-MOVE to our SCP; see DimseRetrieve). At most
   * retrieveBufferSize instances wait for the consumer; breaking out of the loop aborts the association.
   * @throws PACS_ERR_DIMSE_STATUS after the instances that arrived when the peer reports failed sub-operations
   */
  retrieveSeries(
    studyInstanceUid: string,
    seriesInstanceUid: string,
    signal?: AbortSignal,
  ): AsyncIterable<RetrievedInstance> {
    if (this.#move) return cMoveSeries(this.#ctx, this.#move, studyInstanceUid, seriesInstanceUid, signal);
    return cGetSeries(this.#ctx, studyInstanceUid, seriesInstanceUid, signal);
  }

  /** C-STORE each instance; per-instance outcomes (see cStoreAll). */
  storeInstances(
    instances: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
    signal?: AbortSignal,
  ): Promise<StoreReport> {
    return cStoreAll(this.#ctx, instances, signal);
  }

  /** Aborts operations in flight (they reject with PACS_ERR_CLOSED), stops the C-MOVE SCP. Idempotent. */
  async close(): Promise<void> {
    if (!this.#closer.signal.aborted) {
      this.#closer.abort(pacsError('PACS_ERR_CLOSED', `${this.name}: closed`, { adapter: this.name }));
    }
    await this.#move?.stop();
  }

  #mapped<T>(matches: readonly Elements[], map: (e: Elements) => T | undefined, level: string): T[] {
    const out: T[] = [];
    for (const m of matches) {
      const v = map(m);
      if (v !== undefined) out.push(v);
    }
    if (out.length < matches.length) {
      this.#ctx.log.warn({ level, dropped: matches.length - out.length }, 'dimse: C-FIND matches without their UID');
    }
    return out;
  }
}
